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

import nbformat
import pytest

from tools import clean_notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_clean(path):
    text = path.read_text(encoding="utf-8")
    assert clean_notebooks.dumps(clean_notebooks.clean(json.loads(text))) == text, (
        f"{path.name} has outputs or extra metadata: run python3 course.py clean-notebooks {path}"
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
        assert "lu.short_brian2_errors()" in text, path.name  # Brian2 errors in one line
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
                "--cells-only",  # a notebook's own cells (nbval), not every test of it
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
        # a check of several answers becomes one graded cell per answer (<id>-2 ...), and the
        # nbgrader release adds one cell after the setup (grading-quiet)
        split = [c for c in student if "check" in c["metadata"].get("tags", []) and "-" in c["id"]]
        assert tags(student, "check") == len(kept_checks) + len(split)
        assert len(student) == len(original) - tags(original, "solution") + len(split) + 1
        assert [c["id"] for c in student].count("grading-quiet") == 1


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
    builds an explorer, its fast median (with its simulate and draw parts) and its numpy and
    Cython baselines (None when not measured): a new notebook or explorer must be benchmarked
    before it lands. When the run was made and how loaded the machine was are recorded with it.
    Since issue 24's fallback and kernel-start figures (``fallback``: every explorer's first
    answer on the numpy target; ``kernel``: kernel start + Brian2 import, before/after), a run
    that has them has them for every explorer.
    """
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    base = {"measured", "explorers", "notebooks", "browser"}
    assert base <= set(results) <= base | {"fallback", "kernel"}
    if "kernel" in results:
        assert results["kernel"]["before_s"] > 0 and results["kernel"]["after_s"] > 0
    if "fallback" in results:
        assert set(results["fallback"]) == set(results["explorers"]), "a fallback row each"
        for name, row in results["fallback"].items():
            # rest_ms is 0 where the first answer was the whole run (a fast model)
            assert all(isinstance(v, float) and v >= 0 for v in row.values()), (name, row)
            assert row["whole_ms"] > 0 and row["answer_ms"] > 0 and row["answer_part"] > 0
    assert set(results["measured"]) == {"date", "load_average", "cores"}
    for path in NOTEBOOKS:
        assert results["notebooks"][path.name]["cold_s"] > 0, path.name
        if "lu.explore(" in path.read_text():
            rows = {k: v for k, v in results["explorers"].items() if k.split(":")[0] == path.stem}
            assert rows, f"{path.name} has an explorer but no benchmark row"
            for name, row in rows.items():
                keys = {"median_ms", "simulate_ms", "draw_ms", "numpy_ms", "cython_ms"}
                assert set(row) == keys, name
                measured = {k: v for k, v in row.items() if k != "cython_ms" or v is not None}
                assert all(isinstance(v, float) and v > 0 for v in measured.values()), (name, row)
            assert path.stem in results["browser"], f"{path.name}: no browser measurement"


def test_bench_kernel_measures_the_kernel_start_alone_and_keeps_the_rows(tmp_path, monkeypatch):
    """`course.py bench --kernel` replaces only results.json's kernel start; --kernel is alone."""
    from benchmarks import run
    from tools import docs

    previous = dict(
        measured=dict(date="2026-12-01", load_average=1.1, cores=2),
        explorers={"02_a:explorer": dict(median_ms=31.0)},
        notebooks={"02_a.ipynb": dict(cold_s=3.4)},
        fallback={"02_a:explorer": dict(answer_ms=120.0)},
        kernel=dict(before_s=5.8, after_s=1.51),
        browser={"02_a": dict(drag_fps=22.0)},
    )
    results = tmp_path / "results.json"
    results.write_text(json.dumps(previous))
    monkeypatch.setattr(run, "ROOT", tmp_path)
    monkeypatch.setattr(run, "RESULTS", results)
    out = tmp_path / "out"
    out.mkdir()
    (out / "browser.json").write_text(json.dumps({"02_a": dict(drag_fps=9.0)}))  # not this run's
    monkeypatch.setattr(run, "OUT", out)
    monkeypatch.setattr(docs, "regenerated", lambda: {})
    measured = dict(before_s=5.3, after_s=1.38, runs=5)
    monkeypatch.setattr(run, "kernel_starts_of_students", lambda: measured)
    monkeypatch.setattr(run, "discover", lambda *a: pytest.fail("--kernel runs no notebook"))
    assert run.main(["--kernel"]) == 0
    assert json.loads(results.read_text()) == dict(previous, kernel=measured)
    for mixed in (["--kernel", "--quick"], ["--kernel", "05_"]):
        with pytest.raises(SystemExit) as stop:
            run.main(mixed)
        assert stop.value.code == 2, mixed


def test_bench_runs_every_cell_of_a_notebook_the_first_one_too(tmp_path):
    """The benchmark's own cells (CPU clocks, explorer probe) go after the notebook's cells."""
    from benchmarks import run

    cells = ["answer = 6 * 7", "assert answer == 42, answer", "print('last')"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    path = tmp_path / "first_cell.ipynb"
    nbformat.write(nb, path)
    seconds, explorers, errors = run.execute(path, {}, changes=1, passes=1)
    assert errors == [] and seconds > 0 and explorers["__cpu_s__"] > 0


def test_speed_figures_are_the_ranges_of_the_results():
    """Each quoted figure is the range over the course's explorers (02-06) or notebooks."""
    from benchmarks import speed_docs

    results = dict(
        measured=dict(date="2026-12-06", load_average=1.26, cores=2),
        notebooks={
            "02_a.ipynb": dict(cold_s=3.4),
            "03_b.ipynb": dict(cold_s=8.6),
            "06_izhikevich.ipynb": dict(cold_s=16.2),
            "example_explorer.ipynb": dict(cold_s=99.0),
        },
        explorers={
            "02_a:explorer": dict(median_ms=31.0, draw_ms=9.6, numpy_ms=150.0),
            "03_b:explorer": dict(median_ms=60.4, draw_ms=12.0, numpy_ms=600.0),
            "example_explorer:explorer": dict(median_ms=500.0, draw_ms=400.0, numpy_ms=1.0),
        },
        browser={
            "02_a": dict(median_release_to_image_ms=61.0, drag_fps=24.4, load_average=1.0),
            "03_b": dict(median_release_to_image_ms=95.2, drag_fps=11.0, load_average=2.0),
        },
    )
    f = speed_docs.figures(results)
    assert (f["run_all"], f["izhikevich"], f["update"], f["draw"]) == (
        "3–9",
        "16",
        "31–60",
        "10–12",
    )
    assert (f["ratio"], f["numpy"], f["press"], f["fps"]) == (
        "4.8–9.9",
        "150–600",
        "61–95",
        "11–24",
    )
    assert (f["load"], f["browser_load"], f["cores"], f["busy"]) == ("1.3", "2.0", "2", "")
    assert "answer" not in f and "kernel_after" not in f  # not measured: not quoted
    results["fallback"] = {
        "02_a:explorer": dict(answer_ms=120.4, answer_part=1.0),
        "03_b:explorer": dict(answer_ms=251.0, answer_part=0.3),
        "example_explorer:explorer": dict(answer_ms=900.0, answer_part=0.2),
    }
    results["kernel"] = dict(before_s=4.62, after_s=1.04)
    f = speed_docs.figures(results)
    assert (f["answer"], f["answer_part"], f["kernel_after"], f["kernel_before"]) == (
        "120–251",
        "0.3–1.0",
        "1.0",
        "4.6",
    )
    text = speed_docs.readme_section(results)
    assert "after 120–251 ms" in text and "1.0 s after it" in text.replace("\n", " ")
