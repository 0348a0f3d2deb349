"""Course-wide settings: random seed, code-generation target, figure style, version report."""

import gc
import os
import platform

DEFAULT_SEED = 2718
TARGETS = ("numpy", "cython")
SEED_VARIABLE = "BRIAN_LABS_SEED"
TARGET_VARIABLE = "BRIAN_LABS_TARGET"


def course_settings():
    """Return ``(seed, target)`` for this session; nothing else is changed.

    The defaults (seed 2718, the ``numpy`` target, which needs no compiler) can be overridden from
    outside through the environment variables ``BRIAN_LABS_SEED`` (an integer from 0 to 2**32 - 1)
    and ``BRIAN_LABS_TARGET`` (``numpy`` or ``cython``), so that CI can run every notebook under
    other seeds and targets. Raises ``ValueError`` with the offending value when either is
    malformed.
    """
    return _settings_from_environment()


def prepare_session():
    """Make this session's Brian2 runs faster; returns None.

    Called in every notebook's setup cell, after the imports. It changes two things for the whole
    session:

    * the garbage collector: it collects once, then freezes the objects still alive, mostly what
      the imports created (``gc.freeze()``). Brian2 calls ``gc.collect()`` twice in every
      ``run()``, and each call scanned the ~170 000 objects of brian2, sympy and matplotlib
      (~0.1-0.2 s per call), which live for the whole session anyway: ten small runs 2.85 ->
      0.72 s, notebook 10's cold Run All 9.8 -> 4.7 s. Collecting first means re-running the setup
      cell never freezes garbage left by earlier cells (frozen objects are never collected);
    * a background thread: it starts building the compiled explorers' precompiled C++ header
      (:func:`labutils.fast.prepare_in_background`; nothing without a compiler or with
      ``BRIAN_LABS_FAST=off``), so a notebook's explorer cell does not wait for it.
    """
    gc.collect()
    gc.freeze()
    from .fast import prepare_in_background

    prepare_in_background()


def _settings_from_environment():
    raw_seed = os.environ.get(SEED_VARIABLE, str(DEFAULT_SEED)).strip()
    try:
        seed = int(raw_seed)
    except ValueError:
        raise ValueError(
            f"{SEED_VARIABLE} must be a non-negative integer, got {raw_seed!r}"
        ) from None
    if not 0 <= seed < 2**32:  # numpy's (and so Brian2's) seed() accepts 0 .. 2**32 - 1
        raise ValueError(f"{SEED_VARIABLE} must be an integer from 0 to 2**32 - 1, got {seed}")
    target = os.environ.get(TARGET_VARIABLE, "numpy").strip().lower()
    if target not in TARGETS:
        raise ValueError(f"{TARGET_VARIABLE} must be one of {', '.join(TARGETS)}, got {target!r}")
    return seed, target


PROJECTOR_STYLE = {
    "figure.figsize": (9.0, 4.5),
    "figure.dpi": 100,
    "font.size": 14,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "legend.fontsize": 12,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "lines.linewidth": 2.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": None,  # filled in below: a colour-blind-safe cycle
}
# Okabe-Ito colours: distinguishable for colour-blind viewers and on washed-out projectors.
OKABE_ITO = [
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
]


def use_projector_style():
    """Apply the course's matplotlib style: large fonts, thick lines, colour-blind-safe colours.

    Returns None, so that a setup cell ending with this call prints nothing; the applied values
    are ``PROJECTOR_STYLE`` (with the Okabe-Ito colour cycle).
    """
    import matplotlib as mpl
    from cycler import cycler

    style = dict(PROJECTOR_STYLE, **{"axes.prop_cycle": cycler(color=OKABE_ITO)})
    mpl.rcParams.update(style)


def about(print_report=True):
    """Report the versions and settings a bug report needs.

    Returns a dict with Python, Brian2, numpy, matplotlib, ipywidgets versions, the platform, the
    lock file the environment was installed from (recorded by ``course.py`` in the environment's
    prefix; "not recorded" elsewhere, e.g. a hand-made environment), the Brian2 code-generation
    target currently in force, and the seed/target the course settings ask for (or why the
    environment variables setting them are invalid). Prints it as aligned lines unless
    ``print_report`` is False.
    """
    import brian2
    import ipywidgets
    import matplotlib
    import numpy

    try:
        seed, target = _settings_from_environment()
    except ValueError as error:  # a bug report should show the bad setting, not fail on it
        seed = target = f"invalid ({error})"
    report = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "brian2": brian2.__version__,
        "numpy": numpy.__version__,
        "matplotlib": matplotlib.__version__,
        "ipywidgets": ipywidgets.__version__,
        "lock": _lock_record(),
        "codegen target in force": str(brian2.prefs.codegen.target),
        "course seed": seed,
        "course target": target,
    }
    if print_report:
        width = max(len(k) for k in report)
        for key, value in report.items():
            print(f"{key:<{width}}  {value}")
    return report


LOCK_RECORD = "brian-labs-lock.txt"  # written by course.py into the environment's prefix


def _lock_record():
    import sys
    from pathlib import Path

    record = Path(sys.prefix) / LOCK_RECORD
    if not record.is_file():
        return "not recorded (environment not made by course.py)"
    return record.read_text(encoding="utf-8").strip()
