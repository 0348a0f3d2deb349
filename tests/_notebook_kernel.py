"""Running a course notebook cell by cell in one kernel, as the notebook tests do.

One execution per notebook serves two tests: tests/test_notebook_runs.py (every cell passes as
nbval judges it; the executed notebook is the one the site shows) and
tests/test_modelling_exercises.py (the exercises' checks judge blank, wrong and right answers).
The run judges every cell as nbval does, and also looks at what each check cell leaves behind and
shows, and at the Brian2 warnings a cell prints (:func:`run_cells`); the blank student edition's
run, which nbgrader makes (tests/test_student_edition_runs.py), is judged on its outputs alone
(:func:`output_problems`).

The answers are tried just before each exercise's solution, each case in its own copy of the
kernel (tests/_forked_trials.py: ``os.fork`` inside the kernel): every case starts from the state
the exercise cell left, and the notebook's own cells run in a kernel that never saw the answers,
as in a clean run. ``notebook_run`` executes a notebook once per pytest process and keeps the
result for the other test (conftest.py gives both tests of a notebook one xdist group, so they
meet in one worker).
"""

import ast
import functools
import json
import re
import tempfile
from pathlib import Path

import nbformat
import pytest
from _forked_trials import HISTORY, name_changes

from tools.notebook_client import NotebookClient
from tools.open_answers import tags_of as tags

TRIALS_CODE = (Path(__file__).parent / "_forked_trials.py").read_text(encoding="utf-8")
WATCH_CODE = (Path(__file__).parent / "_exercise_objects.py").read_text(encoding="utf-8")
TIMEOUT = 600  # s, per cell and per trial

# Cells whose Brian2 warning is part of the lesson (notebook: {cell id: why}).
WARNING_SHOWN = {
    "10_troubleshooting": {
        "e1192c07": "the buggy model of Exercise 1: the warning about 'v_post = w' is a clue",
    },
}

# Names a check cell may leave behind (notebook: {cell id: names}): values a later check reads. No
# check may rebind or delete a name. Those marked "given code reads it" are a defect still to mend
# (the value belongs in the given code before the check): given code or a solution reads a name
# only a hidden check defines.
SHARED_BY_CHECKS = {
    "00_units": {"d1fd6f10": ("fixed",)},
    "02_lif_spike_generator": {"1c8ef4be": ("v_after_first_spike",)},
    "03_poisson_excitatory": {"504feb04": ("V_mean_theory",)},
    "04_poisson_inhibitory": {"92359ef8": ("V_bar", "g_bar", "g_se")},
    "05_balanced_ei": {"431f8c18": ("g_bands", "nu", "w")},
    "06_izhikevich": {
        # the solution of cell 83 reads is_bursting_onset and is_chattering
        "aa0fbe2f": ("is_bursting_onset", "is_chattering"),
    },
}

# What a check cell may print: its verdict (labutils/exercises.py), nothing else.
VERDICT = re.compile(
    r"^(.+: correct|Exercise \d+: your model behaves as it should"
    r"|.+: recorded for grading \(this term's answer key stays with the instructor\))$"
)

# The names of the kernel's user namespace with the identity of their values, printed by a probe
# run without history (no execution count, no _i<n>); IPython's own names are left out.
PROBE = (
    "print(*[f'{k}:{id(v)}' for k, v in get_ipython().user_ns.items()"
    " if k not in get_ipython().user_ns_hidden])"
)


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
    if "raises-exception" in tags(cell):
        return (None if error else f"cell {index} (tag raises-exception) raised nothing"), False
    if error:
        return f"cell {index} raised {error['ename']}: {error['evalue']}", True
    return None, False


def user_names(client, index):
    """``{name: id of its value}`` of the kernel's user namespace, read without a trace.

    The probe runs as cell ``index`` without history (no execution count, no ``_``); the
    notebook's cell ``index`` is put back afterwards.
    """
    kept = client.nb.cells[index]
    probe = nbformat.v4.new_code_cell(PROBE)
    client.execute_cell(probe, index, store_history=False)
    client.nb.cells[index] = kept
    printed = "".join(o.get("text", "") for o in probe.outputs if o.get("name") == "stdout")
    pairs = (entry.rsplit(":", 1) for entry in printed.split())
    return {name: ident for name, ident in pairs if not HISTORY.match(name)}


def left_behind(before, after, allowed=()):
    """What a cell left in the namespace, in words ("new a, b; rebound c"), or "" for nothing.

    ``before`` and ``after`` are :func:`user_names`; a name in ``allowed`` may be new.
    """
    return changes_in_words(name_changes(before, after), allowed)


