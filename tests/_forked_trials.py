"""Trying answers in copies of a running notebook kernel (this code runs inside the kernel).

tests/_notebook_kernel.py sends this file's text, with a call of ``run_in_copies``, to the kernel
that executes a course notebook, just before one of its cells. Each trial (the code of a few cells:
an answer, the given cells after it, the exercise's check) runs in a copy of the kernel made with
``os.fork``: the copy holds exactly the notebook's state at that point, and whatever the trial
does (variables, Brian2's clock and objects, random numbers) goes with the copy. The original
kernel waits, then the notebook goes on in it as if nothing had been tried: its cells' outputs are
those of a clean run.

A copy has none of the kernel's threads, so nothing in it may talk to the front end: before a
trial runs, its output streams, display hook, display publisher and traceback display are
replaced by recorders. For each cell of a trial the copy reports the error it raised (name,
value and the traceback lines the front end would show) and the value it showed, if any; for the
last cell (the exercise's check), the names of the user namespace it made, rebound and deleted.
"""

import json
import os
import re
import select
import signal
import sys
import time
import warnings

HISTORY = re.compile(r"^(_+|_i+|_i?\d+)$")  # IPython's output and input history: _, __, _i3, _3


def run_in_copies(trials, report, timeout):
    """Run each trial (a list of cells' code) in a copy of this kernel; results to ``report``.

    ``report`` (JSON) gets, per trial, per cell ``{"error": ..., "shown": ...}``, or the trial's
    ``{"broken": reason}``. ``timeout`` (s) bounds each trial.
    """
    results = [in_a_copy(codes, timeout) for codes in trials]
    with open(report, "w", encoding="utf-8") as file:
        json.dump(results, file)


def in_a_copy(codes, timeout):
    """The results of running ``codes`` in a forked copy of this process."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():  # Python 3.12+ warns that the kernel has threads: the copy
        warnings.simplefilter("ignore", DeprecationWarning)  # uses none of them (see above)
        pid = os.fork()
    if pid == 0:  # the copy: run the trial, send the results, vanish without cleaning up
        os.close(read_end)
        try:
            text = json.dumps(run_here(codes))
        except BaseException as error:  # reported, whatever it is
            text = json.dumps({"broken": f"{type(error).__name__}: {error}"})
        data = text.encode()
        while data:
            data = data[os.write(write_end, data) :]
        os._exit(0)
    os.close(write_end)
    chunks, deadline = [], time.monotonic() + timeout
    while True:
        ready, _, _ = select.select([read_end], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            chunks = [json.dumps({"broken": f"no result within {timeout} s"}).encode()]
            break
        chunk = os.read(read_end, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        return {"broken": f"the copy ended without a result (wait status {status})"}
    return json.loads(b"".join(chunks))


def run_here(codes):
    """Run each cell's code in this (copied) kernel's shell; what each raised and showed."""
    from IPython import get_ipython
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher

    quiet = open(os.devnull, "w")  # the copy never closes it
    os.dup2(quiet.fileno(), 1)  # C-level output too
    os.dup2(quiet.fileno(), 2)
    sys.stdout = sys.stderr = quiet
    try:  # objects that kept a reference to the kernel's streams (Brian2's log handler)
        from ipykernel.iostream import OutStream

        OutStream.write = lambda self, text: len(text)
        OutStream.flush = lambda self: None
    except ImportError:
        pass
    shell = get_ipython()
    outcome = {}

    class Shown(DisplayHook):
        """IPython's display hook (``_``, a trailing ``;``), recording what a cell shows."""

        code = ""  # the cell being run (IPython reads it from the history, which trials skip)

        def quiet(self):
            return self.semicolon_at_end_of_expression(self.code)

        def write_format_data(self, format_dict, md_dict=None):
            outcome["shown"] = format_dict.get("text/plain", "")

    hook = Shown(shell=shell)
    shell.displayhook = shell.display_trap.hook = sys.displayhook = hook
    shell.display_pub = DisplayPublisher(shell=shell)  # display(): text to the quiet stdout

    def record_error(etype, evalue, stb):
        outcome["error"] = {"ename": etype.__name__, "evalue": str(evalue), "traceback": stb}

    shell._showtraceback = record_error  # what the front end would receive as the error
    results = []
    for number, code in enumerate(codes, 1):
        outcome.clear()
        hook.code = code
        last = number == len(codes)
        before = user_names(shell) if last else None
        shell.run_cell(code, store_history=False)
        results.append({"error": outcome.get("error"), "shown": outcome.get("shown")})
    results[-1]["names"] = name_changes(before, user_names(shell))  # around the check
    return results


def name_changes(before, after):
    """The names ``after`` has new, rebound (another value) and deleted, against ``before``.

    Both ``{name: id of its value}``; the result ``{"new": [...], "rebound": [...], ...}``.
    """
    return {
        "new": sorted(after.keys() - before.keys()),
        "rebound": sorted(n for n in after.keys() & before.keys() if before[n] != after[n]),
        "deleted": sorted(before.keys() - after.keys()),
    }


def user_names(shell):
    """``{name: id of its value}`` of the user namespace, less IPython's own names and history."""
    hidden = shell.user_ns_hidden
    return {
        name: id(value)
        for name, value in shell.user_ns.items()
        if name not in hidden and not HISTORY.match(name)
    }
