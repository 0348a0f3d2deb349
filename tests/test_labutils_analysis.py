"""Unit tests for labutils.analysis.

Known answers from tiny Brian2 simulations and hand-built spike trains, and a clear error for every
kind of bad input.
"""

import numpy as np
import pytest
from brian2 import (
    Clock,
    DimensionMismatchError,
    Hz,
    Network,
    NeuronGroup,
    PopulationRateMonitor,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    ms,
    mV,
    second,
)

import labutils as lu

DURATION = 100 * ms


def spike_network(indices, times, n=3, duration=DURATION, clock=None):
    """Run a SpikeGeneratorGroup with known spikes (1 ms steps).

    Returns (spike_monitor, rate_monitor).
    """
    kwargs = dict(clock=clock) if clock is not None else dict(dt=1 * ms)
    group = SpikeGeneratorGroup(n, indices, times, **kwargs)
    spikes, rate = SpikeMonitor(group), PopulationRateMonitor(group)
    Network(group, spikes, rate).run(duration)
    return spikes, rate


@pytest.fixture
def known_spikes():
    """Three neurons with known spikes.

    Neuron 0 fires every 10 ms from 5 ms (10 spikes), neuron 1 at 22 and 41 ms, neuron 2 never.
    """
    times0 = (5 + 10 * np.arange(10)) * ms
    indices = np.r_[np.zeros(10, int), 1, 1]
    times = np.r_[np.asarray(times0), 0.022, 0.041] * second
    spikes, _ = spike_network(indices, times)
    return spikes


V0, TAU, DT, N_STEPS = 10 * mV, 10 * ms, 0.1 * ms, 200


@pytest.fixture(scope="module")
def decay():
    """Two neurons relaxing exactly (method 'exact') from 10 mV and 20 mV towards 0 for 20 ms."""
    group = NeuronGroup(
        2,
        "dv/dt = -v / tau : volt (unless refractory)",
        method="exact",
        namespace=dict(tau=TAU),
        dt=DT,
    )
    group.v = "(i + 1) * 10*mV"
    both = StateMonitor(group, "v", record=True)
    only_second = StateMonitor(group, "v", record=[1])
    Network(group, both, only_second).run(N_STEPS * DT)
    return both, only_second


DECAY_PER_STEP = np.exp(-float(DT / TAU))


def decay_mean_sd(v0, n=N_STEPS, q=DECAY_PER_STEP):
    """Mean and SD of v0 q**k, k = 0 .. n-1, from the geometric series (no arrays involved)."""
    mean = (1 - q**n) / (n * (1 - q))
    mean_square = (1 - q ** (2 * n)) / (n * (1 - q**2))
    return v0 * mean, v0 * np.sqrt(mean_square - mean**2)


# ---------------------------------------------------------------- firing_rates


def test_firing_rates_counts_known_spikes_per_neuron(known_spikes):
    rates = lu.firing_rates(known_spikes)
    assert rates.has_same_dimensions(Hz)
    assert np.allclose(rates / Hz, [100, 20, 0])


def test_firing_rates_uses_half_open_window(known_spikes):
    # [15 ms, 95 ms): neuron 0 fires at 15, 25, ..., 85 ms (8 spikes), neuron 1 at 22 and 41 ms
    rates = lu.firing_rates(known_spikes, start=14.5 * ms, stop=94.5 * ms)
    assert np.allclose(rates / Hz, [8 / 0.08, 2 / 0.08, 0])
    later = lu.firing_rates(known_spikes, start=50 * ms)
    assert np.allclose(later / Hz, [100, 0, 0])


def test_firing_rates_refuses_a_clock_moved_on_by_another_run():
    clock = Clock(dt=1 * ms)
    first, _ = spike_network([0, 0], [5, 60] * ms, n=1, clock=clock)
    spike_network([0], [1] * ms, n=1, duration=30 * ms, clock=clock)  # same clock, now at 30 ms
    with pytest.raises(ValueError, match="pass stop= explicitly"):
        lu.firing_rates(first)
    assert np.allclose(lu.firing_rates(first, stop=DURATION) / Hz, [20])


def test_firing_rates_bad_input():
    group = SpikeGeneratorGroup(1, [0], [1] * ms, dt=1 * ms)
    never_run = SpikeMonitor(group)
    with pytest.raises(ValueError, match="spike_monitor is empty: run the simulation"):
        lu.firing_rates(never_run)
    with pytest.raises(TypeError, match="spike_monitor must be a SpikeMonitor, got list"):
        lu.firing_rates([1, 2, 3])
    ran, _ = spike_network([0], [1] * ms, n=1)
    with pytest.raises(DimensionMismatchError, match=r"start must have units of second.*got 5"):
        lu.firing_rates(ran, start=5)
    with pytest.raises(DimensionMismatchError, match=r"stop must have units of second.*got 5. mV"):
        lu.firing_rates(ran, stop=5 * mV)
    with pytest.raises(ValueError, match="stop must be later than start"):
        lu.firing_rates(ran, start=50 * ms, stop=50 * ms)


