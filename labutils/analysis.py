"""Statistics of spike trains and membrane potentials, with units in and units out."""
import numpy as np
from brian2 import Hz, PopulationRateMonitor, SpikeMonitor, StateMonitor, check_units, second

from ._validate import (require_monitor, require_non_negative, require_positive, require_recorded,
                        require_unit)


def _window(start, stop, end_of_run):
    stop = end_of_run if stop is None else stop
    require_unit(start, second, "start")
    require_unit(stop, second, "stop")
    if not stop > start:
        raise ValueError(f"stop must be later than start, got start={start!r}, stop={stop!r}")
    return start, stop


def firing_rates(spike_monitor, start=0 * second, stop=None):
    """Firing rate of every neuron a SpikeMonitor watches, in Hz.

    Counts the spikes in [start, stop) and divides by (stop - start). ``stop`` defaults to the
    current simulation time of the monitor. Returns a Quantity array (Hz), one entry per neuron.
    """
    require_monitor(spike_monitor, SpikeMonitor, "spike_monitor")
    start, stop = _window(start, stop, spike_monitor.clock.t)
    t = spike_monitor.t[:]
    i = spike_monitor.i[:]
    inside = (t >= start) & (t < stop)
    counts = np.bincount(i[inside], minlength=len(spike_monitor.source))
    return counts / (stop - start)


def isi_cv(spike_times):
    """Coefficient of variation (SD / mean) of the inter-spike intervals of one spike train.

    ``spike_times`` is a Quantity array in seconds (e.g. ``spike_monitor.spike_trains()[0]``).
    About 1 for a Poisson process, 0 for a clock. Needs at least three spikes (two intervals).
    """
    require_unit(spike_times, second, "spike_times")
    times = np.sort(np.asarray(spike_times))
    if len(times) < 3:
        raise ValueError(f"isi_cv needs at least 3 spikes (2 intervals), got {len(times)}")
    isi = np.diff(times)
    return float(np.std(isi) / np.mean(isi))


