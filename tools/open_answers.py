"""Open answers: the cells of a **Think!** question, defined in one place.

In the instructor's edition (notebooks/) every markdown cell that starts with ``**Think!**`` is
followed by:

1. the **answer cell**, where the student writes: markdown, tag ``answer``, its points in the
   cell metadata ``brian_labs.points`` (a whole number, also stated in its text:
   ``*Your answer (2 points, graded by hand):*``). nbgrader grades it by hand (a manually graded
   answer: ``grade`` and ``solution`` true, with its points; tools/nbgrader_export.py);
2. the **model answer**: one or more markdown cells tagged ``solution``;
3. the **rubric**: a markdown cell tagged ``solution`` and ``rubric``, one line per criterion,
   ``- 1 point: ...``, adding up to the answer cell's points.

Cells tagged ``solution`` (the model answer, the rubric, and any instructor-only check between
them) never reach the student edition. ``tests/test_open_answers.py`` holds every notebook to this.
"""

import re

THINK_PREFIX = "**Think!**"
ANSWER_TAG = "answer"
RUBRIC_TAG = "rubric"
SOLUTION_TAG = "solution"
POINTS_KEY = "points"  # in the answer cell's metadata["brian_labs"]
ANSWER_TEXT = "*Your answer ({points} points, graded by hand):*"
RUBRIC_LINE = re.compile(r"^- (\d+) points?: \S", re.M)


def tags_of(cell):
    """The cell's tags."""
    return cell.get("metadata", {}).get("tags", [])


def text_of(cell):
    """The cell's source as one string."""
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def is_question(cell):
    """Whether the cell asks a Think! question."""
    return cell["cell_type"] == "markdown" and text_of(cell).lstrip().startswith(THINK_PREFIX)


def is_answer(cell):
    """Whether the cell is a Think! question's answer cell (tag ``answer``)."""
    return cell["cell_type"] == "markdown" and ANSWER_TAG in tags_of(cell)


def points_of(cell):
    """The points of an answer cell (a positive whole number); ValueError naming it if not."""
    points = cell.get("metadata", {}).get("brian_labs", {}).get(POINTS_KEY)
    if not isinstance(points, int) or isinstance(points, bool) or points < 1:
        raise ValueError(
            f"answer cell {cell.get('id')}: metadata brian_labs.{POINTS_KEY} must be a positive "
            f"whole number, got {points!r}"
        )
    return points


def rubric_points(cell):
    """The points a rubric cell's criteria (``- N point(s): ...`` lines) add up to."""
    return sum(int(n) for n in RUBRIC_LINE.findall(text_of(cell)))


def open_answers(cells):
    """Each Think! question of a notebook's cells with its parts, in order.

    Returns a list of dicts: ``question``, ``answer`` (cell index), ``model`` (indices of the
    model-answer cells), ``rubric`` (index), ``points``. Raises ValueError naming the question's
    cell when a part is missing or the rubric's points differ from the answer cell's.
    """
    found = []
    for k, cell in enumerate(cells):
        if not is_question(cell):
            continue
        name = f"Think! question {cell.get('id')}"
        if k + 1 >= len(cells) or not is_answer(cells[k + 1]):
            raise ValueError(f"{name}: the next cell must be its answer cell (tag {ANSWER_TAG!r})")
        answer = cells[k + 1]
        points = points_of(answer)
        if text_of(answer).strip() != ANSWER_TEXT.format(points=points):
            raise ValueError(
                f"{name}: the answer cell must read {ANSWER_TEXT.format(points=points)!r}"
            )
        following = []  # the solution cells after the answer cell
        for j in range(k + 2, len(cells)):
            if SOLUTION_TAG not in tags_of(cells[j]):
                break
            following.append(j)
        model = [
            j
            for j in following
            if cells[j]["cell_type"] == "markdown" and RUBRIC_TAG not in tags_of(cells[j])
        ]
        rubric = [j for j in following if RUBRIC_TAG in tags_of(cells[j])]
        if not model:
            raise ValueError(f"{name}: no model answer (markdown tagged {SOLUTION_TAG!r})")
        if len(rubric) != 1:
            raise ValueError(
                f"{name}: needs one rubric cell (tags {SOLUTION_TAG!r}, {RUBRIC_TAG!r}), "
                f"found {len(rubric)}"
            )
        if rubric_points(cells[rubric[0]]) != points:
            raise ValueError(
                f"{name}: the rubric's criteria add up to {rubric_points(cells[rubric[0]])} "
                f"points, the answer cell gives {points}"
            )
        found.append(dict(question=k, answer=k + 1, model=model, rubric=rubric[0], points=points))
    answers = [c.get("id") for c in cells if is_answer(c)]
    if len(answers) != len(found):
        raise ValueError(
            f"{len(answers)} answer cells ({', '.join(map(str, answers))}) for "
            f"{len(found)} Think! questions: an answer cell must follow its question"
        )
    return found


def total_points(nb):
    """The points of all open answers of a notebook (a dict as read from its JSON)."""
    return sum(part["points"] for part in open_answers(nb["cells"]))