# ---------------------------------------------------------------- isi_cv


def test_isi_cv_of_a_regular_train_is_zero(known_spikes):
    train = known_spikes.spike_trains()[0]
    assert lu.isi_cv(train) == pytest.approx(0, abs=1e-9)


def test_isi_cv_of_alternating_intervals():
    # intervals 10, 30, 10, 30 ms: mean 20 ms, SD 10 ms -> CV 0.5, whatever the order given
    times = [40, 0, 80, 10, 50] * ms
    assert lu.isi_cv(times) == pytest.approx(0.5)


def test_isi_cv_of_poisson_intervals_is_near_one():
    rng = np.random.default_rng(0)
    times = np.cumsum(rng.exponential(0.01, size=20000)) * second
    # SD of the CV estimate from 20000 exponential intervals is about 1/sqrt(20000) = 0.007
    assert lu.isi_cv(times) == pytest.approx(1, abs=0.04)


def test_isi_cv_bad_input():
    with pytest.raises(ValueError, match=r"at least 3 spikes.*got 2"):
        lu.isi_cv([1, 2] * ms)
    with pytest.raises(DimensionMismatchError, match="spike_times must have units of second"):
        lu.isi_cv([1.0, 2.0, 3.0])
    with pytest.raises(DimensionMismatchError, match="spike_times must have units of second"):
        lu.isi_cv([1, 2, 3] * mV)


# ---------------------------------------------------------------- fano_factor


def test_fano_factor_of_hand_counted_windows():
    # windows of 10 ms up to 40 ms hold 2, 0, 1, 3 spikes: mean 1.5, variance 1.25
    times = [1, 2, 25, 31, 32, 33] * ms
    assert lu.fano_factor(times, 10 * ms, stop=40 * ms) == pytest.approx(1.25 / 1.5)


def test_fano_factor_of_a_regular_train_is_zero_even_with_spikes_on_window_edges():
    # spikes at 0, 10, ..., 90 ms; by default stop is the last spike (90 ms): nine windows of one
    # spike
    times = np.arange(10) * 10 * ms
    assert lu.fano_factor(times, 10 * ms) == 0
    assert lu.fano_factor(times + 5 * ms, 10 * ms, stop=100 * ms) == 0


def test_fano_factor_of_poisson_counts_is_near_one():
    rng = np.random.default_rng(1)
    times = np.sort(rng.uniform(0, 200, size=4000)) * second  # Poisson, 20 Hz over 200 s
    # 1000 windows of 0.2 s (mean count 4): the SD of the estimate is about sqrt(2/1000) = 0.045
    assert lu.fano_factor(times, 0.2 * second, stop=200 * second) == pytest.approx(1, abs=0.2)


def test_fano_factor_bad_input():
    times = [1, 2, 25] * ms
    with pytest.raises(
        DimensionMismatchError, match=r"window must have units of second.*got 10. mV"
    ):
        lu.fano_factor(times, 10 * mV)
    with pytest.raises(ValueError, match=r"window must be positive, got -10. ms"):
        lu.fano_factor(times, -10 * ms)
    with pytest.raises(ValueError, match="at least 2 windows"):
        lu.fano_factor(times, 20 * ms)
    with pytest.raises(ValueError, match="at least one spike"):
        lu.fano_factor([] * ms, 10 * ms)
    with pytest.raises(ValueError, match="no spikes fall inside"):
        lu.fano_factor(times, 10 * ms, start=50 * ms, stop=90 * ms)


# ---------------------------------------------------------------- membrane_stats


def test_membrane_stats_of_an_exact_decay(decay):
    both, _ = decay
    mean, sd = lu.membrane_stats(both)
    expected_mean, expected_sd = decay_mean_sd(V0)
    assert mean.has_same_dimensions(mV) and sd.has_same_dimensions(mV)
    assert float(mean / mV) == pytest.approx(float(expected_mean / mV), rel=1e-9)
    assert float(sd / mV) == pytest.approx(float(expected_sd / mV), rel=1e-9)


def test_membrane_stats_of_a_constant_trace_is_its_value_and_sd_0():
    # np.mean of these constant arrays is off by a rounding error on numpy 2.1 and 2.5 alike
    # (an SD of ~1e-17 V instead of 0); a notebook checks "V never moves" with sd == 0.
    for value in (-70 * mV, -54.3 * mV, -80.1 * mV):
        group = NeuronGroup(1, "v : volt")
        group.v = value
        monitor = StateMonitor(group, "v", record=0)
        Network(group, monitor).run(100.1 * ms)
        mean, sd = lu.membrane_stats(monitor)
        assert (mean, sd) == (value, 0 * mV)


