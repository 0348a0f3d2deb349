"""Unit tests for labutils.plotting.

The returned Axes hold the monitors' data in ms, mV, nS and Hz, with unit labels, threshold line
and spike markers; bad input fails before anything is drawn.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from brian2 import (
    DimensionMismatchError,
    Hz,
    Network,
    NeuronGroup,
    PopulationRateMonitor,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    ms,
    mV,
    nS,
)

import labutils as lu

V_T = -50 * mV


@pytest.fixture(scope="module")
def run():
    """Two LIF neurons driven above threshold (neuron 1 harder), 30 ms at dt = 0.1 ms.

    With a decaying g_e in nS and a constant dimensionless g_i.
    """
    group = NeuronGroup(
        2,
        """dv/dt = (-70*mV - v + drive) / (10*ms) : volt
                             dg_e/dt = -g_e / (5*ms) : siemens
                             g_i : 1
                             drive : volt (constant)""",
        threshold="v > V_T",
        reset="v = -70*mV",
        method="exact",
        namespace=dict(V_T=V_T),
        dt=0.1 * ms,
    )
    group.v = -70 * mV
    group.drive = [25, 40] * mV
    group.g_e = 2 * nS
    group.g_i = 0.5
    state = StateMonitor(group, ["v", "g_e", "g_i"], record=True)
    only_second = StateMonitor(group, "v", record=[1])
    spikes, rate = SpikeMonitor(group), PopulationRateMonitor(group)
    Network(group, state, only_second, spikes, rate).run(30 * ms)
    assert len(spikes.t) >= 4 and set(spikes.i) == {0, 1}  # the fixture itself is what we think
    return dict(state=state, only_second=only_second, spikes=spikes, rate=rate, group=group)


def line_with_label(ax, label):
    return [line for line in ax.get_lines() if line.get_label() == label]


def test_plot_trace_draws_the_trace_in_ms_and_mV(run):
    state = run["state"]
    _fig, ax = plt.subplots()
    returned = lu.plot_trace(state, neuron=1, ax=ax)
    assert returned is ax
    (line,) = ax.get_lines()
    assert np.allclose(line.get_xdata(), state.t / ms)
    assert np.allclose(line.get_ydata(), state.v[1] / mV)
    assert ax.get_xlabel() == "time (ms)" and ax.get_ylabel() == "v (mV)"


def test_plot_trace_threshold_line_and_spike_markers_of_that_neuron_only(run):
    state, spikes = run["state"], run["spikes"]
    ax = lu.plot_trace(state, neuron=0, spike_monitor=spikes, threshold=V_T)
    (threshold,) = line_with_label(ax, "threshold")
    assert np.allclose(threshold.get_ydata(), -50) and threshold.get_linestyle() == "--"
    (markers,) = line_with_label(ax, "spikes")
    own = spikes.t[spikes.i == 0] / ms
    assert len(own) < len(spikes.t)  # neuron 1 fires too: its spikes must not be marked
    assert np.allclose(markers.get_xdata(), own)
    assert np.all(markers.get_ydata() >= np.max(state.v[0] / mV))  # above the trace


def test_spike_markers_show_above_the_axes_but_not_beyond_a_zoomed_x_range(run):
    state, spikes = run["state"], run["spikes"]
    fig, ax = plt.subplots()
    lu.plot_trace(state, neuron=1, spike_monitor=spikes, threshold=V_T, ax=ax)
    fig.canvas.draw()
    whole = fig.get_tightbbox().width
    ax.set_xlim(0, 5)  # every spike of neuron 1 comes later: no marker may widen the figure
    assert np.all(spikes.t[spikes.i == 1] > 5 * ms)
    fig.canvas.draw()
    assert fig.get_tightbbox().width < 1.1 * whole  # (tick labels differ a little)
    (markers,) = line_with_label(ax, "spikes")
    top = ax.transAxes.inverted().transform(ax.transData.transform((0, ax.get_ylim()[1])))[1]
    assert markers.get_clip_on() and markers.get_clip_box().y1 > ax.get_window_extent().y1
    assert top == pytest.approx(1.0)  # the markers sit on the top edge, inside the clip box


def test_plot_trace_makes_a_figure_when_no_axes_given_and_passes_line_options(run):
    ax = lu.plot_trace(run["state"], variable="g_e", color="red", lw=3)
    (line,) = ax.get_lines()
    assert ax.figure is not None and line.get_color() == "red" and line.get_linewidth() == 3
    assert ax.get_ylabel() == "g_e (nS)" and np.allclose(
        line.get_ydata(), run["state"].g_e[0] / nS
    )


def test_plot_trace_uses_the_neuron_index_with_a_partial_recording(run):
    only_second = run["only_second"]
    ax = lu.plot_trace(only_second, neuron=1)
    assert np.allclose(ax.get_lines()[0].get_ydata(), run["state"].v[1] / mV)
    with pytest.raises(ValueError, match=r"neuron 0 was not recorded by state_monitor.*\[1\]"):
        lu.plot_trace(only_second, neuron=0)


def test_plot_trace_bad_input(run):
    state = run["state"]
    with pytest.raises(
        DimensionMismatchError, match=r"threshold must have units of volt.*got 50. ms"
    ):
        lu.plot_trace(state, threshold=50 * ms)
    with pytest.raises(
        DimensionMismatchError, match=r"threshold must have units of volt.*got -50"
    ):
        lu.plot_trace(state, threshold=-50)
    with pytest.raises(ValueError, match="did not record 'w'"):
        lu.plot_trace(state, variable="w")
    with pytest.raises(TypeError, match="state_monitor must be a StateMonitor, got SpikeMonitor"):
        lu.plot_trace(run["spikes"])
    with pytest.raises(TypeError, match="spike_monitor must be a SpikeMonitor"):
        lu.plot_trace(state, spike_monitor=state)
    with pytest.raises(ValueError, match="state_monitor is empty: run the simulation"):
        lu.plot_trace(StateMonitor(run["group"], "v", record=0))
    assert plt.get_fignums() == []  # errors come before any figure is made


def test_plot_conductance_on_a_twin_axis(run):
    state = run["state"]
    ax = lu.plot_trace(state)
    twin = lu.plot_conductance(state, "g_e", ax=ax)
    assert twin is not ax and twin.get_shared_x_axes().joined(twin, ax)
    (line,) = twin.get_lines()
    assert np.allclose(line.get_xdata(), state.t / ms)
    assert np.allclose(line.get_ydata(), state.g_e[0] / nS)
    assert twin.get_ylabel() == "g_e (nS)" and ax.get_ylabel() == "v (mV)"


def test_plot_conductance_legend_names_both_axes_lines_below_the_axes(run):
    state = run["state"]
    ax = lu.plot_trace(state, label="V")
    assert lu.plot_conductance(state, "g_e", ax=ax).get_legend() is None  # only when asked
    ax = lu.plot_trace(state, label="V")
    twin = lu.plot_conductance(state, "g_e", ax=ax, legend=True, label="$g_e$")
    legend = twin.get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["V", "$g_e$"]
    twin.figure.canvas.draw()  # below the axes: it covers no data
    box = legend.get_window_extent()
    assert box.y1 < ax.get_window_extent().y0
    assert not box.overlaps(ax.xaxis.label.get_window_extent())


def test_plot_conductance_dimensionless_shows_plain_values(run):
    twin = lu.plot_conductance(run["state"], "g_i", neuron=1)
    assert twin.get_ylabel() == "g_i"
    assert np.allclose(twin.get_lines()[0].get_ydata(), 0.5)
    with pytest.raises(ValueError, match="did not record 'g_x'"):
        lu.plot_conductance(run["state"], "g_x")


def test_plot_raster_one_dot_per_spike(run):
    spikes = run["spikes"]
    _fig, ax = plt.subplots()
    assert lu.plot_raster(spikes, ax=ax, offset=10) is ax
    (dots,) = ax.get_lines()
    assert np.allclose(dots.get_xdata(), spikes.t / ms)
    assert np.array_equal(dots.get_ydata(), np.asarray(spikes.i) + 10)
    assert dots.get_linestyle() == "None" and dots.get_marker() == "."
    assert ax.get_xlabel() == "time (ms)" and ax.get_ylabel() == "neuron index"


def test_plot_raster_bad_input(run):
    with pytest.raises(TypeError, match="spike_monitor must be a SpikeMonitor, got StateMonitor"):
        lu.plot_raster(run["state"])
    never_run = SpikeMonitor(SpikeGeneratorGroup(1, [0], [1] * ms))
    with pytest.raises(ValueError, match="spike_monitor is empty: run the simulation"):
        lu.plot_raster(never_run)


def test_plot_population_rate_in_hz(run):
    rate = run["rate"]
    ax = lu.plot_population_rate(rate, width=1 * ms)
    (line,) = ax.get_lines()
    expected = rate.smooth_rate(window="gaussian", width=1 * ms) / Hz
    assert np.allclose(line.get_xdata(), rate.t / ms) and np.allclose(line.get_ydata(), expected)
    # the smoothed rate carries the spikes: its integral over time is spikes per neuron
    integral = np.sum(line.get_ydata()) * 0.1e-3
    assert integral == pytest.approx(len(run["spikes"].t) / 2, rel=0.1)
    assert ax.get_ylabel() == "rate (Hz)" and ax.get_xlabel() == "time (ms)"


def test_plot_population_rate_of_a_constant_rate_and_its_edges():
    # one neuron firing at every 1-ms step: 1000 Hz throughout
    group = SpikeGeneratorGroup(1, np.zeros(100, int), np.arange(100) * ms, dt=1 * ms)
    rate_monitor = PopulationRateMonitor(group)
    Network(group, rate_monitor).run(100 * ms)
    (line,) = lu.plot_population_rate(rate_monitor, width=5 * ms).get_lines()
    t, rate = line.get_xdata(), line.get_ydata()
    assert len(t) == 100
    middle = (t >= 20) & (t < 80)
    assert np.allclose(rate[middle], 1000)
    assert 400 < rate[0] < 600  # the window runs off the data: about half the rate


def test_plot_population_rate_bad_input(run):
    with pytest.raises(DimensionMismatchError, match="width must have units of second"):
        lu.plot_population_rate(run["rate"], width=2 * mV)
    with pytest.raises(DimensionMismatchError, match="width must have units of second"):
        lu.plot_population_rate(run["rate"], width=2)
    with pytest.raises(ValueError, match="width must be positive"):
        lu.plot_population_rate(run["rate"], width=0 * ms)
    with pytest.raises(TypeError, match="rate_monitor must be a PopulationRateMonitor"):
        lu.plot_population_rate(run["spikes"])
    never_run = PopulationRateMonitor(SpikeGeneratorGroup(1, [0], [1] * ms))
    with pytest.raises(ValueError, match="rate_monitor is empty: run the simulation"):
        lu.plot_population_rate(never_run)


def test_plot_v_histogram_is_a_density_of_the_samples_after_start(run):
    state = run["state"]
    ax = lu.plot_v_histogram(state, neuron=1, bins=10, start=10 * ms, histtype="bar")
    bars = ax.patches
    assert len(bars) == 10
    widths = np.array([b.get_width() for b in bars])
    heights = np.array([b.get_height() for b in bars])
    assert np.sum(widths * heights) == pytest.approx(1)  # density in 1/mV
    after = state.v[1][state.t >= 10 * ms] / mV
    assert bars[0].get_x() == pytest.approx(np.min(after))
    assert bars[-1].get_x() + bars[-1].get_width() == pytest.approx(np.max(after))
    # The default draws the same density as one filled outline (cheaper to redraw in an explorer).
    outline = lu.plot_v_histogram(state, neuron=1, bins=10, start=10 * ms).patches
    assert len(outline) == 1
    x, y = outline[0].get_xy().T
    assert 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) == pytest.approx(
        1
    )  # area
    assert (x.min(), x.max()) == (pytest.approx(np.min(after)), pytest.approx(np.max(after)))
    assert ax.get_xlabel() == "v (mV)" and ax.get_ylabel() == "density"


def test_plot_v_histogram_bad_input(run):
    state = run["state"]
    with pytest.raises(DimensionMismatchError, match="start must have units of second"):
        lu.plot_v_histogram(state, start=10)
    with pytest.raises(ValueError, match=r"no samples after start=1. s"):
        lu.plot_v_histogram(state, start=1000 * ms)
    with pytest.raises(ValueError, match="neuron 5 was not recorded"):
        lu.plot_v_histogram(state, neuron=5)


def test_long_traces_are_drawn_as_their_min_max_envelope():
    """A 20,000-sample trace is drawn with at most MAX_LINE_POINTS points.

    The points keep every extreme.
    """
    from labutils.plotting import MAX_LINE_POINTS, _envelope

    rng = np.random.default_rng(3)
    y = np.cumsum(rng.normal(size=20000))
    y[12345] = y.max() + 50  # a spike one sample wide
    x = np.arange(y.size) * 0.1
    keep = _envelope(x, y)
    assert len(keep) <= MAX_LINE_POINTS + 2 and np.all(np.diff(keep) > 0)
    assert keep[0] == 0 and keep[-1] == y.size - 1 and 12345 in keep
    chunk = -(-y.size // (MAX_LINE_POINTS // 2))
    for start in range(0, y.size, chunk):  # every chunk's min and max are drawn
        part = y[start : start + chunk]
        assert start + part.argmin() in keep and start + part.argmax() in keep
    short = np.arange(50.0)
    assert np.array_equal(_envelope(short, short), np.arange(50))


def test_update_trace_moves_the_same_line_and_spike_ticks_to_a_new_run(run):
    state, spikes = run["state"], run["spikes"]
    ax = lu.plot_trace(state, neuron=0, spike_monitor=spikes, threshold=V_T)
    ax.set_ylim(-80, -40)
    lines_before = list(ax.get_lines())
    changed = lu.update_trace(ax, state, neuron=1, spike_monitor=spikes)
    assert list(ax.get_lines()) == lines_before  # no new artist: the same ones, new data
    trace, ticks = changed
    assert np.allclose(trace.get_ydata(), state.v[1] / mV)
    assert np.allclose(ticks.get_xdata(), spikes.t[spikes.i == 1] / ms)
    assert np.all(ticks.get_ydata() == -40)  # at the top of the (unchanged) y range
    assert ax.get_ylim() == (-80, -40)


def test_update_trace_adds_spike_ticks_when_the_first_run_had_none(run):
    state, spikes = run["state"], run["spikes"]
    ax = lu.plot_trace(state, "g_i")
    assert not line_with_label(ax, "spikes")
    _, ticks = lu.update_trace(ax, state, "g_i", spike_monitor=spikes)
    assert line_with_label(ax, "spikes") == [ticks] and len(ticks.get_xdata()) > 0


def test_update_trace_autoscale_follows_the_data_rarely_in_1_2_5_steps(run):
    state = run["state"]
    twin = lu.plot_conductance(state, ax=lu.plot_trace(state))
    twin.set_ylim(0, 1)
    lu.update_trace(twin, state, "g_e", autoscale=True)
    assert twin.get_ylim() == (0, 5)  # g_e peaks at 2 nS: 2.1 with the 5 % margin -> 5
    lu.update_trace(twin, state, "g_e", autoscale=True)
    assert twin.get_ylim() == (0, 5)  # unchanged while the data fill a quarter of it
    twin.set_ylim(0, 100)
    lu.update_trace(twin, state, "g_e", autoscale=True)
    assert twin.get_ylim() == (0, 5)  # far too large for the data: down to the step
    fixed = lu.plot_conductance(state, ax=lu.plot_trace(state))
    limits = fixed.get_ylim()
    lu.update_trace(fixed, state, "g_e")
    assert fixed.get_ylim() == limits


def test_update_trace_needs_the_trace_plot_trace_drew(run):
    state = run["state"]
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="ax has 0 traces of 'v' drawn by plot_trace"):
        lu.update_trace(ax, state)
    lu.plot_trace(state, ax=ax)
    lu.plot_trace(state, neuron=1, ax=ax)
    with pytest.raises(ValueError, match="ax has 2 traces of 'v'"):
        lu.update_trace(ax, state)
    with pytest.raises(ValueError, match="did not record 'u'"):
        lu.update_trace(lu.plot_trace(state), state, "u")
    plt.close("all")


def test_update_v_histogram_keeps_the_bins_and_redraws_the_density(run):
    state = run["state"]
    bins = np.linspace(-72, -48, 25)
    ax = lu.plot_v_histogram(state, neuron=0, bins=bins, start=10 * ms)
    (patch,) = ax.patches
    (changed,) = lu.update_v_histogram(ax, state, neuron=1, start=10 * ms)
    assert changed is patch and list(ax.patches) == [patch]
    x, y = patch.get_xy().T
    assert 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) == pytest.approx(1)
    after = np.asarray(state.v[1][state.t >= 10 * ms] / mV)
    expected, _ = np.histogram(after, bins=bins, density=True)
    assert np.allclose(np.unique(x), bins)
    assert np.allclose(sorted(set(y) - {0.0}), sorted(set(expected) - {0.0}))
    top = ax.get_ylim()[1]
    assert expected.max() <= top <= 4 * expected.max()  # the peak fills a quarter or more
    with pytest.raises(ValueError, match="ax has 0 histograms"):
        lu.update_v_histogram(lu.plot_trace(state), state)
    plt.close("all")
