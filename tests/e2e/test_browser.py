"""End-to-end: the course as students meet it, in JupyterLab in a real browser.

Starts JupyterLab from the course's environment (this Python) on 127.0.0.1 with a random port and
a token, opens a notebook with an explorer (``lu.explore``) in Debian's Chromium driven by
Playwright, runs all cells from the Run menu, and checks that

* every code cell ran and the kernel is idle, with no traceback in the page,
* the ipywidgets rendered (an explorer image and sliders; no "Loading widget..." or widget error),
* moving a slider with the keyboard and releasing it redraws the figure (the <img> bytes change).

and, for the explorer of each of notebooks 02-06, how fast it answers a person: key press to new
image, and frames per second while the slider is dragged; and for 03's explorer on the fallback
(``BRIAN_LABS_FAST=off``: no compiler) key press to its first image and to the whole run's (figures
in benchmarks/out/browser.json; targets asserted with BRIAN_LABS_SPEED_TARGETS=1).

The notebook under test is a copy in a temporary folder, so JupyterLab's autosave never writes
outputs into ``notebooks/``. Screenshots go to tests/e2e/screenshots/ (gitignored).

Without Chromium or Playwright the test is skipped with the reason, unless
BRIAN_LABS_REQUIRE_BROWSER=1 (set by .ci/run), where it fails instead. BRIAN_LABS_CHROMIUM
overrides the browser binary.
"""

import contextlib
import json
import os
import re
import shutil
import statistics
import time
from pathlib import Path

import nbformat
import pytest

