"""The course on Google Colab: the "Open in Colab" badges and the cell that sets Colab up.

    python3 course.py colab-cells           # write both cells into every notebook and the badge
                                            # column into the README's notebook table
    python3 course.py colab-cells --check   # exit 1 if a notebook or the README is not up to date

This module is the one place they are written. Every notebook gets, right under its title, a
markdown cell with the badge (``id`` and tag ``colab-badge``; the student edition's, written by
tools/student_edition.py, opens the student notebook), and, right before its first code cell, the
setup cell (``id`` and tag ``colab-setup``). On Colab (``google.colab`` imported or importable) the
setup cell pip-installs the course's package (labutils with its answer keys, and Brian2) from the
repository, with a constraint file pinning every installed package at its installed version, so
Colab's numpy, IPython, ipywidgets, matplotlib and Jupyter packages stay as they are; it says in
one line what it did. Anywhere else it does nothing and prints nothing. The environment variable
``BRIAN_LABS_COLAB_SOURCE`` replaces the repository's URL (the Colab-like test installs the local
checkout: tools/colab_runtime.py). Running this again updates the cells in place (same ids).
"""

import argparse
import json
import re
import sys
from pathlib import Path

from tools import clean_notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"

REPOSITORY = "brian-labs/brian-labs"  # on GitHub; the README's Binder badge names the same
BRANCH = "main"
SOURCE = f"git+https://github.com/{REPOSITORY}@{BRANCH}"  # what the setup cell installs on Colab
SOURCE_VARIABLE = "BRIAN_LABS_COLAB_SOURCE"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_ID = "colab-badge"
SETUP_ID = "colab-setup"
EDITIONS = {"instructor": "notebooks", "student": "student"}  # edition -> folder in the repository

SETUP_CELL = f'''\
# On Google Colab this cell installs Brian2 and the course's helpers (labutils) from the course's
# repository, keeping every package Colab already has at its version. Elsewhere it does nothing.
import importlib.util
import sys

if "google.colab" in sys.modules or (
    importlib.util.find_spec("google") and importlib.util.find_spec("google.colab")
):
    import os
    import subprocess
    import tempfile
    import time
    from importlib import metadata

    start = time.perf_counter()
    installed = {{}}  # name -> version of what Python imports (the first one Python finds)
    for dist in metadata.distributions():
        if dist.name:
            installed.setdefault(dist.name.lower(), dist.version)
    if "brian-labs" not in installed:
        default = "{SOURCE}"
        source = os.environ.get("{SOURCE_VARIABLE}", default)  # tests: a local copy
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as pins:
            pins.writelines(f"{{name}}=={{version}}\\n" for name, version in installed.items())
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-build-isolation"]
        command += ["--constraint", pins.name, f"brian-labs @ {{source}}"]
        pip = subprocess.run(command, capture_output=True, text=True)
        if pip.returncode != 0:
            raise RuntimeError(f"installing the course failed:\\n{{pip.stdout}}{{pip.stderr}}")
        importlib.invalidate_caches()
    print(
        f"Colab: Brian2 {{metadata.version('brian2')}} and labutils "
        f"{{metadata.version('brian-labs')}} ready in {{time.perf_counter() - start:.0f}} s; "
        "Colab's own packages unchanged."
    )
'''


def colab_url(path):
    """The Colab URL that opens ``path`` (a notebook's path in the repository) from GitHub."""
    path = Path(path).as_posix()
    if not re.fullmatch(r"[\w./-]+\.ipynb", path) or path.startswith(("/", "../")):
        raise ValueError(f"not a notebook path inside the repository: {path!r}")
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/{path}"


def badge(path):
    """The "Open in Colab" badge (markdown) for the notebook at ``path`` in the repository."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(path)})"


def badge_source(name, edition):
    """The badge cell's text for the notebook file ``name`` in ``edition`` (instructor/student)."""
    path = f"{EDITIONS[edition]}/{name}"
    return (
        f"{badge(path)}\n"
        "(Google Colab: nothing to install; run the cells from the top, the first code cell "
        "sets the runtime up.)"
    )


def _cell(cell_id, cell_type, source):
    cell = {"cell_type": cell_type, "id": cell_id, "metadata": {"tags": [cell_id]}, "source": []}
    if cell_type == "code":
        cell.update(execution_count=None, outputs=[])
    cell["source"] = source.rstrip("\n").splitlines(keepends=True)
    return cell


def with_colab_cells(nb, name, edition="instructor"):
    """A copy of the notebook dict ``nb`` (file ``name``) with both Colab cells up to date.

    The badge cell comes right after the first cell (the title; tools read the header there),
    the setup cell right before the first other code cell; cells already there (found by id)
    are updated in place.
    """
    nb = json.loads(json.dumps(nb))
    cells = [c for c in nb["cells"] if c.get("id") not in (BADGE_ID, SETUP_ID)]
    first_code = next((i for i, c in enumerate(cells) if c["cell_type"] == "code"), len(cells))
    cells.insert(first_code, _cell(SETUP_ID, "code", SETUP_CELL))
    cells.insert(1, _cell(BADGE_ID, "markdown", badge_source(name, edition)))  # under the title
    nb["cells"] = cells
    return nb


def student_badge(nb, name):
    """The student edition's copy of ``nb``: its badge cell opens student/``name``."""
    for cell in nb["cells"]:
        if cell.get("id") == BADGE_ID:
            cell["source"] = badge_source(name, "student").splitlines(keepends=True)
    return nb


# The README's notebook table: each row links notebooks/NN_name.ipynb; a last column holds the
# badge of the student edition (what students open), written here.
README_HEADER = "| Colab |"
ROW = re.compile(r"^\|.*\]\(notebooks/(\d\d_\w+\.ipynb)\)")


def readme_with_badges(text):
    """The README text with a Colab column in its notebook table (student edition badges)."""
    lines = text.split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("| # | notebook |"))
    has_column = lines[header].rstrip().endswith(README_HEADER)
    for i, line in enumerate(lines):
        match = ROW.match(line)
        if i in (header, header + 1) or match:
            line = _drop_last_column(line) if has_column else line.rstrip()
            added = {header: " Colab |", header + 1: "---|"}.get(i)
            lines[i] = line + (added or f" {badge('student/' + match.group(1))} |")
    return "\n".join(lines)


def _drop_last_column(line):
    line = line.rstrip()[:-1]  # the closing "|"; a badge holds no "|"
    return line[: line.rfind("|") + 1]


def update(check=False, log=print):
    """Write the Colab cells into every notebook and the badges into the README.

    With ``check``, write nothing; returns the paths that are (or were) out of date.
    """
    stale = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        text = path.read_text(encoding="utf-8")
        new = clean_notebooks.dumps(with_colab_cells(json.loads(text), path.name))
        if new != text:
            stale.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
    text = README.read_text(encoding="utf-8")
    new = readme_with_badges(text)
    if new != text:
        stale.append(README)
        if not check:
            README.write_text(new, encoding="utf-8")
    names = ", ".join(p.relative_to(ROOT).as_posix() for p in stale) or "nothing"
    log(f"Colab cells and badges {'out of date' if check else 'written'}: {names}")
    return stale


def main(argv=None):
    """Update the Colab cells and badges (or ``--check`` them); the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report what is out of date")
    args = parser.parse_args(argv)
    stale = update(check=args.check)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
