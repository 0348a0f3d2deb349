"""The student edition runs top to bottom with every placeholder unanswered.

Each exercise's check ends in a one-line "not answered yet" (or, where the exercise cell holds code
to fix, "not right yet"), and no other cell fails.

The run is nbgrader's: the student edition is nbgrader's release (checked here, cell by cell), and
nbgrader's round trip (tests/_grade_check.py, shared with tests/test_grading_round_trip.py)
autogrades that release untouched, which executes it top to bottom in a fresh kernel of the
instructors' environment (the course's packages at the students' versions:
tests/test_locks.py). Its executed copy is judged here, so the student edition is executed once,
not once for this test and once for nbgrader.
"""

import json
from pathlib import Path

import nbformat
import pytest
from _grade_check import each_check

from tools import grading, student_edition

pytestmark = pytest.mark.notebooks  # executes notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def tags(cell):
    return cell.metadata.get("tags", [])


@pytest.mark.parametrize("path", each_check(NOTEBOOKS))
def test_student_edition_runs_unanswered(path, grade_check):
    edition = student_edition.student_notebook(
        json.loads(path.read_text(encoding="utf-8")), path.name
    )
    nb = nbformat.reads(student_edition.notebook_text(edition), as_version=4)  # as written
    check = grade_check(path)
    release, executed = check.notebook("release"), check.notebook("autograded", "blank")
    assert executed.exists(), f"nbgrader's round trip ran no blank release:\n{check.result.stdout}"
    assert not grading.edition_differences(json.loads(release.read_text("utf-8")), edition), (
        f"{path.name}: nbgrader's release is not the student edition"
    )
    # the outputs are nbgrader's execution; the cells (tags included) are the student edition's
    ran = nbformat.read(str(executed), as_version=4)
    assert [c.id for c in ran.cells] == [c.id for c in nb.cells]
    for cell, executed_cell in zip(nb.cells, ran.cells, strict=True):
        if cell.cell_type == "code":
            cell.outputs = executed_cell.outputs
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