from tests._jupyter_server import serve

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("BRIAN_LABS_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("BRIAN_LABS_REQUIRE_BROWSER", "") not in ("", "0")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
TOKEN = "brian-labs-e2e-token"
SERVER_START_S = (
    60  # JupyterLab usually answers within 5 s; generous for a loaded 2-core CI machine
)
RUN_ALL_S = 120  # a course notebook runs in <= 10 s under nbval; the browser adds little
REDRAW_S = 60  # one explorer update (simulate + draw) takes well under a second


def explorer_notebooks():
    """The fixture notebook, plus the first course notebook with an explorer (02, 03 or 05)."""
    params = [pytest.param(None, id="fixture")]
    for prefix in ("02", "03", "05"):
        found = sorted((ROOT / "notebooks").glob(f"{prefix}*.ipynb"))
        if found:
            params.append(pytest.param(found[0], id=found[0].stem))
            break
    return params


def fixture_notebook():
    """A small notebook in the course's setup-cell shape with one lu.explore explorer."""
    cells = [
        nbformat.v4.new_markdown_cell("# Explorer fixture for the browser test"),
        nbformat.v4.new_code_cell(
            "from brian2 import *\n"
            "import labutils as lu\n\n"
            "SEED, TARGET = lu.course_settings()\n"
            "prefs.codegen.target = TARGET\n"
            "seed(SEED)\n"
            "lu.use_projector_style();"
        ),
        nbformat.v4.new_code_cell(
            "tau, v_rest, v_threshold, v_reset = 10*ms, -70*mV, -50*mV, -70*mV\n\n"
            "def simulate(I_drive=25*mV):\n"
            "    start_scope()\n"
            "    group = NeuronGroup(1, 'dv/dt = (v_rest - v + I_drive) / tau : volt',\n"
            "                        threshold='v > v_threshold', reset='v = v_reset',\n"
            "                        method='exact')\n"
            "    group.v = v_rest\n"
            "    trace = StateMonitor(group, 'v', record=0)\n"
            "    run(100*ms)\n"
            "    return trace\n\n"
            "def plot(trace, fig):\n"
            "    ax = fig.add_subplot()\n"
            "    ax.plot(trace.t / ms, trace.v[0] / mV)\n"
            "    ax.set_xlabel('time (ms)')\n"
            "    ax.set_ylabel('v (mV)')\n\n"
            "explorer = lu.explore(simulate, plot, I_drive=(0*mV, 40*mV, 1*mV))\n"
            "explorer"
        ),
        nbformat.v4.new_code_cell("lu.about()"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    return nb


def notebook_for_browser(source):
    """The notebook to open.

    The fixture, or a course notebook without its raises-exception cells (those show a traceback on
    purpose; nbval checks them, this test checks the rest renders).
    """
    if source is None:
        return fixture_notebook()
    nb = nbformat.read(source, as_version=4)
    nb.cells = [c for c in nb.cells if "raises-exception" not in c.metadata.get("tags", [])]
    return nb


def require_browser():
    """Import Playwright's sync API, or skip (fail in CI) with the reason."""
    problem = None
    if not os.access(CHROMIUM, os.X_OK):
        problem = f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as error:
            problem = (
                f"Playwright is not installed ({error}); requirements/dev.in has it: run the "
                "tests with python3 course.py test"
            )
    if problem:
        if REQUIRE_BROWSER:
            pytest.fail(f"BRIAN_LABS_REQUIRE_BROWSER is set but {problem}")
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    return sync_playwright


def write_lab_settings(settings_dir):
    """User settings for the test's JupyterLab.

    Attach every cell to the DOM, no news/update checks.
    """
    files = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
            "windowingMode": "contentVisibility"
        },
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for name, content in files.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


@pytest.fixture
def sync_playwright():
    """Playwright's sync API; checked before the server starts, so a skip costs nothing."""
    return require_browser()


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server from the course's environment, serving tmp_path/work.

    Yields its base URL and that folder.
    """
    yield from serve_jupyterlab(tmp_path, {})


@pytest.fixture
def jupyterlab_fallback(tmp_path):
    """The same server, whose kernels run explorers on the fallback (``BRIAN_LABS_FAST=off``)."""
    yield from serve_jupyterlab(tmp_path, {"BRIAN_LABS_FAST": "off"})


def serve_jupyterlab(tmp_path, extra_env):
    """Start JupyterLab (kernels get ``extra_env``), yield (base URL, work folder), stop it."""
    lab_dirs = {
        name: tmp_path / name.lower()
        for name in ("JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR")
    }
    for path in lab_dirs.values():
        path.mkdir()
    write_lab_settings(lab_dirs["JUPYTERLAB_SETTINGS_DIR"])
    for base, work, _ in serve(
        tmp_path,
        "jupyterlab",
        TOKEN,
        [
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            "--KernelManager.shutdown_wait_time=2",
        ],
        {**{k: str(v) for k, v in lab_dirs.items()}, **extra_env},
        SERVER_START_S,
    ):
        yield base, work


KERNEL_IDLE = re.compile(r"\| Idle$")

# JavaScript run in the page ----------------------------------------------------------------

# True once every code cell shows an execution count (no "[*]" or "[ ]") and the kernel is idle.
ALL_CELLS_RAN = """() => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
  if (!cells.length) return false;
  // a collapsed cell (the course's check cells) shows no input prompt: judge the others
  const shown = cells.filter(c => c.querySelector('.jp-InputArea')?.offsetParent);
  const done = shown.length > 0 && shown.every(c =>
    /\\[\\d+\\]/.test(c.querySelector('.jp-InputPrompt')?.textContent || ''));
  const idle = [...document.querySelectorAll('.jp-StatusBar-Widget span')]
    .some(s => / \\| Idle$/.test(s.textContent));
  return done && idle;
}"""

KERNEL_IDLE_JS = """() => [...document.querySelectorAll('.jp-StatusBar-Widget span')]
  .some(s => / \\| Idle$/.test(s.textContent))"""

# SHA-256 of the bytes behind the explorer's <img> (a blob: URL written by ipywidgets).
IMAGE_DIGEST = """async (img) => {
  const bytes = await (await fetch(img.src)).arrayBuffer();
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [img.src, bytes.byteLength,
          [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join('')];
}"""


def page_problems(page):
    """Tracebacks and widget failures visible in the notebook."""
    problems = []
    for text in page.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    ).all_inner_texts():
        if "Traceback" in text:
            problems.append("error output: " + text[:2000])
    body = page.locator(".jp-Notebook").inner_text()
    for marker in (
        "Loading widget...",
        "Error displaying widget",
        "Failed to load model class",
        "Error creating view",
    ):
        if marker in body:
            problems.append(f"widget problem in the page: {marker!r}")
    return problems


@pytest.mark.parametrize("source", explorer_notebooks())
def test_explorer_notebook_runs_and_its_slider_redraws_the_figure(
    source, sync_playwright, jupyterlab, request
):
    base, work = jupyterlab
    name = "explorer_fixture.ipynb" if source is None else source.name
    nbformat.write(notebook_for_browser(source), work / name)
    shots = SCREENSHOTS / request.node.callspec.id
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    started = time.monotonic()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            console_errors = []
            page.on("pageerror", lambda error: console_errors.append(str(error)))
            page.goto(f"{base}/lab/tree/{name}?token={TOKEN}")
            page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(
                timeout=SERVER_START_S * 1000
            )
            # The kernel must be connected before Run All: the status bar then reads
            # "Python 3 (ipykernel) | Idle" (before, "No Kernel | Initializing" or "| Starting").
            page.locator(".jp-StatusBar-Widget").get_by_text(KERNEL_IDLE).first.wait_for(
                timeout=SERVER_START_S * 1000
            )
            page.screenshot(path=shots / "1-opened.png")

            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-item:visible").get_by_text("Run All Cells", exact=True).click()
            page.wait_for_function(ALL_CELLS_RAN, timeout=RUN_ALL_S * 1000, polling=250)
            ran_s = time.monotonic() - started

            explorer = page.locator(".widget-vbox:has(> img.widget-image)").first
            image = explorer.locator("img.widget-image").first
            image.wait_for(state="visible", timeout=REDRAW_S * 1000)
            page.wait_for_function(
                "img => img.naturalWidth > 0", arg=image.element_handle(), timeout=REDRAW_S * 1000
            )
            explorer.scroll_into_view_if_needed()
            page.screenshot(path=shots / "2-ran-all.png")
            problems = page_problems(page)
            assert not problems, "\n".join(problems)
            assert explorer.locator(".widget-slider").count() >= 1, "the explorer has no slider"

            src_before, size_before, digest_before = image.evaluate(IMAGE_DIGEST)
            assert size_before > 1000, f"explorer image is only {size_before} bytes"
            slider = explorer.locator(".widget-slider").first
            readout = slider.locator(".widget-readout")
            value_before = readout.inner_text()
            handle = slider.locator(".noUi-handle")
            handle.focus()
            handle.press("ArrowRight")  # one step up: a key press is a release, one redraw
            page.wait_for_function(
                "([img, old]) => img.src !== old && img.naturalWidth > 0",
                arg=[image.element_handle(), src_before],
                timeout=REDRAW_S * 1000,
            )
            # The new image arrives before the kernel reports idle: wait for idle, then compare.
            page.wait_for_function(KERNEL_IDLE_JS, timeout=REDRAW_S * 1000, polling=250)
            _src_after, size_after, digest_after = image.evaluate(IMAGE_DIGEST)
            value_after = readout.inner_text()
            explorer.scroll_into_view_if_needed()
            page.screenshot(path=shots / "3-after-slider.png")
            image.screenshot(path=shots / "4-explorer-figure.png")

            assert value_after != value_before, f"slider stayed at {value_before}"
            assert digest_after != digest_before, (
                "the figure did not change after moving the slider"
            )
            problems = page_problems(page)
            assert not problems, "\n".join(problems)
            assert not console_errors, f"JavaScript errors in the page: {console_errors}"
        finally:
            browser.close()
    print(
        f"{name}: ran all cells in {ran_s:.1f} s; slider {value_before} -> {value_after}; "
        f"image {size_before} -> {size_after} bytes; total {time.monotonic() - started:.1f} s"
    )


# -- explorer speed, as a person meets it -------------------------------------------------------
# Per explorer of notebooks 02-06: key presses on a slider (one step each, a pause between, like a
# person), timed from the key going down to the new image decoded in the page; then a 2 s mouse
# drag of the explorer's finest slider (most steps: a coarse one, such as 06's `a` with 10 steps,
# changes value too rarely for 20 frames per second), counting the values the slider takes and
# the images the page receives while the hand moves. Recorded in
# BROWSER_RESULTS (one entry per notebook, merged under a file lock); the targets (issue 24) are
# asserted where BRIAN_LABS_SPEED_TARGETS=1 (a quiet machine), else printed with the figures. The
# behaviour is asserted always: every press draws once, the figure follows the drag, no queue of
# stale frames builds up behind it and the last value is the one shown.
BROWSER_RESULTS = Path(
    os.environ.get("BRIAN_LABS_BROWSER_RESULTS", str(ROOT / "benchmarks" / "out" / "browser.json"))
)
SPEED_TARGETS = os.environ.get("BRIAN_LABS_SPEED_TARGETS", "") not in ("", "0")
KEY_PRESSES = 6
PRESS_PAUSE_S = 0.4  # between presses: a person reading the figure
DRAG_S = 2.0
RELEASE_TO_IMAGE_MS = 100  # the target median, key press -> new image (issue 24)
DRAG_FPS = {"02": 20, "06": 20}  # frames per second during a drag where the model allows it
DRAG_VALUES_PER_S = 25  # the hand must change the value this often, or it limits the frame rate
# The slider with the most steps (noUiSlider's options) and its step count; marks it for the test.
FINEST_SLIDER = """(explorer) => {
  let best = null, steps = 0, i = 0;
  for (const el of explorer.querySelectorAll('.widget-slider .noUi-target')) {
    const o = el.noUiSlider.options;
    const n = Math.round((o.range.max - o.range.min) / o.step);
    if (n > steps) { best = i; steps = n; }
    i++;
  }
  return [best, steps];
}"""
# A hand dragging the pressed handle: one mouse move per animation frame (as Chromium delivers
# a real mouse's moves), sweeping 10-90 % of the track and back in ``ms``; the number of moves.
HAND = """([left, width, y, ms]) => new Promise((resolve) => {
  const t0 = performance.now();
  let moves = 0;
  const step = (now) => {
    const phase = (now - t0) / ms;
    if (phase >= 1) return resolve(moves);
    const x = left + width * (0.5 + 0.4 * Math.sin(2 * Math.PI * phase));
    const target = document.elementFromPoint(x, y) || document.documentElement;
    target.dispatchEvent(new MouseEvent('mousemove', {clientX: x, clientY: y, buttons: 1,
      bubbles: true, cancelable: true, view: window}));  // noUiSlider listens to mouse events
    moves++;
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})"""
# Records, in the page, when each websocket message is sent and received, and its size (bytes):
# a frame's time splits into the round trip (value sent -> image received) and the page's part
# (image received -> decoded).
WEBSOCKET_WATCH = """(() => {
  const log = window.__websocketLog = {sent: [], received: []};
  const size = (data) => typeof data === 'string' ? data.length : (data.byteLength ?? data.size);
  window.WebSocket = class extends window.WebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message',
        (e) => log.received.push({t: performance.now(), size: size(e.data)}));
    }
    send(data) {
      log.sent.push({t: performance.now(), size: size(data)});
      return super.send(data);
    }
  };
})();"""
IMAGE_MESSAGE_BYTES = 8000  # a frame's message (a JPEG of ~30-80 kB); values and status: < 2 kB
# Records, in the page, each text an element shows (the dragged slider's readout: its values; the
# status line: the kernel's times of each frame) in window.__explorerWatch[key].
WATCH_TEXT = """([element, key]) => {
  const texts = window.__explorerWatch[key] = [];
  // textContent, not innerText: innerText forces a layout at each change (measured: 5 % of the
  // page's main thread during a drag, which the explorer's frames then lack)
  new MutationObserver(() => texts.push({t: performance.now(), text: element.textContent}))
    .observe(element, {characterData: true, childList: true, subtree: true});
}"""

# Records, in the page, when the explorer's image changes (decoded) and when a key goes down.
WATCH = """([img, handle]) => {
  const w = window.__explorerWatch = {frames: [], keys: []};
  new MutationObserver(() => {
    const t = performance.now();
    const done = () => w.frames.push({t, decoded: performance.now()});
    img.decode().then(done, done);
  }).observe(img, {attributes: true, attributeFilter: ['src']});
  handle.addEventListener('keydown', () => w.keys.push(performance.now()), true);
}"""


def speed_notebooks():
    """Notebooks 02-06, each with one explorer."""
    return [
        pytest.param(path, id=path.stem)
        for prefix in ("02", "03", "04", "05", "06")
        for path in sorted((ROOT / "notebooks").glob(f"{prefix}_*.ipynb"))
    ]


def record_browser_result(name, entry):
    """Merge one notebook's figures into BROWSER_RESULTS (several workers may write at once)."""
    from filelock import FileLock

    BROWSER_RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(BROWSER_RESULTS) + ".lock"):
        results = json.loads(BROWSER_RESULTS.read_text()) if BROWSER_RESULTS.exists() else {}
        results[name] = entry
        BROWSER_RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


