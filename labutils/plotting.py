"""Plots of Brian2 monitors.

Each ``plot_*`` function draws on ``ax`` (a new figure if None), returns the Axes, and never calls
``plt.show()``. Time axes are in ms, voltages in mV. ``update_trace`` and ``update_v_histogram``
show a new run in what ``plot_trace``/``plot_conductance`` and ``plot_v_histogram`` drew, by
changing the data of the same artists (fast: what an explorer's ``update(result)`` calls).
"""

import numpy as np
from brian2 import (
    Hz,
    PopulationRateMonitor,
    SpikeMonitor,
    StateMonitor,
    get_dimensions,
    ms,
    mV,
    nS,
    siemens,
    volt,
)

from ._validate import (
    recorded_row,
    require_monitor,
    require_positive,
    require_recorded,
    require_run,
    require_unit,
    show,
)

SPIKE_COLOUR = "#D55E00"
THRESHOLD_COLOUR = "0.4"
# A figure is at most ~1000 pixels wide: longer traces are drawn as their min/max envelope (below).
MAX_LINE_POINTS = 2000


def _envelope(x, y, max_points=MAX_LINE_POINTS):
    """Indices of ``y`` to draw so that a long trace looks the same with far fewer points.

    The trace is cut into ``max_points // 2`` consecutive chunks; each contributes its minimum and
    its maximum, in time order, plus the first and last sample. Every extreme (a spike, a reset)
    stays visible, while drawing, which dominates an explorer's redraw, gets several times cheaper.
    """
    n = len(y)
    if n <= max_points:
        return np.arange(n)
    chunk = -(-n // (max_points // 2))  # ceil
    padded = np.concatenate([y, np.full(chunk * (-(-n // chunk)) - n, y[-1])]).reshape(-1, chunk)
    offsets = np.arange(padded.shape[0]) * chunk
    lo = np.minimum(padded.argmin(axis=1) + offsets, n - 1)
    hi = np.minimum(padded.argmax(axis=1) + offsets, n - 1)
    keep = np.concatenate([[0], np.minimum(lo, hi), np.maximum(lo, hi), [n - 1]])
    return np.unique(keep)  # sorted: the envelope stays in time order


_TRACE, _SPIKES, _HISTOGRAM = "labutils-trace:", "labutils-spikes", "labutils-histogram:"


def _spike_marks(ax, times):
    """Ticks above the axes at ``times`` (ms): the spike markers of plot_trace."""
    from matplotlib.transforms import Bbox, TransformedBbox

    top = ax.get_ylim()[1]
    (marks,) = ax.plot(
        times,
        np.full(len(times), top),
        "v",
        color=SPIKE_COLOUR,
        ms=9,
        label="spikes",
        gid=_SPIKES,
    )
    # drawn above the top edge, but only within the x range (a zoom must not spill them sideways)
    marks.set_clip_box(TransformedBbox(Bbox([[0, 0], [1, 1.25]]), ax.transAxes))
    return marks


def _drawn(ax, gid, what):
    """The one artist of ``ax`` with this gid, or a message naming the plot to draw first."""
    found = [a for a in ax.get_children() if a.get_gid() == gid]
    if len(found) != 1:
        raise ValueError(
            f"ax has {len(found)} {what}; update it on the Axes that {what.split()[-1]} drew "
            "once (one per Axes)"
        )
    return found[0]


def _nice_ceiling(value):
    """The smallest of 1, 2, 5 x 10**k at or above ``value`` (> 0)."""
    exponent = 10.0 ** np.floor(np.log10(value))
    return next(step * exponent for step in (1, 2, 5, 10) if step * exponent >= value * 0.9999)


def _steady_top(current, peak):
    """An axis top for data peaking at ``peak`` (> 0).

    ``current`` while the data fill at least a quarter of it, else the 1, 2, 5 x 10^k step just
    above the peak (so a range moves rarely).
    """
    if 0 < peak <= current <= 4 * peak:
        return current
    return _nice_ceiling(peak * 1.05)


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def _display_unit(values):
    """The unit a recorded variable is shown in: mV for voltages, nS for conductances."""
    dims = get_dimensions(values)
    if dims is get_dimensions(volt):
        return mV, "mV"
    if dims is get_dimensions(siemens):
        return nS, "nS"
    return 1, None


def _label(variable, unit_name):
    return variable if unit_name is None else f"{variable} ({unit_name})"


def plot_trace(
    state_monitor,
    variable="v",
    neuron=0,
    spike_monitor=None,
    threshold=None,
    ax=None,
    **line_kwargs,
):
    """Membrane trace of one neuron against time (ms); voltages shown in mV, conductances in nS.

    ``neuron`` is the neuron's index in its group (it must be among those recorded).
    ``spike_monitor`` (optional, a SpikeMonitor of the same group) marks that neuron's spikes with
    ticks above the trace; ``threshold`` (optional, in the variable's unit, e.g. ``-50*mV``) is
    drawn as a dashed line. Extra keyword arguments go to ``ax.plot``. Returns the Axes.
    """
    require_monitor(state_monitor, StateMonitor, "state_monitor")
    require_recorded(state_monitor, variable)
    row = recorded_row(state_monitor, neuron)
    values = getattr(state_monitor, variable)[row]
    if threshold is not None:
        require_unit(threshold, values, "threshold")
    if spike_monitor is not None:
        require_monitor(spike_monitor, SpikeMonitor, "spike_monitor")
        require_run(spike_monitor, "spike_monitor")
    ax = _axes(ax)
    unit, unit_name = _display_unit(values)
    t, y = np.asarray(state_monitor.t / ms), np.asarray(values / unit)
    shown = _envelope(t, y)
    ax.plot(t[shown], y[shown], gid=_TRACE + variable, **line_kwargs)
    if threshold is not None:
        ax.axhline(
            float(threshold / unit), ls="--", color=THRESHOLD_COLOUR, lw=1.5, label="threshold"
        )
    if spike_monitor is not None:
        times = np.asarray(spike_monitor.t[spike_monitor.i == neuron] / ms)
        if len(times):
            _spike_marks(ax, times)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(_label(variable, unit_name))
    return ax


def plot_conductance(
    state_monitor, variable="g_e", neuron=0, ax=None, legend=False, **line_kwargs
):
    """A conductance (or any second variable) of one neuron against time (ms) on a twin y-axis.

    The twin is of ``ax``; returns the twin Axes. The line is labelled with ``variable``;
    ``legend=True`` draws one legend for the labelled lines of both axes (e.g. ``V`` and ``g_i``),
    below the axes, where it covers no data.

    Dimensionless conductances (in units of g_L) are shown as they are; siemens as nS, volts as mV.
    ``neuron`` is the neuron's index in its group (it must be among those recorded).
    """
    require_monitor(state_monitor, StateMonitor, "state_monitor")
    require_recorded(state_monitor, variable)
    values = getattr(state_monitor, variable)[recorded_row(state_monitor, neuron)]
    ax = _axes(ax)
    twin = ax.twinx()
    unit, unit_name = _display_unit(values)
    line_kwargs.setdefault("color", "#009E73")
    line_kwargs.setdefault("ls", "--")
    line_kwargs.setdefault("label", variable)
    t, y = np.asarray(state_monitor.t / ms), np.asarray(values / unit)
    shown = _envelope(t, y)
    twin.plot(t[shown], y[shown], gid=_TRACE + variable, **line_kwargs)
    twin.set_ylabel(_label(variable, unit_name), color=line_kwargs["color"])
    twin.grid(False)
    twin.spines["right"].set_visible(True)
    if legend:
        lines = [
            line
            for a in (ax, twin)
            for line in a.get_lines()
            if not line.get_label().startswith("_")
        ]
        twin.legend(
            lines,
            [line.get_label() for line in lines],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16),
            ncol=len(lines),
            frameon=False,
        )
    return twin


def plot_raster(spike_monitor, ax=None, offset=0, **marker_kwargs):
    """Raster plot: one dot per spike, time (ms) against neuron index.

    The index is shifted by ``offset`` (a whole number) to stack several groups. Extra keyword
    arguments go to ``ax.plot``. Returns the Axes.
    """
    require_monitor(spike_monitor, SpikeMonitor, "spike_monitor")
    require_run(spike_monitor, "spike_monitor")
    ax = _axes(ax)
    marker_kwargs.setdefault("ms", 2)
    marker_kwargs.setdefault("color", "k")
    ax.plot(
        np.asarray(spike_monitor.t / ms),
        np.asarray(spike_monitor.i) + offset,
        ".",
        **marker_kwargs,
    )
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron index")
    return ax


def plot_population_rate(rate_monitor, width=2 * ms, ax=None, **line_kwargs):
    """Population rate (Hz) of a PopulationRateMonitor against time (ms), smoothed.

    Smoothed with a Gaussian whose standard deviation is ``width`` (seconds, e.g. ``2*ms``;
    Brian2's ``rate_monitor.smooth_rate``). Within about 2 ``width`` of either end of the recording
    the smoothed rate is pulled towards zero (the window runs off the data). Returns the Axes.
    """
    require_monitor(rate_monitor, PopulationRateMonitor, "rate_monitor")
    require_unit(width, ms, "width")
    require_positive(width, "width")
    if len(rate_monitor.t) == 0:
        raise ValueError(
            "rate_monitor is empty: run the simulation before analysing or plotting it"
        )
    rate = rate_monitor.smooth_rate(window="gaussian", width=width)
    ax = _axes(ax)
    ax.plot(np.asarray(rate_monitor.t / ms), np.asarray(rate / Hz), **line_kwargs)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("rate (Hz)")
    return ax


def plot_v_histogram(
    state_monitor, variable="v", neuron=0, bins=40, start=0 * ms, ax=None, **hist_kwargs
):
    """Histogram (probability density) of a recorded variable of one neuron.

    From ``start`` (seconds) on; density per mV for a voltage; voltages shown in mV, conductances
    in nS. ``neuron`` is the neuron's index in its group. Returns the Axes.
    """
    require_monitor(state_monitor, StateMonitor, "state_monitor")
    require_recorded(state_monitor, variable)
    require_unit(start, ms, "start")
    values = getattr(state_monitor, variable)[recorded_row(state_monitor, neuron)]
    values = values[state_monitor.t >= start]
    if len(values) == 0:
        raise ValueError(f"state_monitor has no samples after start={show(start)}")
    ax = _axes(ax)
    unit, unit_name = _display_unit(values)
    hist_kwargs.setdefault("alpha", 0.7)
    hist_kwargs.setdefault(
        "histtype", "stepfilled"
    )  # one polygon instead of a patch per bin: faster
    *_, patches = ax.hist(np.asarray(values / unit), bins=bins, density=True, **hist_kwargs)
    for patch in patches:
        patch.set_gid(_HISTOGRAM + variable)
    ax.set_xlabel(_label(variable, unit_name))
    ax.set_ylabel("density")
    return ax


def update_trace(ax, state_monitor, variable="v", neuron=0, spike_monitor=None, autoscale=False):
    """Show a new run in the trace that ``plot_trace`` (or ``plot_conductance``) drew on ``ax``.

    Changes the line's data (and the spike ticks, if ``spike_monitor`` is given) instead of drawing
    new ones; the axis ranges stay, so an explorer redraws only these artists. ``autoscale=True``
    lets the y range follow the data (for a conductance) rarely: it stays while the data fill at
    least a quarter of it, else moves to the 1, 2, 5 x 10^k step above the peak (below the
    minimum for negative data), so most redraws still keep the axes. Returns the artists changed
    (a list: the line, then the spike ticks if any), as an explorer's update needs.
    """
    require_monitor(state_monitor, StateMonitor, "state_monitor")
    require_recorded(state_monitor, variable)
    line = _drawn(ax, _TRACE + variable, f"traces of {variable!r} drawn by plot_trace")
    values = getattr(state_monitor, variable)[recorded_row(state_monitor, neuron)]
    unit, _ = _display_unit(values)
    t, y = np.asarray(state_monitor.t / ms), np.asarray(values / unit)
    shown = _envelope(t, y)
    line.set_data(t[shown], y[shown])
    if autoscale and len(y):
        low, high = ax.get_ylim()
        top = _steady_top(high, float(y.max())) if y.max() > 0 else high
        bottom = -_steady_top(-low, -float(y.min())) if y.min() < 0 else min(low, 0.0)
        if (bottom, top) != (low, high):
            ax.set_ylim(bottom, top)
    changed = [line]
    if spike_monitor is not None:
        require_monitor(spike_monitor, SpikeMonitor, "spike_monitor")
        require_run(spike_monitor, "spike_monitor")
        times = np.asarray(spike_monitor.t[spike_monitor.i == neuron] / ms)
        marks = [a for a in ax.get_children() if a.get_gid() == _SPIKES]
        marks = marks[0] if marks else _spike_marks(ax, times)
        marks.set_data(times, np.full(len(times), ax.get_ylim()[1]))
        changed.append(marks)
    return changed


def update_v_histogram(ax, state_monitor, variable="v", neuron=0, start=0 * ms):
    """Show a new run in the histogram ``plot_v_histogram`` drew on ``ax`` (same bins).

    The bins stay those of the first histogram (give ``plot_v_histogram`` fixed ``bins``, e.g.
    ``np.arange(-80, -49, 1)`` in mV, to cover every run); samples outside them are left out. The
    density axis stays while the peak fills at least a quarter of it, else moves to the 1, 2, 5 x
    10^k step above the peak. Returns the changed artists (a list: the histogram's polygon).
    """
    require_monitor(state_monitor, StateMonitor, "state_monitor")
    require_recorded(state_monitor, variable)
    require_unit(start, ms, "start")
    patch = _drawn(
        ax, _HISTOGRAM + variable, f"histograms of {variable!r} drawn by plot_v_histogram"
    )
    values = getattr(state_monitor, variable)[recorded_row(state_monitor, neuron)]
    values = values[state_monitor.t >= start]
    if len(values) == 0:
        raise ValueError(f"state_monitor has no samples after start={show(start)}")
    unit, _ = _display_unit(values)
    outline = patch.get_xy()
    edges = np.unique(outline[:, 0])
    counts, _ = np.histogram(np.asarray(values / unit), bins=edges)
    total = counts.sum()
    density = counts / (total * np.diff(edges)) if total else np.zeros(len(counts))
    steps = np.repeat(density, 2)  # a step outline, as hist(histtype="stepfilled") draws it
    x = np.repeat(edges, 2)[1:-1]
    patch.set_xy(np.column_stack([np.r_[x, x[::-1]], np.r_[steps, np.zeros_like(steps)]]))
    top = _steady_top(ax.get_ylim()[1], float(density.max())) if density.max() > 0 else None
    if top is not None and top != ax.get_ylim()[1]:
        ax.set_ylim(0, top)
    return [patch]
