"""Repository-wide pytest hooks: keep each notebook as nbval executed it, for the course site.

When every code cell of a notebook in notebooks/ ran and passed in this session, with the default
seed and target (no BRIAN_LABS_SEED / BRIAN_LABS_TARGET), the notebook with those outputs is
written to ``_build/executed/<name>.ipynb`` with the digest of the stored notebook it came from.
``site/build.py`` renders such copies instead of executing the notebooks a second time, so one CI
run executes each notebook once for both the tests and the site (a copy whose digest no longer
matches the stored notebook is ignored there, and that notebook is executed again).

Markers by location, so a subset can be chosen with ``-m``: ``notebooks`` (nbval's notebook
cells), ``science`` (tests/science) and ``e2e`` (tests/e2e); see CONTRIBUTING.md "Tests".
"""

import hashlib
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
MARKED_FOLDERS = {
    "notebooks": ROOT / "notebooks",
    "science": ROOT / "tests" / "science",
    "e2e": ROOT / "tests" / "e2e",
}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Mark every test by the folder it lives in (see MARKED_FOLDERS).

    A notebook's cells also get ``xdist_group(<notebook>)``: with ``-n``/``--dist loadgroup``
    (``course.py test``) they run in order in one worker, sharing one kernel, as nbval needs.
    """
    for item in items:
        path = Path(str(item.path)).resolve()
        for marker, folder in MARKED_FOLDERS.items():
            if path.is_relative_to(folder):
                item.add_marker(getattr(pytest.mark, marker))
        if path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(path.stem))


EXECUTED = ROOT / "_build" / "executed"
_passed = {}  # notebook path -> number of code cells that passed in this session


def source_digest(path):
    """sha256 of a stored notebook file, as recorded in its executed copy."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each nbval cell's outputs; write the executed copy once a notebook passed."""
    outcome = yield
    if call.when != "call" or type(item).__name__ != "IPyNbCell":
        return
    import nbformat

    item.cell.outputs = [nbformat.from_dict(output) for output in (item.test_outputs or [])]
    item.cell.execution_count = item.cell_num + 1
    if outcome.get_result().passed:
        path = Path(str(item.parent.fspath))
        _passed[path] = _passed.get(path, 0) + 1
        code_cells = sum(cell.cell_type == "code" for cell in item.parent.nb.cells)
        if _passed[path] == code_cells:
            _write_executed(path, item.parent.nb)


def _write_executed(path, nb):
    import nbformat

    # Only the course's own notebooks, as the site shows them: default seed and target.
    if path.parent != ROOT / "notebooks" or os.environ.keys() & {
        "BRIAN_LABS_SEED",
        "BRIAN_LABS_TARGET",
    }:
        return
    nb.metadata["brian_labs"] = {"source_sha256": source_digest(path)}
    EXECUTED.mkdir(parents=True, exist_ok=True)
    temporary = EXECUTED / f".{path.name}.{os.getpid()}"
    nbformat.write(nb, str(temporary))
    os.replace(temporary, EXECUTED / path.name)
