"""Unit tests for labutils.explorer, driven headlessly.

Sliders are set from Python and we check what simulate received, what was drawn, the timings and
how errors surface.
"""

import ipywidgets as widgets
import numpy as np
import pytest
from brian2 import Hz, Network, NeuronGroup, Quantity, StateMonitor, get_dimensions, ms, mV, nS

import labutils as lu
from labutils.explorer import Explorer, SliderSpec

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


class Recorder:
    """A tiny real simulation: one neuron relaxing towards E_L + w_e * 20 mV for 5 ms.

    It remembers every call and fails on purpose above E_L = -55 mV.
    """

    def __init__(self):
        self.calls = []

    def __call__(self, w_e=0.1, nu_e=10 * Hz, E_L=-70 * mV, n_inputs=3):
        self.calls.append(dict(w_e=w_e, nu_e=nu_e, E_L=E_L, n_inputs=n_inputs))
        if E_L > -55 * mV:
            raise ValueError("E_L above -55 mV <not allowed here>")
        group = NeuronGroup(
            1,
            "dv/dt = (E_L + w_e * 20*mV - v) / (2*ms) : volt",
            method="exact",
            namespace=dict(E_L=E_L, w_e=w_e),
            dt=0.5 * ms,
        )
        group.v = -70 * mV
        monitor = StateMonitor(group, "v", record=0)
        Network(group, monitor).run(5 * ms)
        return monitor


def plot(monitor, fig):
    ax = fig.add_subplot()
    lu.plot_trace(monitor, ax=ax)
    ax.set_ylim(-80, -40)


@pytest.fixture
def explorer():
    simulate = Recorder()
    ranges = dict(
        w_e=(0.0, 0.5, 0.01),
        nu_e=(1 * Hz, 50 * Hz, 1 * Hz),
        E_L=(-80 * mV, -50 * mV, 1 * mV),
        n_inputs=(1, 10, 1),
    )
    return lu.Explorer(simulate, plot, ranges, figsize=(3, 2))


def test_construction_runs_simulate_once_with_the_signature_defaults(explorer):
    (call,) = explorer.simulate.calls
    assert call["w_e"] == 0.1 and isinstance(call["w_e"], float)
    assert isinstance(call["nu_e"], Quantity) and call["nu_e"] == 10 * Hz
    assert get_dimensions(call["E_L"]) is get_dimensions(mV) and np.isclose(call["E_L"] / mV, -70)
    assert call["n_inputs"] == 3 and isinstance(call["n_inputs"], int)
    assert explorer.sliders["nu_e"].value == 10 and explorer.sliders["E_L"].value == -70
    assert explorer.frame.startswith(JPEG_MAGIC) and explorer.image.value == explorer.frame
    assert explorer.png.startswith(PNG_MAGIC)  # the still, for pages without widgets
    assert explorer.last_error is None and explorer.result is not None


def test_sliders_show_units_follow_a_drag_and_integer_ranges_give_int_sliders(explorer):
    sliders = explorer.sliders
    assert sliders["nu_e"].description == "nu_e (Hz)"
    assert sliders["E_L"].description == "E_L (mV)"
    assert sliders["w_e"].description == "w_e"
    # a drag is followed live; ipywidgets' message throttle sends only the latest value
    assert all(s.continuous_update is True for s in sliders.values())
    assert isinstance(sliders["n_inputs"], widgets.IntSlider)
    assert all(isinstance(sliders[k], widgets.FloatSlider) for k in ("w_e", "nu_e", "E_L"))
    assert (sliders["E_L"].min, sliders["E_L"].max, sliders["E_L"].step) == (-80, -50, 1)
    assert sliders["w_e"].readout_format == ".2f"


