"""Interactive explorers: unit-aware sliders that re-run a simulation the notebook defines.

The notebook writes ``simulate(**parameters)`` (the Brian2 model students read) and
``plot(result, fig)``; :func:`explore` adds one slider per parameter, shows the figure, and re-runs
both whenever a slider moves: a key press or a release is one redraw, and a dragged slider is
followed live, newest value first: ipywidgets' own throttle keeps one message in flight per
slider (the browser holds back newer values until the kernel has handled the last one, and then
sends only the latest), and the kernel draws each value it receives before it reports idle, so
the throttle's back-pressure holds: no queue of stale frames, and the last value is always drawn.
(A frame deferred to the kernel's event loop would report idle at once and let the browser send
more: measured in the browser test, one more stale frame after the release.) A value set from
Python (``explorer.sliders["w_e"].value = 0.2`` in a cell) redraws at once too.

On the fallback without a C++ compiler (:class:`labutils.StandaloneModel` on Brian2's numpy
target, where each simulated time step costs ~50 µs of Python) a frame for the browser first
simulates only the start of the run when the whole run would take longer than the budget of
:data:`FALLBACK_SIMULATE_S`, draws it, and then, unless a newer value has arrived, goes on to the
end of the same run (:meth:`labutils.StandaloneModel.limited`: the result equals one uninterrupted
run) and draws the whole. The status line says which part is shown.

Drawing at the floor: if ``plot`` returns a function ``update(result)``, the explorer keeps the
figure and, for each later run, calls only ``update``, which changes the data of the artists
``plot`` made (``line.set_data``, ``text.set_text``) and returns them. Those artists are then
drawn over a saved image of the rest of the figure (axes, ticks, labels: matplotlib's "blitting"),
unless ``update`` changed an axis range, which redraws the whole figure once. Either way each
update renders exactly one image, which is both the widget's picture and the still that a static
page shows.
"""

import asyncio
import base64
import collections.abc
import contextlib
import gc
import html
import inspect
import io
import math
import numbers
import time

import ipywidgets as widgets
import numpy as np
from brian2 import Quantity, get_dimensions, ms
from brian2.units.fundamentalunits import DIMENSIONLESS
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from ._validate import show

# The fallback's first answer to a slider move: simulate at most this long (wall seconds, estimated
# from the last whole run) so that, with a run's fixed costs (~30 ms) and the drawing (20-70 ms),
# the new figure appears within 0.3 s.
FALLBACK_SIMULATE_S = 0.15
# A first answer simulates a multiple of this part of the run, at least the least part (the
# statistics in a title need some of it; a first answer that fails is replaced by the whole run).
FALLBACK_PART_STEP = 0.05
FALLBACK_LEAST_PART = 0.15
# After a first answer, wait this long for a newer slider value before simulating the rest.
REST_OF_RUN_DELAY_S = 0.05


