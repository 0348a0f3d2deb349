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
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tools import nbgrader_export, student_edition

ROOT = Path(__file__).resolve().parents[1]


def nbgrader_api(course):
    """The nbgrader Python API for a course folder, configured from its nbgrader_config.py.

    One process grades many notebooks with it: each `nbgrader` command would start Python and
    import nbgrader again (about 3 s of CPU).
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def succeeded(result, step):
    """Exit with nbgrader's log and traceback if the API call ``step`` failed."""
    if not result["success"]:
        raise SystemExit(
            f"nbgrader {step} failed:\n{result.get('log', '')}\n{result.get('error', '')}"
        )


def grade(course, assignment):
    """{student: (score, max_score)} for the two submissions of one assignment."""
    from nbgrader.api import Gradebook

    api = nbgrader_api(course)
    succeeded(api.generate_assignment(assignment, force=True, create=True), "generate_assignment")
    notebook = f"{assignment}.ipynb"
    submissions = {
        "solutions": course / "source" / assignment / notebook,
        "blank": course / "release" / assignment / notebook,
    }
    for student, original in submissions.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(original, folder / notebook)
        succeeded(api.autograde(assignment, student, force=True, create=True), "autograde")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            student: (
                gradebook.find_submission(assignment, student).score,
                gradebook.find_assignment(assignment).max_score,
            )
            for student in submissions
        }


def quiet_kernels(log):
    """Send this worker's stderr, which its kernels inherit, to ``log``.

    Each kernel warns on stderr that it runs over TCP without encryption; nbgrader's own messages
    come back in its results.
    """
    os.dup2(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND), 2)


def one_course(root, path):
    """Export and grade one notebook in a course folder of its own (own gradebook)."""
    course = root / path.stem
    points = nbgrader_export.export(course, [path], log=lambda line: None)
    return points[path.stem], grade(course, path.stem)


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
        root.mkdir(parents=True, exist_ok=True)
        # One process per core, each grading its notebooks one at a time (one kernel each).
        workers = min(len(paths), os.cpu_count() or 1)
        log = str(root / "kernels-stderr.log")
        with ProcessPoolExecutor(workers, initializer=quiet_kernels, initargs=(log,)) as pool:
            results = list(pool.map(one_course, [root] * len(paths), paths))
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