def test_membrane_stats_selects_the_neuron_by_its_index(decay):
    both, only_second = decay
    expected_mean, _ = decay_mean_sd(2 * V0)
    for monitor in (both, only_second):
        mean, _ = lu.membrane_stats(monitor, neuron=1)
        assert float(mean / mV) == pytest.approx(float(expected_mean / mV), rel=1e-9)
    with pytest.raises(ValueError, match=r"neuron 0 was not recorded by state_monitor.*\[1\]"):
        lu.membrane_stats(only_second, neuron=0)


def test_membrane_stats_from_start_skips_the_transient(decay):
    both, _ = decay
    mean, _ = lu.membrane_stats(both, start=10 * ms)  # samples k = 100 .. 199 = 10 mV e^{-1} q^j
    expected_mean, _ = decay_mean_sd(V0 * np.exp(-1), n=100)
    assert float(mean / mV) == pytest.approx(float(expected_mean / mV), rel=1e-6)


def test_membrane_stats_bad_input(decay):
    both, _ = decay
    with pytest.raises(ValueError, match="did not record 'g_e'; it recorded \\['v'\\]"):
        lu.membrane_stats(both, variable="g_e")
    with pytest.raises(DimensionMismatchError, match="start must have units of second"):
        lu.membrane_stats(both, start=5 * mV)
    with pytest.raises(ValueError, match=r"no samples after start=1. s"):
        lu.membrane_stats(both, start=1 * second)
    with pytest.raises(TypeError, match="state_monitor must be a StateMonitor"):
        lu.membrane_stats(SpikeMonitor(SpikeGeneratorGroup(1, [0], [1] * ms)))
    group = NeuronGroup(1, "v : volt")
    with pytest.raises(ValueError, match="state_monitor is empty: run the simulation"):
        lu.membrane_stats(StateMonitor(group, "v", record=0))


# ---------------------------------------------------------------- psp_amplitude


@pytest.fixture(scope="module")
def psps():
    """A neuron at rest (0 mV, tau 10 ms) receiving +2 mV at 5 ms and -3 mV at 15 ms."""
    source = SpikeGeneratorGroup(2, [0, 1], [5, 15] * ms, dt=DT)
    target = NeuronGroup(1, "dv/dt = -v / (10*ms) : volt", method="exact", dt=DT)
    synapses = Synapses(source, target, "w : volt", on_pre="v_post += w", dt=DT)
    synapses.connect()
    synapses.w = [2, -3] * mV
    monitor = StateMonitor(target, "v", record=0)
    Network(source, target, synapses, monitor).run(25 * ms)
    return monitor


def test_psp_amplitude_signs_and_sizes(psps):
    assert float(lu.psp_amplitude(psps, 5 * ms, 5 * ms) / mV) == pytest.approx(2)
    # the EPSP (2 mV at 5.1 ms) has decayed to 2 mV e^{-0.99} at 15 ms; during the step in which
    # the -3 mV arrive it decays by a further factor e^{-0.01}, which adds to the deviation
    left = 2 * np.exp(-0.99)
    expected = left * (np.exp(-0.01) - 1) - 3
    assert float(lu.psp_amplitude(psps, 15 * ms, 5 * ms) / mV) == pytest.approx(expected, rel=1e-9)


def test_psp_amplitude_of_a_pure_decay_is_the_decay_over_the_window(decay):
    both, _ = decay
    amplitude = lu.psp_amplitude(both, 5 * ms, 3 * ms)
    expected = V0 * (np.exp(-0.8) - np.exp(-0.5))
    assert float(amplitude / mV) == pytest.approx(float(expected / mV), rel=1e-6)


def test_psp_amplitude_bad_input(psps):
    with pytest.raises(DimensionMismatchError, match="spike_time must have units of second"):
        lu.psp_amplitude(psps, 5, 5 * ms)
    with pytest.raises(DimensionMismatchError, match="window must have units of second"):
        lu.psp_amplitude(psps, 5 * ms, 5 * mV)
    with pytest.raises(ValueError, match="window must be positive"):
        lu.psp_amplitude(psps, 5 * ms, 0 * ms)
    with pytest.raises(ValueError, match="lies outside the recording"):
        lu.psp_amplitude(psps, 30 * ms, 5 * ms)
    with pytest.raises(ValueError, match="no samples in the window"):
        lu.psp_amplitude(psps, 5 * ms, 0.01 * ms)


def test_firing_rates_checks_the_run_once(known_spikes, monkeypatch):
    from labutils import analysis

    calls, real = [], analysis.require_run
    monkeypatch.setattr(analysis, "require_run", lambda *args: calls.append(args) or real(*args))
    lu.firing_rates(known_spikes)
    assert len(calls) == 1
