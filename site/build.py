"""Build the course site: every notebook executed and rendered with its outputs, into _build/html/.

    python3 course.py site            # installs the dev lock into .venv, then runs this file
    python3 course.py site --check    # only check an existing _build/html

Notebooks that `python3 course.py test` has just executed are rendered from that run
(_build/executed/, written with nbformat by tests/test_notebook_runs.py), so CI executes
each notebook once for the tests and the site; any other is executed by Sphinx + MyST-NB with
the kernel of this Python (the course's .venv); a cell error fails the build, except in cells
tagged raises-exception. The sources are staged in _build/site-src/ (site/index.md,
docs/instructor-guide.md and the site versions of notebooks/*.ipynb: solutions and answer
paragraphs behind a toggle, check code collapsed, each explorer shown as a still of its first
figure (the PNG in the explorer's own output) with a note to launch the page; MathJax copied from
its npm package, so pages render offline), so nothing is written next to the notebooks. After
building, the site is checked: one page per notebook, each with executed outputs, a figure (<img>)
wherever the notebook draws one, and launch links to that notebook: Binder (JupyterLab) and Colab.
"""

import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
STAGE = ROOT / "_build" / "site-src"
HTML = ROOT / "_build" / "html"
EXECUTED = ROOT / "_build" / "executed"  # written by tests/test_notebook_runs.py
BINDER = "https://mybinder.org/v2/gh/"
# The Colab link of the course's notebooks (the launch button's, and the badge cell's written by
# tools/colab_cells.py, which tests/test_colab.py checks it against).
COLAB = "https://colab.research.google.com/github/brian-labs/brian-labs/blob/main/notebooks/"


def notebooks():
    """The course notebooks, in order."""
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


EXPLORER = re.compile(r"^(\w+)\s*=\s*lu\.explore\(", re.MULTILINE)
LAUNCH_NOTE = (
    "*A still of the explorer at its starting values. To move the sliders, launch this "
    "page (the rocket button at the top, then Binder or Colab) and run it.*"
)
MATHJAX_PACKAGE = "mathjax@3.2.2"  # npm; the es5/ bundle is copied into the site's _static
MATHJAX_NPM = ROOT / "_build" / "mathjax-npm"
MATHJAX_STAGE = STAGE / "_mathjax"  # html_static_path in site/conf.py


def site_notebook(nb):
    """The notebook as the site shows it.

    Solutions and answer paragraphs collapsed behind a toggle, check cells' code collapsed, each
    explorer as a still of its first figure, and no Colab badge (the page's launch button offers
    Colab; the badge's image is Colab's, and the site works offline).
    """
    nb = json.loads(json.dumps(nb))
    cells = []
    for cell in nb["cells"]:
        tags = cell["metadata"].setdefault("tags", [])
        if cell.get("id") == "colab-badge":
            continue  # its image is Colab's (the site works offline); the launch button has Colab
        if "solution" in tags and cell["cell_type"] == "markdown":
            cell["source"] = (
                '<details class="solution"><summary>Answer (click to show)</summary>'
                "\n\n" + "".join(cell["source"]) + "\n\n</details>"
            )
        elif "solution" in tags:
            tags.append("hide-cell")
        elif "check" in tags:
            tags.append("hide-input")
        cells.append(cell)
        code = "".join(cell["source"]) if cell["cell_type"] == "code" else ""
        if EXPLORER.search(code):
            # The explorer's output carries a PNG of its first figure beside the widget view
            # (Explorer._repr_mimebundle_); site/conf.py tells MyST-NB to skip widget views.
            cells.append(
                {
                    "cell_type": "markdown",
                    "id": f"{cell['id']}-note",
                    "metadata": {},
                    "source": LAUNCH_NOTE,
                }
            )
    nb["cells"] = cells
    return nb


def stage_mathjax():
    """MathJax from the npm package, copied into the site, so equations render offline."""
    bundle = MATHJAX_NPM / "node_modules" / "mathjax" / "es5"
    if not (bundle / "tex-chtml.js").exists():
        command = [
            "npm",
            "install",
            "--prefix",
            str(MATHJAX_NPM),
            "--no-audit",
            "--no-fund",
            "--no-save",
            MATHJAX_PACKAGE,
        ]
        print("+", " ".join(command), flush=True)
        if shutil.which("npm") is None or subprocess.call(command) != 0:
            raise SystemExit(
                f"could not install {MATHJAX_PACKAGE} with npm: install Node.js "
                "(npm) and rerun; the site serves MathJax itself, not from a CDN"
            )
    shutil.copytree(bundle, MATHJAX_STAGE / "mathjax")


def executed_copy(path):
    """The notebook as the test run executed it, if it is of the stored version.

    tests/test_notebook_runs.py writes it (nbformat) with the digest of the stored notebook
    it executed in ``metadata.brian_labs.source_sha256``.
    """
    copy = EXECUTED / path.name
    if not copy.exists():
        return None
    nb = json.loads(copy.read_text(encoding="utf-8"))
    recorded = nb.get("metadata", {}).get("brian_labs", {}).get("source_sha256")
    return nb if recorded == hashlib.sha256(path.read_bytes()).hexdigest() else None


