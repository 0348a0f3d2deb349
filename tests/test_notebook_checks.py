"""Check cells are stored collapsed with a one-line summary.

The reasoning about tolerances lives in their comments, not in the markdown students read (issues
13 and 14).
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Phrases that discuss a check's tolerance or the seeds it was tried on.
TOLERANCE_TALK = re.compile(
    r"standard error|seeds? gave|\d+ seeds|seeds we tried|tolerance|we allow|the check allows"
    r"|we check (?:it|that|for|above|below|under)|we accept|\bSE\b"
    r"|\d(?:\.\d+)? SDs? (?:either|away)",
    re.IGNORECASE,
)


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_check_cells_are_collapsed_and_summarised(path):
    checks = [c for c in cells(path) if "check" in c["metadata"].get("tags", [])]
    assert checks, f"{path.name} has no check cell"
    for cell in checks:
        source = "".join(cell["source"])
        assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, (
            f"{path.name}: check cell {cell['id']} is not collapsed (jupyter.source_hidden)"
        )
        assert re.match(r"# Check: \S", source), (
            f"{path.name}: check cell {cell['id']} does not start with a '# Check: ...' summary"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_markdown_does_not_discuss_tolerances(path):
    found = []
    for cell in cells(path):
        if cell["cell_type"] == "markdown":
            text = " ".join("".join(cell["source"]).split())
            found += [
                text[max(0, m.start() - 60) : m.end() + 60] for m in TOLERANCE_TALK.finditer(text)
            ]
    assert not found, (
        f"{path.name}: tolerance reasoning belongs in the check cell's comments, "
        f"not the markdown:\n  " + "\n  ".join(found)
    )


def test_the_tolerance_pattern_catches_typical_passages():
    for passage in [
        "the standard error is 0.1 mV",
        "20 seeds gave -56.4 mV",
        "we allow 0.5 mV",
        "the check allows 30 %",
        "within 5 SE",
        "the tolerance is 4 SD",
    ]:
        assert TOLERANCE_TALK.search(passage), passage
    assert not TOLERANCE_TALK.search("The check below confirms it.")
