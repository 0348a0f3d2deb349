#!/usr/bin/env python3
"""Write an nbgrader course folder from the instructor's notebooks: one assignment per notebook.

    python3 course.py nbgrader-export [--out DIR] [NOTEBOOK ...]   # default: _build/nbgrader, all

In `DIR/source/<notebook>/<notebook>.ipynb` (nbgrader cell metadata, schema version 3, grade ids
the cell ids):
- each exercise cell carries its worked solution in a `### BEGIN SOLUTION` / `### END SOLUTION`
  region after its placeholders (the released cell keeps the `...` placeholders and the
  instruction, and gets `# YOUR CODE HERE` in place of the solution);
- the check right after each exercise is a locked, graded test cell; with a
  `lu.check_answer("name", ...)` statement per answer it is split into one graded cell per answer,
  one point each (one answer right of two scores half), else it is one cell worth one point per
  answer the exercise asks for; the instructor-only checks that would give an answer away
  (tagged `solution` and `check`) move into the last of them as `### BEGIN HIDDEN TESTS` regions;
- a Think! answer cell (markdown tagged `answer`, its points in `metadata.brian_labs.points`) is
  graded by hand (nbgrader's manually graded answer);
- every other check cell is locked (read-only); answer paragraphs, model answers and rubrics
  (`solution` markdown) are left out.
`release_notebook` turns that into the release, which IS the student edition (student/,
tools/student_edition.py). `DIR/course_config.py` holds the course's nbgrader settings (rewritten
on every export) and `DIR/nbgrader_config.py`, written once and then the instructor's, loads it.
nbgrader itself is not needed to export, only to generate and grade.
"""

import argparse
import ast
import json
import sys
from pathlib import Path

from tools import colab_cells, course_notebooks, open_answers

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "_build" / "nbgrader"
COURSE_CONFIG = """# The course's nbgrader settings, rewritten by tools/nbgrader_export.py
c = get_config()  # noqa: F821 (nbgrader's config loader defines it)
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.Execute.timeout = 900
# a graded test cell the student deleted is put back (and run) rather than scored zero
c.OverwriteCells.add_missing_cells = True
"""
CONFIG = """# nbgrader's configuration of this course folder: yours to edit (written once).
c = get_config()  # noqa: F821 (nbgrader's config loader defines it)
load_subconfig("course_config.py")  # noqa: F821 (the course's settings, tools/nbgrader_export.py)
"""


def is_heading(cell):
    """Whether the cell is a markdown cell that starts with a heading."""
    return cell["cell_type"] == "markdown" and "".join(cell["source"]).lstrip().startswith("#")


def source(cell):
    """The cell's source as one string."""
    return "".join(cell["source"])


def nbgrader_meta(grade_id, *, grade=False, solution=False, locked=False, points=None):
    """The nbgrader metadata of a cell (schema version 3)."""
    meta = {
        "grade": grade,
        "solution": solution,
        "locked": locked,
        "grade_id": grade_id,
        "schema_version": 3,
    }
    if grade:
        meta["points"] = points
    return meta


def answered_names(exercise, solution):
    """The names an exercise asks for: those its solution assigns differently, in order."""

    def assigned(code):
        values = {}
        for node in ast.parse(code).body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    for name in target.elts if isinstance(target, ast.Tuple) else [target]:
                        if isinstance(name, ast.Name):
                            values[name.id] = ast.dump(node.value)
        return values

    given, answered = assigned(exercise), assigned(solution)
    return [name for name in answered if name in given and answered[name] != given[name]]


def answer_count(exercise, solution):
    """How many answers the exercise asks for (at least one)."""
    return max(1, len(answered_names(exercise, solution)))


def checked_answer(statement, names):
    """The name if ``statement`` is ``lu.check_answer("name", ...)`` for one of ``names``."""
    call = statement.value if isinstance(statement, ast.Expr) else None
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "check_answer"
        and call.args
        and isinstance(call.args[0], ast.Constant)
    ):
        return None
    return call.args[0].value if call.args[0].value in names else None