def run_all_and_find_explorer(page, base, name):
    """Open the notebook, Run All, and return (explorer, image, first slider) locators."""
    page.goto(f"{base}/lab/tree/{name}?token={TOKEN}")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=SERVER_START_S * 1000)
    page.locator(".jp-StatusBar-Widget").get_by_text(KERNEL_IDLE).first.wait_for(
        timeout=SERVER_START_S * 1000
    )
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-item:visible").get_by_text("Run All Cells", exact=True).click()
    page.wait_for_function(ALL_CELLS_RAN, timeout=RUN_ALL_S * 1000, polling=250)
    explorer = page.locator(".widget-vbox:has(> img.widget-image)").first
    image = explorer.locator("img.widget-image").first
    image.wait_for(state="visible", timeout=REDRAW_S * 1000)
    explorer.scroll_into_view_if_needed()
    problems = page_problems(page)
    assert not problems, "\n".join(problems)
    return explorer, image, explorer.locator(".widget-slider").first


@contextlib.contextmanager
def watched_explorer(sync_playwright, jupyterlab, source):
    """Open ``source`` in the served JupyterLab, run all cells and watch its explorer's image.

    Yields (page, explorer, slider, errors): ``errors`` collects the page's JavaScript errors;
    ``window.__explorerWatch`` records key presses and decoded images (times in ms).
    """
    base, work = jupyterlab
    nbformat.write(notebook_for_browser(source), work / source.name)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.add_init_script(WEBSOCKET_WATCH)
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            explorer, image, slider = run_all_and_find_explorer(page, base, source.name)
            handle = slider.locator(".noUi-handle")
            page.evaluate(WATCH, [image.element_handle(), handle.element_handle()])
            settle(page, 0.5)
            yield page, explorer, slider, errors
        finally:
            browser.close()


