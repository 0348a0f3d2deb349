"""Every exercise's check judges the answer: blank, wrong and right ones, one kernel per notebook.

An exercise is an exercise cell (tag ``exercise``, placeholders ``...``) under a ``## Exercise N``
heading, its worked solution (the next cell tagged ``solution``) and its check (the next cell
tagged ``check`` after the solution that calls ``lu.check_answer``, ``lu.require_answer(s)`` or
``lu.passed``). Its misconception catalogue holds the answers a student is
likely to give:

- ``tests/misconceptions/NN.py``: ``CASES = {"Exercise N": [(verdict, label, code, hint), ...]}``,
  ``verdict`` "wrong" or "right"; ``code`` replaces the solution cell (a str), or edits it (a list
  of ``(old, new)`` pairs, each old text occurring once); a wrong answer's check must fail with a
  one-line WrongAnswer (or NotAnswered) whose message contains ``hint`` (None: any message); a
  right answer's check must pass. A fifth item, ``says``, is what the answer's own cell must show:
  a Brian2 error raised there, in one line containing ``says`` (the notebook's setup cell asked
  for that with ``lu.short_brian2_errors()``).
- ``tests/wrong_models/<id>*.edit`` and ``<id>*.py``: wrong models of a modelling exercise (cells
  with metadata ``brian_labs.exercise`` = id), stated as edits of the solution or a whole
  replacement; each must make the check fail with a one-line WrongAnswer.

Each notebook is executed once, in one kernel, in order. Just before an exercise's solution cell,
the check is run with the placeholders (it must say "not answered yet"), then after each case (the
case's code, then the given cells between solution and check, then the check); each case starts
from the state the exercise cell left (the names the solution, the given cells, the check and the
cases assign get back the values they had then, or are deleted), so a case whose cell fails
part-way is judged on its own objects, never on the previous case's; then those names are
deleted and the notebook goes on with the solution, whose check must pass. A check cell must show
no value (no stray ``True``), and no given or check cell may print a Brian2 warning. Trying many
answers in one kernel costs a few simulations each instead of one notebook execution per answer.

The run uses the environment's seed and target (the default seed 2718 unless BRIAN_LABS_SEED says
otherwise; CI's `matrix --quick` runs every notebook under seed 1 too), and every other cell must
pass too (a ``raises-exception`` cell must raise). The clean run that the site shows is
tests/test_notebook_runs.py's: here the kernel has tried answers before each solution.
"""

import json
import re
import runpy
from pathlib import Path

import pytest
from _notebook_kernel import (
    assigned_names,
    client_for,
    error_output,
    outcome_problem,
    warning_problem,
)

pytestmark = pytest.mark.notebooks  # executes notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WRONG_MODELS = ROOT / "tests" / "wrong_models"
CATALOGUE = ROOT / "tests" / "misconceptions"
HEADING = re.compile(r"^## Exercise (\d+)\b", re.M)
JUDGES = re.compile(r"lu\.(check_answer|require_answers?|passed)\(")  # an exercise's check

# IPython keeps the last error (and through it the failed answer's Brian2 objects) until the next
COLLECT = """import gc, sys
sys.last_type = sys.last_value = sys.last_traceback = sys.last_exc = None
gc.collect()"""

REPLACE, WITH, END = "# <<< replace", "# === with", "# >>>"

# Each case starts from the state the student has after running the exercise cell (the state the
# blank check was judged on), whatever the previous case left: the names the exercise's cells and
# cases assign go back to the values they had then, or are deleted if they had none. Without this,
# a case whose cell fails part-way would be judged on the previous case's objects (and a bare run()
# without start_scope() would simulate them: Brian2 collects every object a global name holds).
CASE_START = "_brian_labs_case_start"  # the kernel's copy of those values (not a Brian2 object)


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


def case_start_code(names):
    """Kernel code that keeps the values ``names`` have now (those bound) for each case's start."""
    return f"{CASE_START} = {{n: v for n, v in globals().items() if n in {sorted(names)!r}}}"


def reset_code(names):
    """Kernel code that puts ``names`` back as :func:`case_start_code` kept them.

    A name bound then gets its value back; one not bound then is deleted. IPython's output history
    (``_``, ``_12``, which a cell ending in a Brian2 object fills) is emptied too, and the garbage
    collected, so no object of the previous case is left for Brian2's ``run()`` to collect.
    """
    return (
        f"[globals().pop(_name, None) for _name in {sorted(names)!r}]\n"
        f"globals().update({CASE_START})\n"
        "get_ipython().displayhook.flush()  # also collects the garbage"
    )


