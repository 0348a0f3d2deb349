"""Unit tests for labutils.theory.

Campbell's shot-noise statistics by hand, against sampled data, and a clear error for every kind of
bad input.
"""

import numpy as np
import pytest
from brian2 import DimensionMismatchError, Hz, ms, mV, nS, second

import labutils as lu


def test_shot_noise_stats_campbell_by_hand():
    mean, sd = lu.shot_noise_stats(100, 10 * Hz, 0.5 * nS, 5 * ms)
    # mean = 100 * 10/s * 0.5 nS * 0.005 s = 2.5 nS; variance = 100 * 10 * 0.25 nS^2 * 0.005 / 2
    assert mean.has_same_dimensions(nS) and sd.has_same_dimensions(nS)
    assert float(mean / nS) == pytest.approx(2.5)
    assert float(sd / nS) == pytest.approx(np.sqrt(0.625))


def test_shot_noise_stats_dimensionless_and_negative_weights():
    mean, sd = lu.shot_noise_stats(1000, 5 * Hz, -0.01, 10 * ms)
    assert float(mean) == pytest.approx(-0.5)
    assert float(sd) == pytest.approx(np.sqrt(1000 * 5 * 1e-4 * 0.01 / 2))
    assert lu.shot_noise_stats(0, 5 * Hz, 1 * nS, 10 * ms)[0] == 0 * nS


def test_shot_noise_stats_matches_a_sampled_shot_noise():
    # shot noise sampled at t = 1 s: each of the Poisson arrivals contributes w exp(-(1 s -
    # t_k)/tau)
    rng = np.random.default_rng(3)
    n, rate, tau, w = 20, 50.0, 0.01, 0.2
    counts = rng.poisson(n * rate * 0.2, size=5000)  # arrivals in the last 200 ms (20 tau) suffice
    values = [w * np.exp(-rng.uniform(0, 0.2, size=c) / tau).sum() for c in counts]
    mean, sd = lu.shot_noise_stats(n, rate * Hz, w, tau * second)
    # 5000 samples: the sample mean is within 4 SE (4 * sd / sqrt(5000) = 0.057 sd) of the truth
    assert np.mean(values) == pytest.approx(float(mean), abs=0.06 * float(sd))
    assert np.std(values) == pytest.approx(float(sd), rel=0.06)


def test_shot_noise_stats_bad_input():
    with pytest.raises(ValueError, match=r"n_inputs must be a non-negative whole number.*2.5"):
        lu.shot_noise_stats(2.5, 10 * Hz, 1 * nS, 5 * ms)
    with pytest.raises(ValueError, match=r"n_inputs must be a non-negative whole number.*5. Hz"):
        lu.shot_noise_stats(5 * Hz, 10 * Hz, 1 * nS, 5 * ms)
    with pytest.raises(ValueError, match="n_inputs"):
        lu.shot_noise_stats(-1, 10 * Hz, 1 * nS, 5 * ms)
    with pytest.raises(ValueError, match=r"rate must be non-negative, got -10. Hz"):
        lu.shot_noise_stats(10, -10 * Hz, 1 * nS, 5 * ms)
    with pytest.raises(ValueError, match="tau must be positive"):
        lu.shot_noise_stats(10, 10 * Hz, 1 * nS, 0 * ms)
    with pytest.raises(DimensionMismatchError, match="argument 'tau'"):
        lu.shot_noise_stats(10, 10 * Hz, 1 * nS, 5 * mV)
