"""tools/matrix.py: the job plan, and how a failing notebook cell is reported.

The job plan is fixed and complete, and a failing notebook cell is reported with its notebook,
seed, target, cell and assertion message (no subprocesses here: a synthetic junit report).
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import matrix  # noqa: E402

NBVAL_FAILURE = """<testcase classname="notebooks/05_x.ipynb" name="Cell 7" time="0.1">\
<failure message="x">\
#x1B[91mNotebook cell execution failed#x1B[0m
#x1B[94mCell 7: Cell execution caused an exception

Input:
#x1B[0m# output rate vs input rate
assert rate &gt; 5*Hz, f"rate {rate}"

#x1B[94mTraceback:#x1B[0m
#x1B[31mAssertionError#x1B[39m                            Traceback (most recent call last)
#x1B[31mAssertionError#x1B[39m: rate 3.2 Hz
</failure></testcase>"""


def test_failure_is_described_by_cell_source_and_message():
    failure = matrix.describe_failure(ET.fromstring(NBVAL_FAILURE))
    assert failure["cell"] == "Cell 7"
    assert failure["source"] == "# output rate vs input rate"
    assert failure["message"] == "AssertionError: rate 3.2 Hz"


def test_plan_full_and_quick():
    full = matrix.plan(matrix.parse(["--seeds", "2718,1,2", "--targets", "numpy,cython"]))
    books = sorted((ROOT / "notebooks").glob("*.ipynb"))
    notebook_jobs = [j for j in full if j["kind"] == "notebook"]
    assert len(notebook_jobs) == len(books) * 3 * 2
    assert [j["target"] for j in notebook_jobs] == ["numpy"] * (3 * len(books)) + ["cython"] * (
        3 * len(books)
    )
    assert [j["kind"] for j in full[-2:]] == ["science", "science"]
    quick = matrix.plan(matrix.parse(["--quick"]))
    assert [j["path"] for j in quick if j["target"] == "numpy"] == books
    assert all(j["seed"] == matrix.QUICK_SEED for j in quick if j["target"] == "numpy")
    assert len([j for j in quick if j["target"] == "cython"]) == 1


def test_markdown_lists_the_failure():
    results = [
        dict(
            kind="notebook",
            name="05_x.ipynb",
            seed=s,
            target="numpy",
            status=st,
            seconds=5.0,
            failed=f,
        )
        for s, st, f in [
            (2718, "pass", []),
            (
                3,
                "fail",
                [
                    dict(
                        cell="Cell 7",
                        test="",
                        source="# output rate",
                        message="AssertionError: rate 3.2 Hz",
                    )
                ],
            ),
        ]
    ]
    text = matrix.markdown(results, "python3 course.py matrix", 60)
    assert "| 05_x.ipynb | numpy | pass 5s | **FAIL** 5s |" in text
    assert (
        "05_x.ipynb · seed 3 · numpy · code cell 7 (`# output rate`): AssertionError: rate 3.2 Hz"
        in text
    )
