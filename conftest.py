"""Repository-wide pytest hooks: markers, one notebook's checks, no silent skips.

Markers by location, so a subset can be chosen with ``-m``: ``notebooks`` (nbval's notebook
cells), ``science`` (tests/science) and ``e2e`` (tests/e2e); see CONTRIBUTING.md "Tests".

One notebook's checks: when every path on the command line is a course notebook
(``python3 course.py test notebooks/05_balanced_ei.ipynb``, globs allowed), the session collects
``tests/`` instead and keeps only the tests that concern those notebooks: every test
parametrized with the notebook's path (its run, which makes nbval's check:
tests/test_notebook_runs.py; its exercises' catalogue: tests/test_modelling_exercises.py; its
student edition; its grading; its metadata).
``tests/e2e`` (a built site, a browser) and ``tests/science`` (claims by seed) are not collected.
``--cells-only`` keeps pytest's plain meaning, the notebook's cells under nbval (tools/matrix.py
runs notebooks so).

No silent skips: every skip is listed at the end of the run with its reason, and in CI (``CI``
set to ``true`` or ``1``) a skip whose reason is not on ``ALLOWED_SKIPS`` fails the session.
"""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
NOTEBOOKS = ROOT / "notebooks"
MARKED_FOLDERS = {
    "notebooks": NOTEBOOKS,
    "science": ROOT / "tests" / "science",
    "e2e": ROOT / "tests" / "e2e",
}

# Skips CI accepts (a regular expression on the reason, and why). Any other skip fails a CI run.
ALLOWED_SKIPS = [
    # The compiled fast path needs a C++ compiler, which a student's laptop may lack; CI's has one,
    # and these tests then run (the numpy fallback is tested either way).
    (r"no C\+\+ compiler|no GCC|cannot precompile headers", "no compiler on this machine"),
    # course.py's message for an unsupported Python is tested with one when the machine has it.
    (r"no unsupported Python \(3\.6-3\.10\)", "no unsupported Python on this machine"),
    # The Cython science tests are opt-in (BRIAN_LABS_SCIENCE_TARGETS, tests/science/conftest.py);
    # CI covers the Cython target with the matrix stage instead.
    (r"target cython not requested", "Cython science tests not asked for"),
    # The offline site test reads _build/html; .ci/run builds the site after the test stage and
    # runs this test again then (a site stage that fails stops CI before that).
    (r"no built site in ", "the site is built after the test stage"),
    # The graded term on a local JupyterHub needs JupyterHub's proxy (configurable-http-proxy,
    # installed with npm by benchmarks/classroom/hub.py): without npm the hub cannot run.
    (r"no npm \(Node\.js\) for JupyterHub's proxy", "the hub cannot run without npm"),
]


def in_ci():
    """Whether this run is CI's (the ``CI`` environment variable set to true or 1)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def pytest_addoption(parser):
    """``--cells-only``: run named notebooks' cells under nbval, not every check of them."""
    parser.addoption(
        "--cells-only",
        action="store_true",
        help="with only course notebooks as paths: execute their cells under nbval (as "
        "tools/matrix.py does) instead of every test that concerns them",
    )


CHOSEN = pytest.StashKey[set]()  # the course notebooks named on the command line, if only those


def pytest_configure(config):
    """Register the markers conftest adds; narrow the session to notebooks named on its own."""
    # (pytest-xdist registers it too; without xdist, ``-p no:xdist``, --strict-markers needs it)
    config.addinivalue_line("markers", "xdist_group(name): run in one xdist worker, in order")
    if not hasattr(config, "workerinput"):  # not in a pytest-xdist worker
        config.pluginmanager.register(SkipLedger(), "brian-labs-skip-ledger")
    chosen = set() if config.getoption("cells_only") else course_notebooks(config.args)
    config.stash[CHOSEN] = chosen
    if chosen:  # their tests (their run replaces nbval's cell by cell execution)
        config.args[:] = [str(ROOT / "tests")]


