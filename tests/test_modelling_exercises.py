"""Every exercise's check judges the answer: blank, wrong and right ones.

The exercises and their misconception catalogues (tests/misconceptions/NN.py, the wrong models of
tests/wrong_models/) are described in tests/_exercise_catalogue.py. A wrong answer's check must
fail with a one-line WrongAnswer (or NotAnswered) whose message contains the case's hint (None: any
message); a right answer's check must pass and show no value; a case's fifth item, ``says``, is
what the answer's own cell must show: a Brian2 error raised there, in one line containing ``says``
(the notebook's setup cell asked for that with ``lu.short_brian2_errors()``).

Each notebook is executed once, in one kernel, in order, and that execution is also the clean run
of tests/test_notebook_runs.py (tests/_notebook_kernel.py, whose problems, such as a Brian2
warning or a check cell that shows a value or leaves a name behind, fail this test too). Just
before an exercise's solution cell, each trial runs in its own copy of the kernel (``os.fork``
inside it: the notebook's state up to there, thrown away after the trial): the check with the
placeholders (it must say "not answered yet"), then per case the case's code, the given cells
between solution and check, and the check. So each case starts from the state the exercise cell
left, and a case whose cell fails part-way is judged on its own objects, never on another case's
(nor can a bare run() without start_scope() simulate them). The notebook then goes on with the
solution, whose check must pass. Trying many answers in copies of one kernel costs a few
simulations each instead of one notebook execution per answer.

The run uses the environment's seed and target (the default seed 2718 unless BRIAN_LABS_SEED says
otherwise; CI's `matrix --quick` runs every notebook under seed 1 too), and every other cell must
pass too (a ``raises-exception`` cell must raise).
"""

from pathlib import Path

import nbformat
import pytest
from _exercise_catalogue import (
    END,
    REPLACE,
    WITH,
    apply_edits,
    cases_of,
    exercises_of,
    load,
    trials_of,
)
from _notebook_kernel import (
    SHARED_BY_CHECKS,
    NotebookRun,
    assigned_names,
    changes_in_words,
    each_run,
    notebook_run,
)

pytestmark = pytest.mark.notebooks  # executes notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_assigned_names_finds_every_top_level_binding():
    code = """%matplotlib inline
import numpy as np, os.path
from math import pi as PI, tau
from brian2 import *
a = b, (c, *d) = 1, (2, 3)
e += 1
f: int = 2
g.x = h[0] = 3
for i, j in []:
    k = 1
with open("x") as (m, n), open("y"):
    pass
def func(arg):
    inner = arg
class Klass:
    attribute = 1
lam = lambda p: p
squares = [q * q for q in range(3) if (r := q)]
if True:
    s = 1
try:
    pass
except ValueError as err:
    t2 = 1
print(u)
"""
    assert assigned_names(code) == {
        *"np os PI tau a b c d e f i j k m n func Klass lam squares r s err t2".split()
    }


def test_apply_edits_replaces_each_block_once():
    solution = "a = 1\nb = 2\nc = 3\n"
    edits = (
        f"# wrong: b\n{REPLACE}\nb = 2\n{WITH}\nb = -2\n{END}\n{REPLACE}\nc = 3\n{WITH}\n{END}\n"
    )
    assert apply_edits(solution, edits) == "a = 1\nb = -2\n"
    with pytest.raises(AssertionError, match="occurs 0 times"):
        apply_edits(solution, f"{REPLACE}\nd = 4\n{WITH}\n{END}\n")


def test_every_exercise_has_a_catalogue_of_wrong_and_right_answers():
    missing = []
    for path in NOTEBOOKS:
        nb = load(path)
        exercises, cases = exercises_of(nb), cases_of(path, nb)
        assert set(cases) <= set(exercises), f"{path.name}: cases for no exercise: {set(cases)}"
        for heading in exercises:
            verdicts = {verdict for verdict, *_ in cases.get(heading, [])}
            if verdicts != {"wrong", "right"}:
                missing.append(f"{path.name} {heading}: needs wrong and right answers")
            for verdict, label, code, _hint, *says in cases.get(heading, []):
                assert len(says) <= 1, (path.name, heading, label)
                assert verdict in ("wrong", "right"), (path.name, heading, label)
                assert isinstance(code, (str, list)), (path.name, heading, label)
    assert not missing, "\n".join(missing)


def shown_in_one_line(says, error):
    """What is wrong with the error the student's own cell showed, or None (one line, ``says``)."""
    if error is None:
        return "raised nothing"
    if len(error["traceback"]) != 1 or says not in error["traceback"][0]:
        return f"did not show one line saying {says!r}: {error['traceback'][-1][:300]}"
    return None


def test_shown_in_one_line_reads_the_cells_error():
    one = {"ename": "BrianObjectException", "evalue": "...", "traceback": ["X: no connect()"]}
    assert shown_in_one_line("no connect()", one) is None
    assert shown_in_one_line("units", one).startswith("did not show one line saying 'units'")
    assert shown_in_one_line("x", dict(one, traceback=["a", "x"])).startswith("did not show")
    assert shown_in_one_line("x", None) == "raised nothing"


