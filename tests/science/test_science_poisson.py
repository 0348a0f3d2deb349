"""PoissonGroup spike trains.

Counts with mean = variance = rate x T (Fano factor 1) and exponential inter-spike intervals (CV
1), checked against labutils' fano_factor, isi_cv and poisson_count_band.

Brian2 draws one Bernoulli trial per time step with p = rate x dt, so exactly: count ~
Binomial(T/dt, p), mean rate x T, variance rate x T (1 - p), Fano 1 - p and ISI CV sqrt(1 - p);
with p = 0.002 these are within 0.2 % of the Poisson values, far inside the statistical tolerances.
"""

import numpy as np
from brian2 import Hz, Network, PoissonGroup, SpikeMonitor, ms, second
from brian2 import seed as brian_seed
from scipy import stats

import labutils as lu

from _science import Z, within

RATE, T, N, DT = 20 * Hz, 1 * second, 2000, 0.1 * ms


def _run(seed):
    brian_seed(seed)
    group = PoissonGroup(N, RATE, dt=DT)
    spikes = SpikeMonitor(group)
    Network(group, spikes).run(T)
    return spikes


def test_poisson_group_counts_fano_and_isi_cv(target, seed):
    spikes = _run(seed)
    counts = np.bincount(spikes.i[:], minlength=N)
    p = float(RATE * DT)
    lam = float(RATE * T)  # 20 spikes expected per neuron
    var = lam * (1 - p)

    # mean of N independent counts: SE = sqrt(var / N)
    within(counts.mean(), lam, Z * np.sqrt(var / N), "mean spike count")
    # labutils.firing_rates is the same count divided by T
    rates = lu.firing_rates(spikes)
    assert np.allclose(np.asarray(rates * T), counts), (
        "lu.firing_rates disagrees with the spike count"
    )
    # sample variance of N counts: SE = var sqrt(2/(N-1) + 1/(lam N)) (Poisson excess kurtosis
    # 1/lam)
    within(
        counts.var(ddof=1), var, Z * var * np.sqrt(2 / (N - 1) + 1 / (lam * N)), "count variance"
    )

    # One long train: the N independent trains laid end to end (a Bernoulli process is memoryless,
    # so the concatenation is again one) -- 2000 s of a 20 Hz process.
    train = np.asarray(spikes.t[:] + spikes.i[:] * T) * second
    window = 100 * ms
    k = int(N * T / window)  # 20000 windows of mean count 2
    fano = lu.fano_factor(train, window, stop=N * T)
    within(
        fano, 1 - p, Z * np.sqrt(2 / k), "Fano factor of the spike counts"
    )  # SE of var/mean: sqrt(2/K)
    cv = lu.isi_cv(train)
    n_isi = len(train) - 1
    within(
        cv, np.sqrt(1 - p), Z / np.sqrt(n_isi), "ISI CV"
    )  # SE of the CV of exponential ISIs: 1/sqrt(n)


def test_poisson_count_band_at_5_percent(target, seed):
    """lu.poisson_count_band's band at p_fail = 0.05 (wide enough to see failures among N trains).

    Its exact coverage under the binomial law of a per-step Bernoulli train is at least 95 % minus
    the Poisson-vs-binomial difference, and the simulated fraction inside matches that coverage.
    """
    spikes = _run(seed)
    counts = np.bincount(spikes.i[:], minlength=N)
    mean, low, high = lu.poisson_count_band(RATE, T, p_fail=0.05)
    assert mean == float(RATE * T)
    law = stats.binom(round(float(T / DT)), float(RATE * DT))
    coverage = law.cdf(high - 1) - law.cdf(low)  # P(low < n < high)
    assert coverage >= 0.94, f"band ({low:.0f}, {high:.0f}) covers {coverage:.3f}, not >= ~95 %"
    inside = np.mean((counts > low) & (counts < high))
    within(
        inside,
        coverage,
        Z * np.sqrt(coverage * (1 - coverage) / N),
        "fraction of counts in the band",
    )
