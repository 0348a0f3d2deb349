"""Each notebook's run: every cell passes, modelling checks judge models; outputs for the site.

Each notebook is executed once, in one kernel, in order, with nbclient, in the environment's
seed and target (the default seed 2718 and numpy unless BRIAN_LABS_SEED / BRIAN_LABS_TARGET say
otherwise). Every cell must pass, and a cell tagged ``raises-exception`` must raise: the check
nbval makes (tools/matrix.py runs nbval for the other seeds and targets).

Modelling exercises: their checks judge the model's behaviour, fail on a blank or wrong model. A
modelling exercise is three cells that carry the same metadata ``brian_labs.exercise`` id: the
exercise cell (tag ``exercise``, placeholders ``...``; its metadata also says ``"kind":
"modelling"``), the worked solution (tag ``solution``) and the check (tag ``check``). Plausible
wrong models live in ``tests/wrong_models/``: ``<id>*.edit`` (differences from the solution) or
``<id>*.py`` (a whole replacement of the solution cell). Just before an exercise's solution cell
the check is tried on the placeholders (it must fail with "not answered yet") and after each wrong
model (it must fail with an ExerciseError, i.e. a hint, not a crash); then the notebook goes on
with the solution, whose check must pass. Each trial runs in a fork of the kernel (``os.fork``:
a copy of the kernel as it is then, discarded afterwards), so the notebook's own cells run exactly
as in a clean run: the same names, the same random numbers, the same outputs. (Without
``os.fork``, on Windows, the trials run in the kernel itself and the run is not kept.)

The run with every cell passing, in the default seed and target, is written to
``_build/executed/<name>.ipynb`` (nbformat) with the digest of the stored notebook it came from:
``python3 course.py site`` renders those copies instead of executing the notebooks again.
"""

import hashlib
import json
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.notebooks  # executes notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WRONG_MODELS = ROOT / "tests" / "wrong_models"
EXECUTED = ROOT / "_build" / "executed"  # read by site/build.py

REPLACE, WITH, END = "# <<< replace", "# === with", "# >>>"


def apply_edits(solution, edits):
    """The solution cell's code with a ``.edit`` file's replacements applied.

    A ``.edit`` file states a wrong model as its differences from the solution: comment lines (what
    is wrong), then blocks of ``# <<< replace`` / old lines / ``# === with`` / new lines /
    ``# >>>``.
    Each old text must occur exactly once in the solution.
    """
    result = solution if solution.endswith("\n") else solution + "\n"
    lines, k = edits.splitlines(keepends=True), 0
    while k < len(lines):
        if lines[k].rstrip("\n") != REPLACE:
            k += 1
            continue
        w = next(j for j in range(k, len(lines)) if lines[j].rstrip("\n") == WITH)
        e = next(j for j in range(w, len(lines)) if lines[j].rstrip("\n") == END)
        old, new = "".join(lines[k + 1 : w]), "".join(lines[w + 1 : e])
        assert result.count(old) == 1, f"the text to replace occurs {result.count(old)} times"
        result = result.replace(old, new)
        k = e + 1
    return result


def wrong_models(ident):
    """The wrong models of an exercise: whole replacements (.py) and edits (.edit)."""
    return sorted(WRONG_MODELS.glob(f"{ident}*.py")) + sorted(WRONG_MODELS.glob(f"{ident}*.edit"))


def wrong_model_code(path, solution):
    text = path.read_text(encoding="utf-8")
    return apply_edits(solution, text) if path.suffix == ".edit" else text


def test_apply_edits_replaces_each_block_once():
    solution = "a = 1\nb = 2\nc = 3\n"
    edits = (
        f"# wrong: b\n{REPLACE}\nb = 2\n{WITH}\nb = -2\n{END}\n{REPLACE}\nc = 3\n{WITH}\n{END}\n"
    )
    assert apply_edits(solution, edits) == "a = 1\nb = -2\n"
    with pytest.raises(AssertionError, match="occurs 0 times"):
        apply_edits(solution, f"{REPLACE}\nd = 4\n{WITH}\n{END}\n")


