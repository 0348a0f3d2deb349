"""Every exercise's check judges the answer: blank, wrong and right ones.

The exercises and their misconception catalogues (tests/misconceptions/NN.py, the wrong models of
tests/wrong_models/) are described in tests/_exercise_catalogue.py. A wrong answer's check must
fail with a one-line WrongAnswer (or NotAnswered) whose message contains the case's hint (None: any
message); a right answer's check must pass and show no value.

Each notebook is executed once, in one kernel, in order, and that execution is also the clean run
of tests/test_notebook_runs.py (tests/_notebook_kernel.py). Just before an exercise's solution
cell, each trial runs in a copy of the kernel (``os.fork`` inside it: the notebook's state up to
there, thrown away after the trial): the check with the placeholders (it must say "not answered
yet"), then per case the case's code, the given cells between solution and check, and the check.
The notebook then goes on with the solution, whose check must pass. A check cell must show no
value (no stray ``True``), and no given or check cell may print a Brian2 warning. Trying many
answers in copies of one kernel costs a few simulations each instead of one notebook execution
per answer.

The run uses the environment's seed and target (the default seed 2718 unless BRIAN_LABS_SEED says
otherwise; CI's `matrix --quick` runs every notebook under seed 1 too), and every other cell must
pass too (a ``raises-exception`` cell must raise).
"""

import re
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
    tags,
    trials_of,
)
from _notebook_kernel import NotebookRun, each_run, notebook_run

pytestmark = pytest.mark.notebooks  # executes notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# Cells whose Brian2 warning is part of the lesson (cell id: why).
WARNING_SHOWN = {
    "10_troubleshooting": {
        "e1192c07": "the buggy model of Exercise 1: the warning about 'v_post = w' is a clue",
    },
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
            for verdict, label, code, _hint in cases.get(heading, []):
                assert verdict in ("wrong", "right"), (path.name, heading, label)
                assert isinstance(code, (str, list)), (path.name, heading, label)
    assert not missing, "\n".join(missing)


def shown_value(cell):
    return next(
        (o for o in cell.get("outputs", []) if o.get("output_type") == "execute_result"), None
    )


def brian2_warning(cell):
    """The first Brian2 warning an executed cell printed, or None."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            found = re.search(r"WARNING .*\[brian2[^\]]*\]", output["text"], re.S)
            if found:
                return " ".join(found.group(0).split())[:300]
    return None


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
        blank = check["error"]
        if blank is None or "not answered yet" not in blank["evalue"]:
            return f"with the placeholders the check gave {blank}"
        return None
    verdict, _heading, _label, hint = what
    # a wrong answer may fail in its own cell, as the student's cell would; a right one not
    answered = results[0]["error"]
    if verdict == "right" and answered:
        return f"the answer itself raised {answered['ename']}: {answered['evalue']}"
    problem = judge(verdict, hint, check["error"])
    if problem is None and verdict == "right" and check["shown"] is not None:
        return "the check showed a value"
    return problem


@pytest.mark.parametrize("path", each_run(NOTEBOOKS))
def test_checks_judge_blank_wrong_and_right_answers(path):
    run = notebook_run(path)
    assert run.trials_error is None, f"the catalogue cannot be tried: {run.trials_error}"
    problems = list(run.problems)
    for index, tried in trials_of(path, run.nb).items():
        if index not in run.trials:
            problems.append(f"cell {index}: not reached, its exercise's answers not tried")
            continue
        for (what, _codes), results in zip(tried, run.trials[index], strict=True):
            problem = judge_trial(what, results)
            if problem:
                label = what[1] if what[0] == "blank" else f"{what[1]} [{what[0]}] {what[2]}"
                problems.append(f"{label}: {problem}")
    for index, cell in enumerate(run.nb.cells):
        if cell.cell_type != "code" or not cell.get("outputs"):
            continue
        warning = brian2_warning(cell)
        shown_on_purpose = cell.get("id") in WARNING_SHOWN.get(path.stem, {})
        if warning and not shown_on_purpose and "raises-exception" not in tags(cell):
            problems.append(f"cell {index} printed a Brian2 warning: {warning}")
        if "check" in tags(cell) and shown_value(cell):
            problems.append(f"check cell {index} shows a value: {shown_value(cell)['data']}")
    assert not problems, "\n".join(problems)


def test_trials_run_in_a_copy_of_the_kernel_that_leaves_it_as_it_was(tmp_path):
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
        ["x = 2", "x"],  # changes the copy's state, shows a value
        ["x;", "raise OneLine('not right yet')"],  # shows nothing; a one-line error
        ["1/0", "x"],  # an ordinary traceback; the copy still holds the first trial's x
    ]
    dies, hangs = [["import os\nos._exit(3)"]], [["import time\ntime.sleep(60)"]]
    run = NotebookRun(path, {1: tries, 2: dies, 3: hangs}, trial_timeout=5)
    assert not run.problems
    two, one_line, division = run.trials[1]
    assert two == [{"error": None, "shown": None}, {"error": None, "shown": "2"}]
    assert one_line[0] == {"error": None, "shown": None}
    assert one_line[1]["error"]["traceback"] == ["OneLine: not right yet"]
    assert division[0]["error"]["ename"] == "ZeroDivisionError"
    assert len(division[0]["error"]["traceback"]) > 1
    assert division[1] == {"error": None, "shown": "2"}
    assert "ended without a result" in run.trials[2][0]["broken"]
    assert "no result within" in run.trials[3][0]["broken"]
    # the notebook went on with its own x, and its own execution counts
    shown = [cell.outputs[0] for cell in run.nb.cells[1:]]
    assert [o["data"]["text/plain"] for o in shown] == ["1", "2", "3"]
    assert [o["execution_count"] for o in shown] == [2, 3, 4]
