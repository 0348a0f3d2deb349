"""Statistics of spike trains and membrane potentials, with units in and units out."""
import numbers

import numpy as np
from brian2 import Hz, PopulationRateMonitor, SpikeMonitor, StateMonitor, check_units, second

from ._validate import (recorded_row, require_monitor, require_non_negative, require_positive,
                        require_recorded, require_run, require_unit, show)

# Spike times and window edges are floats: a spike that sits on an edge up to rounding error
# (e.g. 30 ms next to 3 x 10 ms) is counted in the window that starts there.
_EDGE_TOLERANCE = 1e-9


def _window(start, stop, end_of_run):
    stop = end_of_run if stop is None else stop
    require_unit(start, second, "start")
    require_unit(stop, second, "stop")
    if not stop > start:
        raise ValueError(f"stop must be later than start, got start={show(start)}, stop={show(stop)}")
    return start, stop


def _window_counts(times, start, width, n_windows):
    """Spike counts in the ``n_windows`` half-open windows [start + k width, start + (k+1) width)."""
    position = (np.asarray(times, dtype=float) - float(start)) / float(width) + _EDGE_TOLERANCE
    index = np.floor(position[(position >= 0) & (position < n_windows)]).astype(int)
    return np.bincount(index, minlength=n_windows)


def _end_of_run(spike_monitor, name):
    """The time the monitor's clock stands at, checked against the spikes it holds."""
    require_run(spike_monitor, name)
    end = spike_monitor.clock.t[:]
    times = spike_monitor.t[:]
    if len(times) and np.max(times) >= end:
        raise ValueError(
            f"{name} holds spikes up to {show(np.max(times))} but its clock stands at {show(end)}: "
            "another simulation has run on the same clock since; pass stop= explicitly")
    return end


def firing_rates(spike_monitor, start=0 * second, stop=None):
    """Firing rate of every neuron a SpikeMonitor watches, in Hz.

    Counts the spikes in [start, stop) (times in seconds, e.g. ``100*ms``) and divides by
    (stop - start). Returns a Quantity array (Hz), one entry per neuron of the monitored group.
    ``stop`` defaults to the time the monitor's clock stands at, which is the end of its run only if
    no other simulation has run on the same clock since: when in doubt pass ``stop=duration``.
    """
    require_monitor(spike_monitor, SpikeMonitor, "spike_monitor")
    require_run(spike_monitor, "spike_monitor")
    end = _end_of_run(spike_monitor, "spike_monitor") if stop is None else None
    start, stop = _window(start, stop, end)
    t = spike_monitor.t[:]
    i = spike_monitor.i[:]
    inside = (t >= start) & (t < stop)
    counts = np.bincount(i[inside], minlength=len(spike_monitor.source))
    return counts / (stop - start)


def isi_cv(spike_times):
    """Coefficient of variation (SD / mean, dimensionless) of the inter-spike intervals of one
    spike train.

    ``spike_times`` is a Quantity array in seconds (e.g. ``spike_monitor.spike_trains()[0]``).
    About 1 for a Poisson process, 0 for a clock. Needs at least three spikes (two intervals).
    """
    require_unit(spike_times, second, "spike_times")
    times = np.sort(np.asarray(spike_times, dtype=float).ravel())
    if len(times) < 3:
        raise ValueError(f"isi_cv needs at least 3 spikes (2 intervals) in spike_times, got {len(times)}")
    isi = np.diff(times)
    if np.mean(isi) == 0:
        raise ValueError("spike_times holds only one distinct time: the intervals are all zero")
    return float(np.std(isi) / np.mean(isi))


def fano_factor(spike_times, window, start=0 * second, stop=None):
    """Fano factor (variance / mean of spike counts, dimensionless) in consecutive windows of
    length ``window``.

    ``spike_times``, ``window``, ``start``, ``stop`` in seconds. The windows are half-open,
    [start, start + window), ... and only whole windows before ``stop`` count. ``stop`` defaults to
    the last spike; pass ``stop=duration`` to use the whole recording. About 1 for a Poisson
    process, 0 for a regular train whose period divides ``window``. Needs at least two whole
    windows and one spike in them.
    """
    require_unit(spike_times, second, "spike_times")
    require_unit(window, second, "window")
    require_positive(window, "window")
    times = np.asarray(spike_times, dtype=float).ravel()
    if len(times) == 0 and stop is None:
        raise ValueError("fano_factor needs at least one spike, got an empty spike_times")
    start, stop = _window(start, stop, np.max(times) * second if len(times) else None)
    n_windows = int(np.floor(float((stop - start) / window) + _EDGE_TOLERANCE))
    if n_windows < 2:
        raise ValueError(f"fano_factor needs at least 2 windows of {show(window)} between "
                         f"start={show(start)} and stop={show(stop)}")
    counts = _window_counts(times, start, window, n_windows)
    if counts.mean() == 0:
        raise ValueError("fano_factor: no spikes fall inside the counting windows")
    return float(counts.var() / counts.mean())