def exercise_id(cell):
    return cell.get("metadata", {}).get("brian_labs", {}).get("exercise")


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def modelling_exercises(nb):
    """``{id: (exercise, solution, check) cell indices}`` of the notebook's modelling exercises."""
    found = {}
    for index, cell in enumerate(nb["cells"]):
        ident = exercise_id(cell)
        if ident is None:
            continue
        role = next((t for t in ("exercise", "solution", "check") if t in tags(cell)), None)
        assert role, f"cell {index} has exercise id {ident!r} but no exercise/solution/check tag"
        found.setdefault(ident, {})[role] = index
    result = {}
    for ident, roles in found.items():
        assert set(roles) == {"exercise", "solution", "check"}, (ident, roles)
        assert roles["exercise"] < roles["solution"] < roles["check"], (ident, roles)
        kind = nb["cells"][roles["exercise"]]["metadata"]["brian_labs"].get("kind")
        if kind == "modelling":
            result[ident] = (roles["exercise"], roles["solution"], roles["check"])
    return result


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_notebook_from_01_has_a_modelling_exercise_with_a_wrong_model():
    missing = []
    for path in NOTEBOOKS:
        if path.name.startswith("00_"):
            continue
        exercises = modelling_exercises(load(path))
        if not exercises:
            missing.append(f"{path.name}: no modelling exercise")
        for ident in exercises:
            if not wrong_models(ident):
                missing.append(f"{path.name}: {ident} has no wrong model in tests/wrong_models/")
    assert not missing, "\n".join(missing)


def error_of(cell):
    """``(ename, evalue)`` of the first error a cell raised, or None."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output["ename"], output["evalue"]
    return None


# Run in the kernel: each list of sources runs, in order, in a fork of the kernel (its globals as
# they are now); the fork reports each source's error as [name, message] (None if it ran) and
# exits. The kernel itself is left as it was, and keeps no name from this cell.
TRIAL = """
def _brian_labs_trial(trials):
    import json, os, sys

    def attempt(sources):
        verdicts = []
        for source in sources:
            try:
                exec(compile(source, "<trial>", "exec"), get_ipython().user_ns)
                verdicts.append(None)
            except Exception as error:
                verdicts.append([type(error).__name__, str(error)])
        return verdicts

    if not hasattr(os, "fork"):
        return [attempt(sources) for sources in trials]
    results = []
    for sources in trials:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy: quiet, no display, exits without the kernel's clean-up
            os.close(read_end)
            sys.stdout = sys.stderr = open(os.devnull, "w")
            try:
                report = json.dumps(attempt(sources))
            except BaseException as error:
                report = json.dumps([[type(error).__name__, str(error)]])
            os.write(write_end, report.encode())
            os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end) as pipe:
            results.append(json.loads(pipe.read() or "null"))
        os.waitpid(pid, 0)
    return results

print(__import__("json").dumps(_brian_labs_trial(TRIALS)))
del _brian_labs_trial
"""


def trial(client, index, trials):
    """Run each list of sources in a fork of the kernel; per list, each source's error or None."""
    code = TRIAL.replace("TRIALS", repr(trials))
    cell = nbformat.v4.new_code_cell(code)
    client.execute_cell(cell, index, store_history=False)
    error = error_of(cell)
    assert error is None, f"the trial itself failed: {error}"
    printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    return json.loads(printed.strip().splitlines()[-1])


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
def test_every_cell_passes_and_modelling_checks_fail_on_blank_and_wrong_models(path):
    nb = nbformat.read(str(path), as_version=4)
    exercises = modelling_exercises(nb)
    before_solution = {
        solution: (ident, check) for ident, (_, solution, check) in exercises.items()
    }
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
            if index in before_solution:
                ident, check = before_solution[index]
                check_source = nb.cells[check].source
                models = wrong_models(ident)
                blank, *wrong = trial(
                    client,
                    index,
                    [[check_source]]
                    + [[wrong_model_code(m, cell.source), check_source] for m in models],
                )
                if blank[0] is None or "not answered yet" not in blank[0][1]:
                    problems.append(f"{ident}: with the placeholders the check gave {blank[0]}")
                for model, (error, verdict) in zip(models, wrong, strict=True):
                    if error is not None:
                        problems.append(f"{ident}: wrong model {model.name} itself raised {error}")
                    elif verdict is None or verdict[0] != "ExerciseError":
                        problems.append(
                            f"{ident}: the check accepted or crashed on {model.name}: {verdict}"
                        )
            client.execute_cell(cell, index)
            error = error_of(cell)
            must_raise = "raises-exception" in cell.metadata.get("tags", [])
            if error and not must_raise:
                problems.append(f"cell {index} raised {error}")
                break
            if must_raise and not error:
                problems.append(f"cell {index} (tag raises-exception) raised nothing")
    assert not problems, "\n".join(problems)
    if default_settings() and hasattr(os, "fork"):
        keep_for_the_site(path, nb)
