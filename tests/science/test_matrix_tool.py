"""tools/matrix.py: the job plan, and how a failing notebook cell is reported.

The job plan is fixed and complete, and a failing notebook cell is reported with its notebook,
seed, target, cell and assertion message (no subprocesses here: a synthetic junit report).
"""

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tools import matrix

ROOT = Path(__file__).resolve().parents[2]

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


def write_notebook(path, cells):
    """A notebook of (cell_type, source, tags) triples."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    for kind, source, tags in cells:
        new = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(new(source, metadata={"tags": tags}))
    nbformat.write(nb, path)
    return path


def test_fingerprint_ignores_prose_comments_and_splits(tmp_path):
    base = [
        ("markdown", "# Title", []),
        ("code", "x = 1  # one\ny = x + 1", []),
        ("code", "1 / 0", ["raises-exception"]),
    ]
    reworded = [
        ("markdown", "# Another title", []),
        ("code", "# first part\nx = 1", []),
        ("markdown", "Then y.", []),
        ("code", "\ny = x + 1  # two", ["solution"]),
        ("code", "1 / 0", ["raises-exception"]),
    ]
    same = matrix.fingerprint(write_notebook(tmp_path / "a.ipynb", base))
    assert matrix.fingerprint(write_notebook(tmp_path / "b.ipynb", reworded)) == same


def test_fingerprint_sees_code_and_nbval_tags(tmp_path):
    base = [("code", "x = 1\ny = x + 1", []), ("code", "1 / 0", ["raises-exception"])]
    same = matrix.fingerprint(write_notebook(tmp_path / "a.ipynb", base))
    changed_number = [("code", "x = 2\ny = x + 1", []), base[1]]
    changed_string = [("code", "x = '1'\ny = x + 1", []), base[1]]
    merged = [("code", "x = 1\ny = x + 1\n1 / 0", ["raises-exception"])]
    for k, cells in enumerate([changed_number, changed_string, merged]):
        assert matrix.fingerprint(write_notebook(tmp_path / f"c{k}.ipynb", cells)) != same


def test_python_program_ignores_docstrings_and_comments(tmp_path):
    one, two, three = (tmp_path / f"{n}.py" for n in ("one", "two", "three"))
    one.write_text('"""Module."""\n\ndef f(x):\n    """Doc."""\n    return x + 1\n')
    two.write_text("def f(x):  # comment\n    return (x\n            + 1)\n")
    three.write_text("def f(x):\n    return x + 2\n")
    assert matrix.python_program(one) == matrix.python_program(two)
    assert matrix.python_program(one) != matrix.python_program(three)


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
    assert matrix.seed_ranges([3, 1, 2, 5, 2718, 7, 6]) == "1-3, 5-7, 2718"
    assert matrix.seed_ranges(["4"]) == "4"
    assert matrix.seed_ranges([]) == ""


def test_few_seeds_give_a_column_per_seed():
    report = matrix.markdown([result("00.ipynb", s, reused=s == 2) for s in (1, 2, 3)], "cmd", 60)
    assert "| notebook | target | seed 1 | seed 2 | seed 3 |" in report
    assert "| 00.ipynb | numpy | pass 10s | pass 10s (r) | pass 10s |" in report
    assert "3 runs, 3 passed, 0 failed; 0.5 min of run time, 1.0 min wall time" in report
    assert "(1 of them reused: same code, same environment)" in report
    assert report.rstrip().endswith("No check failed.")


def test_many_seeds_give_a_row_per_notebook_with_its_failing_seeds():
    bad = failure("Cell 3", "assert lo < n < hi")
    results = [result("05.ipynb", s, seconds=s) for s in range(1, 101) if s not in (17, 40)]
    results += [result("05.ipynb", s, "fail", seconds=s, failed=[bad]) for s in (17, 40)]
    results += [result("01.ipynb", s, target="cython") for s in range(1, 21)]
    late = dict(cell="?", test="?", source="", message="no result within 900 s")
    results.append(result("01.ipynb", 21, "timeout", target="cython", failed=[late]))
    report = matrix.markdown(results, "cmd", 600)
    assert "seed 1 |" not in report
    assert "Seeds: 1-100." in report
    assert "| 05.ipynb | numpy | 100 | 98 | 2 | 17, 40 | 51 |" in report
    assert "| 01.ipynb | cython | 21 | 20 | 1 | 21 | 10 |" in report
    # failures are grouped by check, and a timeout (no failing cell) is listed too
    assert "| 05.ipynb | code cell 3 | `assert lo < n < hi` | 2: 17 numpy, 40 numpy |" in report
    assert "| 01.ipynb | timeout | – | 1: 21 cython |" in report
    message = "AssertionError: out of band"
    assert (
        f"- 05.ipynb · seed 40 · numpy · code cell 3 (`assert lo < n < hi`): {message}" in report
    )
    assert "- 01.ipynb · seed 21 · cython · timeout: no result within 900 s" in report
    assert "No check failed." not in report


def test_seeds_take_ranges():
    assert matrix.parse_seeds("1-3, 2718,5") == [1, 2, 3, 2718, 5]
    assert matrix.parse(["--seeds", "1-100"]).seeds == list(range(1, 101))
    for bad in ("3-1", "-2", "1-x", "a"):
        with pytest.raises(ValueError):
            matrix.parse_seeds(bad)


def test_environment_names_python_brian2_numpy_and_os():
    import platform

    text = matrix.environment(sys.executable)
    assert text.startswith(f"Python {platform.python_version()}, Brian2 2.")
    assert ", numpy " in text and text.endswith(platform.system())


def test_reuse_keeps_only_results_of_the_same_code_and_environment(tmp_path, monkeypatch):
    book = ROOT / "notebooks" / "00_units.ipynb"
    here = "Python 3.x, Brian2 2.x, numpy 2.x, Linux"
    monkeypatch.setattr(matrix, "environment", lambda python: here)
    old = [
        dict(result(book.name, seed, seconds=1.0), fingerprint=matrix.fingerprint(book), **extra)
        for seed, extra in [
            (1, dict(environment=here)),
            (2, dict(environment="Python 2.7")),
            (3, {}),
        ]
    ]
    old.append(dict(old[0], seed=4, status="timeout"))
    (tmp_path / "matrix.json").write_text(json.dumps(old))
    ran = []

    def fake_run(job, python, timeout):
        ran.append(job["seed"])
        return dict(result(book.name, job["seed"]), environment=job["environment"])

    monkeypatch.setattr(matrix, "run_job", fake_run)
    argv = ["--targets", "numpy", "--seeds", "1-4", "--no-science", "--reuse", "--out"]
    assert matrix.main([*argv, str(tmp_path), str(book)]) == 0
    assert ran == [2, 3, 4]  # another environment, none recorded, or timed out: run again
    report = (tmp_path / "matrix.md").read_text()
    assert f"Environment: {here}." in report
    assert "(1 of them reused" in report
