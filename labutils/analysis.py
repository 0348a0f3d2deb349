"""Statistics of recorded spike trains and membrane potentials, with units in and units out.

(What theory predicts for them is in :mod:`labutils.theory`.)
"""

import numpy as np
from brian2 import SpikeMonitor, StateMonitor, second

from ._validate import (
    recorded_row,
    require_monitor,
    require_positive,
    require_recorded,
    require_run,
    require_unit,
    show,
)

# Spike times and window edges are floats: a spike that sits on an edge up to rounding error
# (e.g. 30 ms next to 3 x 10 ms) is counted in the window that starts there.
_EDGE_TOLERANCE = 1e-9


def _window(start, stop, end_of_run):
    stop = end_of_run if stop is None else stop
    require_unit(start, second, "start")
    require_unit(stop, second, "stop")
    if not stop > start:
        raise ValueError(
            f"stop must be later than start, got start={show(start)}, stop={show(stop)}"
        )
    return start, stop


def _window_counts(times, start, width, n_windows):
    """Spike counts in ``n_windows`` half-open windows [start + k width, start + (k+1) width)."""
    position = (np.asarray(times, dtype=float) - float(start)) / float(width) + _EDGE_TOLERANCE
    index = np.floor(position[(position >= 0) & (position < n_windows)]).astype(int)
    return np.bincount(index, minlength=n_windows)


def _end_of_run(spike_monitor, name):
    """The time the monitor's clock stands at, checked against the spikes it holds.

    The monitor must have run.
    """
    end = spike_monitor.clock.t[:]
    times = spike_monitor.t[:]
    if len(times) and np.max(times) >= end:
        raise ValueError(
            f"{name} holds spikes up to {show(np.max(times))}"
            f" but its clock stands at {show(end)}: "
            "another simulation has run on the same clock since; pass stop= explicitly"
        )
    return end


def firing_rates(spike_monitor, start=0 * second, stop=None):
    """Firing rate of every neuron a SpikeMonitor watches, in Hz.

    Counts the spikes in [start, stop) (times in seconds, e.g. ``100*ms``) and divides by (stop -
    start). Returns a Quantity array (Hz), one entry per neuron of the monitored group. ``stop``
    defaults to the time the monitor's clock stands at, which is the end of its run only if no
    other simulation has run on the same clock since: when in doubt pass ``stop=duration``.
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
    """Coefficient of variation of the inter-spike intervals of one spike train.

    SD / mean of the intervals, dimensionless.

    ``spike_times`` is a Quantity array in seconds (e.g. ``spike_monitor.spike_trains()[0]``).
    About 1 for a Poisson process, 0 for a clock. Needs at least three spikes (two intervals).
    """
    require_unit(spike_times, second, "spike_times")
    times = np.sort(np.asarray(spike_times, dtype=float).ravel())
    if len(times) < 3:
        raise ValueError(
            f"isi_cv needs at least 3 spikes (2 intervals) in spike_times, got {len(times)}"
        )
    isi = np.diff(times)
    if np.mean(isi) == 0:
        raise ValueError("spike_times holds only one distinct time: the intervals are all zero")
    return float(np.std(isi) / np.mean(isi))


def fano_factor(spike_times, window, start=0 * second, stop=None):
    """Fano factor of spike counts in consecutive windows of length ``window``.

    Variance / mean of the counts, dimensionless.

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
        raise ValueError(
            f"fano_factor needs at least 2 windows of {show(window)} between "
            f"start={show(start)} and stop={show(stop)}"
        )
    counts = _window_counts(times, start, window, n_windows)
    if counts.mean() == 0:
        raise ValueError("fano_factor: no spikes fall inside the counting windows")
    return float(counts.var() / counts.mean())


def membrane_stats(state_monitor, variable="v", neuron=0, start=0 * second):
    """Mean and standard deviation of a recorded variable of one neuron.

    Computed from ``start`` (seconds) on.

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
        raise ValueError(
            f"state_monitor has no samples after start={show(start)} "
            f"(it ends at {show(state_monitor.t[-1])})"
        )
    values = values[keep]
    # Deviations from the first sample: a constant trace gives exactly its value and an SD of 0.
    # np.mean of a constant array can be off by a rounding error (numpy 2.1, Colab's: SD ~1e-17 V).
    shift = values[0]
    return shift + np.mean(values - shift), np.std(values - shift)


def psp_amplitude(state_monitor, spike_time, window, variable="v", neuron=0):
    """Signed peak of a post-synaptic potential.

    The largest deviation of ``variable`` from its value at ``spike_time`` within ``window`` after
    it.

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
        raise ValueError(
            f"spike_time={show(spike_time)} lies outside the recording "
            f"({show(t[0])} to {show(t[-1])})"
        )
    trace = getattr(state_monitor, variable)[row]
    baseline = trace[np.searchsorted(t, spike_time)]
    after = (t > spike_time) & (t <= spike_time + window)
    if not np.any(after):
        step = show(t[1] - t[0]) if len(t) > 1 else "?"
        raise ValueError(
            f"no samples in the window of {show(window)} after spike_time={show(spike_time)}"
            f" (the recording ends at {show(t[-1])}, sampled every {step})"
        )
    deviation = trace[after] - baseline
    return deviation[np.argmax(np.abs(deviation))]
