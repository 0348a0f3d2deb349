"""Grading: nbgrader's round trip of each notebook, and a whole term, as an instructor runs them.

The solutions score full marks and the untouched release scores zero (tools/grade_check.py); the
scripted term grades six students who hand in by the exchange and by an LMS zip exactly as
expected (tools/graded_term.py; the same term on a local JupyterHub: tests/test_hub_term.py).
Both run through ``python3 course.py grade check NN`` and ``python3 course.py grade term``, in the
instructors' environment (.venv-instructor, installed on first use): nbgrader is not in the test
environment, whose packages students share. The round trip's release must be the student edition
cell by cell (tools/grading.py's edition_differences): tests/test_student_edition_runs.py judges
the blank release's run made here as the student edition's.
"""

import json
from pathlib import Path

import pytest
from _grade_check import course, each_check

from tools import grading, student_edition

pytestmark = pytest.mark.notebooks  # executes notebooks (twice each: solutions and blank)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", each_check(NOTEBOOKS))
def test_solutions_score_full_marks_and_the_blank_release_zero(path, grade_check):
    check = grade_check(path)
    result = check.result
    assert result.returncode == 0, result.stdout + result.stderr
    verdict = result.stdout.rstrip().splitlines()[-1]  # "05_balanced_ei: 7 points; ...  ok"
    assert verdict.startswith(f"{path.stem}: ") and verdict.endswith("ok"), result.stdout
    # the blank submission it graded zero is the student edition, cell by cell
    assert check.notebook("autograded", "blank").exists(), result.stdout
    release = json.loads(check.notebook("release").read_text(encoding="utf-8"))
    edition = student_edition.student_notebook(
        json.loads(path.read_text(encoding="utf-8")), path.name
    )
    assert not grading.edition_differences(release, edition), (
        f"{path.name}: nbgrader's release is not the student edition"
    )


def test_the_scripted_term_grades_every_student_as_expected(tmp_path, instructors_environment):
    result = course("grade", "term", "--out", str(tmp_path / "term"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "1005: handed in 02_lif_spike_generator.ipynb for 00_units (wrong notebook); not graded"
        in result.stdout
    )
    assert (
        result.stdout.rstrip().splitlines()[-1].startswith("graded term: every grade as expected")
    )