def stage():
    """Write the site's pages, the site versions of the notebooks and MathJax into _build/site-src.

    A notebook that `python3 course.py test` executed (and that has not changed since) is staged
    with its outputs and MyST-NB's per-file ``execution_mode: off``, so it is rendered, not run
    again; any other is staged as stored and executed by MyST-NB. Returns the names of the reused
    notebooks.
    """
    shutil.rmtree(STAGE, ignore_errors=True)
    (STAGE / "notebooks").mkdir(parents=True)
    shutil.copy2(SITE / "index.md", STAGE / "index.md")
    shutil.copy2(ROOT / "docs" / "instructor-guide.md", STAGE / "instructor-guide.md")
    reused = []
    for path in notebooks():
        executed = executed_copy(path)
        nb = site_notebook(executed or json.loads(path.read_text(encoding="utf-8")))
        if executed is not None:
            nb["metadata"].setdefault("mystnb", {})["execution_mode"] = "off"
            reused.append(path.name)
        (STAGE / "notebooks" / path.name).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    print(
        f"site: {len(reused)} of {len(notebooks())} notebooks rendered from the test run's "
        f"execution ({EXECUTED.relative_to(ROOT)}), the others executed now",
        flush=True,
    )
    stage_mathjax()
    return reused


def build(extra_args=()):
    """Stage the sources and run Sphinx into _build/html; Sphinx's exit status."""
    stage()
    shutil.rmtree(HTML, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-c",
        str(SITE),
        "-j",
        "1",
        "-d",
        str(ROOT / "_build" / "doctrees"),
        *extra_args,
        str(STAGE),
        str(HTML),
    ]
    print("+", " ".join(command), flush=True)
    return subprocess.call(command, cwd=ROOT)


def draws_a_figure(path):
    """Whether the notebook (as stored) draws a matplotlib figure outside an explorer."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return bool(re.search(r"\bplt\.(subplots|figure|plot|show)\b|\blu\.plot_\w+\(", code))


def check():
    """Problems with the built site, as a list of messages (empty when it is complete)."""
    problems = []
    index = HTML / "index.html"
    if not index.exists():
        return [f"{index} is missing: the build did not finish"]
    index_html = index.read_text(encoding="utf-8")
    for path in notebooks():
        page = HTML / "notebooks" / f"{path.stem}.html"
        if not page.exists():
            problems.append(f"{path.name}: no page {page.relative_to(ROOT)}")
            continue
        html = page.read_text(encoding="utf-8")
        outputs = html.count('class="cell_output')
        images = len(re.findall(r'<img [^>]*src="[^"]*_images/[^"]+"', html))
        if outputs == 0:
            problems.append(f"{path.name}: the page shows no executed output")
        if draws_a_figure(path) and images == 0:
            problems.append(f"{path.name}: the notebook draws a figure but its page has no <img>")
        if (
            "lu.about()" in path.read_text(encoding="utf-8")
            and "codegen target in force" not in html
        ):
            problems.append(f"{path.name}: calls lu.about() but its page shows no version report")
        launch = f"urlpath=lab/tree/notebooks/{path.name}"
        if BINDER not in html or launch not in html:
            problems.append(f"{path.name}: no Binder launch link ({BINDER}...?{launch})")
        colab = f"{COLAB}{path.name}"
        if colab not in html:
            problems.append(f"{path.name}: no Colab launch link ({colab})")
        if EXPLORER.search(path.read_text(encoding="utf-8")) and "launch this page" not in html:
            problems.append(f"{path.name}: its explorer has no still and launch note")
        if "cdn.jsdelivr.net/npm/mathjax" in html or "_static/mathjax/tex-chtml.js" not in html:
            problems.append(f"{path.name}: MathJax does not come from the site's own _static")
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        answers = sum(
            c["cell_type"] == "markdown" and "solution" in c["metadata"].get("tags", [])
            for c in cells
        )
        solutions = sum(
            c["cell_type"] == "code" and "solution" in c["metadata"].get("tags", []) for c in cells
        )
        if html.count('<details class="solution"') != answers:
            problems.append(f"{path.name}: its answer paragraphs are not all behind a toggle")
        if len(re.findall(r'class="cell tag_solution[^"]*tag_hide-cell', html)) != solutions:
            problems.append(f"{path.name}: its solution cells are not all collapsed")
        if "cdn.jsdelivr.net" in html or "unpkg.com" in html:
            problems.append(f"{path.name}: the page loads scripts from a CDN")
        if f'href="notebooks/{path.stem}.html"' not in index_html:
            problems.append(f"{path.name}: not linked from index.html")
        print(f"  {page.relative_to(ROOT)}: {outputs} outputs, {images} figures", flush=True)
    return problems


def main(argv):
    """Build the site (unless ``--check``), then check it; the exit status."""
    if {"-h", "--help"} & set(argv):
        print(__doc__)
        return 0
    started = time.monotonic()
    if "--check" not in argv:
        status = build([a for a in argv if a != "--check"])
        if status != 0:
            print(
                f"site build FAILED (sphinx exit {status}): see the messages above",
                file=sys.stderr,
            )
            return status
        print(
            f"built {len(notebooks())} notebook pages in {time.monotonic() - started:.0f} s",
            flush=True,
        )
    problems = check()
    if problems:
        print("site check FAILED:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print(f"site OK: {HTML.relative_to(ROOT)}/index.html ({len(notebooks())} notebook pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