def fano_factor(spike_times, window, start=0 * second, stop=None):
    """Fano factor (variance / mean) of spike counts in consecutive windows of length ``window``.

    ``spike_times`` in seconds; ``window``, ``start``, ``stop`` in seconds (``stop`` defaults to the
    last spike). About 1 for a Poisson process. Needs at least two whole windows and one spike.
    """
    require_unit(spike_times, second, "spike_times")
    require_unit(window, second, "window")
    require_positive(window, "window")
    times = np.asarray(spike_times)
    if len(times) == 0:
        raise ValueError("fano_factor needs at least one spike, got an empty spike train")
    start, stop = _window(start, stop, np.max(times) * second)
    n_windows = int((stop - start) // window)
    if n_windows < 2:
        raise ValueError(f"fano_factor needs at least 2 windows of {window!r} between start and stop")
    edges = float(start) + float(window) * np.arange(n_windows + 1)
    counts, _ = np.histogram(times, bins=edges)
    if counts.mean() == 0:
        raise ValueError("fano_factor: no spikes fall inside the counting windows")
    return float(counts.var() / counts.mean())


def membrane_stats(state_monitor, variable="v", neuron=0, start=0 * second):
    """Mean and standard deviation of a recorded variable of one neuron, from ``start`` on.

    Returns ``(mean, sd)`` as Quantities in the variable's unit (volt for ``v``). Use ``start`` to
    skip the initial transient.
    """
    require_monitor(state_monitor, StateMonitor, "state_monitor")
    require_recorded(state_monitor, variable)
    require_unit(start, second, "start")
    values = getattr(state_monitor, variable)[neuron]
    keep = state_monitor.t >= start
    if not np.any(keep):
        raise ValueError(f"no samples after start={start!r}")
    values = values[keep]
    return np.mean(values), np.std(values)


def psp_amplitude(state_monitor, spike_time, window, variable="v", neuron=0):
    """Signed peak of a post-synaptic potential: the largest deviation of ``variable`` from its
    value at ``spike_time`` within ``window`` after it.

    Positive for an EPSP, negative for an IPSP. Times in seconds; returns a Quantity in the
    variable's unit (volt for ``v``).
    """
    require_monitor(state_monitor, StateMonitor, "state_monitor")
    require_recorded(state_monitor, variable)
    require_unit(spike_time, second, "spike_time")
    require_unit(window, second, "window")
    require_positive(window, "window")
    t = state_monitor.t
    if not (t[0] <= spike_time <= t[-1]):
        raise ValueError(f"spike_time={spike_time!r} lies outside the recording ({t[0]!r} to {t[-1]!r})")
    trace = getattr(state_monitor, variable)[neuron]
    baseline = trace[np.searchsorted(t, spike_time)]
    after = (t > spike_time) & (t <= spike_time + window)
    deviation = trace[after] - baseline
    return deviation[np.argmax(np.abs(deviation))]


def population_rate(spike_monitor, bin_width, start=0 * second, stop=None):
    """Population firing rate in bins: returns ``(bin_centres, rate)`` in (second, Hz).

    The rate is spikes per bin divided by (bin width x number of neurons watched).
    """
    require_monitor(spike_monitor, SpikeMonitor, "spike_monitor")
    require_unit(bin_width, second, "bin_width")
    require_positive(bin_width, "bin_width")
    start, stop = _window(start, stop, spike_monitor.clock.t)
    edges = np.arange(float(start), float(stop) + 0.5 * float(bin_width), float(bin_width))
    if len(edges) < 2:
        raise ValueError(f"bin_width={bin_width!r} is longer than the window")
    counts, _ = np.histogram(np.asarray(spike_monitor.t), bins=edges)
    rate = counts / (float(bin_width) * len(spike_monitor.source)) * Hz
    return (edges[:-1] + 0.5 * float(bin_width)) * second, rate


def smoothed_rate(rate_monitor, width):
    """Gaussian-smoothed rate of a PopulationRateMonitor: ``(times, rate)`` in (second, Hz)."""
    require_monitor(rate_monitor, PopulationRateMonitor, "rate_monitor")
    require_unit(width, second, "width")
    require_positive(width, "width")
    if len(rate_monitor.t) == 0:
        raise ValueError("rate_monitor is empty: run the simulation first")
    return rate_monitor.t[:], rate_monitor.smooth_rate(window="gaussian", width=width)


@check_units(rate=Hz, duration=second)
def poisson_count_band(rate, duration):
    """Expected spike count of a Poisson process at ``rate`` (Hz) over ``duration`` (s), with the
    band that holds about 95 % of counts: ``(mean, low, high)`` as floats (normal approximation,
    mean +- 1.96 sqrt(mean); good once the mean exceeds about 20).
    """
    require_non_negative(rate, "rate")
    require_non_negative(duration, "duration")
    mean = float(rate * duration)
    half = 1.96 * np.sqrt(mean)
    return mean, max(0.0, mean - half), mean + half


@check_units(rate=Hz, tau=second)
def shot_noise_stats(n_inputs, rate, weight, tau):
    """Mean and SD of a shot-noise variable driven by ``n_inputs`` independent Poisson inputs at
    ``rate`` (Hz), each spike adding ``weight`` and decaying with time constant ``tau`` (s).

    Campbell's theorem: mean = N nu w tau, variance = N nu w**2 tau / 2. ``weight`` may carry any
    unit (e.g. nS or a dimensionless conductance in units of g_L); the result carries the same.
    """
    if int(n_inputs) != n_inputs or n_inputs < 0:
        raise ValueError(f"n_inputs must be a non-negative integer, got {n_inputs!r}")
    require_non_negative(rate, "rate")
    require_positive(tau, "tau")
    mean = n_inputs * rate * weight * tau
    variance = n_inputs * rate * weight**2 * tau / 2
    return mean, np.sqrt(variance)
