"""Think! questions are graded open answers (tools/open_answers.py defines their cells).

Every Think! question is followed by an answer cell with points, and in the instructor's edition
only by a model answer and a rubric whose criteria add up to those points. The student edition
keeps the answer cell and drops the rest.
"""

import json
from pathlib import Path

import pytest

from tools import open_answers, student_edition

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def cells_of(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_think_question_has_its_answer_cell_model_answer_and_rubric(path):
    cells = cells_of(path)
    found = open_answers.open_answers(cells)  # raises, naming the cell, when a part is missing
    mentions = [c["id"] for c in cells if "Think!" in open_answers.text_of(c)]
    assert mentions == [cells[part["question"]]["id"] for part in found], (
        "a cell mentions Think! without starting with **Think!** (so it would not be graded)"
    )
    for part in found:
        for k in [*part["model"], part["rubric"]]:
            assert "solution" in open_answers.tags_of(cells[k])


def test_the_course_asks_eleven_think_questions_worth_25_points():
    found = {p.stem: open_answers.open_answers(cells_of(p)) for p in NOTEBOOKS}
    assert sum(map(len, found.values())) == 11
    assert sum(part["points"] for parts in found.values() for part in parts) == 25


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_student_edition_keeps_the_answer_cell_and_drops_model_answer_and_rubric(path):
    cells = cells_of(path)
    student = student_edition.student_notebook({"cells": cells}, "99_test.ipynb")["cells"]
    by_id = {c["id"]: c for c in student}
    for part in open_answers.open_answers(cells):
        answer = cells[part["answer"]]
        # the student's cell keeps the prompt (nbgrader's solution region for the answer follows)
        assert "".join(by_id[answer["id"]]["source"]).startswith("".join(answer["source"]))
        for k in [*part["model"], part["rubric"]]:
            assert cells[k]["id"] not in by_id
            assert not any("".join(cells[k]["source"]) in "".join(c["source"]) for c in student)


def answer_cell(points=2, text=None):
    return {
        "cell_type": "markdown",
        "id": "a1",
        "metadata": {"tags": ["answer"], "brian_labs": {"points": points}},
        "source": text or open_answers.ANSWER_TEXT.format(points=points),
    }


def markdown(text, tags=(), cell_id="m"):
    return {
        "cell_type": "markdown",
        "id": cell_id,
        "metadata": {"tags": list(tags)},
        "source": text,
    }


QUESTION = markdown("**Think!** Why?", cell_id="q1")
MODEL = markdown("Because.", ["solution"], "m1")
RUBRIC = markdown("**Rubric.**\n- 1 point: this\n- 1 point: that\n", ["solution", "rubric"], "r1")


def test_a_complete_question_is_found_with_its_points():
    cells = [QUESTION, answer_cell(), MODEL, RUBRIC, markdown("## Next")]
    assert open_answers.open_answers(cells) == [
        dict(question=0, answer=1, model=[2], rubric=3, points=2)
    ]
    assert open_answers.total_points({"cells": cells}) == 2


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([QUESTION, MODEL, RUBRIC], r"q1: the next cell must be its answer cell"),
        ([QUESTION, answer_cell(), RUBRIC], r"q1: no model answer"),
        ([QUESTION, answer_cell(), MODEL], r"q1: needs one rubric cell .* found 0"),
        ([QUESTION, answer_cell(3), MODEL, RUBRIC], r"q1: the rubric's criteria add up to 2 "),
        ([QUESTION, answer_cell(0), MODEL, RUBRIC], r"a1: metadata brian_labs.points must be"),
        ([QUESTION, answer_cell(2, "*Your answer:*"), MODEL, RUBRIC], r"q1: the answer cell must"),
        ([answer_cell(), MODEL, RUBRIC], r"1 answer cells \(a1\) for 0 Think! questions"),
    ],
    ids=[
        "no answer cell",
        "no model",
        "no rubric",
        "points differ",
        "no points",
        "text",
        "orphan",
    ],
)
def test_a_missing_or_inconsistent_part_is_named(cells, message):
    with pytest.raises(ValueError, match=message):
        open_answers.open_answers(cells)


def test_the_guides_table_lists_every_think_question_with_its_points():
    guide = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    table = guide.split("<!-- think-questions:")[1].split("<!-- end think-questions -->")[0]
    rows = [line.strip("|").split("|") for line in table.splitlines()[3:] if line.startswith("|")]
    rows = [[cell.strip() for cell in row] for row in rows]
    expected = [
        [path.stem[:2], cells_of(path)[part["answer"]]["id"], str(part["points"])]
        for path in NOTEBOOKS
        for part in open_answers.open_answers(cells_of(path))
    ]
    total = sum(int(points) for _, _, points in expected)
    assert rows == [*expected, ["all", f"{len(expected)} questions", str(total)]]