def changes_in_words(changes, allowed=()):
    """:func:`_forked_trials.name_changes` in words, less the new names in ``allowed``."""
    changes = dict(changes, new=[n for n in changes["new"] if n not in allowed])
    return "; ".join(f"{kind} {', '.join(names)}" for kind, names in changes.items() if names)


def stray_output(cell):
    """What a check cell showed besides its verdict line (or its one-line failure), or None.

    Brian2 warnings are left to :func:`warning_problem` (stderr that holds nothing else).
    """
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "error":
            if len(output["traceback"]) != 1:
                return f"a {len(output['traceback'])}-line traceback ({output['ename']})"
        elif kind == "stream" and output.get("name") == "stdout":
            lines = [x for x in output["text"].splitlines() if x.strip() and not VERDICT.match(x)]
            if lines:
                return f"printed {lines[0][:200]!r}"
        elif (
            kind == "stream"
            and output["text"].strip()
            and not BRIAN2_WARNING.sub("", output["text"]).strip()
        ):
            continue
        else:
            return f"{kind} output {str(output.get('data', output.get('text', '')))[:200]!r}"
    return None


# One Brian2 log message: its level, its text (which may span lines), the logger's name.
BRIAN2_WARNING = re.compile(r"WARNING .*?\[brian2[^\]]*\]", re.S)
UNUSED_DELETED = re.compile(
    r"The object '([^']+)' is getting deleted, but was never included in a network"
)


def brian2_warnings(cell):
    """The Brian2 warnings an executed cell printed, each on one line."""
    return [
        " ".join(found.group(0).split())
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream" and output.get("name") == "stderr"
        for found in BRIAN2_WARNING.finditer(output["text"])
    ]


def unexcused(warnings, excused=()):
    """``warnings`` less one "deleted unused object" warning per Brian2 name in ``excused``."""
    left, excused = [], list(excused)
    for warning in warnings:
        deleted = UNUSED_DELETED.search(warning)
        if deleted and deleted.group(1) in excused:
            excused.remove(deleted.group(1))
        else:
            left.append(warning)
    return left


def warning_problem(notebook, cell, index, excused=()):
    """A Brian2 warning a cell printed that is not part of the lesson, as a problem, or None.

    ``excused``: Brian2 names of objects deleted in this cell whose "never included in a network"
    warning is no problem (:func:`watch_exercise_objects`).
    """
    warnings = unexcused(brian2_warnings(cell), excused)
    shown_on_purpose = cell.get("id") in WARNING_SHOWN.get(notebook, {})
    if warnings and not shown_on_purpose and "raises-exception" not in tags(cell):
        return f"cell {index} printed a Brian2 warning: {warnings[0][:300]}"
    return None


def cell_output_problems(notebook, cell, index, excused=()):
    """What an executed cell's outputs show wrong: a check's stray output, a Brian2 warning.

    ``excused`` as for :func:`warning_problem`.
    """
    problems = []
    if "check" in tags(cell) and (stray := stray_output(cell)):
        problems.append(f"check cell {index} showed {stray}")
    if warning := warning_problem(notebook, cell, index, excused):
        problems.append(warning)
    return problems


def output_problems(nb, notebook):
    """:func:`cell_output_problems` of every code cell of an executed notebook ``nb``.

    For a run made elsewhere (nbgrader's): what :func:`run_cells` judges from outputs alone.
    """
    return [
        problem
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for problem in cell_output_problems(notebook, cell, index)
    ]


def watch_exercise_objects(client, step):
    """Run :mod:`_exercise_objects`' ``watch(step)`` in the kernel, silently; its result."""
    call = f"{WATCH_CODE}\nwatch({step!r})\n"
    code = f"exec({call!r}, {{'__name__': '_exercise_objects'}})"  # nothing enters the notebook
    result = "__import__('sys').modules['_brian_labs_watch'].result"
    msg_id = client.kc.execute(
        code, silent=True, store_history=False, user_expressions={"result": result}
    )
    content = client.wait_for_reply(msg_id)["content"]
    assert content["status"] == "ok", f"watching the exercise's objects failed: {content}"
    return ast.literal_eval(content["user_expressions"]["result"]["data"]["text/plain"])


