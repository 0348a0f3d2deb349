"""nbgrader's round trip of a course notebook, as an instructor runs it, for the tests to read.

``python3 course.py grade check --out FOLDER NN`` (tools/grade_check.py, in .venv-instructor)
exports the notebook, generates nbgrader's release and autogrades two submissions: the solutions
and the untouched release. Its folder keeps the release and both executed submissions, which
tests/test_grading_round_trip.py reads (the points; the release is the student edition).
tests/conftest.py's ``grade_check`` fixture makes it once per notebook and process; a test that
reads it is in the notebook's xdist group ``grade-NN`` (``each_check``).
"""

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def course(*args):
    """Run ``python3 course.py ARGS`` in the repository; the completed process (text output)."""
    return subprocess.run(
        [sys.executable, str(ROOT / "course.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


@dataclass
class GradeCheck:
    """One notebook's round trip: the command's outcome and the nbgrader course folder."""

    result: subprocess.CompletedProcess
    course: Path  # <out>/<notebook>: source/, release/, submitted/, autograded/

    def notebook(self, stage, student=None):
        """A stage's notebook: "release", or "autograded" with a student (solutions, blank)."""
        name = self.course.name
        folder = self.course / stage / student / name if student else self.course / stage / name
        return folder / f"{name}.ipynb"


def grade_check(path, out):
    """Run the round trip of the course notebook ``path`` in the folder ``out``."""
    return GradeCheck(course("grade", "check", "--out", str(out), path.stem), out / path.stem)


def each_check(paths):
    """``parametrize`` values for a test that reads the ``grade_check`` fixture: one per notebook.

    Every such test of a notebook is in the xdist group ``grade-<notebook>``: they run in one
    worker, which makes the round trip once.
    """
    return [
        pytest.param(path, id=path.stem, marks=pytest.mark.xdist_group(f"grade-{path.stem}"))
        for path in paths
    ]
