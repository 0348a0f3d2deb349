#!/usr/bin/env python3
"""Check the nbgrader export end to end, headless.

Every notebook's solutions score full marks and its unanswered release scores zero without crashing
the grader.

    python3 tools/grade_check.py [--out DIR] [NOTEBOOK ...]   # default: a temporary folder, all

Run it as `python3 course.py grade`, which installs the instructors' lock (nbgrader next to the
course's packages) into .venv-instructor: nbgrader is not in the students' runtime, because it
brings notebook 7 and turns its JupyterLab extensions on for everyone using that environment.
For each notebook: `nbgrader generate_assignment`, then `nbgrader autograde` of two submissions,
"solutions" (the source notebook) and "blank" (the release, untouched). Prints the points.
Each notebook is graded in a course folder of its own (``<out>/<notebook>``), one per core at a
time.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import nbgrader_export  # noqa: E402
import student_edition  # noqa: E402


def nbgrader(course, *args):
    """Run an nbgrader command in the course folder; exit with its output if it fails."""
    command = [sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"]
    done = subprocess.run(command, cwd=course, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def grade(course, assignment):
    """{student: (score, max_score)} for the two submissions of one assignment."""
    from nbgrader.api import Gradebook

    nbgrader(course, "generate_assignment", assignment, "--force", "--create")
    notebook = f"{assignment}.ipynb"
    submissions = {
        "solutions": course / "source" / assignment / notebook,
        "blank": course / "release" / assignment / notebook,
    }
    for student, original in submissions.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(original, folder / notebook)
    nbgrader(course, "autograde", assignment, "--create", "--force")  # both submissions
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            student: (
                gradebook.find_submission(assignment, student).score,
                gradebook.find_assignment(assignment).max_score,
            )
            for student in submissions
        }


def main(argv=None):
    """Run the nbgrader round trip on the chosen notebooks; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", help="course folder (default: a temporary one)")
    parser.add_argument("notebooks", nargs="*", help="notebook names, e.g. 03 (default: all)")
    args = parser.parse_args(argv)
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        raise SystemExit(
            "nbgrader is not installed in this Python: install it next to the course "
            "(pip install nbgrader==0.9.6, see tools/grade_check.py) and rerun "
            "with that Python"
        ) from None
    # nbgrader runs `alembic` (installed next to it) by name: put this Python's scripts first
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    paths = student_edition.select(args.notebooks)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.out or tmp).resolve()

        def one_course(path):
            """Export and grade one notebook in a course folder of its own (own gradebook)."""
            course = root / path.stem
            points = nbgrader_export.export(course, [path], log=lambda line: None)
            return points[path.stem], grade(course, path.stem)

        # One notebook per core at a time: each autograde is one kernel executing a notebook.
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            results = list(pool.map(one_course, paths))
        failures = []
        for path, (points, scores) in zip(paths, results, strict=True):
            solved, blank = scores["solutions"], scores["blank"]
            ok = solved[0] == solved[1] == points and blank[0] == 0
            print(
                f"{path.stem}: {points} points; solutions "
                f"{solved[0]:g}/{solved[1]:g}, blank {blank[0]:g}/{blank[1]:g}  "
                f"{'ok' if ok else 'WRONG'}",
                flush=True,
            )
            if not ok:
                failures.append(path.stem)
    if failures:
        print(
            "not full marks for the solutions or not zero for the blank edition: "
            + ", ".join(failures)
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
