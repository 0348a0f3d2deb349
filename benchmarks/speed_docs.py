"""The speed figures the README and the instructor's guide quote, from benchmarks/results.json.

`python3 course.py docs` (tools/docs.py) writes them into the README's and the guide's generated
sections; `python3 course.py bench` (a full run) does so after writing the results, and
`bench --quick` (CI) fails when a quoted figure and the results disagree.
"""

import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RESULTS = ROOT / "benchmarks" / "results.json"
EXPLORER_NOTEBOOKS = ("02", "03", "04", "05", "06")  # the course's explorers


def _span(values, spec):
    """'low–high' of ``values`` formatted with ``spec`` (one value if they round alike)."""
    low, high = format(min(values), spec), format(max(values), spec)
    return low if low == high else f"{low}–{high}"


def figures(results):
    """The quoted figures, from a results.json dict: {name: text}."""
    notebooks = results["notebooks"]
    course = {n: r for n, r in notebooks.items() if n[:2].isdigit()}
    others = [r["cold_s"] for n, r in course.items() if "izhikevich" not in n]
    explorers = [row for key, row in results["explorers"].items() if key[:2] in EXPLORER_NOTEBOOKS]
    measured = results.get("measured", {})
    busy = measured.get("load_average", 0) > measured.get("cores", 1)
    out = dict(
        busy=" busy with other work" if busy else "",
        date=measured.get("date", "?"),
        load=format(measured.get("load_average", float("nan")), ".1f"),
        cores=str(measured.get("cores", "?")),
        run_all=_span(others, ".0f"),
        izhikevich=format(course["06_izhikevich.ipynb"]["cold_s"], ".0f"),
        update=_span([r["median_ms"] for r in explorers], ".0f"),
        draw=_span([r["draw_ms"] for r in explorers], ".0f"),
        numpy=_span([r["numpy_ms"] for r in explorers], ".0f"),
        ratio=_span([r["numpy_ms"] / r["median_ms"] for r in explorers], ".1f"),
    )
    browser = {k: v for k, v in results.get("browser", {}).items() if k[:2] in EXPLORER_NOTEBOOKS}
    if browser:
        out.update(
            press=_span([b["median_release_to_image_ms"] for b in browser.values()], ".0f"),
            fps=_span([b["drag_fps"] for b in browser.values()], ".0f"),
            browser_load=format(max(b["load_average"] for b in browser.values()), ".1f"),
        )
    fallback = [
        r for key, r in results.get("fallback", {}).items() if key[:2] in EXPLORER_NOTEBOOKS
    ]
    if fallback:
        out.update(
            answer=_span([r["answer_ms"] for r in fallback], ".0f"),
            answer_part=_span([r["answer_part"] for r in fallback], ".1f"),
        )
    kernel = results.get("kernel")
    if kernel:
        out.update(kernel_after=format(kernel["after_s"], ".1f"))
        out.update(kernel_before=format(kernel["before_s"], ".1f"))
    return out


def readme_section(results):
    """The README's speed paragraph (text, 99 columns)."""
    f = figures(results)
    text = (
        f"Measured on a {f['cores']}-core machine{f['busy']} (`python3 course.py "
        f'bench`, `benchmarks/results.json`, {f["date"]}, load average {f["load"]}): "Run All" '
        f"takes {f['run_all']} s per notebook ({f['izhikevich']} s for the Izhikevich network), "
        f"and an explorer (02–06) shows a new figure {f['update']} ms after a slider moves "
        f"(drawing it: {f['draw']} ms), {f['ratio']}× faster than re-running the same model on "
        f"Brian2's numpy target ({f['numpy']} ms; the fallback without a C++ compiler), because "
        "explorers compile their model once (`lu.StandaloneModel`) and redraw only what changed."
    )
    if "press" in f:
        text += (
            f" In Chromium (`tests/e2e/test_browser.py`, load average up to {f['browser_load']}) "
            f"a key press on a slider shows the new figure after {f['press']} ms (median per "
            f"explorer), and a dragged slider is followed at {f['fps']} frames per second."
        )
    if "answer" in f:
        text += (
            " Without a compiler a slider move from the browser first shows the start of the run"
            f" (a part of {f['answer_part']}, as much as fits), after {f['answer']} ms, then all"
            " of it."
        )
    if "kernel_after" in f:
        text += (
            " A new kernel of the students' environment imports Brian2 (`from brian2 import *`)"
            f" {f['kernel_after']} s after it is started, with PYTHONDONTWRITEBYTECODE=1"
            f" ({f['kernel_before']} s without the bytecode that the course's environments"
            " compile at install)."
        )
    return textwrap.fill(text, 99, break_on_hyphens=False)


def guide_section(results):
    """The instructor's guide's sentence on Run All and explorer times (text, 99 columns)."""
    f = figures(results)
    text = (
        f"Each notebook's cold Run All takes {f['run_all']} s ({f['izhikevich']} s for 06) and "
        f"each explorer update {f['update']} ms on the benchmark machine "
        f"(`benchmarks/results.json`, {f['date']}, load average {f['load']})."
    )
    return textwrap.fill(text, 99, break_on_hyphens=False)
