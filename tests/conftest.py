"""Shared set-up for the tests.

For the labutils unit tests: a headless matplotlib, the numpy code-generation target (no
compiler), and no figure left open after a test. For the grading tests: the instructors'
environment, and nbgrader's round trip of each notebook made once (tests/_grade_check.py).
"""

import functools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from brian2 import prefs

prefs.codegen.target = "numpy"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# Brian2's Network.run() starts with a full gc.collect(); with brian2, matplotlib and ipywidgets
# loaded that costs ~0.1-0.5 s of CPU per run. Freezing the objects that exist now (imported
# modules) takes them out of the collector's scans, so each tiny test simulation costs
# milliseconds.
import gc  # noqa: E402

import ipywidgets  # noqa: E402,F401

gc.freeze()


@pytest.fixture(scope="session")
def instructors_environment(tmp_path_factory):
    """Install .venv-instructor once (pytest-xdist workers wait for each other on a lock)."""
    from _grade_check import course
    from filelock import FileLock

    with FileLock(tmp_path_factory.getbasetemp().parent / "instructors-environment.lock"):
        result = course("grade", "check", "--help")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def grade_check(tmp_path_factory, instructors_environment):
    """``grade_check(path)``: nbgrader's round trip of a notebook, run once in this process."""
    from _grade_check import grade_check

    root = tmp_path_factory.mktemp("grade-check")
    return functools.cache(lambda path: grade_check(path, root))