def split_check(code, names):
    """The graded check ``code`` as one piece per answer: [(answer name or None, code), ...].

    A check with a ``lu.check_answer("name", ...)`` statement for each of several answers is cut
    before each answer's statement after the first (with the comments just above it), so that
    nbgrader scores each answer on its own: one right of two gives half. Statements before the
    first answer's check go with it; those after the last go with the last. A check without such
    statements (a model simulated and asserted on) stays one piece.
    """
    lines = code.splitlines(keepends=True)
    body = ast.parse(code).body
    cuts, seen = [], []
    for statement in body:
        name = checked_answer(statement, names)
        if name is None or name in seen:
            continue
        seen.append(name)
        start = statement.lineno - 1
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1
        cuts.append(start)
    if len(seen) < 2:
        return [(seen[0] if seen else None, code)]
    cuts[0] = 0
    bounds = [*cuts, len(lines)]
    return [
        (name, "".join(lines[a:b]).rstrip())
        for name, a, b in zip(seen, bounds, bounds[1:], strict=False)
    ]


def with_region(code, begin, end, body):
    """``code`` followed by ``body`` between the region markers ``begin`` and ``end``."""
    return f"{code.rstrip()}\n{begin}\n{body.rstrip()}\n{end}"


# nbgrader gives no points to a graded cell that writes to stderr. Brian2 writes a warning there
# whenever an object that never ran is deleted, e.g. what a first attempt left behind: it must not
# cost points, so the edition turns that one message off.
GRADING_QUIET = (
    "# For grading: Brian2's note about deleted objects that never ran goes to stderr, which\n"
    "# nbgrader counts as a failed test. It is turned off here.\n"
    "from brian2 import BrianLogger\n"
    "\n"
    'BrianLogger.suppress_name("unused_brian_object")'
)
GRADING_QUIET_ID = "grading-quiet"


def graded_checks(cell, names, points):
    """The graded test cells for an exercise's check ``cell``: one per answer where it can split.

    ``points`` is what the exercise is worth; each piece of a split check is worth one point, and
    the last piece also the answers that have no check statement of their own. The first piece
    keeps the cell's id, the others get ``<id>-2``, ``<id>-3`` ...
    """
    pieces = split_check(source(cell), names)
    cells = []
    for number, (name, code) in enumerate(pieces, 1):
        piece = json.loads(json.dumps(cell))
        if number > 1:
            piece["id"] = f"{cell['id']}-{number}"
            code = f"# Check: {name}, graded on its own\n{code}"
        piece["source"] = code
        worth = 1 if len(pieces) > 1 else points
        if number == len(pieces):
            worth = points - (len(pieces) - 1) if len(pieces) > 1 else points
        piece["metadata"]["nbgrader"] = nbgrader_meta(
            piece["id"], grade=True, locked=True, points=worth
        )
        cells.append(piece)
    return cells


