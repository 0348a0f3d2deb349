#!/usr/bin/env python3
"""Write the student edition of the course from the instructor's notebooks in notebooks/.

    python3 course.py student [--out DIR] [NOTEBOOK ...]   # default: student/, all

The student edition is nbgrader's release of the course (tools/nbgrader_export.py): the same
notebooks without the cells tagged `solution` (worked solutions, answer paragraphs and the checks
that would give an answer away), with nbgrader's grading metadata on the exercise, check and answer
cells, so a notebook a student hands in by any route can be graded. Exercise cells keep their `...`
placeholders (and end in `# YOUR CODE HERE`); check cells stay, collapsed (`jupyter.source_hidden`)
and locked, and the check right after each exercise is tagged `raises-exception`: run before the
exercise is answered it ends in a one-line "not answered yet" message, which nbval accepts. Links
between notebooks stay within the edition (they are relative and the file names are the same).

Students work in this folder, so regenerating never destroys their work: the folder's
`.edition.json` records the hash of every notebook as written. A notebook whose content still has
that hash is replaced; one that a student has changed (edited, or saved with outputs) is kept, and
the new version is written beside it as `NN_name.new.ipynb`, with a line saying so.
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

from tools import nbgrader_export
from tools.course_notebooks import check_out_dir, notebook_text, select

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "student"
MANIFEST = ".edition.json"


is_heading = nbgrader_export.is_heading


def student_notebook(nb, name):
    """The student's copy of the notebook dict ``name`` (its file name): nbgrader's release of it.

    No solutions, answer paragraphs, model answers or rubrics; every check collapsed and locked,
    each exercise's checks tagged `raises-exception` (they end in "not answered yet"); the cells
    carry nbgrader's grading metadata, so that whatever a student hands in can be graded
    (tools/nbgrader_export.py). Its Colab badge opens student/``name``.
    """
    stem = Path(name).stem
    return nbgrader_export.release_notebook(nbgrader_export.nbgrader_notebook(nb, stem)[0])


def digest(text):
    """The SHA-256 hex digest of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_edition(out_dir, paths, log=print):
    """Write the student versions of ``paths`` into ``out_dir``.

    Returns {name: what happened} with 'written', 'replaced', 'unchanged', 'kept' (a student's
    edited file, with a new version written beside it) or 'yours' (an edited file with no new
    version since it was written).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    outcome = {}
    for path in paths:
        text = notebook_text(
            student_notebook(json.loads(path.read_text(encoding="utf-8")), path.name)
        )
        target = out_dir / path.name
        if not target.exists():
            outcome[path.name] = "written"
        else:
            current = digest(target.read_text(encoding="utf-8"))
            if current == digest(text):
                outcome[path.name] = "unchanged"
            elif current == manifest.get(path.name):
                outcome[path.name] = "replaced"
            elif digest(text) == manifest.get(path.name):
                outcome[path.name] = "yours"  # edited by the student; no new version since
            else:
                outcome[path.name] = "kept"
        if outcome[path.name] == "kept":
            beside = target.with_suffix(".new.ipynb")
            beside.write_text(text, encoding="utf-8")
            log(f"kept your edited {target.name}; the new version is {beside.name}")
            continue
        if outcome[path.name] == "yours":
            continue
        if outcome[path.name] != "unchanged":
            target.write_text(text, encoding="utf-8")
        manifest[path.name] = digest(text)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    counts = {k: sum(v == k for v in outcome.values()) for k in ("written", "replaced", "kept")}
    log(
        f"student edition in {out_dir}: {counts['written']} written, {counts['replaced']} "
        f"updated, {counts['kept']} kept because you edited them"
    )
    return outcome


def main(argv=None):
    """Write the student edition of the chosen notebooks; the exit status."""
    parser = argparse.ArgumentParser(
        prog="python3 course.py student", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--out", default=str(DEFAULT_OUT), help="edition folder (default: student/)"
    )
    parser.add_argument("notebooks", nargs="*", help="notebook names, e.g. 03 (default: all)")
    args = parser.parse_args(argv)
    write_edition(check_out_dir(args.out), select(args.notebooks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
