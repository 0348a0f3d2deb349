"""The student edition runs top to bottom with every placeholder unanswered.

Each exercise's check ends in a one-line "not answered yet" (or, where the exercise cell holds code
to fix, "not right yet"), and no other cell fails; no cell prints a Brian2 warning that is not part
of the lesson, and no check cell leaves a name behind or shows more than its one line
(tests/_notebook_kernel.py's run_cells). Executes every notebook (about as long as the nbval run).
"""

import json
from pathlib import Path

import nbformat
import pytest
from _notebook_kernel import client_for, run_cells

from tools import student_edition

pytestmark = pytest.mark.notebooks  # executes notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def tags(cell):
    return cell.metadata.get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_student_edition_runs_unanswered(path, tmp_path):
    student_edition.write_edition(tmp_path, [path], log=lambda line: None)
    nb = nbformat.read(tmp_path / path.name, as_version=4)
    client = client_for(nb, tmp_path / path.name)
    with client.setup_kernel():
        problems = run_cells(client, nb, path.stem, nbval_rule=False)
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
