"""Unit tests for labutils.bands.

Each band's tail probabilities, computed independently with scipy.stats, are at most p_fail, and
the band is the narrowest integer band that achieves it.
"""

import math

import numpy as np
import pytest
from brian2 import DimensionMismatchError, Hz, ms, mV, second
from scipy import stats

import labutils as lu


@pytest.mark.parametrize("mean", [0.0, 0.3, 2.0, 20.0, 500.0, 8000.0, 2e5])
@pytest.mark.parametrize("p_fail", [1e-5, 1e-3, 0.05])
def test_poisson_count_band_tails_are_at_most_p_fail(mean, p_fail):
    got_mean, low, high = lu.poisson_count_band(mean * Hz, 1 * second, p_fail=p_fail)
    assert got_mean == pytest.approx(mean)
    law = stats.poisson(mean)
    fail = law.cdf(low) + law.sf(high - 1)  # P(N <= low) + P(N >= high)
    assert fail <= p_fail * (1 + 1e-9)
    # Narrowest: widening neither side by one count was needed.
    assert law.cdf(low + 1) > p_fail / 2 or low + 1 >= mean
    assert law.sf(high - 2) > p_fail / 2 or high - 1 <= mean


def test_poisson_count_band_by_hand():
    # Mean 500: 4.42 SD = 98.8 counts; the exact band is slightly skewed to the right.
    mean, low, high = lu.poisson_count_band(500 * Hz, 1 * second)
    assert mean == 500
    assert 395 <= low <= 405 and 595 <= high <= 605
    assert lu.poisson_count_band(0 * Hz, 1 * second) == (0, -1, 1)  # only 0 passes
    # Mean 1: a count of 0 (probability e^-1) must never fail.
    assert lu.poisson_count_band(1 * Hz, 1 * second)[1] == -1
    assert lu.poisson_count_band(10 * Hz, 100 * ms)[0] == pytest.approx(1)


def test_poisson_count_band_false_failures_are_rare_in_simulation():
    rng = np.random.default_rng(5)
    _, low, high = lu.poisson_count_band(40 * Hz, 1 * second, p_fail=0.01)
    counts = rng.poisson(40, size=200_000)
    outside = np.mean((counts <= low) | (counts >= high))
    # Binomial SE of the outside fraction at 0.01 over 2e5 draws: 2.2e-4; allow 4.5 SE (p ~ 7e-6).
    assert outside <= 0.01 + 4.5 * math.sqrt(0.01 * 0.99 / 200_000)


def test_poisson_count_band_bad_input():
    with pytest.raises(
        DimensionMismatchError, match=r"unit second for argument 'duration'.*5. mV"
    ):
        lu.poisson_count_band(10 * Hz, 5 * mV)
    with pytest.raises(DimensionMismatchError, match="unit hertz for argument 'rate'"):
        lu.poisson_count_band(10, 1 * second)
    with pytest.raises(ValueError, match=r"^rate must be non-negative, got -5. Hz$"):
        lu.poisson_count_band(-5 * Hz, 1 * second)
    with pytest.raises(ValueError, match="duration must be non-negative"):
        lu.poisson_count_band(5 * Hz, -1 * second)
    with pytest.raises(ValueError, match="p_fail must be a probability"):
        lu.poisson_count_band(5 * Hz, 1 * second, p_fail=0)
    with pytest.raises(ValueError, match="p_fail must be a probability"):
        lu.poisson_count_band(5 * Hz, 1 * second, p_fail=1.5)


@pytest.mark.parametrize(
    "n,p", [(0, 0.5), (1, 0.5), (10, 0.0), (10, 1.0), (16, 0.5), (200, 0.03), (5000, 0.4)]
)
@pytest.mark.parametrize("p_fail", [1e-5, 0.05])
def test_binomial_count_band_tails_are_at_most_p_fail(n, p, p_fail):
    mean, low, high = lu.binomial_count_band(n, p, p_fail=p_fail)
    assert mean == pytest.approx(n * p)
    law = stats.binom(n, p)
    assert law.cdf(low) + law.sf(high - 1) <= p_fail * (1 + 1e-9)
    assert -1 <= low < high <= n + 1


def test_binomial_count_band_bad_input():
    with pytest.raises(ValueError, match="n must be a non-negative whole number"):
        lu.binomial_count_band(2.5, 0.5)
    with pytest.raises(ValueError, match="n must be a non-negative whole number"):
        lu.binomial_count_band(-1, 0.5)
    with pytest.raises(ValueError, match="p must be a probability"):
        lu.binomial_count_band(10, 1.2)
    with pytest.raises(ValueError, match="p_fail must be a probability"):
        lu.binomial_count_band(10, 0.5, p_fail=-1e-5)


@pytest.mark.parametrize("p_fail", [1e-7, 1e-5, 1e-3, 0.05, 0.5])
def test_critical_z_matches_the_normal_quantile(p_fail):
    assert lu.critical_z(p_fail) == pytest.approx(stats.norm.isf(p_fail / 2), rel=1e-9)


@pytest.mark.parametrize("dof", [1, 3, 19, 39, 200])
@pytest.mark.parametrize("p_fail", [1e-5, 1e-3, 0.05])
def test_critical_z_with_dof_matches_students_t(dof, p_fail):
    assert lu.critical_z(p_fail, dof=dof) == pytest.approx(stats.t.isf(p_fail / 2, dof), rel=1e-4)


def test_critical_z_bad_input():
    with pytest.raises(ValueError, match="dof must be a whole number"):
        lu.critical_z(1e-5, dof=0)
    with pytest.raises(ValueError, match="dof must be a whole number"):
        lu.critical_z(1e-5, dof=2.5)


def test_normal_band_carries_units_and_its_tail_is_p_fail():
    low, high = lu.normal_band(-56 * mV, 0.5 * mV)
    z = stats.norm.isf(1e-5 / 2)
    assert low / mV == pytest.approx(-56 - 0.5 * z) and high / mV == pytest.approx(-56 + 0.5 * z)
    # Tail probability computed independently from the band edges.
    tail = stats.norm.cdf(float((low + 56 * mV) / (0.5 * mV))) + stats.norm.sf(
        float((high + 56 * mV) / (0.5 * mV))
    )
    assert tail == pytest.approx(1e-5, rel=1e-6)
    assert lu.critical_z() == pytest.approx(4.417, abs=1e-3)


def test_normal_band_bad_input():
    with pytest.raises(ValueError, match="sd must be non-negative"):
        lu.normal_band(1.0, -0.1)
    with pytest.raises(ValueError, match="p_fail must be a probability"):
        lu.normal_band(1.0, 0.1, p_fail=True)
    low, high = lu.normal_band(0.0, 1.0, dof=39)
    assert high == pytest.approx(stats.t.isf(0.5e-5, 39), rel=1e-4) and low == -high