def judge(verdict, hint, error):
    """What is wrong with a check's outcome for a case, or None."""
    if verdict == "right":
        return (
            None
            if error is None
            else f"a right answer failed: {error['ename']}: {error['evalue']}"
        )
    if error is None:
        return "a wrong answer passed"
    if error["ename"] not in ("WrongAnswer", "NotAnswered") or len(error["traceback"]) != 1:
        return f"not a one-line hint: {error['ename']}: {error['evalue']}"
    if hint is not None and hint not in error["evalue"]:
        return f"the message does not say {hint!r}: {error['evalue']}"
    return None


def counts():
    """Catalogue cases per notebook (wrong, right), for the report."""
    result = {}
    for path in NOTEBOOKS:
        cases = [c for found in cases_of(path, load(path)).values() for c in found]
        result[path.stem] = (
            sum(v == "wrong" for v, *_ in cases),
            sum(v == "right" for v, *_ in cases),
        )
    return result


def judge_trial(what, results):
    """What is wrong with a trial's outcome (tests/_notebook_kernel.py's results), or None."""
    if "broken" in results:
        return f"the trial could not run: {results['broken']}"
    check = results[-1]
    if what[0] == "blank":
        blank, expected = check["error"], what[2]
        if problem := next((r["error"] for r in results[:-1] if r["error"]), None):
            return f"unanswered, a given cell raised {problem['ename']}: {problem['evalue']}"
        if blank is None or blank["ename"] != expected or len(blank["traceback"]) != 1:
            return f"unanswered, the check gave {blank}, not a one-line {expected}"
        if expected == "NotAnswered" and "not answered yet" not in blank["evalue"]:
            return f"with the placeholders the check said {blank['evalue']!r}"
        return None
    verdict, _heading, _label, hint, says = what
    # a wrong answer may fail in its own cell, as the student's cell would; a right one not
    answered = results[0]["error"]
    if says and (problem := shown_in_one_line(says, answered)):
        return f"its cell {problem}"
    if verdict == "right" and answered:
        return f"the answer itself raised {answered['ename']}: {answered['evalue']}"
    problem = judge(verdict, hint, check["error"])
    if problem is None and verdict == "right" and check["shown"] is not None:
        return "the check showed a value"
    return problem


def names_problem(notebook, check, results):
    """What a trial's check left in the namespace (as run_cells judges a check cell), or None.

    A check binds, rebinds and deletes no name of the student's (but those SHARED_BY_CHECKS
    allows); one that failed stopped before it deleted its own new names, so only rebinding and
    deleting count then.
    """
    if "broken" in results:
        return None  # judge_trial says why
    changes = results[-1]["names"]
    allowed = SHARED_BY_CHECKS.get(notebook, {}).get(check.get("id"), ())
    if results[-1]["error"]:  # it stopped where it failed: its new names wait for a rerun
        allowed = changes["new"]
    left = changes_in_words(changes, allowed)
    return f"the check left names: {left}" if left else None


@pytest.mark.parametrize("path", each_run(NOTEBOOKS))
def test_checks_judge_blank_wrong_and_right_answers(path):
    run = notebook_run(path)
    assert run.trials_error is None, f"the catalogue cannot be tried: {run.trials_error}"
    problems = list(run.problems)  # the notebook's own cells (tests/_notebook_kernel.py run_cells)
    exercises = exercises_of(run.nb)
    for index, tried in trials_of(path, run.nb).items():
        if index not in run.trials:
            problems.append(f"cell {index}: not reached, its exercise's answers not tried")
            continue
        for (what, _codes), results in zip(tried, run.trials[index], strict=True):
            check = run.nb.cells[exercises[what[1]]["check"]]
            problem = judge_trial(what, results) or names_problem(path.stem, check, results)
            if problem:
                label = what[1] if what[0] == "blank" else f"{what[1]} [{what[0]}] {what[2]}"
                problems.append(f"{label}: {problem}")
    assert not problems, "\n".join(problems)


