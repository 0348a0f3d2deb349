"""The student edition committed in student/ is what `python3 course.py student` writes today.

A JupyterHub pulls the course with nbgitpuller, straight from git, so the student edition must be
in the repository (Binder and `course.py lab` regenerate it as well). This test fails when a
notebook changed without the edition being regenerated.
"""

import json
from pathlib import Path

import pytest

from tools import student_edition

ROOT = Path(__file__).resolve().parents[1]

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EDITION = ROOT / "student"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_student_notebook_is_up_to_date(path):
    expected = student_edition.notebook_text(
        student_edition.student_notebook(json.loads(path.read_text(encoding="utf-8")))
    )
    published = EDITION / path.name
    assert published.exists(), f"{published} is missing: run python3 course.py student"
    assert published.read_text(encoding="utf-8") == expected, (
        f"{published.relative_to(ROOT)} is stale: run python3 course.py student"
    )
    manifest = json.loads((EDITION / student_edition.MANIFEST).read_text())
    assert manifest[path.name] == student_edition.digest(expected)


def test_the_edition_holds_only_generated_notebooks():
    names = {p.name for p in EDITION.glob("*.ipynb")}
    assert names == {p.name for p in NOTEBOOKS}, names ^ {p.name for p in NOTEBOOKS}
