"""Repository-level promises.

Pins agree everywhere, notebooks are stored clean, CI runs the README's test command, and the
course never reads the developers' reference material.
"""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tools import clean_notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_clean(path):
    text = path.read_text(encoding="utf-8")
    assert clean_notebooks.dumps(clean_notebooks.clean(json.loads(text))) == text, (
        f"{path.name} has outputs or extra metadata: run python3 tools/clean_notebooks.py {path}"
    )


def test_notebooks_follow_the_skeleton():
    assert len(NOTEBOOKS) >= 1
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text())["cells"]
        text = "\n".join("".join(c["source"]) for c in cells)
        tags = [t for c in cells for t in c["metadata"].get("tags", [])]
        assert re.match(r"\d\d_", path.name), path.name
        assert "**You will learn**" in text and "## Setup" in text and "## Summary" in text, (
            path.name
        )
        assert "lu.course_settings()" in text and "seed(SEED)" in text, path.name
        assert "lu.prepare_session()" in text, path.name
        assert tags.count("exercise") >= 1 and tags.count("solution") >= 1, path.name
        assert "check" in tags, path.name


def test_the_version_is_written_once():
    from importlib.metadata import version

    import labutils

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    assert version("brian-labs") == labutils.__version__


@pytest.mark.parametrize(
    "marker, path",
    [
        ("notebooks", "notebooks/00_units.ipynb"),
        ("science", "tests/science/test_science_decay.py"),
    ],
)
def test_markers_select_by_folder(marker, path):
    def selected(expression):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "--collect-only",
                "-q",
                "-p",
                "no:cacheprovider",
                "-m",
                expression,
                path,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return [line for line in done.stdout.splitlines() if "::" in line]

    assert len(selected(marker)) > 0
    assert selected(f"not {marker}") == []


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 course.py test" in readme and "python3 course.py lab" in readme
    # a command line (not a comment) running exactly the README's command, with no extra arguments
    commands = [line for line in ci.splitlines() if not line.lstrip().startswith("#")]
    assert any(re.search(r"(^|\s)python3 course\.py test$", line) for line in commands), ci


