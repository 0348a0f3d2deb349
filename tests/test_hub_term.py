"""The scripted graded term on a local JupyterHub (benchmarks/classroom/term.py), end to end.

Students log in, pull the course with the hub's link, fetch and submit 02 from the Assignments
panel's routes of their own server, answer in their own kernels, upload 00 to the LMS; the
instructor collects, autogrades, grades the Think! answers and releases feedback, which the
students fetch and open; the exported CSV must hold exactly the expected points
(tools/graded_term.py), the wrong notebook reported with its reason.

It takes minutes (a hub, six servers, a dozen notebook runs), so it is marked ``hub`` and left
out of a plain `python3 course.py test` (pyproject.toml: ``-m "not hub"``); CI runs it in its
own stage:

    python3 course.py test -n 1 -m hub tests/test_hub_term.py

It is skipped (conftest.py ALLOWED_SKIPS) only when the hub cannot run: no configurable-http-proxy
installed and no npm to install it (benchmarks/classroom/hub.py, ``ensure_proxy``).
"""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.classroom import hub

pytestmark = pytest.mark.hub

ROOT = Path(__file__).resolve().parents[1]


def test_the_term_on_a_local_hub_grades_every_student_as_expected(tmp_path):
    if not hub.PROXY.exists() and shutil.which("npm") is None:
        pytest.skip("no npm (Node.js) for JupyterHub's proxy: the hub cannot run here")
    out = tmp_path / "term"
    done = subprocess.run(
        [sys.executable, str(ROOT / "course.py"), "classroom", "term", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    lines = done.stdout.splitlines()
    assert lines[-1].startswith("hub term: every grade as expected"), lines[-1]
    assert (
        "1005: handed in 02_lif_spike_generator.ipynb for 00_units (wrong notebook); not graded"
        in (lines)
    )
    seen = [line for line in lines if " sees their feedback on 02_lif_spike_generator: " in line]
    assert len(seen) == 5, seen
    # the CSV it printed is the exported file an LMS imports
    with open(out / "grades.csv", newline="", encoding="utf-8") as stream:
        exported = list(csv.reader(stream))
    start = lines.index(",".join(exported[0]))
    assert list(csv.reader(lines[start : start + len(exported)])) == exported