def _call_later(delay, callback):
    """Run ``callback()`` after ``delay`` seconds on the running event loop (the kernel's).

    Returns False (and does nothing) where no event loop runs: the caller then draws at once.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    loop.call_later(delay, callback)
    return True


class _BrowserAware:
    """A slider that knows whether its value is being set by the browser (``from_browser``).

    ipywidgets calls ``set_state`` with the state a front end sent; a value set from Python does
    not pass through it.
    """

    from_browser = False

    def set_state(self, sync_data):
        """Apply a front end's state (ipywidgets' method), marking it as from the browser."""
        self.from_browser = True
        try:
            super().set_state(sync_data)
        finally:
            self.from_browser = False


class _IntSlider(_BrowserAware, widgets.IntSlider):
    pass


class _FloatSlider(_BrowserAware, widgets.FloatSlider):
    pass


class SliderSpec:
    """A slider's range in physical units.

    ``low``, ``high``, ``step`` (Quantities of one unit, e.g. ``(1*Hz, 50*Hz, 1*Hz)``, or plain
    numbers for a dimensionless parameter; all ints give an integer slider), shown in ``unit``
    (picked automatically: Hz, mV, nS ...). ``default`` (same unit, inside the range) is where the
    slider starts; ``low`` if None.
    """

    def __init__(self, name, spec, default=None):
        if not (isinstance(spec, tuple) and len(spec) == 3):
            raise ValueError(f"range for {name!r} must be a tuple (low, high, step), got {spec!r}")
        low, high, _ = spec
        if not all(
            isinstance(x, (Quantity, numbers.Real)) and not isinstance(x, bool) and np.ndim(x) == 0
            for x in spec
        ):
            raise TypeError(
                f"low, high and step of {name!r} must be numbers or Quantities, got {spec!r}"
            )
        dims = {get_dimensions(x) for x in spec}
        if len(dims) != 1:
            raise ValueError(
                f"low, high and step of {name!r} must share one unit, got {_show(spec)}"
            )
        self.name = name
        self.dimensions = dims.pop()
        if self.dimensions is DIMENSIONLESS:
            self.unit, self.unit_name = 1, ""
        else:
            self.unit = Quantity(max(abs(low), abs(high))).get_best_unit()
            self.unit_name = str(self.unit)
        self.low, self.high, self.step = (float(x / self.unit) for x in spec)
        if not self.high > self.low:
            raise ValueError(f"range for {name!r} needs high > low, got {_show(spec)}")
        if not 0 < self.step <= self.high - self.low:
            raise ValueError(
                f"step for {name!r} must be positive and at most high - low, got {_show(spec)}"
            )
        self.integer = all(isinstance(x, (int, np.integer)) for x in spec)
        if default is None:
            self.default = self.low
        else:
            if (
                not isinstance(default, (Quantity, numbers.Real))
                or get_dimensions(default) is not self.dimensions
            ):
                raise ValueError(
                    f"default of {name!r} ({show(default)}) does not have the units of "
                    f"its range {_show(spec)}"
                )
            self.default = float(default / self.unit)
            if not self.low <= self.default <= self.high:
                raise ValueError(
                    f"default of {name!r} ({show(default)}) lies outside its range {_show(spec)}"
                )

    def to_quantity(self, number):
        """Slider number -> value handed to simulate.

        A Quantity, or an int/float if dimensionless.
        """
        if self.integer:
            return int(np.rint(number))
        return number * self.unit if self.unit_name else float(number)

    def make_slider(self):
        """The ipywidgets slider for this range, starting at its default."""
        label = f"{self.name} ({self.unit_name})" if self.unit_name else self.name
        common = dict(
            description=label,
            continuous_update=True,  # follow a drag; ipywidgets sends only the latest value
            style={"description_width": "8em"},
            layout=widgets.Layout(width="26em"),
        )
        if self.integer:
            return _IntSlider(
                value=int(self.default),
                min=int(self.low),
                max=int(self.high),
                step=int(self.step),
                **common,
            )
        decimals = max(0, -math.floor(math.log10(self.step) + 1e-9))
        while (
            decimals < 6 and abs(self.step * 10**decimals - round(self.step * 10**decimals)) > 1e-6
        ):
            decimals += 1  # a step of 0.25 needs two decimals, not one
        return _FloatSlider(
            value=self.default,
            min=self.low,
            max=self.high,
            step=self.step,
            readout_format=f".{decimals}f",
            **common,
        )


def _fallback_models(simulate):
    """The :class:`labutils.StandaloneModel` objects ``simulate`` uses that run on the fallback."""
    from .fast import StandaloneModel

    try:
        names = inspect.getclosurevars(simulate)
    except (TypeError, ValueError):  # a builtin or a callable object: nothing to say
        return []
    models = [*names.globals.values(), *names.nonlocals.values()]
    return [m for m in models if isinstance(m, StandaloneModel) and not m.standalone]


FALLBACK_NOTE = (
    "No C++ compiler found, so Brian2 simulates this model with its slower numpy code: the same "
    "results, but a slider move waits for the simulation (a long run shows its start first)."
)


def _show(spec):
    return "(" + ", ".join(show(x) for x in spec) + ")"


class Explorer:
    """Sliders, a figure and a status line around ``simulate`` and ``plot``.

    Attributes useful in tests and benchmarks: ``sliders`` (name -> ipywidgets slider),
    ``result`` (what simulate last returned), ``frame`` (the figure last drawn as the widget
    shows it, JPEG bytes), ``png`` (the same figure as a PNG still, encoded when first asked for:
    what a page without widgets shows),
    ``timings`` (one dict per update: ``simulate_s``, ``draw_s``, ``total_s``, ``cpu_s`` (the
    kernel's CPU seconds of the update), ``blit``: whether only the changed artists were drawn,
    and ``part``: the part of the run simulated, 1 but for a fallback's first answer),
    ``renders`` (full renders of the figure so far) and ``last_error``. ``schedule(delay,
    callback)`` runs the rest of a fallback's run later (default: on the kernel's event loop, so
    that a newer value can replace it; returns False to run it at once).
    """

    def __init__(self, simulate, plot, ranges, figsize=(9, 4.5), dpi=90):
        """Store the simulation, the plot and the slider ranges.

        ``ranges``: {parameter name: (low, high, step)} as for :func:`explore`; ``figsize``
        (inches) and ``dpi`` of the figure.
        """
        if not callable(simulate):
            raise TypeError(f"simulate must be a function, got {type(simulate).__name__}")
        if not callable(plot):
            raise TypeError(
                f"plot must be a function plot(result, fig), got {type(plot).__name__}"
            )
        if not ranges:
            raise ValueError("give at least one parameter range, e.g. w_e=(0.0, 0.5, 0.01)")
        self.simulate, self.plot = simulate, plot
        self.specs = self._specs(simulate, ranges)
        self.sliders = {name: spec.make_slider() for name, spec in self.specs.items()}
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self._redraw = None  # update(result) returned by plot, once plot has drawn the figure
        self._moving = []  # the artists update changes: drawn over the saved background
        self._background, self._limits_drawn = None, None
        self.renders = 0
        # Live frames are JPEG: encoding one takes a few ms where a PNG takes several times more
        # (more than the blitted drawing); quality 90 without chroma subsampling keeps lines sharp.
        self.image = widgets.Image(format="jpeg", layout=widgets.Layout(max_width="100%"))
        self.status = widgets.HTML()
        self.widget = widgets.VBox(
            [self.image, widgets.HBox([widgets.VBox(list(self.sliders.values())), self.status])]
        )
        self.result, self.frame, self.last_error, self.timings = None, b"", None, []
        self._png = b""
        self._fallback = _fallback_models(simulate)
        self.fallback_note = FALLBACK_NOTE if self._fallback else ""
        self.schedule = _call_later
        self._changes = 0  # slider changes so far: the rest of an older value's run is stale
        self._whole_run_s = None  # wall seconds simulate took for a whole run, last time
        self._start_shown_s = None  # wall seconds of a first answer whose run goes on
        self.update(raise_errors=True)
        for slider in self.sliders.values():
            slider.observe(self._on_change, names="value")

    @staticmethod
    def _specs(simulate, ranges):
        parameters = inspect.signature(simulate).parameters
        takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
        unknown = [name for name in ranges if name not in parameters and not takes_any]
        if unknown:
            raise ValueError(
                f"simulate has no parameter {', '.join(map(repr, unknown))}; "
                f"its parameters are {', '.join(parameters)}"
            )
        missing = [
            name
            for name, p in parameters.items()
            if p.default is p.empty
            and name not in ranges
            and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        ]
        if missing:
            raise ValueError(
                f"simulate needs a value for {', '.join(map(repr, missing))}: "
                "give it a range or a default"
            )
        specs = {}
        for name, spec in ranges.items():
            default = parameters[name].default if name in parameters else None
            if default is inspect.Parameter.empty:
                default = None  # the slider starts at low
            specs[name] = SliderSpec(name, spec, default)
        return specs

    def values(self):
        """Current slider values as the simulate function receives them (with units)."""
        return {name: self.specs[name].to_quantity(s.value) for name, s in self.sliders.items()}

    def update(self, raise_errors=False, first_answer=False):
        """Run simulate with the current slider values, redraw, and record the timings.

        ``first_answer=True`` (a frame for the browser): on the fallback, if the whole run took
        longer than :data:`FALLBACK_SIMULATE_S` last time, simulate and draw only its start;
        returns True when it did so (:meth:`finish_run` draws the rest), else False.

        Python's cyclic garbage collector is paused during the update: in a kernel full of Brian2
        objects a collection triggered by matplotlib's allocations costs tens of ms; the garbage is
        collected as usual once the update is done.
        """
        part = self._first_part() if first_answer else 1.0
        collecting = gc.isenabled()
        gc.disable()
        try:
            drawn = self._update(raise_errors, part)  # the part drawn; None after an error
            return drawn is not None and drawn < 1
        finally:
            if collecting:
                gc.enable()

    def finish_run(self):
        """Simulate the rest of a run whose start :meth:`update` showed, and draw all of it.

        The model goes on from where it stopped (same values, same random numbers), so the figure
        is the one a whole run would have drawn.
        """
        self.update()

    def _first_part(self):
        """The part of a run (0.15, 0.2 ... 1) a fallback frame for the browser simulates first."""
        if not self._fallback or not self._whole_run_s:
            return 1.0
        steps = math.floor(FALLBACK_SIMULATE_S / self._whole_run_s / FALLBACK_PART_STEP + 1e-9)
        part = round(steps * FALLBACK_PART_STEP, 2)
        return 1.0 if part >= 1 else max(part, FALLBACK_LEAST_PART)

    def _update(self, raise_errors, part):
        start, cpu = time.perf_counter(), time.process_time()
        values = self.values()
        try:
            with contextlib.ExitStack() as limits:
                if part < 1:
                    for model in self._fallback:
                        limits.enter_context(model.limited(part * model.duration))
                self.result = self.simulate(**values)
            simulated = time.perf_counter()
            self._time_the_run(part, simulated - start)
            blit = self._draw(self.result)
            self.frame, self._png = self._encode("jpeg"), b""
            self.image.value = self.frame
        except Exception as error:  # shown to the user, not swallowed: see status and last_error
            self._redraw = None  # plot draws afresh next time: the figure may be half updated
            if part < 1:  # e.g. a title's statistics need more of the run: show all of it
                return self._update(raise_errors, 1.0)
            self.last_error = error
            message = html.escape(f"{type(error).__name__}: {error}")
            self.status.value = f"<b style='color:#D55E00'>{message}</b>"
            if raise_errors:
                raise
            return None
        done = time.perf_counter()
        self.last_error = None
        timing = dict(
            simulate_s=simulated - start,
            draw_s=done - simulated,
            total_s=done - start,
            cpu_s=time.process_time() - cpu,
            blit=blit,
            part=part,
        )
        self.timings.append(timing)
        shown = ""
        if part < 1:
            model = self._fallback[0]
            first, whole = (f"{float(t / ms):g} ms" for t in (model.simulated, model.duration))
            shown = f" the first {first} of {whole} (the rest follows)"
        self.status.value = (
            f"simulated{shown} in {1000 * timing['simulate_s']:.0f} ms, "
            f"drawn in {1000 * timing['draw_s']:.0f} ms"
            f"<br><span class='brian-labs-shown'>{html.escape(self._describe())}</span>"
            + (f"<br><i>{html.escape(self.fallback_note)}</i>" if self.fallback_note else "")
        )
        return part

    def _time_the_run(self, part, seconds):
        """On the fallback, keep the wall seconds of a whole run, which size the next first part.

        A run that went on from a first answer (its models ``resumed``) simulated only the rest:
        the first part's seconds are added to it.
        """
        if not self._fallback:
            return
        if part < 1:
            self._start_shown_s = seconds
            return
        resumed = self._start_shown_s is not None and any(m.resumed for m in self._fallback)
        self._whole_run_s = seconds + (self._start_shown_s if resumed else 0.0)
        self._start_shown_s = None

    def _describe(self):
        """The slider values the figure shows, as the sliders print them ('E_L = -70 mV, ...')."""
        parts = []
        for name, slider in self.sliders.items():
            number = format(slider.value, getattr(slider, "readout_format", "d"))
            unit = self.specs[name].unit_name
            parts.append(f"{name} = {number}" + (f" {unit}" if unit else ""))
        return ", ".join(parts)

    def _draw(self, result):
        """Draw ``result`` into the figure; True if only the changed artists were drawn."""
        if self._redraw is None:
            self.figure.clear()
            self._moving, self._background = [], None
            returned = self.plot(result, self.figure)
            if returned is not None and not callable(returned):
                raise TypeError(
                    "plot must return None or a function update(result) that returns the "
                    f"artists it changed, got {type(returned).__name__}"
                )
            if returned is None:
                self._render()
                return False
            self._redraw = returned
        moving = self._artists(self._redraw(result))
        limits = self._limits()
        if self._background is None or moving != self._moving or limits != self._limits_drawn:
            for artist in self._moving:
                artist.set_animated(False)
            for artist in moving:
                artist.set_animated(True)  # left out of the background
            self._moving, self._limits_drawn = moving, limits
            self._render()
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            blit = False
        else:
            self.canvas.restore_region(self._background)
            blit = True
        renderer = self.canvas.get_renderer()
        for artist in moving:
            artist.draw(renderer)
        return blit

    @staticmethod
    def _artists(returned):
        if isinstance(returned, collections.abc.Iterable) and not isinstance(returned, str):
            artists = list(returned)
        else:
            artists = [returned]
        bad = [a for a in artists if not hasattr(a, "set_animated")]
        if bad:
            raise TypeError(
                "update(result) must return the matplotlib artists it changed (e.g. "
                f"[line, ax.title]), got {bad[0]!r}"
            )
        return artists

    def _limits(self):
        return [(ax.get_position().bounds, ax.viewLim.bounds) for ax in self.figure.axes]

    def _render(self):
        self.canvas.draw()
        self.renders += 1

    def _encode(self, image_format):
        """The canvas as it is now, JPEG (quality 90, no chroma subsampling) or PNG bytes."""
        width, height = self.canvas.get_width_height()
        rgba = Image.frombuffer(
            "RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        )
        buffer = io.BytesIO()
        if image_format == "jpeg":
            rgba.convert("RGB").save(buffer, format="jpeg", quality=90, subsampling=0)
        else:
            rgba.convert("RGB").save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    @property
    def png(self):
        """The figure last drawn as PNG bytes (b"" before the first), encoded once per update."""
        if self.frame and not self._png:
            self._png = self._encode("png")
        return self._png

    def _on_change(self, change):
        """A slider moved: redraw now (from the browser: its first answer, then the rest)."""
        self._changes += 1
        if change["owner"].from_browser:
            self._browser_frame()
        else:
            self.update()

    def _browser_frame(self):
        changes = self._changes
        if self.update(first_answer=True):
            if not self.schedule(REST_OF_RUN_DELAY_S, lambda: self._rest_of_run(changes)):
                self.finish_run()  # no event loop (plain Python): the whole run now

    def _rest_of_run(self, changes):
        if changes == self._changes:  # else a newer value's frame has replaced this run
            self.finish_run()

    def _repr_mimebundle_(self, **kwargs):
        # The widget view, and a still of the figure for wherever widgets cannot render (the
        # course site, a notebook viewer): a front end shows the richest type it supports.
        bundle = _widget_bundle(self.widget, **kwargs)
        if self.frame:
            bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        return bundle


def _widget_bundle(widget, **kwargs):
    """A widget's display data: a view of it, and its text form.

    ipywidgets 8 makes it (``_repr_mimebundle_``); ipywidgets 7, which Google Colab runs, has no
    such method, so the same view reference is built here as its ``_ipython_display_`` builds it.
    """
    if hasattr(widget, "_repr_mimebundle_"):
        return widget._repr_mimebundle_(**kwargs)
    view = {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
    return {"text/plain": repr(widget)[:110], "application/vnd.jupyter.widget-view+json": view}


def explore(simulate, plot, /, **ranges):
    """Build an :class:`Explorer`: one unit-aware slider per keyword range.

    ``simulate(**values)`` runs the model and returns whatever ``plot(result, fig)`` needs to draw
    on the matplotlib Figure ``fig`` (cleared before each call). ``plot`` may instead return a
    function ``update(result)`` that shows a later result in the same figure by changing its
    artists' data, and returns those artists: then plot runs once and each slider move calls only
    update, which is several times faster (fixed axis ranges keep it so). Each range is
    ``(low, high, step)`` in one unit, e.g. ``nu_e=(1*Hz, 50*Hz, 1*Hz)``,
    ``E_L=(-80*mV, -50*mV, 1*mV)`` or ``w_e=(0.0, 0.5, 0.01)`` for a dimensionless weight; a slider
    starts at simulate's default for that parameter, else at ``low``. Displaying the returned
    object shows the widget; each slider move re-runs simulate and draws once.

    Every keyword is a slider, whatever its name (``simulate`` and ``plot`` are positional-only);
    the figure's size is an option of :class:`Explorer`: ``Explorer(simulate, plot, ranges,
    figsize=(9, 3))``.
    """
    return Explorer(simulate, plot, ranges)