def test_trials_run_in_copies_of_the_kernel_that_leave_it_as_it_was(tmp_path):
    cells = [  # OneLine stands in for labutils' one-line errors
        "x = 1\nclass OneLine(Exception):\n    def _render_traceback_(self):\n"
        "        return ['OneLine: ' + str(self)]",
        "x",
        "x + 1",
        "x + 2",
    ]
    path = tmp_path / "tiny.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbformat.write(notebook, path)
    tries = [
        ["x = 2", "x"],  # changes its copy's state, shows a value
        ["x;", "raise OneLine('not right yet')"],  # shows nothing; a one-line error
        ["1/0", "x"],  # an ordinary traceback; its copy holds the notebook's x, not the first's
        ["y = 3", "z = 4\ndel x"],  # the namespace around the last cell (the check) is reported
    ]
    dies, hangs = [["import os\nos._exit(3)"]], [["import time\ntime.sleep(60)"]]
    run = NotebookRun(path, {1: tries, 2: dies, 3: hangs}, trial_timeout=5)
    assert not run.problems
    two, one_line, division, names = run.trials[1]
    assert names[-1].pop("names") == {"new": ["z"], "rebound": [], "deleted": ["x"]}
    assert division[-1].pop("names") == {"new": [], "rebound": [], "deleted": []}
    for results in (two, one_line):
        results[-1].pop("names")
    assert two == [{"error": None, "shown": None}, {"error": None, "shown": "2"}]
    assert one_line[0] == {"error": None, "shown": None}
    assert one_line[1]["error"]["traceback"] == ["OneLine: not right yet"]
    assert division[0]["error"]["ename"] == "ZeroDivisionError"
    assert len(division[0]["error"]["traceback"]) > 1
    assert division[1] == {"error": None, "shown": "1"}
    assert "ended without a result" in run.trials[2][0]["broken"]
    assert "no result within" in run.trials[3][0]["broken"]
    # the notebook went on with its own x, and its own execution counts
    shown = [cell.outputs[0] for cell in run.nb.cells[1:]]
    assert [o["data"]["text/plain"] for o in shown] == ["1", "2", "3"]
    assert [o["execution_count"] for o in shown] == [2, 3, 4]


def test_each_case_starts_from_the_exercise_cells_state(tmp_path):
    """Neither a check nor Brian2's run() sees what another case left: each has its own copy."""
    group = "NeuronGroup(1, 'dv/dt = -v / (10*ms) : 1')"
    case_a = f"start_scope()\nG = {group}\nM = StateMonitor(G, 'v', record=0)\nrun(1 * ms)\nM"
    case_b = f"H = {group}\nrun(1 * ms)\nG"  # no start_scope(): run() collects what names hold
    failing = f"start_scope()\nG = {group}\nG.v = [1, 2, 3]\nM = StateMonitor(G, 'v', record=0)"
    shown = "sorted(type(o).__name__ for o in collect()), type(M).__name__"
    setup = "from brian2 import *\nprefs.codegen.target = 'numpy'\nM = ...  # a placeholder"
    path = tmp_path / "cases.ipynb"
    cells = [nbformat.v4.new_code_cell(code) for code in (setup, shown)]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    tries = [
        [case_a, shown],
        [case_a, case_b],  # the leak, had both cases one state: run() meets case_a's objects
        [case_b],
        [failing, "len(G), M"],
    ]
    run = NotebookRun(path, {1: tries})
    assert not run.problems, run.problems
    for results in run.trials[1]:
        results[-1].pop("names")
    (_, a_shown), (_, leak), (b,), (failed, judged) = run.trials[1]
    assert a_shown == {"error": None, "shown": "(['NeuronGroup', 'StateMonitor'], 'StateMonitor')"}
    assert leak["error"]["ename"] == "MagicError"
    assert (b["error"]["ename"], b["error"]["evalue"]) == ("NameError", "name 'G' is not defined")
    assert failed["error"]["ename"] == "ValueError"
    # the failed case's check sees its own G and the placeholder M, not case_a's monitor
    assert judged == {"error": None, "shown": "(1, Ellipsis)"}
    # and the notebook's own kernel saw none of it
    assert run.nb.cells[1].outputs[0]["data"]["text/plain"] == "([], 'ellipsis')"


def test_only_the_exercise_cells_own_objects_may_warn_as_the_solution_replaces_them(tmp_path):
    """The instructor edition runs the exercise cell, then its solution.

    The exercise cell's objects, never run, are deleted with a warning that is excused; any other
    object's warning is a problem.
    """
    group = "NeuronGroup(1, 'dv/dt = -v / (10*ms) : 1')"
    setup = "from brian2 import *\nprefs.codegen.target = 'numpy'"
    exercise = f"G = {group}  # the placeholder model"
    solution = f"G = {group}\nrun(1 * ms)"
    unused = f"G = {group}\nNeuronGroup(2, 'v : 1', name='never_kept');\nrun(1 * ms)"

    def problems_with(solution_code):
        cells = [nbformat.v4.new_code_cell(setup), nbformat.v4.new_code_cell(exercise)]
        cells[1].metadata["tags"] = ["exercise"]
        cells += [
            nbformat.v4.new_code_cell(solution_code),
            nbformat.v4.new_code_cell("assert G.v[0] == 0"),
        ]
        cells[3].metadata["tags"] = ["check"]
        path = tmp_path / "exercise.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
        run = NotebookRun(path)
        replaced = "".join(o.get("text", "") for o in run.nb.cells[2].outputs)
        assert "The object 'neurongroup' is getting deleted" in replaced  # the warning happened
        return run.problems

    assert problems_with(solution) == []
    (problem,) = problems_with(unused)
    assert problem.startswith("cell 2 printed a Brian2 warning: WARNING The object 'never_kept'")
