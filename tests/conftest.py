"""Shared set-up for the labutils unit tests.

A headless matplotlib, the numpy code-generation target (no compiler), and no figure left open
after a test.
"""

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