def apply_edits(solution, edits):
    """The solution cell's code with a ``.edit`` file's replacements applied.

    A ``.edit`` file states a wrong model as its differences from the solution: comment lines (what
    is wrong), then blocks of ``# <<< replace`` / old lines / ``# === with`` / new lines /
    ``# >>>``.
    Each old text must occur exactly once in the solution.
    """
    result = solution if solution.endswith("\n") else solution + "\n"
    lines, k = edits.splitlines(keepends=True), 0
    pairs = []
    while k < len(lines):
        if lines[k].rstrip("\n") != REPLACE:
            k += 1
            continue
        w = next(j for j in range(k, len(lines)) if lines[j].rstrip("\n") == WITH)
        e = next(j for j in range(w, len(lines)) if lines[j].rstrip("\n") == END)
        pairs.append(("".join(lines[k + 1 : w]), "".join(lines[w + 1 : e])))
        k = e + 1
    return replace_once(result, pairs)


def replace_once(source, pairs):
    """``source`` with each ``(old, new)`` applied; each old text must occur exactly once."""
    for old, new in pairs:
        assert source.count(old) == 1, f"the text to replace occurs {source.count(old)} times"
        source = source.replace(old, new)
    return source


def answer_of(solution, code):
    """A case's answer cell: ``code`` itself, or the solution with ``code``'s edits applied."""
    return replace_once(solution, code) if isinstance(code, list) else code


def test_apply_edits_replaces_each_block_once():
    solution = "a = 1\nb = 2\nc = 3\n"
    edits = (
        f"# wrong: b\n{REPLACE}\nb = 2\n{WITH}\nb = -2\n{END}\n{REPLACE}\nc = 3\n{WITH}\n{END}\n"
    )
    assert apply_edits(solution, edits) == "a = 1\nb = -2\n"
    with pytest.raises(AssertionError, match="occurs 0 times"):
        apply_edits(solution, f"{REPLACE}\nd = 4\n{WITH}\n{END}\n")


def end_code(names):
    """Kernel code that deletes ``names`` and the values :func:`case_start_code` kept."""
    return f"[globals().pop(_name, None) for _name in {sorted(names)!r}]\ndel {CASE_START}"


def test_each_case_starts_from_the_exercise_cells_state_in_a_kernel(tmp_path):
    """Neither a check nor Brian2's run() sees what the previous case left, once reset_code ran."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    client = client_for(nb, tmp_path / "cases.ipynb")
    group = "NeuronGroup(1, 'dv/dt = -v / (10*ms) : 1')"
    case_a = f"start_scope()\nG = {group}\nM = StateMonitor(G, 'v', record=0)\nrun(1 * ms)\nM"
    case_b = f"H = {group}\nrun(1 * ms)\nG"  # no start_scope(): run() collects what names hold
    failing = f"start_scope()\nG = {group}\nG.v = [1, 2, 3]\nM = StateMonitor(G, 'v', record=0)"
    names = assigned_names(case_a) | assigned_names(case_b) | assigned_names(failing)
    shown = "print(sorted(type(o).__name__ for o in collect()), M)"

    def run(code):
        cell = nbformat.v4.new_code_cell(code)
        client.execute_cell(cell, 0)
        error = error_output(cell)
        text = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
        return f"{error['ename']}: {error['evalue']}" if error else text.strip()

    with client.setup_kernel():
        nb.cells.append(nbformat.v4.new_code_cell())  # execute_cell puts each cell here
        run("from brian2 import *\nprefs.codegen.target = 'numpy'\nM = ...  # a placeholder")
        run(case_start_code(names))
        run(case_a)
        assert run(shown).startswith("['NeuronGroup', 'StateMonitor'] <StateMonitor")
        # the leak: a case without start_scope() would simulate the previous case's objects
        assert "MagicError" in run(case_b)
        run(reset_code(names))
        assert run(shown) == "[] Ellipsis"  # nor M, nor IPython's _ holding it: all gone
        assert run(case_b) == "NameError: name 'G' is not defined"
        run(reset_code(names))
        run(case_a)
        run(reset_code(names))
        assert run(failing).startswith("ValueError")
        # the failed case's check sees its own G and the placeholder M, not case_a's monitor
        assert run("print(len(G), M)") == "1 Ellipsis"
        run(end_code(names))
        assert run(f"print(sorted({{*globals()}} & {{'G', 'H', 'M', {CASE_START!r}}}))") == "[]"


def wrong_models(ident):
    """The wrong models of a modelling exercise: whole replacements (.py) and edits (.edit)."""
    return sorted(WRONG_MODELS.glob(f"{ident}*.py")) + sorted(WRONG_MODELS.glob(f"{ident}*.edit"))


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def source(cell):
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)


def exercises_of(nb):
    """``{"Exercise N": {"exercise": k, "solution": k, "check": k, "id": id or None}}``."""
    cells, found, heading = nb["cells"], {}, None
    for k, cell in enumerate(cells):
        if cell["cell_type"] == "markdown" and HEADING.search(source(cell)):
            heading = f"Exercise {HEADING.search(source(cell)).group(1)}"
        if cell["cell_type"] != "code" or "exercise" not in tags(cell):
            continue
        assert heading and heading not in found, f"exercise cell {k} has no heading of its own"
        solution = next(j for j in range(k + 1, len(cells)) if "solution" in tags(cells[j]))
        check = next(
            j
            for j in range(solution + 1, len(cells))
            if cells[j]["cell_type"] == "code"
            and "check" in tags(cells[j])
            and JUDGES.search(source(cells[j]))
        )
        ident = cell.get("metadata", {}).get("brian_labs", {}).get("exercise")
        found[heading] = {"exercise": k, "solution": solution, "check": check, "id": ident}
    return found


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def catalogue(path):
    """The notebook's catalogue file: ``{"Exercise N": [(verdict, label, code, hint)]}``."""
    file = CATALOGUE / f"{path.name[:2]}.py"
    return runpy.run_path(str(file))["CASES"] if file.exists() else {}


