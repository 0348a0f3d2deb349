"""Modelling exercises: their checks judge the model's behaviour, fail on a blank or wrong model.

A modelling exercise is three cells that carry the same metadata ``brian_labs.exercise`` id: the
exercise cell (tag ``exercise``, placeholders ``...``; its metadata also says ``"kind":
"modelling"``), the worked solution (tag ``solution``) and the check (tag ``check``). Plausible
wrong models live in ``tests/wrong_models/``: ``<id>*.edit`` (differences from the solution) or
``<id>*.py`` (a whole replacement of the solution cell).

Each notebook is executed once, in one kernel, in order. Just before an exercise's solution cell
the check cell is run three ways: with the placeholders (it must fail with "not answered yet"),
after each wrong model (it must fail with an ExerciseError, i.e. a hint, not a crash), and then the
notebook goes on with the solution, whose check must pass.

The run uses the matrix's quick seed (``BRIAN_LABS_SEED=1``, not nbval's default 2718), and every
other cell must pass too (a ``raises-exception`` cell must raise): so this execution is also CI's
second-seed run of notebooks 01-10 (``.ci/run`` runs the matrix's quick slice for the rest).
"""

import json
from pathlib import Path

import pytest

from tools.matrix import QUICK_SEED

pytestmark = pytest.mark.notebooks  # executes notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WRONG_MODELS = ROOT / "tests" / "wrong_models"

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


def with_exercises():
    return [path for path in NOTEBOOKS if modelling_exercises(load(path))]


@pytest.mark.parametrize("path", with_exercises(), ids=lambda p: p.stem)
def test_modelling_checks_fail_on_blank_and_wrong_models_and_pass_on_the_solution(
    path, monkeypatch
):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("BRIAN_LABS_SEED", str(QUICK_SEED))
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

    def run(source, index):
        cell = nbformat.v4.new_code_cell(source)
        client.execute_cell(cell, index)
        return error_of(cell)

    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if index in before_solution:
                ident, check = before_solution[index]
                check_source = nb.cells[check].source
                blank = run(check_source, index)
                if blank is None or "not answered yet" not in blank[1]:
                    problems.append(f"{ident}: with the placeholders the check gave {blank}")
                for wrong in wrong_models(ident):
                    error = run(wrong_model_code(wrong, cell.source), index)
                    if error is not None:
                        problems.append(f"{ident}: wrong model {wrong.name} itself raised {error}")
                        continue
                    verdict = run(check_source, index)
                    if verdict is None or verdict[0] != "ExerciseError":
                        problems.append(
                            f"{ident}: the check accepted or crashed on {wrong.name}: {verdict}"
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