def run_cells(client, nb, notebook, before_cell=None):
    """Execute the instructor's ``nb`` cell by cell in ``client``'s kernel; the problems found.

    Each cell is judged by nbval's rule (the run stops at a cell that raised where it must not).
    No cell may print a Brian2 warning that is not part of the lesson; a check cell must leave no
    name behind in the student's namespace (it binds, rebinds or deletes none; a check that failed
    stopped before it deleted its own new names, so only rebinding and deleting count then) and
    show nothing but its verdict line or its one-line failure.

    The notebook holds each exercise cell and its solution, and runs both. The solution replaces
    the objects the exercise cell made, never run, and Brian2 warns as it deletes each: a student
    who fills in the exercise cell never leaves those behind, so exactly those warnings are excused
    (the objects are followed in the kernel, tests/_exercise_objects.py); any other warning, in the
    solution too, is a problem.

    ``before_cell(index)``, if given, is called before each code cell is executed (and before its
    probe): the exercise harness tries its answers there.
    """
    problems, following = [], False
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if before_cell:
            before_cell(index)
        check = "check" in tags(cell)
        exercise = "exercise" in tags(cell)
        if exercise:
            watch_exercise_objects(client, "before")
        before = user_names(client, index) if check else None
        client.execute_cell(cell, index)
        if exercise:
            watch_exercise_objects(client, "after")
            following = True
        excused = watch_exercise_objects(client, "gone") if following else []
        problem, fatal = outcome_problem(cell, index)
        if check:
            allowed = SHARED_BY_CHECKS.get(notebook, {}).get(cell.get("id"), ())
            after = user_names(client, index)
            if error_output(cell):  # it stopped where it failed: its new names wait for a rerun
                allowed = (*allowed, *(after.keys() - before.keys()))
            if names := left_behind(before, after, allowed):
                problems.append(f"check cell {index} ({cell.get('id')}) left names: {names}")
        problems += cell_output_problems(notebook, cell, index, excused)
        if problem:
            problems.append(problem)
        if fatal:
            break
    return problems


def assigned_names(code, imports=True):
    """The names a cell binds at top level (assignments, def, class, import, for, with ... as).

    ``code`` may use IPython syntax (``%magic``, ``!shell``). Names bound only inside a function,
    class, lambda or comprehension are left out; ``from x import *`` binds names it cannot know;
    ``imports=False`` leaves imports out too.
    """
    from IPython.core.inputtransformer2 import TransformerManager

    names = set()

    def bind(target):  # a Name, or a tuple/list/starred of them; a.x and a[i] bind nothing
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                bind(element)
        elif isinstance(target, ast.Starred):
            bind(target.value)

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            return
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, ast.comprehension):  # its target is the comprehension's own
            for part in (node.iter, *node.ifs):
                visit(part)
            return
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
            bind(node.target)
        elif isinstance(node, ast.NamedExpr):
            bind(node.target)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            bind(node.optional_vars)
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and imports:
            names.update(a.asname or a.name.split(".")[0] for a in node.names if a.name != "*")
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(TransformerManager().transform_cell(code)))
    return names


def try_in_copies(client, trials, timeout=TIMEOUT):
    """Run each trial (a list of cells' code) in its own forked copy of the kernel.

    Every trial starts from the kernel's state at this point (a case never sees what an earlier
    one bound, ran or left for Brian2 to collect). The request is silent (no execution count, no
    history, no output the notebook keeps), and the kernel's own state is left as it was. Per
    trial, per cell ``{"error": ..., "shown": ...}`` (``error`` as in an error output: ename,
    evalue, traceback), or ``{"broken": reason}``; ``timeout`` (s) bounds each copy.
    """
    with tempfile.TemporaryDirectory() as folder:
        report = str(Path(folder) / "trials.json")
        call = f"{TRIALS_CODE}\nrun_in_copies({trials!r}, {report!r}, {timeout!r})\n"
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
    ``problems``: :func:`run_cells`' problems (nbval's verdict, Brian2 warnings, what check cells
    leave behind and show), in order, for the instructor edition;
    ``trials``: ``{cell index: results of try_in_copies}`` for the trials asked before that cell;
    ``trials_error``: why no trial could be made (a broken catalogue), or None.
    """

    def __init__(self, path, trials_before=None, trials_error=None, trial_timeout=TIMEOUT):
        self.nb = nbformat.read(str(path), as_version=4)
        self.trials, self.trials_error = {}, trials_error
        client = client_for(self.nb, path)

        def try_answers(index):
            if trials_before and trials_before.get(index):
                self.trials[index] = try_in_copies(client, trials_before[index], trial_timeout)

        with client.setup_kernel():
            self.problems = run_cells(client, self.nb, path.stem, before_cell=try_answers)


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