def membrane_stats(state_monitor, variable="v", neuron=0, start=0 * second):
    """Mean and standard deviation of a recorded variable of one neuron, from ``start`` (seconds)
    on.

    ``neuron`` is the neuron's index in its group (it must be among those recorded). Returns
    ``(mean, sd)`` as Quantities in the variable's unit (volt for ``v``; divide by mV to print).
    Use ``start`` to skip the initial transient.
    """
    require_monitor(state_monitor, StateMonitor, "state_monitor")
    require_recorded(state_monitor, variable)
    require_unit(start, second, "start")
    row = recorded_row(state_monitor, neuron)
    values = getattr(state_monitor, variable)[row]
    keep = state_monitor.t >= start
    if not np.any(keep):
        raise ValueError(f"state_monitor has no samples after start={show(start)} "
                         f"(it ends at {show(state_monitor.t[-1])})")
    values = values[keep]
    return np.mean(values), np.std(values)


def psp_amplitude(state_monitor, spike_time, window, variable="v", neuron=0):
    """Signed peak of a post-synaptic potential: the largest deviation of ``variable`` from its
    value at ``spike_time`` within ``window`` after it.

    Positive for an EPSP, negative for an IPSP. ``spike_time`` and ``window`` in seconds;
    ``neuron`` is the neuron's index in its group. Returns a Quantity in the variable's unit
    (volt for ``v``).
    """
    require_monitor(state_monitor, StateMonitor, "state_monitor")
    require_recorded(state_monitor, variable)
    require_unit(spike_time, second, "spike_time")
    require_unit(window, second, "window")
    require_positive(window, "window")
    row = recorded_row(state_monitor, neuron)
    t = state_monitor.t[:]
    if not (t[0] <= spike_time <= t[-1]):
        raise ValueError(f"spike_time={show(spike_time)} lies outside the recording "
                         f"({show(t[0])} to {show(t[-1])})")
    trace = getattr(state_monitor, variable)[row]
    baseline = trace[np.searchsorted(t, spike_time)]
    after = (t > spike_time) & (t <= spike_time + window)
    if not np.any(after):
        raise ValueError(f"no samples in the window of {show(window)} after spike_time={show(spike_time)}"
                         f" (the recording ends at {show(t[-1])}, sampled every {show(t[1] - t[0]) if len(t) > 1 else '?'})")
    deviation = trace[after] - baseline
    return deviation[np.argmax(np.abs(deviation))]


def population_rate(spike_monitor, bin_width, start=0 * second, stop=None):
    """Population firing rate in bins: returns ``(bin_centres, rate)`` in (second, Hz).

    The rate is spikes per bin divided by (bin width x number of neurons watched). Bins are
    half-open, [start, start + bin_width), ...; only whole bins before ``stop`` are returned.
    ``stop`` defaults to the time the monitor's clock stands at (see :func:`firing_rates`).
    """
    require_monitor(spike_monitor, SpikeMonitor, "spike_monitor")
    require_unit(bin_width, second, "bin_width")
    require_positive(bin_width, "bin_width")
    require_run(spike_monitor, "spike_monitor")
    end = _end_of_run(spike_monitor, "spike_monitor") if stop is None else None
    start, stop = _window(start, stop, end)
    n_bins = int(np.floor(float((stop - start) / bin_width) + _EDGE_TOLERANCE))
    if n_bins < 1:
        raise ValueError(f"bin_width={show(bin_width)} is longer than the window from "
                         f"start={show(start)} to stop={show(stop)}")
    counts = _window_counts(spike_monitor.t[:], start, bin_width, n_bins)
    rate = counts / (bin_width * len(spike_monitor.source))
    centres = start + (np.arange(n_bins) + 0.5) * bin_width
    return centres, rate


def smoothed_rate(rate_monitor, width):
    """Gaussian-smoothed rate of a PopulationRateMonitor: ``(times, rate)`` in (second, Hz).

    ``width`` (seconds) is the standard deviation of the Gaussian. Within about 2 ``width`` of
    either end of the recording the smoothed rate is pulled towards zero (the window runs off the
    data).
    """
    require_monitor(rate_monitor, PopulationRateMonitor, "rate_monitor")
    require_unit(width, second, "width")
    require_positive(width, "width")
    if len(rate_monitor.t) == 0:
        raise ValueError("rate_monitor is empty: run the simulation before analysing or plotting it")
    return rate_monitor.t[:], rate_monitor.smooth_rate(window="gaussian", width=width)


@check_units(rate=Hz, tau=second)
def shot_noise_stats(n_inputs, rate, weight, tau):
    """Mean and SD of a shot-noise variable driven by ``n_inputs`` (a count) independent Poisson
    inputs at ``rate`` (Hz), each spike adding ``weight`` and decaying with time constant ``tau`` (s).

    Campbell's theorem: mean = N nu w tau, variance = N nu w**2 tau / 2. ``weight`` may carry any
    unit (e.g. nS or a dimensionless conductance in units of g_L) and may be negative; the mean
    and SD carry the same unit.
    """
    if (isinstance(n_inputs, bool) or not isinstance(n_inputs, numbers.Real)
            or int(n_inputs) != n_inputs or n_inputs < 0):
        raise ValueError(f"n_inputs must be a non-negative whole number (no units), got {show(n_inputs)}")
    require_non_negative(rate, "rate")
    require_positive(tau, "tau")
    mean = n_inputs * rate * weight * tau
    variance = n_inputs * rate * weight**2 * tau / 2
    return mean, np.sqrt(variance)