def cases_of(path, nb):
    """Every case of every exercise: ``{"Exercise N": [(verdict, label, code, hint)]}``."""
    cases = {heading: list(found) for heading, found in catalogue(path).items()}
    for heading, exercise in exercises_of(nb).items():
        solution = source(nb["cells"][exercise["solution"]])
        for wrong in wrong_models(exercise["id"]) if exercise["id"] else []:
            text = wrong.read_text(encoding="utf-8")
            code = apply_edits(solution, text) if wrong.suffix == ".edit" else text
            cases.setdefault(heading, []).append(("wrong", wrong.name, code, None))
    return cases


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


def shown_value(cell):
    return next(
        (o for o in cell.get("outputs", []) if o.get("output_type") == "execute_result"), None
    )


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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_checks_judge_blank_wrong_and_right_answers(path):
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    exercises, cases = exercises_of(nb), cases_of(path, nb)
    at_solution = {found["solution"]: heading for heading, found in exercises.items()}
    client = client_for(nb, path)
    problems = []

    def run(code, index):
        cell = nbformat.v4.new_code_cell(code)
        client.execute_cell(cell, index)
        return cell

    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if index in at_solution:
                heading = at_solution[index]
                found = exercises[heading]
                check = source(nb.cells[found["check"]])
                between = [
                    source(c)
                    for c in nb.cells[found["solution"] + 1 : found["check"]]
                    if c.cell_type == "code"
                ]
                answers = [answer_of(cell.source, case[2]) for case in cases.get(heading, [])]
                names = set().union(*map(assigned_names, [cell.source, *between, check, *answers]))
                run(case_start_code(names), index)
                if "..." in source(nb.cells[found["exercise"]]):
                    blank = error_output(run(check, index))
                    if blank is None or "not answered yet" not in blank["evalue"]:
                        problems.append(f"{heading}: with the placeholders the check gave {blank}")
                for (verdict, label, _code, hint, *says), answer in zip(
                    cases.get(heading, []), answers, strict=True
                ):
                    # a wrong answer may fail here, as the student's cell would; a right one not
                    answered = error_output(run(answer, index))
                    if says and (problem := shown_in_one_line(says[0], answered)):
                        problems.append(f"{heading} [{verdict}] {label}: its cell {problem}")
                    for given in between:
                        run(given, index)
                    outcome = run(check, index)
                    problem = judge(verdict, hint, error_output(outcome))
                    if verdict == "right" and answered:
                        problem = (
                            f"the answer itself raised {answered['ename']}: {answered['evalue']}"
                        )
                    if problem is None and verdict == "right" and shown_value(outcome):
                        problem = "the check showed a value"
                    if problem:
                        problems.append(f"{heading} [{verdict}] {label}: {problem}")
                    # the next case (and the solution) starts where this one started
                    run(reset_code(names), index)
                    # Brian2 warns when it collects the objects a failed answer left unused: the
                    # answer caused that warning, so let it show here, not in the next given cell
                    run(COLLECT, index)
                # the exercise cell's objects go too (Brian2 warns it never ran them: here, not
                # in the solution, which the clean run judges); the solution binds its own
                run(end_code(names), index)
                run(COLLECT, index)
            client.execute_cell(cell, index)
            problem, fatal = outcome_problem(cell, index)
            if problem:
                problems.append(problem)
            if fatal:
                break
            if warning := warning_problem(path.stem, cell, index):
                problems.append(warning)
            if "check" in tags(cell) and shown_value(cell):
                problems.append(f"check cell {index} shows a value: {shown_value(cell)['data']}")
    assert not problems, "\n".join(problems)
