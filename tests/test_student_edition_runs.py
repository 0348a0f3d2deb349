"""The student edition runs top to bottom with every placeholder unanswered.

Each exercise's check ends in a one-line "not answered yet" (or, where the exercise cell holds code
to fix, "not right yet"), and no other cell fails; no cell prints a Brian2 warning that is not part
of the lesson, and no check cell shows more than its one line (tests/_notebook_kernel.py's
``output_problems``). The run read is nbgrader's autograding of the untouched release
(tests/_grade_check.py), which tests/test_grading_round_trip.py checks is the student edition cell
by cell: one execution serves both. That no check leaves a name behind when unanswered is judged
where the kernel can be asked, in the exercises' trials (tests/test_modelling_exercises.py: each
exercise is tried unanswered, as it stands in the student edition, in a copy of the kernel).
"""

import json
from pathlib import Path

import nbformat
import pytest
from _grade_check import each_check
from _notebook_kernel import output_problems, tags

pytestmark = pytest.mark.notebooks  # executes notebooks (nbgrader's round trip, shared)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", each_check(NOTEBOOKS))
def test_student_edition_runs_unanswered(path, grade_check):
    check = grade_check(path)
    executed = check.notebook("autograded", "blank")
    assert executed.exists(), check.result.stdout + check.result.stderr
    nb = nbformat.read(executed, as_version=4)
    problems = output_problems(nb, path.stem)
    assert not problems, "\n".join(problems)
    errors = {
        k: o
        for k, c in enumerate(nb.cells)
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    }
    for k, error in errors.items():
        assert "raises-exception" in tags(nb.cells[k]), (
            f"{path.name} cell {k} failed: {error.ename}: {error.evalue}"
        )
        if "check" in tags(nb.cells[k]):  # (the others show a unit error on purpose)
            assert error.ename in ("NotAnswered", "WrongAnswer"), (k, error.ename, error.evalue)
            assert len(error.traceback) == 1, f"cell {k}: not one line: {error.traceback}"
    for k, cell in enumerate(nb.cells):
        if "exercise" not in tags(cell):
            continue
        check_cell = next(j for j in range(k + 1, len(nb.cells)) if "check" in tags(nb.cells[j]))
        expected = "NotAnswered" if "..." in cell.source else "WrongAnswer"
        assert check_cell in errors and errors[check_cell].ename == expected, (
            f"{path.name}: the check (cell {check_cell}) of the exercise in cell {k} should end "
            f"in {expected}, got {errors.get(check_cell) and errors[check_cell].ename}"
        )
        print(f"{path.stem} cell {check_cell}: {errors[check_cell].traceback[0]}")
    json.dumps(nb)  # the executed notebook is still valid JSON