def slider_name(slider):
    """The parameter a slider sets, as its label shows it ('w_e' of 'w_e (nS)')."""
    return slider.locator(".widget-label").inner_text().split(" (")[0]


def press_for_a_new_image(page, handle):
    """Press the right arrow on a slider's handle and wait for a new image; images before it."""
    before = page.evaluate("window.__explorerWatch.frames.length")
    handle.press("ArrowRight")
    page.wait_for_function(
        f"window.__explorerWatch.frames.length > {before}", timeout=REDRAW_S * 1000
    )
    return before


def settle(page, seconds=1.0):
    """Wait until the kernel is idle and no new image arrived for ``seconds``."""
    page.wait_for_function(KERNEL_IDLE_JS, timeout=REDRAW_S * 1000, polling=100)
    count = page.evaluate("window.__explorerWatch.frames.length")
    while True:
        time.sleep(seconds)
        now = page.evaluate("window.__explorerWatch.frames.length")
        if now == count:
            return
        count = now


def shown_values(explorer):
    """The slider values the explorer's status line says the figure shows."""
    return explorer.locator(".brian-labs-shown").inner_text()


KERNEL_TIMES = re.compile(r"simulated(?: the first .*?)? in (\d+) ms, drawn in (\d+) ms")


def kernel_ms(explorer):
    """What the kernel spent on the image shown (ms: simulated + drawn, from the status line)."""
    return kernel_ms_of(explorer.inner_text())


