"""Running a course notebook cell by cell in one kernel, as the notebook tests do.

One execution per notebook serves two tests: tests/test_notebook_runs.py (every cell passes; the
executed notebook is the one the site shows) and tests/test_modelling_exercises.py (the exercises'
checks judge blank, wrong and right answers). The answers are tried just before each exercise's
solution in copies of the kernel (tests/_forked_trials.py: ``os.fork`` inside the kernel), so
the notebook's own cells run in a kernel that never saw them: a clean run. ``notebook_run``
executes a notebook once per pytest process and keeps the result for the other test (conftest.py
gives both tests of a notebook one xdist group, so they meet in one worker).
"""

import functools
import json
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

TRIALS_CODE = (Path(__file__).parent / "_forked_trials.py").read_text(encoding="utf-8")
TIMEOUT = 600  # s, per cell and per trial


def client_for(nb, path):
    """A client that runs ``nb`` (read from ``path``) in a python3 kernel, in its folder."""
    return NotebookClient(
        nb,
        kernel_name="python3",
        timeout=TIMEOUT,
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )


def error_output(cell):
    """The first error output of an executed cell, or None."""
    return next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)


def outcome_problem(cell, index):
    """``(problem, fatal)`` for an executed cell, by nbval's rule.

    A cell must not raise, unless tagged ``raises-exception``, which must. ``problem`` is None when
    the cell did as it should; ``fatal`` when it raised (the later cells cannot be judged).
    """
    error = error_output(cell)
    if "raises-exception" in cell.get("metadata", {}).get("tags", []):
        return (None if error else f"cell {index} (tag raises-exception) raised nothing"), False
    if error:
        return f"cell {index} raised {error['ename']}: {error['evalue']}", True
    return None, False


def try_in_copies(client, trials, timeout=TIMEOUT):
    """Run the trials (each a list of cells' code), in order, in a forked copy of the kernel.

    The request is silent (no execution count, no history, no output the notebook keeps), and the
    kernel's own state is left as it was. Per trial, per cell ``{"error": ..., "shown": ...}``
    (``error`` as in an error output: ename, evalue, traceback), or ``{"broken": reason}``;
    ``timeout`` (s) bounds the copy. Trials follow each other in the copy as they did in the
    notebook's own kernel before (a student's tries, one after another).
    """
    with tempfile.TemporaryDirectory() as folder:
        report = str(Path(folder) / "trials.json")
        call = f"{TRIALS_CODE}\nrun_in_a_copy({trials!r}, {report!r}, {timeout!r})\n"
        code = f"exec({call!r}, {{'__name__': '_forked_trials'}})"  # nothing enters the notebook
        msg_id = client.kc.execute(code, silent=True, store_history=False, stop_on_error=False)
        reply = client.wait_for_reply(msg_id)
        content = reply["content"] if reply else {"status": "no reply", "evalue": ""}
        if content["status"] != "ok":
            return [{"broken": f"the trials failed: {content.get('evalue')}"}] * len(trials)
        return json.loads(Path(report).read_text(encoding="utf-8"))


class NotebookRun:
    """One execution of a notebook: its executed cells and the trials made before some of them.

    ``nb``: the notebook with its outputs (the cells after a fatal one not executed);
    ``problems``: nbval's verdict on the cells (``outcome_problem``), in order;
    ``trials``: ``{cell index: results of try_in_copies}`` for the trials asked before that cell;
    ``trials_error``: why no trial could be made (a broken catalogue), or None.
    """

    def __init__(self, path, trials_before=None, trials_error=None, trial_timeout=TIMEOUT):
        self.nb = nbformat.read(str(path), as_version=4)
        self.problems, self.trials, self.trials_error = [], {}, trials_error
        client = client_for(self.nb, path)
        with client.setup_kernel():
            for index, cell in enumerate(self.nb.cells):
                if cell.cell_type != "code":
                    continue
                if trials_before and trials_before.get(index):
                    self.trials[index] = try_in_copies(client, trials_before[index], trial_timeout)
                client.execute_cell(cell, index)
                problem, fatal = outcome_problem(cell, index)
                if problem:
                    self.problems.append(problem)
                if fatal:
                    break


def each_run(paths):
    """``parametrize`` values for a test that reads ``notebook_run``: one per notebook.

    Every such test of a notebook is in the xdist group ``run-<notebook>``: they run in one
    worker, which executes the notebook once.
    """
    return [
        pytest.param(path, id=path.stem, marks=pytest.mark.xdist_group(f"run-{path.stem}"))
        for path in paths
    ]


@functools.cache
def notebook_run(path):
    """The execution of a course notebook, once per process, with its exercises' trials.

    A catalogue that cannot be turned into trials (tests/_exercise_catalogue.py) fails the
    exercises' test only: the notebook still runs, without trials.
    """
    from _exercise_catalogue import trials_of

    try:
        found = trials_of(path, nbformat.read(str(path), as_version=4))
    except Exception as error:  # reported by test_modelling_exercises.py
        return NotebookRun(path, trials_error=f"{type(error).__name__}: {error}")
    return NotebookRun(
        path, {index: [codes for _, codes in tried] for index, tried in found.items()}
    )
