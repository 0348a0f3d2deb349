"""Each notebook's run: every cell passes, and the executed notebook is kept for the site.

Each notebook is executed once, in one kernel, in order, with nbclient, in the environment's
seed and target (the default seed 2718 and numpy unless BRIAN_LABS_SEED / BRIAN_LABS_TARGET say
otherwise). Every cell must pass, and a cell tagged ``raises-exception`` must raise: the check
nbval makes (tools/matrix.py runs nbval for the other seeds and targets). No cell prints a Brian2
warning that is not part of the lesson, and each check cell leaves no name behind and shows only
its verdict line (tests/_notebook_kernel.py's run_cells). The same execution serves
tests/test_modelling_exercises.py, which judges the exercises' checks against blank, wrong and
right answers: those are tried in throw-away copies of the kernel (tests/_notebook_kernel.py), so
the notebook's own cells run as in a clean kernel.

The run with every cell passing, in the default seed and target, is written to
``_build/executed/<name>.ipynb`` (nbformat) with the digest of the stored notebook it came from:
``python3 course.py site`` renders those copies instead of executing the notebooks again.
"""

import hashlib
import os
from pathlib import Path

import nbformat
import pytest
from _notebook_kernel import (
    brian2_warnings,
    each_run,
    left_behind,
    notebook_run,
    outcome_problem,
    stray_output,
    warning_problem,
)

pytestmark = pytest.mark.notebooks  # executes notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXECUTED = ROOT / "_build" / "executed"  # read by site/build.py


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


@pytest.mark.parametrize("path", each_run(NOTEBOOKS))
def test_every_cell_passes(path):
    run = notebook_run(path)
    assert not run.problems, "\n".join(run.problems)
    if default_settings():
        keep_for_the_site(path, run.nb)


def test_a_cell_is_judged_as_nbval_judges_it():
    raised = nbformat.v4.new_code_cell("1/0")
    raised.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="x")]
    assert outcome_problem(raised, 3) == ("cell 3 raised ZeroDivisionError: x", True)
    raised.metadata["tags"] = ["raises-exception"]
    assert outcome_problem(raised, 3) == (None, False)
    quiet = nbformat.v4.new_code_cell("1")
    assert outcome_problem(quiet, 4) == (None, False)
    quiet.metadata["tags"] = ["raises-exception"]
    assert outcome_problem(quiet, 4) == ("cell 4 (tag raises-exception) raised nothing", False)


def test_what_a_check_cell_leaves_behind_is_named():
    before = {"w_e": 1, "step": 2}
    assert left_behind(before, dict(before)) == ""
    assert left_behind(before, {"w_e": 1, "step": 3, "peak": 4}) == "new peak; rebound step"
    assert left_behind(before, {"step": 2, "peak": 4}, allowed=("peak",)) == "deleted w_e"


def test_a_check_cell_shows_only_its_verdict_or_its_one_line_failure():
    cell = nbformat.v4.new_code_cell("check")
    stdout = nbformat.v4.new_output("stream", name="stdout", text="nu_e: correct\n\n")
    verdicts = "Exercise 2: your model behaves as it should\nspikes_after_release: correct\n"
    cell.outputs = [stdout, nbformat.v4.new_output("stream", name="stdout", text=verdicts)]
    assert stray_output(cell) is None
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="SD ratio: 4.8\n")]
    assert stray_output(cell) == "printed 'SD ratio: 4.8'"
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "True"})]
    assert stray_output(cell) == "execute_result output \"{'text/plain': 'True'}\""
    one_line = nbformat.v4.new_output("error", ename="NotAnswered", evalue="x", traceback=["x"])
    cell.outputs = [one_line]
    assert stray_output(cell) is None
    cell.outputs = [dict(one_line, traceback=["a", "b"])]
    assert stray_output(cell) == "a 2-line traceback (NotAnswered)"
    noise = nbformat.v4.new_output("stream", name="stderr", text="deleted\n")
    cell.outputs = [noise]
    assert stray_output(cell).startswith("stream output")
    # Brian2's warnings are warning_problem's to judge; anything printed beside them is stray
    warning = nbformat.v4.new_output("stream", name="stderr", text="WARNING deleted [brian2]\n")
    cell.outputs = [warning]
    assert stray_output(cell) is None
    cell.outputs = [dict(warning, text=warning["text"] + "and more\n")]
    assert stray_output(cell).startswith("stream output")


def unused_warning(name):
    return (
        f"WARNING    The object '{name}' is getting deleted, but was never included in a network."
        " This probably means ...\nThe object was created here (most recent call only):\n"
        "  File '/tmp/ipykernel_1/2.py', line 3, in <module>\n    G = NeuronGroup(1, eqs)"
        " [brian2.core.base.unused_brian_object]\n"
    )


def test_only_the_warnings_about_objects_named_as_excused_are_excused():
    cell = nbformat.v4.new_code_cell("G = NeuronGroup(1, eqs)")
    other = "WARNING    'v_post = w' refers to v [brian2.equations.unused]\n"
    text = unused_warning("neurongroup") + other + unused_warning("neurongroup_1")
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=text)]
    assert len(brian2_warnings(cell)) == 3
    assert warning_problem("01_decay", cell, 4, excused=["neurongroup", "neurongroup_1"]) == (
        "cell 4 printed a Brian2 warning: WARNING 'v_post = w' refers to v"
        " [brian2.equations.unused]"
    )
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=unused_warning("g") * 2)]
    assert warning_problem("01_decay", cell, 4, excused=["g", "g"]) is None
    # one object excused, two warned of: the second is some other object of that name
    assert "'g' is getting deleted" in warning_problem("01_decay", cell, 4, excused=["g"])
    assert warning_problem("01_decay", cell, 4, excused=["h"]).startswith("cell 4 printed")
