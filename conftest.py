"""Markers by location, so a subset can be chosen with ``-m``: ``notebooks`` (nbval's notebook
cells), ``science`` (tests/science) and ``e2e`` (tests/e2e); see CONTRIBUTING.md "Tests"."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
MARKED_FOLDERS = {"notebooks": ROOT / "notebooks", "science": ROOT / "tests" / "science",
                  "e2e": ROOT / "tests" / "e2e"}


def pytest_collection_modifyitems(items):
    for item in items:
        path = Path(str(item.path)).resolve()
        for marker, folder in MARKED_FOLDERS.items():
            if path.is_relative_to(folder):
                item.add_marker(getattr(pytest.mark, marker))
