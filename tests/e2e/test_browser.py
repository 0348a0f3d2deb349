"""End-to-end: the course as students meet it, in JupyterLab in a real browser.

Starts JupyterLab from the course's environment (this Python) on 127.0.0.1 with a random port and
a token, opens a notebook with an explorer (``lu.explore``) in Debian's Chromium driven by
Playwright, runs all cells from the Run menu, and checks that

* every code cell ran and the kernel is idle, with no traceback in the page,
* the ipywidgets rendered (an explorer image and sliders; no "Loading widget..." or widget error),
* moving a slider with the keyboard and releasing it redraws the figure (the <img> bytes change).

The notebook under test is a copy in a temporary folder, so JupyterLab's autosave never writes
outputs into ``notebooks/``. Screenshots go to tests/e2e/screenshots/ (gitignored).

Without Chromium or Playwright the test is skipped with the reason, unless
BRIAN_LABS_REQUIRE_BROWSER=1 (set by .ci/run), where it fails instead. BRIAN_LABS_CHROMIUM
overrides the browser binary.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
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

    Yields its base URL.
    """
    work = tmp_path / "work"
    work.mkdir()
    jupyter_dirs = {
        name: tmp_path / name.lower()
        for name in (
            "JUPYTER_CONFIG_DIR",
            "JUPYTER_RUNTIME_DIR",
            "JUPYTERLAB_SETTINGS_DIR",
            "JUPYTERLAB_WORKSPACES_DIR",
            "IPYTHONDIR",
        )
    }
    for path in jupyter_dirs.values():
        path.mkdir()
    write_lab_settings(jupyter_dirs["JUPYTERLAB_SETTINGS_DIR"])
    env = dict(os.environ, **{k: str(v) for k, v in jupyter_dirs.items()})
    port = free_port()
    log = open(tmp_path / "jupyterlab.log", "w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--ServerApp.root_dir={work}",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.allow_root=True",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={TOKEN}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            "--KernelManager.shutdown_wait_time=2",
        ],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if server.poll() is not None:
                pytest.fail(
                    f"JupyterLab exited with {server.returncode}:\n"
                    + (tmp_path / "jupyterlab.log").read_text()[-3000:]
                )
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    "JupyterLab did not answer within "
                    f"{SERVER_START_S} s:\n" + (tmp_path / "jupyterlab.log").read_text()[-3000:]
                )
            time.sleep(0.2)
        yield base, work
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


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
