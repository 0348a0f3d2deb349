"""tools/markers.py: a page's generated section, between its start and end markers."""

import pytest

from tools import markers


def test_rewrite_replaces_the_section_between_any_markers():
    page = "intro\n<!-- A -->\nold\n<!-- B -->\nend\n"
    assert markers.rewrite(page, "<!-- A -->\nnew\n<!-- B -->", "<!-- A -->", "<!-- B -->") == (
        "intro\n<!-- A -->\nnew\n<!-- B -->\nend\n"
    )


def test_rewrite_names_the_missing_markers():
    with pytest.raises(ValueError, match="no <!-- A -->"):
        markers.rewrite("a page without markers", "section", "<!-- A -->", "<!-- B -->")