def test_moving_a_slider_reruns_simulate_with_units_restored_and_redraws(explorer):
    first_png = explorer.png
    explorer.sliders["nu_e"].value = 25
    assert explorer.simulate.calls[-1]["nu_e"] == 25 * Hz
    explorer.sliders["E_L"].value = -60
    last = explorer.simulate.calls[-1]
    assert get_dimensions(last["E_L"]) is get_dimensions(mV) and np.isclose(last["E_L"] / mV, -60)
    assert last["nu_e"] == 25 * Hz  # the other sliders keep their values
    assert len(explorer.simulate.calls) == 3  # one run per release
    assert explorer.png != first_png and explorer.png.startswith(PNG_MAGIC)
    # the trace drawn is the new one: from -70 mV towards E_L + w_e 20 mV = -58 mV, tau = 2 ms
    t_last = explorer.result.t[-1]
    assert np.isclose(explorer.result.v[0][-1] / mV, -58 - 12 * np.exp(-float(t_last / (2 * ms))))
    explorer.sliders["w_e"].value = 0.25
    assert explorer.values()["w_e"] == 0.25


def test_every_update_records_its_timings(explorer):
    explorer.sliders["w_e"].value = 0.3
    assert len(explorer.timings) == 2
    for timing in explorer.timings:
        assert set(timing) == {"simulate_s", "draw_s", "total_s", "cpu_s", "blit", "part"}
        assert timing["simulate_s"] > 0 and timing["draw_s"] > 0 and timing["cpu_s"] > 0
        assert timing["part"] == 1  # the whole run (no model on the fallback here)
        assert timing["total_s"] == pytest.approx(timing["simulate_s"] + timing["draw_s"])
    assert explorer.status.value.startswith("simulated in")


def test_an_error_in_simulate_shows_in_the_status_without_raising(explorer):
    png_before, timings_before = explorer.png, len(explorer.timings)
    explorer.sliders["E_L"].value = -52  # the callback must not raise
    assert isinstance(explorer.last_error, ValueError)
    assert "E_L above -55 mV" in explorer.status.value
    assert (
        "&lt;not allowed here&gt;" in explorer.status.value
    )  # HTML-escaped, not swallowed as a tag
    assert explorer.png == png_before and len(explorer.timings) == timings_before
    explorer.sliders["E_L"].value = -65
    assert explorer.last_error is None and explorer.status.value.startswith("simulated in")


def test_errors_at_construction_are_raised():
    def fails_at_its_default(E_L=-52 * mV):
        return Recorder()(E_L=E_L)

    with pytest.raises(ValueError, match="E_L above -55 mV"):
        lu.explore(fails_at_its_default, plot, E_L=(-60 * mV, -50 * mV, 1 * mV))

    def broken_plot(result, fig):
        raise RuntimeError("cannot draw")

    with pytest.raises(RuntimeError, match="cannot draw"):
        lu.explore(Recorder(), broken_plot, w_e=(0.0, 0.5, 0.1))


def test_parameter_without_default_starts_at_low_and_kwargs_simulate_takes_any_name():
    received = []

    def simulate(g, **rest):
        received.append(dict(g=g, **rest))
        return None

    explorer = Explorer(
        simulate,
        lambda result, fig: None,
        dict(g=(1 * nS, 9 * nS, 0.5 * nS), tau=(1 * ms, 20 * ms, 1 * ms)),
    )
    assert received[0]["g"] == 1 * nS and received[0]["tau"] == 1 * ms
    assert (
        explorer.sliders["g"].description == "g (nS)"
        and explorer.sliders["g"].readout_format == ".1f"
    )