def course_notebooks(args):
    """The course notebooks ``args`` name, if every argument is one (else an empty set)."""
    paths = [Path(arg).resolve() for arg in args]
    if not paths or not all(
        p.suffix == ".ipynb" and p.parent == NOTEBOOKS and p.exists() for p in paths
    ):
        return set()
    return set(paths)


def concerned_notebooks(item):
    """The course notebooks a test concerns: its own (nbval) and the Path parameters it got."""
    found = {Path(str(item.path)).resolve()}
    callspec = getattr(item, "callspec", None)
    for value in callspec.params.values() if callspec else ():
        if isinstance(value, Path):
            found.add(value.resolve())
    return {p for p in found if p.suffix == ".ipynb" and p.parent == NOTEBOOKS}


def pytest_ignore_collect(collection_path, config):
    """With notebooks named, skip collecting the folders no test of a notebook lives in.

    tests/e2e needs a built site or a browser; tests/science checks claims by seed, not by
    notebook path. (Saves importing them: a one-notebook run starts faster.)
    """
    if config.stash.get(CHOSEN, None) and collection_path.resolve() in (
        MARKED_FOLDERS["e2e"],
        MARKED_FOLDERS["science"],
    ):
        return True
    return None


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Keep only the chosen notebooks' tests; mark every test by its folder (MARKED_FOLDERS).

    A notebook's cells also get ``xdist_group(<notebook>)``: with ``-n``/``--dist loadgroup``
    (``course.py test``) they run in order in one worker, sharing one kernel, as nbval needs.
    """
    chosen = config.stash[CHOSEN]
    if chosen:
        keep = [item for item in items if concerned_notebooks(item) & chosen]
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
    for item in items:
        path = Path(str(item.path)).resolve()
        for marker, folder in MARKED_FOLDERS.items():
            if path.is_relative_to(folder):
                item.add_marker(getattr(pytest.mark, marker))
        if path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(path.stem))


def skip_reason(report):
    """The reason a skipped report gives (pytest stores it as ``(file, line, reason)``)."""
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def unexpected(reason):
    """Whether a skip reason is not on ALLOWED_SKIPS."""
    return not any(re.search(pattern, reason) for pattern, _why in ALLOWED_SKIPS)


class SkipLedger:
    """Every skip of the session, with its reason; in CI, an unexpected one fails the session.

    With pytest-xdist the controller receives every worker's reports, so it alone keeps the
    ledger and decides.
    """

    def __init__(self):
        self.skips = []  # (test id, reason)

    def record(self, report):
        """Note the report's skip, if it is one (an xfail is not)."""
        if report.skipped and not hasattr(report, "wasxfail"):
            self.skips.append((report.nodeid, skip_reason(report)))

    def pytest_runtest_logreport(self, report):
        """A test's setup, call or teardown report."""
        self.record(report)

    def pytest_collectreport(self, report):
        """A collector's report: a module skipped at import (``pytest.importorskip``)."""
        self.record(report)

    def unexpected(self):
        """The skips whose reason is not on ALLOWED_SKIPS, as ``[(test id, reason)]``."""
        return [(nodeid, reason) for nodeid, reason in self.skips if unexpected(reason)]

    def pytest_sessionfinish(self, session):
        """In CI, an unexpected skip turns a passing session into a failed one."""
        passing = (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
        if in_ci() and self.unexpected() and session.exitstatus in passing:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        """List every skip, allowed or not, with its reason."""
        if not self.skips:
            return
        terminalreporter.section("skips (allowed: conftest.py ALLOWED_SKIPS)")
        for nodeid, reason in self.skips:
            verdict = "UNEXPECTED" if unexpected(reason) else "allowed"
            terminalreporter.line(f"{verdict:10} {nodeid}: {reason}")
        bad = len(self.unexpected())
        if bad and in_ci():
            terminalreporter.line(
                f"{bad} unexpected skip(s) fail this CI run: CI installs what every test needs "
                "(allow a skip only on ALLOWED_SKIPS, with its reason)",
                red=True,
            )
