"""The nbgrader export: cell metadata, solution regions, hidden tests, grading.

nbgrader's cell metadata (schema version 3) on the right cells, solutions in solution regions,
give-away checks as hidden tests. The grading round trip itself is tests/test_grading.py.
"""

import builtins
import json
from pathlib import Path

import pytest

from tools import grade_check, nbgrader_export, open_answers

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
    graded = [m for m in meta if m and m["grade"] and not m["solution"]]
    solutions = [c for c, m in zip(cells, meta, strict=True) if m and m["solution"]]
    code_solutions = [c for c in solutions if c["cell_type"] == "code"]
    exercises = sum("exercise" in c["metadata"].get("tags", []) for c in original)
    assert len(code_solutions) == exercises <= len(graded)
    assert sum(m["points"] for m in meta if m and m["grade"]) == points[path.stem] >= exercises
    for m, cell in zip(meta, cells, strict=True):
        if m:
            assert m["schema_version"] == 3 and m["grade_id"] == cell["id"]
            assert m["locked"] == (not m["solution"])
    assert len({m["grade_id"] for m in filter(None, meta)}) == len([m for m in meta if m])
    exercise_source = {c["id"]: "".join(c["source"]) for c in original}
    for cell in code_solutions:
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_think_answers_are_manually_graded_answer_cells(course, path):
    out, _ = course
    original = json.loads(path.read_text())["cells"]
    cells = {
        c["id"]: c
        for c in json.loads((out / "source" / path.stem / path.name).read_text())["cells"]
    }
    think = open_answers.open_answers(original)
    for part in think:
        answer = original[part["answer"]]
        meta = cells[answer["id"]]["metadata"]["nbgrader"]
        assert (meta["grade"], meta["solution"], meta["locked"]) == (True, True, False)
        assert meta["points"] == part["points"] == open_answers.points_of(answer)
        # the prompt stays; the student's answer goes in the solution region below it
        assert "".join(cells[answer["id"]]["source"]).startswith("".join(answer["source"]))
        for k in [*part["model"], part["rubric"]]:  # model answer and rubric stay out
            assert original[k]["id"] not in cells
            assert not any(
                "".join(original[k]["source"]) in "".join(c["source"]) for c in cells.values()
            )
    hand_graded = [
        c
        for c in cells.values()
        if c["cell_type"] == "markdown" and c["metadata"].get("nbgrader", {}).get("grade")
    ]
    assert len(hand_graded) == len(think)


def test_the_export_reports_autograded_and_hand_graded_points(tmp_path):
    lines = []
    total = nbgrader_export.export(tmp_path, [NOTEBOOKS[4]], log=lines.append)[NOTEBOOKS[4].stem]
    assert lines == [  # two Think! questions of 2 points each
        f"04_poisson_inhibitory: {total} points ({total - 4} autograded, "
        "4 for Think! answers graded by hand)"
    ]


def test_a_missing_nbgrader_ends_in_one_line(monkeypatch):
    real_import = builtins.__import__

    def no_nbgrader(name, *args, **kwargs):
        if name == "nbgrader" or name.startswith("nbgrader."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_nbgrader)
    with pytest.raises(SystemExit, match=r"^nbgrader is not installed in this Python: install it"):
        grade_check.main(["00"])


def exercise_groups(cells):
    """(exercise cell, [graded test cells after it]) for each exercise of a source notebook."""
    groups = []
    for cell in cells:
        grading = cell["metadata"].get("nbgrader", {})
        if grading.get("solution") and cell["cell_type"] == "code":
            groups.append((cell, []))
        elif grading.get("grade") and not grading.get("solution") and groups:
            groups[-1][1].append(cell)
    return groups


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_answer_checked_by_key_is_a_graded_test_of_its_own(course, path):
    # partial credit: one answer right of two scores one point, not zero
    out, _ = course
    cells = json.loads((out / "source" / path.stem / path.name).read_text())["cells"]
    for exercise, tests in exercise_groups(cells):
        code = "".join(exercise["source"])
        placeholders, solution = code.split("\n### BEGIN SOLUTION\n")
        names = nbgrader_export.answered_names(placeholders, solution.split("### END")[0])
        assert tests, f"{exercise['id']}: no graded test"
        assert sum(t["metadata"]["nbgrader"]["points"] for t in tests) == max(1, len(names))
        for test in tests:
            checked = {
                n for n in names if f'lu.check_answer(\n    "{n}"' in "".join(test["source"])
            }
            checked |= {n for n in names if f'lu.check_answer("{n}"' in "".join(test["source"])}
            assert len(checked) <= 1, f"{test['id']} checks {checked} together: split it"


