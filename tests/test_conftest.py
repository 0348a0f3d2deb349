"""The repository's pytest hooks (conftest.py): no silent skips in CI, one notebook's checks.

Each test runs pytest on a small project of its own with a copy of the root conftest.py.
"""

import json
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(pytester, monkeypatch):
    """A pytest project with the course's conftest.py, outside CI unless a test says so."""
    monkeypatch.delenv("CI", raising=False)
    pytester.makeconftest((ROOT / "conftest.py").read_text(encoding="utf-8"))
    return pytester


SKIPPING = """
import pytest

def test_runs():
    pass

def test_skips():
    pytest.skip({reason!r})
"""


@pytest.mark.parametrize("ci", ["true", "1"])
def test_an_unexpected_skip_fails_the_run_in_ci(project, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    project.makepyfile(SKIPPING.format(reason="the network is down"))
    result = project.runpytest()
    result.assert_outcomes(passed=1, skipped=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["UNEXPECTED *test_skips: the network is down", "1 unexpected skip(s) fail this CI run*"]
    )


def test_an_allowed_skip_passes_in_ci(project, monkeypatch):
    monkeypatch.setenv("CI", "true")
    project.makepyfile(SKIPPING.format(reason="no C++ compiler"))
    result = project.runpytest()
    result.assert_outcomes(passed=1, skipped=1)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["allowed *test_skips: no C++ compiler"])


def test_outside_ci_a_skip_is_listed_and_the_run_passes(project):
    project.makepyfile(SKIPPING.format(reason="the network is down"))
    result = project.runpytest()
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["UNEXPECTED *test_skips: the network is down"])
    assert "fail this CI run" not in result.stdout.str()


def test_a_module_skipped_at_import_fails_the_run_in_ci(project, monkeypatch):
    monkeypatch.setenv("CI", "true")
    project.makepyfile(
        'import pytest\nnothing = pytest.importorskip("no_such_module_here")\n'
        "def test_never_runs():\n    pass\n"
    )
    result = project.runpytest()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["UNEXPECTED *could not import 'no_such_module_here'*"])


def test_a_failing_run_keeps_its_failure_status_in_ci(project, monkeypatch):
    monkeypatch.setenv("CI", "true")
    project.makepyfile(SKIPPING.format(reason="network down") + "\ndef test_x():\n    0/0\n")
    assert project.runpytest().ret == pytest.ExitCode.TESTS_FAILED


def test_with_xdist_workers_the_controller_sees_their_skips(project, monkeypatch):
    monkeypatch.setenv("CI", "true")
    project.makepyfile(SKIPPING.format(reason="the network is down"))
    result = project.runpytest_subprocess("-n", "1", "-p", "xdist")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["UNEXPECTED *test_skips: the network is down"])


PER_NOTEBOOK = """
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))

@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_per_notebook(path):
    pass

def test_unrelated():
    pass
"""


@pytest.fixture
def course(project):
    """The project with two notebooks and a test parametrized by notebook."""
    (project.path / "notebooks").mkdir()
    for name in ("01_a", "02_b"):
        cell = {"cell_type": "code", "id": "c1", "metadata": {}, "outputs": [], "source": "1"}
        cell["execution_count"] = None
        notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (project.path / "notebooks" / f"{name}.ipynb").write_text(json.dumps(notebook))
    (project.path / "tests").mkdir()
    (project.path / "tests" / "test_per_notebook.py").write_text(PER_NOTEBOOK)
    return project


def test_naming_notebooks_runs_only_their_tests(course):
    result = course.runpytest("--nbval-lax", "-v", "notebooks/02_b.ipynb")
    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(["*test_per_notebook*02_b* PASSED*"])


def test_naming_several_notebooks_runs_the_tests_of_each(course):
    result = course.runpytest("--nbval-lax", "notebooks/01_a.ipynb", "notebooks/02_b.ipynb")
    result.assert_outcomes(passed=2, deselected=1)


def test_naming_a_test_file_runs_it_all(course):
    course.runpytest("tests/test_per_notebook.py").assert_outcomes(passed=3)


def test_cells_only_keeps_nbval_on_the_named_notebook(course):
    result = course.runpytest("--nbval-lax", "--cells-only", "--co", "-q", "notebooks/02_b.ipynb")
    result.stdout.fnmatch_lines(["notebooks/02_b.ipynb::Cell 0", "1 test collected*"])