def test_the_explorer_displays_as_its_widget(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert explorer.image in explorer.widget.children


def test_bad_explorer_arguments_name_the_problem():
    simulate = Recorder()
    with pytest.raises(
        ValueError, match="simulate has no parameter 'tau'; its parameters are w_e"
    ):
        lu.explore(simulate, plot, tau=(1 * ms, 10 * ms, 1 * ms))

    def needs_x(x, w_e=0.1):
        return None

    with pytest.raises(
        ValueError, match="simulate needs a value for 'x': give it a range or a default"
    ):
        lu.explore(needs_x, plot, w_e=(0.0, 0.5, 0.1))
    with pytest.raises(TypeError, match="simulate must be a function, got int"):
        lu.explore(3, plot, w_e=(0.0, 0.5, 0.1))
    with pytest.raises(TypeError, match="plot must be a function"):
        lu.explore(simulate, "trace", w_e=(0.0, 0.5, 0.1))
    with pytest.raises(ValueError, match="at least one parameter range"):
        lu.explore(simulate, plot)
    with pytest.raises(ValueError, match=r"default of 'E_L' \(-70. mV\) lies outside its range"):
        lu.explore(simulate, plot, E_L=(-60 * mV, -50 * mV, 1 * mV))
    with pytest.raises(ValueError, match=r"default of 'nu_e' \(10. Hz\) does not have the units"):
        lu.explore(simulate, plot, nu_e=(1 * mV, 5 * mV, 1 * mV))
    assert simulate.calls == []  # none of these got as far as simulating


@pytest.mark.parametrize(
    "spec, error, message",
    [
        ([0.0, 1.0, 0.1], ValueError, "must be a tuple \\(low, high, step\\)"),
        ((0.0, 1.0), ValueError, "must be a tuple"),
        ((1 * Hz, 5 * mV, 1 * Hz), ValueError, "must share one unit"),
        ((1 * Hz, 5, 1 * Hz), ValueError, "must share one unit"),
        ((5 * Hz, 1 * Hz, 1 * Hz), ValueError, "needs high > low"),
        ((1 * Hz, 5 * Hz, 0 * Hz), ValueError, "step for 'x' must be positive"),
        ((1 * Hz, 5 * Hz, 10 * Hz), ValueError, "at most high - low"),
        (("a", "b", "c"), TypeError, "must be numbers or Quantities"),
    ],
)
def test_slider_spec_rejects_bad_ranges(spec, error, message):
    with pytest.raises(error, match=message):
        SliderSpec("x", spec)


def test_slider_spec_picks_a_display_unit_and_converts_back():
    rate = SliderSpec("nu", (0.5 * Hz, 50 * Hz, 0.5 * Hz), default=20 * Hz)
    assert rate.unit_name == "Hz" and (rate.low, rate.high, rate.step, rate.default) == (
        0.5,
        50,
        0.5,
        20,
    )
    assert rate.to_quantity(12.5) == 12.5 * Hz
    voltage = SliderSpec("E", (-80 * mV, -50 * mV, 0.25 * mV))
    assert voltage.unit_name == "mV" and voltage.default == -80
    assert voltage.make_slider().readout_format == ".2f"
    assert np.isclose(voltage.to_quantity(-64.25) / mV, -64.25)
    count = SliderSpec("n", (1, 100, 1), default=50)
    assert (
        count.integer and count.to_quantity(49.6) == 50 and isinstance(count.to_quantity(3.0), int)
    )
    weight = SliderSpec("w", (0, 1.0, 0.05))
    assert not weight.integer and weight.unit_name == "" and weight.to_quantity(0.5) == 0.5


def test_update_pauses_the_garbage_collector_and_restores_it():
    import gc

    seen = []

    def simulate(rate=5 * Hz):
        seen.append(gc.isenabled())
        return rate

    def plot(result, fig):
        fig.add_subplot().plot([0, 1], [0, float(result)])

    explorer = lu.explore(simulate, plot, rate=(1 * Hz, 10 * Hz, 1 * Hz))
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        explorer.sliders["rate"].value = 7
        assert seen == [False, False] and not gc.isenabled(), "a disabled collector stays disabled"
    finally:
        gc.enable()

    def failing(rate=5 * Hz):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        lu.explore(failing, plot, rate=(1 * Hz, 10 * Hz, 1 * Hz))
    assert gc.isenabled(), "an error must not leave the collector off"


def test_any_parameter_name_can_be_a_slider():
    def simulate(figsize=2.0, simulate=1, plot=0.5, ranges=3):
        return figsize, simulate, plot, ranges

    def draw(result, fig):
        fig.add_subplot().plot(result)

    explorer = lu.explore(
        simulate,
        draw,
        figsize=(1.0, 5.0, 0.5),
        simulate=(0, 3, 1),
        plot=(0.0, 1.0, 0.1),
        ranges=(1, 5, 1),
    )
    assert set(explorer.sliders) == {"figsize", "simulate", "plot", "ranges"}
    assert explorer.result == (2.0, 1, 0.5, 3)
    explorer.sliders["figsize"].value = 4.5
    assert explorer.last_error is None and explorer.result[0] == 4.5


def test_explorer_output_carries_a_still_beside_the_widget():
    """Where widgets cannot render (the course site, a viewer) the output still shows a figure."""
    import base64

    import labutils as lu

    def simulate(x=1.0):
        return x

    def plot(result, fig):
        fig.add_subplot().plot([0, 1], [0, result])

    explorer = lu.explore(simulate, plot, x=(0.0, 2.0, 0.5))
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"]) == explorer.png
    assert explorer.png.startswith(b"\x89PNG")


def trace_plot_with_update(monitor, fig):
    """plot(result, fig) in the fast form: draws once, returns update(result)."""
    ax = fig.add_subplot()
    lu.plot_trace(monitor, ax=ax)
    ax.set_ylim(-80, -40)

    def update(monitor):
        return [*lu.update_trace(ax, monitor), ax.set_title(f"{monitor.v[0][-1] / mV:.2f} mV")]

    return update


def pixels(png):
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


def test_a_plot_that_returns_update_is_drawn_once_then_only_its_artists_are_redrawn():
    explorer = lu.Explorer(
        Recorder(), trace_plot_with_update, dict(E_L=(-80 * mV, -56 * mV, 1 * mV))
    )
    assert explorer.renders == 1 and explorer.timings[0]["blit"] is False
    figure_axes = list(explorer.figure.axes)
    shown = []
    explorer.image.observe(lambda change: shown.append(change["new"]), names="value")
    for value in (-75, -60, -65):
        explorer.sliders["E_L"].value = value
    assert [t["blit"] for t in explorer.timings[1:]] == [True, True, True]
    assert explorer.renders == 1  # no full render of the figure after the first
    assert list(explorer.figure.axes) == figure_axes  # the same figure and axes, kept
    assert len(shown) == 3 and shown[-1] == explorer.frame  # exactly one image per update
    # what a blit update shows is what a fresh explorer draws at the same value (z-order aside)
    fresh = lu.Explorer(Recorder(), trace_plot_with_update, dict(E_L=(-80 * mV, -56 * mV, 1 * mV)))
    fresh.sliders["E_L"].value = -65
    differs = np.any(pixels(explorer.png) != pixels(fresh.png), axis=2)
    assert differs.mean() < 0.002, f"{differs.mean():.2%} of the pixels differ"
    assert "E_L = -65 mV" in explorer.status.value  # the values the figure shows


def test_an_update_that_changes_an_axis_range_redraws_the_whole_figure_once():
    def plot(monitor, fig):
        ax = fig.add_subplot()
        lu.plot_trace(monitor, ax=ax)

        def update(monitor):
            low = float(np.min(monitor.v[0] / mV))
            ax.set_ylim(np.floor(low / 5) * 5, -40)  # changes when the trace moves far
            return lu.update_trace(ax, monitor)

        return update

    explorer = lu.Explorer(Recorder(), plot, dict(E_L=(-80 * mV, -56 * mV, 1 * mV)))
    explorer.sliders["E_L"].value = -71  # same 5 mV band as -70: the axes stay
    assert explorer.timings[-1]["blit"] is True and explorer.renders == 1
    explorer.sliders["E_L"].value = -79  # the trace goes below -75 mV: a new y range
    assert explorer.timings[-1]["blit"] is False and explorer.renders == 2
    assert explorer.figure.axes[0].get_ylim() == (-80, -40)
    explorer.sliders["E_L"].value = -78
    assert explorer.timings[-1]["blit"] is True and explorer.renders == 2


def test_a_plot_without_update_redraws_everything_once_per_update(explorer):
    assert explorer.renders == 1
    explorer.sliders["w_e"].value = 0.2
    assert explorer.renders == 2 and explorer.timings[-1]["blit"] is False
    assert len(explorer.figure.axes) == 1  # cleared, then drawn again


def test_plot_and_update_must_return_what_the_explorer_can_draw():
    def returns_axes(monitor, fig):
        return fig.add_subplot()

    with pytest.raises(TypeError, match="plot must return None or a function update"):
        lu.Explorer(Recorder(), returns_axes, dict(w_e=(0.0, 0.5, 0.01)))

    def update_returns_numbers(monitor, fig):
        fig.add_subplot()
        return lambda monitor: [1.0]

    with pytest.raises(TypeError, match="must return the matplotlib artists it changed"):
        lu.Explorer(Recorder(), update_returns_numbers, dict(w_e=(0.0, 0.5, 0.01)))


def test_after_an_error_the_next_update_draws_the_figure_afresh():
    explorer = lu.Explorer(
        Recorder(), trace_plot_with_update, dict(E_L=(-80 * mV, -50 * mV, 1 * mV))
    )
    explorer.sliders["E_L"].value = -52  # simulate fails
    assert explorer.last_error is not None and explorer.renders == 1
    explorer.sliders["E_L"].value = -60
    assert explorer.last_error is None and explorer.renders == 2
    assert len(explorer.figure.axes) == 1


def test_an_explorer_on_the_fallback_says_so_in_one_line(monkeypatch, tmp_path):
    """Without a compiler (BRIAN_LABS_FAST=off) the status tells the student why it is slower."""
    monkeypatch.setenv("BRIAN_LABS_FAST", "off")
    model = lu.StandaloneModel("fallback_note_test", duration=2 * ms, directory=tmp_path)
    with model.build():
        group = NeuronGroup(1, "dv/dt = (v0 - v) / (5*ms) : 1\nv0 : 1 (shared, constant)")
        monitor = StateMonitor(group, "v", record=0)

    def simulate(v0=0.5):
        model.run(run_args={group.v0: v0})
        return monitor

    def plot(monitor, fig):
        fig.add_subplot().plot(monitor.t / ms, monitor.v[0])

    explorer = lu.explore(simulate, plot, v0=(0.0, 1.0, 0.1))
    assert not model.standalone
    assert "No C++ compiler found" in explorer.status.value
    assert explorer.status.value.count("<br>") == 2  # timings, values shown, the one-line note
    plain = lu.explore(lambda x=1.0: x, lambda x, fig: None, x=(0.0, 2.0, 0.5))
    assert "compiler" not in plain.status.value


def test_the_still_is_encoded_once_when_shown_not_on_every_update():
    explorer = lu.Explorer(
        Recorder(), trace_plot_with_update, dict(E_L=(-80 * mV, -56 * mV, 1 * mV))
    )
    encoded = []
    encode = explorer._encode
    explorer._encode = lambda image_format: encoded.append(image_format) or encode(image_format)
    for value in (-75, -60, -65):
        explorer.sliders["E_L"].value = value
    assert encoded == ["jpeg"] * 3  # one live frame per update, no still
    explorer._repr_mimebundle_()
    explorer._repr_mimebundle_()
    assert encoded == ["jpeg"] * 3 + ["png"]  # the still: once, for what is shown now
    still, frame = pixels(explorer.png), pixels(explorer.frame)
    assert np.abs(still - frame).mean() < 2  # the same figure (JPEG differs by a few levels)


# -- values from the browser: drawn at once; on the fallback, the rest of the run later ----------
def from_browser(slider, value):
    """Deliver ``value`` to the slider as a front end's comm message does (ipywidgets' path)."""
    data = {"method": "update", "state": {"value": value}, "buffer_paths": []}
    slider._handle_msg({"content": {"data": data}, "buffers": []})


class ManualLoop:
    """Stands in for the kernel's event loop: collects scheduled callbacks, runs them on demand."""

    def __init__(self):
        self.pending = []

    def schedule(self, delay, callback):
        self.pending.append((delay, callback))
        return True

    def run(self):
        while self.pending:
            _delay, callback = self.pending.pop(0)
            callback()


def test_each_browser_value_is_drawn_before_the_kernel_answers_the_next():
    """A browser value is drawn in its message's handler, before the kernel reports idle.

    ipywidgets' throttle sends a slider's next value only then: one value in flight, no stale
    frame queued behind it.
    """
    simulate = Recorder()
    explorer = lu.Explorer(
        simulate, trace_plot_with_update, dict(E_L=(-80 * mV, -56 * mV, 1 * mV))
    )
    loop = ManualLoop()
    explorer.schedule = loop.schedule
    slider = explorer.sliders["E_L"]
    calls, frames = len(simulate.calls), len(explorer.timings)
    for value in (-79, -61):
        from_browser(slider, value)
        assert simulate.calls[-1]["E_L"] == value * mV, "drawn in the message's handler"
        assert f"E_L = {value} mV" in explorer.status.value and explorer.last_error is None
    assert len(explorer.timings) == frames + 2 and len(simulate.calls) == calls + 2
    assert not loop.pending, "a compiled (or fast) model's whole run leaves nothing for later"
    # a value set from Python redraws at once too (a cell reads the result on its next line)
    slider.value = -77
    assert simulate.calls[-1]["E_L"] == -77 * mV and not loop.pending


def fallback_explorer(monkeypatch, tmp_path, duration=20 * ms):
    """An explorer around a fallback StandaloneModel with noise (seeded), and its monitor."""
    from brian2 import PoissonGroup, Synapses

    monkeypatch.setenv("BRIAN_LABS_FAST", "off")
    model = lu.StandaloneModel("preview_test", duration=duration, seed=5, directory=tmp_path)
    with model.build():
        group = NeuronGroup(
            1,
            "dv/dt = (v0 - v) / (5*ms) + g / (2*ms) : 1\ndg/dt = -g / (3*ms) : 1\nv0 : 1 (shared)",
        )
        inputs = PoissonGroup(10, rates=300 * Hz)
        synapses = Synapses(inputs, group, on_pre="g_post += 0.2")
        synapses.connect()
        monitor = StateMonitor(group, ["v", "g"], record=0)

    def simulate(v0=0.5):
        model.run(run_args={group.v0: v0})
        return monitor

    def plot(monitor, fig):
        ax = fig.add_subplot()
        (line,) = ax.plot(monitor.t / ms, monitor.v[0])
        ax.set(xlim=(0, float(duration / ms)), ylim=(-1, 3))

        def update(monitor):
            line.set_data(monitor.t / ms, monitor.v[0])
            return [line]

        return update

    return lu.explore(simulate, plot, v0=(0.0, 1.0, 0.1)), model, monitor


def test_on_the_fallback_a_browser_value_shows_the_start_of_the_run_then_all_of_it(
    monkeypatch, tmp_path
):
    explorer, model, monitor = fallback_explorer(monkeypatch, tmp_path)
    assert explorer._fallback == [model] and explorer.timings[0]["part"] == 1
    explorer.sliders["v0"].value = 0.8  # from Python: the whole run, at once
    whole = monitor.v[0].copy(), monitor.g[0].copy()
    explorer.sliders["v0"].value = 0.5
    loop = ManualLoop()
    explorer.schedule = loop.schedule
    # the last whole run "took" 5x the budget: the first answer simulates 0.2 of the run
    explorer._whole_run_s = 5 * lu.explorer.FALLBACK_SIMULATE_S
    from_browser(explorer.sliders["v0"], 0.8)  # its first answer, drawn in the handler
    assert explorer.timings[-1]["part"] == 0.2 and len(monitor.t) == 40
    assert "the first 4 ms of 20 ms (the rest follows)" in explorer.status.value
    np.testing.assert_array_equal(monitor.v[0], whole[0][:40])
    (delay, rest) = loop.pending.pop(0)
    assert delay == lu.explorer.REST_OF_RUN_DELAY_S
    rest()  # no newer value came: the same run goes on to its end
    assert explorer.timings[-1]["part"] == 1 and "the first" not in explorer.status.value
    np.testing.assert_array_equal(monitor.v[0], whole[0])  # as one uninterrupted run
    np.testing.assert_array_equal(monitor.g[0], whole[1])
    assert "No C++ compiler found" in explorer.status.value


def test_on_the_fallback_a_newer_value_replaces_the_rest_of_a_run(monkeypatch, tmp_path):
    explorer, model, monitor = fallback_explorer(monkeypatch, tmp_path)
    loop = ManualLoop()
    explorer.schedule = loop.schedule
    explorer._whole_run_s = 5 * lu.explorer.FALLBACK_SIMULATE_S
    from_browser(explorer.sliders["v0"], 0.3)  # the first answer for 0.3
    rest_of_03 = loop.pending.pop(0)[1]
    from_browser(explorer.sliders["v0"], 0.9)  # the hand moved on before the rest ran
    rest_of_03()
    assert explorer.timings[-1]["part"] == 0.2, "the rest of a superseded run is not simulated"
    loop.run()  # 0.9: its first answer, then its rest
    assert [t["part"] for t in explorer.timings[-3:]] == [0.2, 0.2, 1]
    assert "v0 = 0.9" in explorer.status.value and model.simulated == model.duration
    # a fast model (the whole run within the budget) answers with the whole run at once
    explorer._whole_run_s = lu.explorer.FALLBACK_SIMULATE_S / 2
    from_browser(explorer.sliders["v0"], 0.4)
    loop.run()
    assert explorer.timings[-1]["part"] == 1 and len(monitor.t) == 200


def test_on_the_fallback_a_first_answer_is_sized_by_the_whole_run_not_by_its_rest(
    monkeypatch, tmp_path
):
    """A resumed run's time counts the first part too.

    The rest of a run simulates only the rest: its time alone would shrink the estimate, and each
    later first answer would simulate more of the run, until it is the whole run (measured in the
    browser: 156, 249, 376, 395 ms for four key presses).
    """
    explorer, _model, _monitor = fallback_explorer(monkeypatch, tmp_path)
    loop = ManualLoop()
    explorer.schedule = loop.schedule
    explorer._whole_run_s = 5 * lu.explorer.FALLBACK_SIMULATE_S
    from_browser(explorer.sliders["v0"], 0.8)
    loop.run()  # the first answer (0.2 of the run), then the rest
    first, rest = explorer.timings[-2:]
    assert (first["part"], rest["part"]) == (0.2, 1)
    assert explorer._whole_run_s == pytest.approx(first["simulate_s"] + rest["simulate_s"])
    # a whole run of other values (from Python) is timed on its own
    explorer.sliders["v0"].value = 0.3
    assert explorer._whole_run_s == explorer.timings[-1]["simulate_s"]


def test_a_first_answer_whose_plot_fails_on_part_of_the_run_shows_the_whole_run(
    monkeypatch, tmp_path
):
    """A title that needs more of the run than the first part (data from 10 ms on) still works."""
    explorer, _model, monitor = fallback_explorer(monkeypatch, tmp_path)
    plot_update = explorer._redraw

    def needs_10_ms(monitor):
        if len(monitor.t) < 100:
            raise ValueError("no samples after 10 ms")
        return plot_update(monitor)

    explorer._redraw = needs_10_ms
    loop = ManualLoop()
    explorer.schedule = loop.schedule
    explorer._whole_run_s = 5 * lu.explorer.FALLBACK_SIMULATE_S  # a first answer: 0.2 of 20 ms
    from_browser(explorer.sliders["v0"], 0.7)
    loop.run()
    assert [t["part"] for t in explorer.timings[-1:]] == [1] and len(monitor.t) == 200
    assert explorer.last_error is None and "v0 = 0.7" in explorer.status.value
    assert not loop.pending, "the whole run is drawn: nothing left to follow"
