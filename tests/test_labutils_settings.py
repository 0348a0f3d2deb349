"""Unit tests for labutils.settings.

seed/target from the environment with validation, the projector style, and the version report.
"""

import gc
import platform
import sys

import matplotlib as mpl
import pytest

import labutils as lu
from labutils import fast
from labutils.settings import OKABE_ITO, PROJECTOR_STYLE


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    monkeypatch.delenv("BRIAN_LABS_SEED", raising=False)
    monkeypatch.delenv("BRIAN_LABS_TARGET", raising=False)
    monkeypatch.setenv("BRIAN_LABS_FAST", "off")  # no background compiler run unless a test asks


def test_course_settings_only_returns_the_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIAN_LABS_FAST", "on")
    monkeypatch.setattr(fast, "_background", None)
    gc.unfreeze()
    lu.course_settings()
    assert gc.get_freeze_count() == 0 and fast._background is None


def test_prepare_session_freezes_what_the_imports_created():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    assert lu.prepare_session() is None  # a setup cell ending with it prints nothing
    assert gc.get_freeze_count() > 10_000, "brian2, sympy and matplotlib objects should be frozen"
    gc.unfreeze()


def test_prepare_session_starts_the_header_build_in_the_background(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIAN_LABS_FAST", "on")
    monkeypatch.setenv("BRIAN_LABS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(fast, "_background", None)
    if not fast.compiler_available():
        pytest.skip("no C++ compiler: nothing to build")
    lu.prepare_session()
    thread = fast._background
    assert thread is not None and thread.name == "brian-labs-pch"
    thread.join(timeout=120)
    assert not thread.is_alive()
    if fast.precompiled_header() is None:
        pytest.skip("this compiler cannot precompile headers")
    assert list(tmp_path.glob("pch/*/course_pch.h.gch")), "the background thread built the header"
    lu.prepare_session()
    assert fast._background is thread, "one background build per session"


def test_course_settings_defaults():
    assert lu.course_settings() == (2718, "numpy")


@pytest.mark.parametrize(
    "seed_text, seed", [("1", 1), (" 42 ", 42), ("0", 0), ("4294967295", 2**32 - 1)]
)
def test_seed_from_the_environment(monkeypatch, seed_text, seed):
    monkeypatch.setenv("BRIAN_LABS_SEED", seed_text)
    assert lu.course_settings() == (seed, "numpy")


@pytest.mark.parametrize(
    "target_text, target", [("cython", "cython"), ("CYTHON ", "cython"), ("numpy", "numpy")]
)
def test_target_from_the_environment(monkeypatch, target_text, target):
    monkeypatch.setenv("BRIAN_LABS_TARGET", target_text)
    assert lu.course_settings() == (2718, target)


@pytest.mark.parametrize(
    "seed_text, message",
    [
        ("abc", "BRIAN_LABS_SEED must be a non-negative integer, got 'abc'"),
        ("", "BRIAN_LABS_SEED must be a non-negative integer, got ''"),
        ("1.5", "got '1.5'"),
        ("-3", "BRIAN_LABS_SEED must be an integer from 0 to 2\\*\\*32 - 1, got -3"),
        ("4294967296", "got 4294967296"),  # numpy's seed() would reject it later, less clearly
    ],
)
def test_bad_seed_is_rejected_with_the_value(monkeypatch, seed_text, message):
    monkeypatch.setenv("BRIAN_LABS_SEED", seed_text)
    with pytest.raises(ValueError, match=message):
        lu.course_settings()


@pytest.mark.parametrize("target_text", ["cpp_standalone", "weave", ""])
def test_bad_target_is_rejected_with_the_value(monkeypatch, target_text):
    monkeypatch.setenv("BRIAN_LABS_TARGET", target_text)
    with pytest.raises(
        ValueError, match=f"BRIAN_LABS_TARGET must be one of numpy, cython, got '{target_text}'"
    ):
        lu.course_settings()


def test_use_projector_style_sets_large_fonts_and_colour_blind_safe_colours():
    with mpl.rc_context():
        mpl.rcdefaults()
        assert lu.use_projector_style() is None, (
            "a setup cell ending with the call must print nothing"
        )
        style = PROJECTOR_STYLE
        assert mpl.rcParams["font.size"] == 14 and mpl.rcParams["lines.linewidth"] == 2
        assert mpl.rcParams["axes.labelsize"] == 14 and mpl.rcParams["axes.grid"] is True
        colours = [c["color"] for c in mpl.rcParams["axes.prop_cycle"]]
        assert colours == OKABE_ITO and colours[:2] == ["#0072B2", "#D55E00"]
        assert style["figure.figsize"] == (9.0, 4.5)
        assert list(mpl.rcParams["figure.figsize"]) == [9.0, 4.5]
        scalars = {
            k: v for k, v in style.items() if k not in ("figure.figsize", "axes.prop_cycle")
        }
        assert all(mpl.rcParams[key] == value for key, value in scalars.items())


def test_about_returns_and_prints_the_versions(monkeypatch, capsys):
    import brian2
    import ipywidgets
    import numpy

    monkeypatch.setenv("BRIAN_LABS_SEED", "7")
    report = lu.about()
    assert report["brian2"] == brian2.__version__
    assert report["numpy"] == numpy.__version__ and report["matplotlib"] == mpl.__version__
    assert report["ipywidgets"] == ipywidgets.__version__
    assert report["python"] == platform.python_version() and report["course seed"] == 7
    assert report["course target"] == "numpy" and report["codegen target in force"] == "numpy"
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == len(report)
    assert any(
        line.startswith("brian2") and line.endswith(" " + brian2.__version__) for line in printed
    )
    assert any(line.split()[-1] == "7" and line.startswith("course seed") for line in printed)


def test_about_reports_the_lock_course_py_recorded(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert lu.about(print_report=False)["lock"].startswith("not recorded")
    (tmp_path / "brian-labs-lock.txt").write_text(
        "requirements/py3.12/dev.txt (sha256 0a1b) on Python 3.12.1\n"
    )
    assert (
        lu.about(print_report=False)["lock"]
        == "requirements/py3.12/dev.txt (sha256 0a1b) on Python 3.12.1"
    )


def test_about_quietly_and_with_a_bad_setting(monkeypatch, capsys):
    monkeypatch.setenv("BRIAN_LABS_TARGET", "fortran")
    report = lu.about(print_report=False)
    assert capsys.readouterr().out == ""
    assert report["course target"].startswith("invalid (BRIAN_LABS_TARGET must be one of")


def test_prepare_session_does_not_freeze_garbage():
    """Re-running a setup cell must not keep earlier cells' unreachable objects alive forever."""
    import weakref

    class Node:
        pass

    gc.unfreeze()
    cycle = Node()
    cycle.self = cycle  # only the cyclic collector can free it
    alive = weakref.ref(cycle)
    del cycle
    lu.prepare_session()
    gc.collect()  # frozen objects are never collected
    frozen_garbage = alive() is not None
    gc.unfreeze()
    assert not frozen_garbage, "an unreachable cycle was frozen by prepare_session()"
