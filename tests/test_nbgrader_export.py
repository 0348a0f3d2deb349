"""The nbgrader export: cell metadata, solution regions, hidden tests, grading.

nbgrader's cell metadata (schema version 3) on the right cells, solutions in solution regions,
give-away checks as hidden tests; and the grading round trip when nbgrader is installed (it is not
in the students' environment; tools/grade_check.py runs all notebooks).
"""

import builtins
import json
from pathlib import Path

import pytest

from tools import grade_check, nbgrader_export

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    out = tmp_path_factory.mktemp("course")
    points = nbgrader_export.export(out, NOTEBOOKS, log=lambda line: None)
    return out, points


def walkthrough_checks(cells):
    """Count the instructor-only checks of walkthroughs, which the export leaves out.

    A walkthrough is solution code after an exercise's graded check.
    """
    count, inside, after_check = 0, False, False
    for cell in cells:
        tags = cell["metadata"].get("tags", [])
        if "exercise" in tags:
            inside, after_check = False, False
        elif "check" in tags and "solution" not in tags:
            after_check, inside = True, False
        elif "solution" in tags and cell["cell_type"] == "code":
            if "check" not in tags and after_check:
                inside = True
            elif "check" in tags and inside:
                count += 1
        else:
            inside = False
    return count


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_cells_carry_nbgrader_metadata(course, path):
    out, points = course
    original = json.loads(path.read_text())["cells"]
    cells = json.loads((out / "source" / path.stem / path.name).read_text())["cells"]
    meta = [c["metadata"].get("nbgrader") for c in cells]
    graded = [m for m in meta if m and m["grade"]]
    solutions = [c for c, m in zip(cells, meta, strict=True) if m and m["solution"]]
    exercises = sum("exercise" in c["metadata"].get("tags", []) for c in original)
    assert len(solutions) == len(graded) == exercises
    assert sum(m["points"] for m in graded) == points[path.stem] >= exercises
    for m in filter(None, meta):
        assert m["schema_version"] == 3 and m["grade_id"].startswith(path.stem)
        assert m["locked"] == (not m["solution"])
    assert len({m["grade_id"] for m in filter(None, meta)}) == len([m for m in meta if m])
    exercise_source = {c["id"]: "".join(c["source"]) for c in original}
    for cell in solutions:
        text = "".join(cell["source"])
        assert text.count("### BEGIN SOLUTION") == text.count("### END SOLUTION") == 1
        # the student's cell keeps the exercise as written: placeholders and instructions
        assert text.split("\n### BEGIN SOLUTION")[0] == exercise_source[cell["id"]].rstrip()
    hidden = sum(
        "solution" in c["metadata"].get("tags", []) and "check" in c["metadata"]["tags"]
        for c in original
    ) - walkthrough_checks(original)
    assert sum("".join(c["source"]).count("### BEGIN HIDDEN TESTS") for c in cells) == hidden
    answers = [
        c
        for c in original
        if c["cell_type"] == "markdown" and "solution" in c["metadata"].get("tags", [])
    ]
    assert not any("".join(a["source"]) in "".join(c["source"]) for a in answers for c in cells)


def test_a_missing_nbgrader_ends_in_one_line(monkeypatch):
    real_import = builtins.__import__

    def no_nbgrader(name, *args, **kwargs):
        if name == "nbgrader" or name.startswith("nbgrader."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_nbgrader)
    with pytest.raises(SystemExit, match=r"^nbgrader is not installed in this Python: install it"):
        grade_check.main(["00"])


def test_solutions_score_full_marks_and_the_blank_release_zero(tmp_path):
    pytest.importorskip("nbgrader", reason="nbgrader is not installed (instructors' environment)")
    assert grade_check.main(["--out", str(tmp_path), "00"]) == 0
