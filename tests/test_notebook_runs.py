"""Each notebook's run: every cell passes, and the executed notebook is kept for the site.

Each notebook is executed once, in one kernel, in order, with nbclient, in the environment's
seed and target (the default seed 2718 and numpy unless BRIAN_LABS_SEED / BRIAN_LABS_TARGET say
otherwise). Every cell must pass, and a cell tagged ``raises-exception`` must raise: the check
nbval makes (tools/matrix.py runs nbval for the other seeds and targets). The exercises' checks
against blank, wrong and right answers are tests/test_modelling_exercises.py's.

The run with every cell passing, in the default seed and target, is written to
``_build/executed/<name>.ipynb`` (nbformat) with the digest of the stored notebook it came from:
``python3 course.py site`` renders those copies instead of executing the notebooks again.
"""

import hashlib
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.notebooks  # executes notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXECUTED = ROOT / "_build" / "executed"  # read by site/build.py


def error_of(cell):
    """``(ename, evalue)`` of the first error a cell raised, or None."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output["ename"], output["evalue"]
    return None


def source_digest(path):
    """sha256 of a stored notebook file, as recorded in its executed copy (site/build.py)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def keep_for_the_site(path, nb):
    """Write the executed notebook where site/build.py looks for it, with the source's digest."""
    nb.metadata["brian_labs"] = {"source_sha256": source_digest(path)}
    EXECUTED.mkdir(parents=True, exist_ok=True)
    temporary = EXECUTED / f".{path.name}.{os.getpid()}"
    nbformat.write(nb, str(temporary))
    os.replace(temporary, EXECUTED / path.name)


def default_settings():
    """Whether the run uses the course's default seed and target (the site shows those)."""
    return not os.environ.keys() & {"BRIAN_LABS_SEED", "BRIAN_LABS_TARGET"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_passes(path):
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    problems = []
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, index)
            error = error_of(cell)
            must_raise = "raises-exception" in cell.metadata.get("tags", [])
            if error and not must_raise:
                problems.append(f"cell {index} raised {error}")
                break
            if must_raise and not error:
                problems.append(f"cell {index} (tag raises-exception) raised nothing")
    assert not problems, "\n".join(problems)
    if default_settings():
        keep_for_the_site(path, nb)
