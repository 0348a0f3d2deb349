"""Shared settings of the science suite: seeds, code-generation targets, the z-score of tolerances.

Default (CI) run: three seeds, numpy target only. The full robustness matrix
(``python3 course.py matrix``) sets

    BRIAN_LABS_SCIENCE_SEEDS="2718,1,2,..."   comma-separated seeds
    BRIAN_LABS_SCIENCE_TARGETS="numpy,cython"  targets (cython compiles ~20-45 s per new model)

Tests marked ``cython`` are collected always but skipped unless cython is asked for.
"""

import os

import pytest

from labutils.settings import DEFAULT_SEED

DEFAULT_SEEDS = (DEFAULT_SEED, 1, 2)


def _env_list(name, default):
    raw = os.environ.get(name, "").strip()
    return [item.strip() for item in raw.split(",") if item.strip()] if raw else list(default)


SEEDS = [int(s) for s in _env_list("BRIAN_LABS_SCIENCE_SEEDS", DEFAULT_SEEDS)]
TARGETS = _env_list("BRIAN_LABS_SCIENCE_TARGETS", ["numpy"])
for _t in TARGETS:
    if _t not in ("numpy", "cython"):
        raise ValueError(f"BRIAN_LABS_SCIENCE_TARGETS: unknown target {_t!r} (numpy or cython)")


def pytest_configure(config):
    config.addinivalue_line("markers", "cython: runs on Brian2's Cython target (full matrix only)")


def pytest_generate_tests(metafunc):
    if "seed" in metafunc.fixturenames:
        metafunc.parametrize("seed", SEEDS, ids=[f"seed{s}" for s in SEEDS])
    if "target" in metafunc.fixturenames:
        params = [
            pytest.param("numpy", id="numpy"),
            pytest.param("cython", id="cython", marks=pytest.mark.cython),
        ]
        metafunc.parametrize("target", params, indirect=True)


@pytest.fixture
def target(request):
    """Switch Brian2 to the requested code-generation target for one test, then switch back."""
    from brian2 import prefs

    name = request.param
    if name not in TARGETS:
        pytest.skip(f"target {name} not requested (set BRIAN_LABS_SCIENCE_TARGETS to include it)")
    previous = prefs.codegen.target
    prefs.codegen.target = name
    yield name
    prefs.codegen.target = previous
