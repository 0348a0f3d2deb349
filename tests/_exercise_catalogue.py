"""The exercises of a course notebook and their misconception catalogues, as answers to try.

An exercise is an exercise cell (tag ``exercise``, placeholders ``...``) under a ``## Exercise N``
heading, its worked solution (the next cell tagged ``solution``) and its check (the next cell
tagged ``check`` after the solution that calls ``lu.check_answer``, ``lu.require_answer(s)`` or
``lu.passed``). Its catalogue holds the answers a student is likely to give:

- ``tests/misconceptions/NN.py``: ``CASES = {"Exercise N": [(verdict, label, code, hint), ...]}``,
  ``verdict`` "wrong" or "right"; ``code`` replaces the solution cell (a str), or edits it (a list
  of ``(old, new)`` pairs, each old text occurring once); a wrong answer's check must fail with a
  one-line WrongAnswer (or NotAnswered) whose message contains ``hint`` (None: any message); a
  right answer's check must pass. A fifth item, ``says``, is what the answer's own cell must show:
  a Brian2 error raised there, in one line containing ``says`` (the notebook's setup cell asked
  for that with ``lu.short_brian2_errors()``).
- ``tests/wrong_models/<id>*.edit`` and ``<id>*.py``: wrong models of a modelling exercise (cells
  with metadata ``brian_labs.exercise`` = id), stated as edits of the solution or a whole
  replacement; each must make the check fail with a one-line WrongAnswer.

``trials_of`` turns them into what tests/_notebook_kernel.py tries just before each solution cell;
tests/test_modelling_exercises.py judges the outcomes.
"""

import json
import re
import runpy
from pathlib import Path

from tools.open_answers import tags_of as tags
from tools.open_answers import text_of as source

ROOT = Path(__file__).resolve().parents[1]
WRONG_MODELS = ROOT / "tests" / "wrong_models"
CATALOGUE = ROOT / "tests" / "misconceptions"
HEADING = re.compile(r"^## Exercise (\d+)\b", re.M)
JUDGES = re.compile(r"lu\.(check_answer|require_answers?|passed)\(")  # an exercise's check

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
    pairs = []
    while k < len(lines):
        if lines[k].rstrip("\n") != REPLACE:
            k += 1
            continue
        w = next(j for j in range(k, len(lines)) if lines[j].rstrip("\n") == WITH)
        e = next(j for j in range(w, len(lines)) if lines[j].rstrip("\n") == END)
        pairs.append(("".join(lines[k + 1 : w]), "".join(lines[w + 1 : e])))
        k = e + 1
    return replace_once(result, pairs)


def replace_once(source, pairs):
    """``source`` with each ``(old, new)`` applied; each old text must occur exactly once."""
    for old, new in pairs:
        assert source.count(old) == 1, f"the text to replace occurs {source.count(old)} times"
        source = source.replace(old, new)
    return source


def answer_of(solution, code):
    """A case's answer cell: ``code`` itself, or the solution with ``code``'s edits applied."""
    return replace_once(solution, code) if isinstance(code, list) else code


def wrong_models(ident):
    """The wrong models of a modelling exercise: whole replacements (.py) and edits (.edit)."""
    return sorted(WRONG_MODELS.glob(f"{ident}*.py")) + sorted(WRONG_MODELS.glob(f"{ident}*.edit"))


def exercises_of(nb):
    """``{"Exercise N": {"exercise": k, "solution": k, "check": k, "id": id or None}}``."""
    cells, found, heading = nb["cells"], {}, None
    for k, cell in enumerate(cells):
        if cell["cell_type"] == "markdown" and HEADING.search(source(cell)):
            heading = f"Exercise {HEADING.search(source(cell)).group(1)}"
        if cell["cell_type"] != "code" or "exercise" not in tags(cell):
            continue
        assert heading and heading not in found, f"exercise cell {k} has no heading of its own"
        solution = next(j for j in range(k + 1, len(cells)) if "solution" in tags(cells[j]))
        check = next(
            j
            for j in range(solution + 1, len(cells))
            if cells[j]["cell_type"] == "code"
            and "check" in tags(cells[j])
            and JUDGES.search(source(cells[j]))
        )
        ident = cell.get("metadata", {}).get("brian_labs", {}).get("exercise")
        found[heading] = {"exercise": k, "solution": solution, "check": check, "id": ident}
    return found


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def catalogue(path):
    """The notebook's catalogue: ``{"Exercise N": [(verdict, label, code, hint[, says])]}``."""
    file = CATALOGUE / f"{path.name[:2]}.py"
    return runpy.run_path(str(file))["CASES"] if file.exists() else {}


def cases_of(path, nb):
    """Every case of every exercise: ``{"Exercise N": [(verdict, label, code, hint)]}``."""
    cases = {heading: list(found) for heading, found in catalogue(path).items()}
    for heading, exercise in exercises_of(nb).items():
        solution = source(nb["cells"][exercise["solution"]])
        for wrong in wrong_models(exercise["id"]) if exercise["id"] else []:
            text = wrong.read_text(encoding="utf-8")
            code = apply_edits(solution, text) if wrong.suffix == ".edit" else text
            cases.setdefault(heading, []).append(("wrong", wrong.name, code, None))
    return cases


def trials_of(path, nb):
    """What to try just before each exercise's solution cell: ``{cell index: [(what, codes)]}``.

    ``codes`` are the cells a trial runs, in a copy of the kernel that has run the notebook up to
    that cell: unanswered, as the exercise cell stands in the student edition, the given cells
    between solution and check, then the check (``what``: ``("blank", heading, error)``, ``error``
    the check's: "NotAnswered" with placeholders, "WrongAnswer" with code to fix); for each case,
    the answer in place of the solution, the given cells between solution and check, then the
    check (``(verdict, heading, label, hint, says)``, ``says`` None when the case has none). Each
    answer is built once.
    """
    exercises, cases = exercises_of(nb), cases_of(path, nb)
    found = {}
    for heading, exercise in exercises.items():
        cells = nb["cells"]
        solution, check = source(cells[exercise["solution"]]), source(cells[exercise["check"]])
        between = [
            source(c)
            for c in cells[exercise["solution"] + 1 : exercise["check"]]
            if c["cell_type"] == "code"
        ]
        tries = found.setdefault(exercise["solution"], [])
        # as the student edition has it, unanswered: placeholders, or the code to fix
        unanswered = (
            "NotAnswered" if "..." in source(cells[exercise["exercise"]]) else "WrongAnswer"
        )
        tries.append((("blank", heading, unanswered), [*between, check]))
        for verdict, label, code, hint, *says in cases.get(heading, []):
            answer = answer_of(solution, code)
            what = (verdict, heading, label, hint, says[0] if says else None)
            tries.append((what, [answer, *between, check]))
    return found
