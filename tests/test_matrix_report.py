"""The robustness matrix's Markdown report (tools/matrix.py), from made-up results."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from matrix import markdown, seed_ranges  # noqa: E402


def result(name, seed, status="pass", target="numpy", seconds=10.0, failed=(), reused=False):
    """One matrix result as run_job returns it."""
    return dict(
        kind="notebook", name=name, seed=seed, target=target, status=status, seconds=seconds,
        failed=list(failed), reused=reused, tests=5, skipped=0,
    )  # fmt: skip


def failure(cell, source, message="AssertionError: out of band"):
    """One failing cell as describe_failure returns it."""
    return dict(cell=cell, test=f"x::{cell}", source=source, message=message)


def test_seed_ranges_joins_consecutive_seeds():
    assert seed_ranges([3, 1, 2, 5, 2718, 7, 6]) == "1-3, 5-7, 2718"
    assert seed_ranges(["4"]) == "4"
    assert seed_ranges([]) == ""


def test_few_seeds_give_a_column_per_seed():
    report = markdown([result("00.ipynb", s, reused=s == 2) for s in (1, 2, 3)], "cmd", 60)
    assert "| notebook | target | seed 1 | seed 2 | seed 3 |" in report
    assert "| 00.ipynb | numpy | pass 10s | pass 10s (r) | pass 10s |" in report
    assert "3 runs, 3 passed, 0 failed; 0.5 min of run time, 1.0 min wall time" in report
    assert "(1 runs reused" in report
    assert report.rstrip().endswith("No check failed.")


def test_many_seeds_give_a_row_per_notebook_with_its_failing_seeds():
    bad = failure("Cell 3", "assert lo < n < hi")
    results = [result("05.ipynb", s, seconds=s) for s in range(1, 101) if s not in (17, 40)]
    results += [result("05.ipynb", s, "fail", seconds=s, failed=[bad]) for s in (17, 40)]
    results += [result("01.ipynb", s, target="cython") for s in range(1, 21)]
    results.append(result("01.ipynb", 21, "timeout", target="cython"))
    report = markdown(results, "cmd", 600)
    assert "seed 1 |" not in report
    assert "Seeds: 1-100." in report
    assert "| 05.ipynb | numpy | 100 | 98 | 2 | 17, 40 | 51 |" in report
    assert "| 01.ipynb | cython | 21 | 20 | 1 | 21 | 10 |" in report
    # failures are grouped by check, and a timeout (no failing cell) is listed too
    assert "| 05.ipynb | code cell 3 | `assert lo < n < hi` | 2: 17 numpy, 40 numpy |" in report
    assert "| 01.ipynb | timeout | `` | 1: 21 cython |" in report
    assert "- 05.ipynb · seed 40 · numpy · code cell 3: AssertionError: out of band" in report
    assert "No check failed." not in report