def nbgrader_notebook(nb, stem="notebook"):
    """The notebook dict in nbgrader's source format; returns (notebook, points).

    ``stem`` names the notebook in error messages. Grade ids are the cell ids.
    """
    cells = json.loads(json.dumps(nb["cells"]))
    # what is released is the student edition: its Colab badge opens student/<notebook>
    colab_cells.student_badge({"cells": cells}, f"{stem}.ipynb")
    out, points = [], 0
    graded = None  # the last graded test cell of the current exercise
    pending = None  # an exercise cell waiting for its solution
    after_exercise = False  # between an exercise and the next heading (checks may stop early)
    walkthrough = False  # inside an instructor's walkthrough (see below)
    for cell in cells:
        tags = open_answers.tags_of(cell)
        meta = cell.setdefault("metadata", {})
        if "exercise" in tags:
            after_exercise = True
        elif is_heading(cell):
            after_exercise = False
        if "check" in tags and "solution" not in tags:
            # the student edition's checks: collapsed; an exercise's may stop "not answered yet"
            meta.setdefault("jupyter", {})["source_hidden"] = True
            if after_exercise and "raises-exception" not in tags:
                meta["tags"] = tags = [*tags, "raises-exception"]
        if walkthrough and "solution" in tags and cell["cell_type"] == "code":
            continue
        walkthrough = False
        if "exercise" in tags:
            pending, graded = cell, None
            out.append(cell)
        elif (
            "solution" in tags
            and "check" not in tags
            and cell["cell_type"] == "code"
            and pending is None
            and graded is not None
        ):
            # Code tagged solution after an exercise's graded check: the instructor's walkthrough
            # of the answer (and its checks), not part of the assignment; the student edition
            # drops it too.
            walkthrough = True
        elif "solution" in tags and "check" in tags:
            if graded is None:
                raise SystemExit(
                    f"{stem}: an instructor-only check ({source(cell)[:40]!r}) "
                    "follows no graded check"
                )
            graded["source"] = with_region(
                source(graded), "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS", source(cell)
            )
        elif "solution" in tags and cell["cell_type"] == "code":
            if pending is None:
                raise SystemExit(f"{stem}: a solution cell follows no exercise cell")
            pending["answers"] = answered_names(source(pending), source(cell))
            pending["source"] = with_region(
                source(pending), "### BEGIN SOLUTION", "### END SOLUTION", source(cell)
            )
            pending["metadata"]["nbgrader"] = nbgrader_meta(pending["id"], solution=True)
        elif "solution" in tags:
            continue  # an answer paragraph, model answer or rubric: not in the student's notebook
        elif "check" in tags and pending is not None and "answers" in pending:
            names = pending.pop("answers")
            pieces = graded_checks(cell, names, max(1, len(names)))
            points += sum(p["metadata"]["nbgrader"]["points"] for p in pieces)
            graded = pieces[-1]
            pending = None
            out += pieces
        elif "check" in tags:
            meta["nbgrader"] = nbgrader_meta(cell["id"], locked=True)
            out.append(cell)
        elif "answer" in tags and cell["cell_type"] == "markdown":
            # a Think! question's answer cell: graded by hand, worth the points it states
            worth = meta.get("brian_labs", {}).get("points")
            if not worth:
                raise SystemExit(f"{stem}: answer cell {cell['id']} states no points")
            meta["nbgrader"] = nbgrader_meta(cell["id"], grade=True, solution=True, points=worth)
            # the prompt stays; the student writes below it, where the release puts the stub
            cell["source"] = f"{source(cell).rstrip()}\n\n### BEGIN SOLUTION\n### END SOLUTION"
            points += worth
            out.append(cell)
        else:
            if is_heading(cell):
                graded = None
            out.append(cell)
    setup = next(
        (
            k
            for k, c in enumerate(out)
            if c["cell_type"] == "code" and "lu.course_settings()" in source(c)
        ),
        None,
    )
    if setup is not None:
        out.insert(
            setup + 1,
            {
                "cell_type": "code",
                "execution_count": None,
                "id": GRADING_QUIET_ID,
                "metadata": {"nbgrader": nbgrader_meta(GRADING_QUIET_ID, locked=True)},
                "outputs": [],
                "source": GRADING_QUIET,
            },
        )
    for cell in out:
        if isinstance(cell["source"], str):
            cell["source"] = cell["source"].splitlines(keepends=True)
    return dict(nb, cells=out), points


# What `nbgrader generate_assignment` does to the source notebook (its preprocessors LockCells,
# ClearSolutions, ClearHiddenTests; nbgrader 0.9), so that the student edition, which students
# get without nbgrader installed, is the release. tools/graded_term.py checks that it equals
# nbgrader's own release, checksums aside (nbgrader's autograde replaces a submitted cell's
# checksum with the source's, so none is needed in the edition).
CODE_STUB = "# YOUR CODE HERE"
TEXT_STUB = "YOUR ANSWER HERE"