def kernel_ms_of(status):
    """Simulated + drawn (ms) in an explorer's status text."""
    simulated, drawn = KERNEL_TIMES.search(status).groups()
    return int(simulated) + int(drawn)


def test_kernel_ms_of_adds_the_simulated_and_drawn_times():
    assert kernel_ms_of("simulated in 14 ms, drawn in 6 msa = 20 Hz") == 20
    assert (
        kernel_ms_of(
            "simulated the first 300 ms of 1000 ms (the rest follows) in 90 ms, drawn in 9 ms"
        )
        == 99
    )


def readout_value(slider):
    """The slider's readout as Python prints numbers (ipywidgets shows a Unicode minus)."""
    return slider.locator(".widget-readout").inner_text().replace("\u2212", "-")


def frame_times(frames, log):
    """Per frame (median ms): value sent -> image message received, and received -> decoded.

    ``frames``: the page's images ({t: src set, decoded}); ``log``: WEBSOCKET_WATCH's record. A
    frame's image is the last large message received before its src was set; its value, the last
    message the page sent before that.
    """
    images = [m["t"] for m in log["received"] if m["size"] >= IMAGE_MESSAGE_BYTES]
    round_trip, in_page = [], []
    for frame in frames:
        arrived = [t for t in images if t <= frame["t"]]
        if not arrived:
            continue
        sent = [m["t"] for m in log["sent"] if m["t"] <= arrived[-1]]
        if sent:
            round_trip.append(arrived[-1] - sent[-1])
        in_page.append(frame["decoded"] - arrived[-1])
    return round_trip, in_page