def test_a_check_of_two_answers_splits_into_two_graded_tests():
    code = (
        "# Check: both\n"
        "assert ready\n"
        'lu.check_answer("a", a, sig=3)\n'
        "# the second answer\n"
        'lu.check_answer(\n    "b",\n    b,\n)\n'
        "assert a < b"
    )
    assert nbgrader_export.split_check(code, ["a", "b"]) == [
        ("a", '# Check: both\nassert ready\nlu.check_answer("a", a, sig=3)'),
        ("b", '# the second answer\nlu.check_answer(\n    "b",\n    b,\n)\nassert a < b'),
    ]
    assert nbgrader_export.split_check(code, ["a"]) == [("a", code)]
    cell = {"id": "c1", "cell_type": "code", "metadata": {"tags": ["check"]}, "source": code}
    pieces = nbgrader_export.graded_checks(cell, ["a", "b", "c"], 3)
    assert [p["id"] for p in pieces] == ["c1", "c1-2"]
    assert [p["metadata"]["nbgrader"]["points"] for p in pieces] == [1, 2]
    assert pieces[1]["source"].startswith("# Check: b, graded on its own\n")


def test_the_release_clears_solutions_and_hidden_tests_line_by_line():
    text = "x = ...\n    ### BEGIN SOLUTION\n    x = 1\n    ### END SOLUTION\nprint(x)"
    assert nbgrader_export.clear_region(
        text, "### BEGIN SOLUTION", "### END SOLUTION", "# YOUR CODE HERE"
    ) == ("x = ...\n    # YOUR CODE HERE\nprint(x)", 1)
    hidden = "check()\n### BEGIN HIDDEN TESTS\nassert x == 1\n### END HIDDEN TESTS"
    assert nbgrader_export.clear_region(
        hidden, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
    ) == ("check()", 1)


def test_the_guides_points_table_is_the_export(course):
    _, points = course
    table = nbgrader_export.points_table(NOTEBOOKS)
    assert table in nbgrader_export.GUIDE.read_text(), (
        "the guide's points table is stale: run python3 course.py docs"
    )
    rows = [
        line.split(" | ")
        for line in table.splitlines()
        if line.startswith("| 0") or line.startswith("| 1")
    ]
    assert {row[0][2:]: int(row[4].rstrip(" |")) for row in rows} == points
    assert table.splitlines()[-3].endswith(f" | {sum(points.values())} |")


def test_a_think_answer_cell_is_graded_by_hand_and_keeps_its_prompt():
    prompt = "*Your answer (3 points, graded by hand):*"
    cells = [
        {"cell_type": "markdown", "id": "q1", "metadata": {}, "source": "**Think!** Why?"},
        {
            "cell_type": "markdown",
            "id": "a1",
            "metadata": {"tags": ["answer"], "brian_labs": {"points": 3}},
            "source": prompt,
        },
        {"cell_type": "markdown", "id": "m1", "metadata": {"tags": ["solution"]}, "source": "M"},
    ]
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    source, points = nbgrader_export.nbgrader_notebook(nb, "99_test")
    assert points == 3 and [c["id"] for c in source["cells"]] == ["q1", "a1"]
    answer = source["cells"][1]
    assert answer["metadata"]["nbgrader"] == nbgrader_export.nbgrader_meta(
        "a1", grade=True, solution=True, points=3
    )
    release = nbgrader_export.release_notebook(source)["cells"][1]
    assert "".join(release["source"]) == f"{prompt}\n\n{nbgrader_export.TEXT_STUB}"
    assert release["metadata"]["deletable"] is False and "editable" not in release["metadata"]
    cells[1]["metadata"]["brian_labs"] = {}
    with pytest.raises(SystemExit, match="99_test: answer cell a1 states no points"):
        nbgrader_export.nbgrader_notebook(nb, "99_test")
