#!/usr/bin/env python3
"""Write an nbgrader course folder from the instructor's notebooks: one assignment per notebook.

    python3 tools/nbgrader_export.py [--out DIR] [NOTEBOOK ...]   # default: _build/nbgrader, all

In `DIR/source/<notebook>/<notebook>.ipynb` (nbgrader cell metadata, schema version 3):
- each exercise cell carries its worked solution in a `### BEGIN SOLUTION` / `### END SOLUTION`
  region after its placeholders (the released cell keeps the `...` placeholders and the
  instruction, and gets `# YOUR CODE HERE` in place of the solution);
- the check right after each exercise is a locked, graded test cell worth one point per answer
  the exercise asks for; the instructor-only checks that would give an answer away (tagged
  `solution` and `check`) move into that cell as `### BEGIN HIDDEN TESTS` regions;
- every other check cell is locked (read-only); answer paragraphs (`solution` markdown) are left
  out, as in the student edition.
`DIR/nbgrader_config.py` sets the code stub. Run nbgrader from DIR (`tools/grade_check.py` does).
nbgrader itself is not needed to export, only to generate and grade.
"""

import argparse
import ast
import json
import sys
from pathlib import Path

from tools import student_edition

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "_build" / "nbgrader"
CONFIG = """# Written by tools/nbgrader_export.py
c = get_config()  # noqa: F821 (nbgrader's config loader defines it)
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.Execute.timeout = 900
"""


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


def answer_count(exercise, solution):
    """How many names the exercise asks for: those the solution assigns differently."""

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
    return max(1, sum(name in given and answered[name] != given[name] for name in answered))


def with_region(code, begin, end, body):
    """``code`` followed by ``body`` between the region markers ``begin`` and ``end``."""
    return f"{code.rstrip()}\n{begin}\n{body.rstrip()}\n{end}"


# nbgrader gives no points to a graded cell that writes to stderr. Brian2 writes a warning there
# whenever an object that never ran is deleted, e.g. what a first attempt left behind: it must not
# cost points, so the assignment (not the course) turns that one message off.
GRADING_QUIET = (
    "# For grading: Brian2's note about deleted objects that never ran goes to stderr, which\n"
    "# nbgrader counts as a failed test. It is turned off here (only in the graded assignment).\n"
    'BrianLogger.suppress_name("unused_brian_object")'
)


def nbgrader_notebook(nb, stem):
    """The notebook dict in nbgrader's source format; returns (notebook, points)."""
    cells = json.loads(json.dumps(nb["cells"]))
    out, points = [], 0
    graded = None  # the graded test cell of the current exercise
    pending = None  # an exercise cell waiting for its solution
    walkthrough = False  # inside an instructor's walkthrough (see below)
    for cell in cells:
        tags = student_edition.tags_of(cell)
        meta = cell.setdefault("metadata", {})
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
            pending["points"] = answer_count(source(pending), source(cell))
            pending["source"] = with_region(
                source(pending), "### BEGIN SOLUTION", "### END SOLUTION", source(cell)
            )
            pending["metadata"]["nbgrader"] = nbgrader_meta(
                f"{stem}-{pending['id']}", solution=True
            )
        elif "solution" in tags:
            continue  # an answer paragraph: not in the student's notebook
        elif "check" in tags and pending is not None and "points" in pending:
            graded = cell
            meta["nbgrader"] = nbgrader_meta(
                f"{stem}-{cell['id']}", grade=True, locked=True, points=pending.pop("points")
            )
            points += meta["nbgrader"]["points"]
            pending = None
            out.append(cell)
        elif "check" in tags:
            meta["nbgrader"] = nbgrader_meta(f"{stem}-{cell['id']}", locked=True)
            out.append(cell)
        else:
            if student_edition.is_heading(cell):
                graded = None
            out.append(cell)
    setup = next((k for k, c in enumerate(out) if "lu.course_settings()" in source(c)), None)
    if setup is not None:
        out.insert(
            setup + 1,
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"{stem[:2]}-grading-quiet",
                "metadata": {"nbgrader": nbgrader_meta(f"{stem}-grading-quiet", locked=True)},
                "outputs": [],
                "source": GRADING_QUIET,
            },
        )
    for cell in out:
        cell.pop("points", None)
        if isinstance(cell["source"], str):
            cell["source"] = cell["source"].splitlines(keepends=True)
    result = dict(nb, cells=out)
    return result, points


def export(out_dir, paths, log=print):
    """Write the course folder; returns {assignment: points}."""
    out_dir = student_edition.check_out_dir(out_dir)
    (out_dir / "source").mkdir(parents=True, exist_ok=True)
    (out_dir / "nbgrader_config.py").write_text(CONFIG)
    totals = {}
    for path in paths:
        nb, points = nbgrader_notebook(json.loads(path.read_text(encoding="utf-8")), path.stem)
        folder = out_dir / "source" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        (folder / path.name).write_text(student_edition.notebook_text(nb), encoding="utf-8")
        totals[path.stem] = points
        log(f"{path.stem}: {points} points")
    return totals


def main(argv=None):
    """Export the chosen notebooks into nbgrader's course folder; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="course folder")
    parser.add_argument("notebooks", nargs="*", help="notebook names, e.g. 03 (default: all)")
    args = parser.parse_args(argv)
    export(Path(args.out), student_edition.select(args.notebooks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