def test_frame_times_split_a_frame_at_its_image_message():
    log = {
        "sent": [{"t": 10.0, "size": 300}, {"t": 100.0, "size": 300}],
        "received": [
            {"t": 40.0, "size": 500},
            {"t": 60.0, "size": 50000},
            {"t": 150.0, "size": 9000},
        ],
    }
    frames = [
        {"t": 70.0, "decoded": 75.0},
        {"t": 151.0, "decoded": 170.0},
        {"t": 5.0, "decoded": 6.0},
    ]
    assert frame_times(frames, log) == ([50.0, 50.0], [15.0, 20.0])


@pytest.mark.parametrize("source", speed_notebooks())
def test_explorer_answers_key_presses_and_follows_a_drag(source, sync_playwright, jupyterlab):
    with watched_explorer(sync_playwright, jupyterlab, source) as (page, explorer, slider, errors):
        handle = slider.locator(".noUi-handle")
        name = slider_name(slider)

        # Key presses: one step each; time from key down to the new image, decoded.
        latencies, in_kernel = [], []
        handle.focus()
        for _ in range(KEY_PRESSES):
            before = press_for_a_new_image(page, handle)
            watch = page.evaluate("window.__explorerWatch")
            latencies.append(watch["frames"][before]["decoded"] - watch["keys"][-1])
            settle(page, PRESS_PAUSE_S)
            in_kernel.append(kernel_ms(explorer))
            frames = page.evaluate("window.__explorerWatch.frames.length")
            assert frames == before + 1, "one key press must draw exactly one image"
        assert f"{name} = {readout_value(slider)}" in shown_values(explorer)
        key_slider = name

        # A drag of the finest slider: the handle sweeps 10-90 % of the track and back in DRAG_S.
        index, steps = page.evaluate(FINEST_SLIDER, explorer.element_handle())
        slider = explorer.locator(".widget-slider").nth(index)
        handle = slider.locator(".noUi-handle")
        name = slider_name(slider)
        page.evaluate(WATCH_TEXT, [slider.locator(".widget-readout").element_handle(), "values"])
        status = explorer.locator(".widget-html").last.element_handle()
        page.evaluate(WATCH_TEXT, [status, "statuses"])
        track = slider.locator(".noUi-target").bounding_box()
        box = handle.bounding_box()
        y = box["y"] + box["height"] / 2
        x0 = box["x"] + box["width"] / 2
        before = page.evaluate("window.__explorerWatch.frames.length")
        page.mouse.move(x0, y)
        page.mouse.down()
        start = page.evaluate("performance.now()")
        moves = page.evaluate(HAND, [track["x"], track["width"], y, DRAG_S * 1000])
        page.mouse.move(track["x"] + track["width"] * 0.62, y)  # the value the hand leaves
        page.mouse.up()
        end = page.evaluate("performance.now()")
        settle(page, 1.0)
        frames = page.evaluate("window.__explorerWatch.frames")[before:]
        during = [f for f in frames if f["decoded"] <= end]
        after = [f for f in frames if f["decoded"] > end]
        fps = len(during) / ((end - start) / 1000)
        shown_texts = [v["text"] for v in page.evaluate("window.__explorerWatch.values")
                       if v["t"] <= end]  # fmt: skip
        values = [t for i, t in enumerate(shown_texts) if i == 0 or t != shown_texts[i - 1]]
        values_per_s = len(values) / ((end - start) / 1000)
        last_image_after_release_ms = (after[-1]["decoded"] - end) if after else 0.0
        round_trip_ms, in_page_ms = frame_times(during, page.evaluate("window.__websocketLog"))
        kernel_frame_ms = [
            kernel_ms_of(v["text"])
            for v in page.evaluate("window.__explorerWatch.statuses")
            if v["t"] <= end and KERNEL_TIMES.search(v["text"])
        ]
        final = readout_value(slider)
        shown = shown_values(explorer)
        assert not errors, f"JavaScript errors in the page: {errors}"

    entry = dict(
        slider=key_slider,
        key_presses=len(latencies),
        release_to_image_ms=[round(x, 1) for x in latencies],
        median_release_to_image_ms=round(statistics.median(latencies), 1),
        # of which the kernel simulated and drew (the rest: browser, server, messages)
        median_kernel_ms=statistics.median(in_kernel),
        drag_slider=name,
        drag_slider_steps=steps,
        drag_s=round((end - start) / 1000, 2),
        drag_moves=moves,
        drag_values_per_s=round(values_per_s, 1),
        drag_frames=len(during),
        drag_fps=round(fps, 1),
        drag_round_trip_ms=round(statistics.median(round_trip_ms), 1) if round_trip_ms else None,
        drag_in_page_ms=round(statistics.median(in_page_ms), 1) if in_page_ms else None,
        # the kernel's part of a frame during the drag (its status line: simulated + drawn)
        drag_kernel_ms=statistics.median(kernel_frame_ms) if kernel_frame_ms else None,
        frames_after_release=len(after),
        last_image_after_release_ms=round(last_image_after_release_ms, 1),
        load_average=round(os.getloadavg()[0], 2),
        cores=os.cpu_count(),
    )
    record_browser_result(source.stem, entry)
    print(f"{source.stem}: {json.dumps(entry)}")
    # The figure follows the drag, nothing stale queues behind it, the last value is drawn.
    assert len(during) >= 2, f"only {len(during)} image(s) during a {DRAG_S} s drag"
    assert len(after) <= 2, (
        f"{len(after)} images arrived after the release: a queue of stale frames"
    )
    assert f"{name} = {final}" in shown, f"slider left at {final}, figure shows {shown!r}"
    if SPEED_TARGETS:
        assert entry["median_release_to_image_ms"] <= RELEASE_TO_IMAGE_MS, entry
        minimum = DRAG_FPS.get(source.stem[:2])
        if minimum is not None:
            assert values_per_s >= DRAG_VALUES_PER_S, f"the hand was too slow to measure: {entry}"
            assert fps >= minimum, entry


