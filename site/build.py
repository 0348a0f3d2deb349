"""Build the course site: every notebook executed and rendered with its outputs, into _build/html/.

    python3 course.py site            # installs the dev lock into .venv, then runs this file
    python3 course.py site --check    # only check an existing _build/html

Notebooks that `python3 course.py test` has just executed are rendered from that run
(_build/executed/, see conftest.py), so CI executes each notebook once; any other is executed by
Sphinx + MyST-NB with the kernel of this Python (the course's .venv); a cell error fails the build,
except in cells tagged raises-exception. The sources are staged in _build/site-src/
(site/index.md + notebooks/*.ipynb), so nothing is written next to the notebooks. After building, the
site is checked: one page per notebook, each with executed outputs, a figure (<img>) wherever the
notebook draws one, and a Binder launch link to that notebook in JupyterLab.
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
EXECUTED = ROOT / "_build" / "executed"  # written by conftest.py during `python3 course.py test`
BINDER = "https://mybinder.org/v2/gh/"


def notebooks():
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def executed_copy(path):
    """The notebook as the test run executed it (conftest.py), if it is of the stored version."""
    copy = EXECUTED / path.name
    if not copy.exists():
        return None
    nb = json.loads(copy.read_text(encoding="utf-8"))
    recorded = nb.get("metadata", {}).get("brian_labs", {}).get("source_sha256")
    return nb if recorded == hashlib.sha256(path.read_bytes()).hexdigest() else None


def stage():
    """Stage the site's pages and the notebooks in _build/site-src.

    A notebook that `python3 course.py test` executed (and that has not changed since) is staged with
    its outputs and MyST-NB's per-file ``execution_mode: off``, so it is rendered, not run again; any
    other is staged as stored and executed by MyST-NB. Returns the names of the reused notebooks.
    """
    shutil.rmtree(STAGE, ignore_errors=True)
    (STAGE / "notebooks").mkdir(parents=True)
    shutil.copy2(SITE / "index.md", STAGE / "index.md")
    reused = []
    for path in notebooks():
        nb = executed_copy(path)
        if nb is None:
            shutil.copy2(path, STAGE / "notebooks" / path.name)
            continue
        nb["metadata"].setdefault("mystnb", {})["execution_mode"] = "off"
        (STAGE / "notebooks" / path.name).write_text(json.dumps(nb), encoding="utf-8")
        reused.append(path.name)
    print(f"site: {len(reused)} of {len(notebooks())} notebooks rendered from the test run's "
          f"execution ({EXECUTED.relative_to(ROOT)}), the others executed now", flush=True)
    return reused


def build(extra_args=()):
    stage()
    shutil.rmtree(HTML, ignore_errors=True)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(SITE), "-j", "1",
               "-d", str(ROOT / "_build" / "doctrees"), *extra_args, str(STAGE), str(HTML)]
    print("+", " ".join(command), flush=True)
    return subprocess.call(command, cwd=ROOT)


def draws_a_figure(path):
    """Does the notebook (as stored) draw a matplotlib figure outside an explorer?"""
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
        if "lu.about()" in path.read_text(encoding="utf-8") and "codegen target in force" not in html:
            problems.append(f"{path.name}: calls lu.about() but its page shows no version report")
        launch = f"urlpath=lab/tree/notebooks/{path.name}"
        if BINDER not in html or launch not in html:
            problems.append(f"{path.name}: no Binder launch link ({BINDER}...?{launch})")
        if f'href="notebooks/{path.stem}.html"' not in index_html:
            problems.append(f"{path.name}: not linked from index.html")
        print(f"  {page.relative_to(ROOT)}: {outputs} outputs, {images} figures", flush=True)
    return problems


def main(argv):
    started = time.monotonic()
    if "--check" not in argv:
        status = build([a for a in argv if a != "--check"])
        if status != 0:
            print(f"site build FAILED (sphinx exit {status}): see the messages above", file=sys.stderr)
            return status
        print(f"built {len(notebooks())} notebook pages in {time.monotonic() - started:.0f} s", flush=True)
    problems = check()
    if problems:
        print("site check FAILED:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print(f"site OK: {HTML.relative_to(ROOT)}/index.html ({len(notebooks())} notebook pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