def clear_region(text, begin, end, stub=None):
    """``text`` without its regions from a ``begin`` line to an ``end`` line; (text, regions).

    Line by line as nbgrader does, with ``stub`` (at the region's indentation) in each region's
    place if given. Returns (text, number of regions).
    """
    lines, kept, inside, found = text.split("\n"), [], False, 0
    for line in lines:
        if not inside and line.strip().startswith(begin):
            inside, found = True, found + 1
            if stub is not None:
                kept.append(line[: len(line) - len(line.lstrip())] + stub)
        elif inside and line.strip().startswith(end):
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept), found


def release_notebook(source_nb):
    """The student's notebook (nbgrader's release) from a notebook in nbgrader's source format."""
    nb = json.loads(json.dumps(source_nb))
    for cell in nb["cells"]:
        grading = cell["metadata"].get("nbgrader")
        if not grading:
            continue
        cell["metadata"]["deletable"] = False  # LockCells: no graded or locked cell is deleted
        if grading["locked"]:
            cell["metadata"]["editable"] = False
        grading["cell_type"] = cell["cell_type"]
        text = source(cell)
        if grading["solution"]:
            stub = CODE_STUB if cell["cell_type"] == "code" else TEXT_STUB
            text, found = clear_region(text, "### BEGIN SOLUTION", "### END SOLUTION", stub)
            if not found:
                text = stub
        text = clear_region(text, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")[0]
        cell["source"] = text.splitlines(keepends=True)
    return nb


def export(out_dir, paths, log=print):
    """Write the course folder; returns {assignment: points}."""
    out_dir = course_notebooks.check_out_dir(out_dir)
    (out_dir / "source").mkdir(parents=True, exist_ok=True)
    (out_dir / "course_config.py").write_text(COURSE_CONFIG)
    if not (out_dir / "nbgrader_config.py").exists():
        (out_dir / "nbgrader_config.py").write_text(CONFIG)
    totals = {}
    for path in paths:
        original = json.loads(path.read_text(encoding="utf-8"))
        nb, points = nbgrader_notebook(original, path.stem)
        folder = out_dir / "source" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        (folder / path.name).write_text(course_notebooks.notebook_text(nb), encoding="utf-8")
        totals[path.stem] = points
        by_hand = open_answers.total_points(original)
        log(
            f"{path.stem}: {points} points ({points - by_hand} autograded, "
            f"{by_hand} for Think! answers graded by hand)"
        )
    return totals


GUIDE = ROOT / "docs" / "instructor-guide.md"
POINTS_START = "<!-- POINTS:START (python3 course.py docs) -->"  # tools/docs.py writes it
POINTS_END = "<!-- POINTS:END -->"


def points_table(paths):
    """The guide's table of points per notebook: graded tests, by hand, total (markdown)."""
    rows = []
    for path in paths:
        nb, total = nbgrader_notebook(json.loads(path.read_text(encoding="utf-8")), path.stem)
        by_hand = sum(
            c["metadata"]["nbgrader"]["points"]
            for c in nb["cells"]
            if c["metadata"].get("nbgrader", {}).get("grade")
            and c["metadata"]["nbgrader"]["solution"]
        )
        tests = sum(
            c["metadata"].get("nbgrader", {}).get("grade", False)
            and not c["metadata"]["nbgrader"]["solution"]
            for c in nb["cells"]
        )
        rows.append((path.stem, tests, total - by_hand, by_hand, total))
    sums = [sum(row[k] for row in rows) for k in range(1, 5)]
    lines = [
        POINTS_START,
        "",
        "| notebook | graded tests | autograded points | graded by hand | total |",
        "|---|---|---|---|---|",
        *(f"| {stem} | {n} | {auto} | {hand} | {total} |" for stem, n, auto, hand, total in rows),
        "| **course** | {} | {} | {} | {} |".format(*sums),
        "",
        POINTS_END,
    ]
    return "\n".join(lines)


def main(argv=None):
    """Export the chosen notebooks into nbgrader's course folder; the exit status."""
    parser = argparse.ArgumentParser(
        prog="python3 course.py nbgrader-export", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="course folder")
    parser.add_argument("notebooks", nargs="*", help="notebook names, e.g. 03 (default: all)")
    args = parser.parse_args(argv)
    export(Path(args.out), course_notebooks.select(args.notebooks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