def test_course_script_help_runs_with_plain_python():
    out = subprocess.run(
        [sys.executable, str(ROOT / "course.py"), "help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "course.py lab" in out and "course.py test" in out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_exercise_has_a_solution_and_a_check(path):
    """Exercise -> solution -> check, in that order, with no other exercise in between."""
    cells = json.loads(path.read_text())["cells"]
    tagged = [
        (i, c["metadata"].get("tags", [])) for i, c in enumerate(cells) if c["cell_type"] == "code"
    ]
    for position, (index, tags) in enumerate(tagged):
        if "exercise" not in tags:
            continue
        following = [t for _, t in tagged[position + 1 :]]
        solution = next((k for k, t in enumerate(following) if "solution" in t), None)
        assert solution is not None, f"{path.name}: exercise cell {index} has no solution after it"
        check = next((k for k, t in enumerate(following) if "check" in t and k > solution), None)
        assert check is not None, (
            f"{path.name}: exercise cell {index} has no check after its solution"
        )
        assert not any("exercise" in t for t in following[:solution]), (
            f"{path.name}: exercise cell {index} is followed by another exercise"
            " before its solution"
        )


def test_student_edition_drops_solutions_and_keeps_exercises_and_checks(tmp_path):
    from tools import student_edition

    assert student_edition.main(["--out", str(tmp_path)]) == 0
    for path in NOTEBOOKS:
        original = json.loads(path.read_text())["cells"]
        student = json.loads((tmp_path / path.name).read_text())["cells"]
        tags = lambda cells, tag: sum(tag in c["metadata"].get("tags", []) for c in cells)  # noqa: E731
        assert tags(student, "solution") == 0
        assert tags(student, "exercise") == tags(original, "exercise") >= 1
        kept_checks = [
            c
            for c in original
            if "check" in c["metadata"].get("tags", [])
            and "solution" not in c["metadata"].get("tags", [])
        ]
        assert tags(student, "check") == len(kept_checks)
        assert len(student) == len(original) - tags(original, "solution")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_builtin_reduction_over_a_generator(path):
    """No all/any/sum/min/max over a generator in a notebook.

    `from brian2 import *` replaces them with numpy's: numpy's all/any call a generator truthy (a
    check `assert all(x > 0 for x in xs)` could never fail), and numpy >= 2.4 (Brian2 2.10+'s
    stacks) refuses sum/min/max of a generator with a TypeError.
    """
    import ast

    names = {"all", "any", "sum", "min", "max"}
    for index, cell in enumerate(json.loads(path.read_text())["cells"]):
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse("".join(cell["source"]))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names
                and any(isinstance(arg, ast.GeneratorExp) for arg in node.args)
            ):
                raise AssertionError(
                    f"{path.name} cell {index}: {ast.unparse(node)!r} "
                    "(pass a list, or use np.all/np.sum on an array)"
                )


def test_benchmark_results_cover_every_notebook_and_explorer():
    """benchmarks/results.json covers every notebook and every explorer.

    It (issue 4's shape) has a cold Run All time for every notebook and, for every notebook that
    builds an explorer, its fast median with numpy and Cython baselines: a new notebook or explorer
    must be benchmarked before it lands.
    """
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    assert set(results) == {"explorers", "notebooks"}
    for path in NOTEBOOKS:
        assert results["notebooks"][path.name]["cold_s"] > 0, path.name
        if "lu.explore(" in path.read_text():
            rows = {k: v for k, v in results["explorers"].items() if k.split(":")[0] == path.stem}
            assert rows, f"{path.name} has an explorer but no benchmark row"
            for name, row in rows.items():
                assert set(row) == {"median_ms", "numpy_ms", "cython_ms"}, name
                assert all(isinstance(row[k], float) and row[k] > 0 for k in row), (name, row)


def test_readme_speed_figures_match_the_benchmark_results():
    """The README's "Speed" paragraph quotes benchmarks/results.json.

    Re-benchmarking must update it.
    """
    text = (ROOT / "README.md").read_text()
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    low, high, izhikevich = map(
        int,
        re.search(
            r'"Run All" takes (\d+)–(\d+) s per notebook \((\d+) s for the Izhikevich', text
        ).groups(),
    )
    cold = {
        name: row["cold_s"]
        for name, row in results["notebooks"].items()
        if name in {p.name for p in NOTEBOOKS}
    }
    others = [s for name, s in cold.items() if "izhikevich" not in name]
    assert low <= round(min(others)) and round(max(others)) <= high, (low, high, cold)
    assert round(cold["06_izhikevich.ipynb"]) == izhikevich, cold
    fastest, slowest = map(int, re.search(r"redraws (\d+)–(\d+) ms", text).groups())
    course = {
        k: v
        for k, v in results["explorers"].items()
        if k.split(":")[0] in {p.stem for p in NOTEBOOKS}
    }
    medians = [row["median_ms"] for row in course.values()]
    assert fastest <= min(medians) and max(medians) <= slowest, medians
    least, most = map(float, re.search(r"(\d+\.\d)–(\d+\.\d)× faster", text).groups())
    ratios = [row["numpy_ms"] / row["median_ms"] for row in course.values()]
    assert (least, most) == (round(min(ratios), 1), round(max(ratios), 1)), ratios


def stated_minutes():
    """{notebook number: the minutes its header states ("**Time** ≈ N min")}."""
    minutes = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        header = json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"]
        match = re.search(r"\*\*Time\*\* ≈ (\d+) min", "".join(header))
        assert match, f"{path.name}: no '**Time** ≈ N min' in the header"
        minutes[path.name[:2]] = int(match.group(1))
    return minutes


def test_the_instructor_guide_states_the_notebooks_times():
    """Every time in the guide's tables is the notebook's own, and its totals add up."""
    guide = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    minutes = stated_minutes()
    rows = re.findall(r"\| (\d\d) · [^|\n]*\| (\d+) min \|", guide)
    assert len(rows) >= 11, rows
    for number, stated in rows:
        assert int(stated) == minutes[number], f"guide says {stated} min for {number}"
    for notebooks, stated in re.findall(
        r"^\| \d \| ([^|]+) \| ((?:\d+ \+ )*\d+) min \|", guide, re.M
    ):
        numbers = re.findall(r"(\d\d) · ", notebooks)
        assert [int(x) for x in stated.split(" + ")] == [minutes[n] for n in numbers], notebooks
    core = sum(minutes[n] for n in minutes if n <= "05")
    extensions = sum(minutes[n] for n in minutes if n >= "06")
    assert f"add up to {core} min for 00-05" in guide
    whole = core + extensions
    assert f"state {extensions} min together, and the whole course {whole} min" in guide