# -- the fallback in the browser: the first answer, then the whole run --------------------------
FALLBACK_NOTEBOOK = "03"  # its model is the slowest on the numpy target (1 s at 0.1 ms, 8 blocks)
FALLBACK_PRESSES = 4
FALLBACK_ANSWER_MS = 300  # the target median, key press -> first image on the fallback (issue 24)
# True once the explorer's status line no longer says that the rest of the run follows.
WHOLE_RUN_SHOWN = "el => !el.innerText.includes('the rest follows')"


@pytest.mark.parametrize(
    "source",
    [p for p in speed_notebooks() if p.values[0].name.startswith(FALLBACK_NOTEBOOK)],
)
def test_on_the_fallback_a_key_press_answers_first_then_draws_the_whole_run(
    source, sync_playwright, jupyterlab_fallback
):
    with watched_explorer(sync_playwright, jupyterlab_fallback, source) as (
        page,
        explorer,
        slider,
        errors,
    ):
        status = explorer.locator(".widget-html").first
        assert "No C++ compiler found" in status.inner_text(), "the kernel is not on the fallback"
        handle = slider.locator(".noUi-handle")
        name = slider_name(slider)
        first_ms, whole_ms, images = [], [], []
        handle.focus()
        for _ in range(FALLBACK_PRESSES):
            before = press_for_a_new_image(page, handle)
            # the rest of the run is simulated after the frame, with the kernel idle
            page.wait_for_function(
                WHOLE_RUN_SHOWN, arg=status.element_handle(), timeout=REDRAW_S * 1000
            )
            settle(page, PRESS_PAUSE_S)
            watch = page.evaluate("window.__explorerWatch")
            frames = watch["frames"][before:]
            first_ms.append(frames[0]["decoded"] - watch["keys"][-1])
            whole_ms.append(frames[-1]["decoded"] - watch["keys"][-1])
            images.append(len(frames))
            shown = shown_values(explorer)
            assert f"{name} = {readout_value(slider)}" in shown, shown
        text = status.inner_text()
        assert not errors, f"JavaScript errors in the page: {errors}"
    entry = dict(
        slider=name,
        key_presses=len(first_ms),
        first_image_ms=[round(x, 1) for x in first_ms],
        median_first_image_ms=round(statistics.median(first_ms), 1),
        whole_run_image_ms=[round(x, 1) for x in whole_ms],
        median_whole_run_image_ms=round(statistics.median(whole_ms), 1),
        images_per_press=images,
        load_average=round(os.getloadavg()[0], 2),
        cores=os.cpu_count(),
    )
    record_browser_result(f"fallback:{source.stem}", entry)
    print(f"fallback {source.stem}: {json.dumps(entry)}")
    assert all(n in (1, 2) for n in images), f"a press drew {images} images: first answer + rest"
    assert "No C++ compiler found" in text and "the first" not in text.split("\n")[0]
    if SPEED_TARGETS:
        assert entry["median_first_image_ms"] <= FALLBACK_ANSWER_MS, entry
