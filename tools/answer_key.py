#!/usr/bin/env python3
"""Write the answer key, labutils/answers/<notebook>.json, from the instructor's notebooks.

    python3 tools/answer_key.py [NOTEBOOK ...]     # names like 03 or 03_poisson_excitatory;
                                                   # default: every notebook in notebooks/

Runs each notebook top to bottom (solutions included) with labutils' recording mode on: every
``lu.check_answer(name, value, ...)`` without an ``expected`` value stores the solution's value
instead of checking it. The key keeps, per answer, its kind, units, shape, precision and a salted
SHA-256 digest of the rounded value, never the value. An answer checked with
``namespace=globals()`` (one computed from the notebook's random data) keeps its solution cell's
code, base64-encoded, and is recomputed from the student's own data when checked. Neither is secret
(see labutils.exercises). Run it after changing a solution or the precision a check asks for; the
instructor notebooks' own checks (CI) fail until the key matches.
"""

import ast
import base64
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from labutils.exercises import RECORD_VARIABLE, _digest
from tools import student_edition  # one notebook selector for every tool

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ANSWERS = ROOT / "labutils" / "answers"


def assigned_names(source):
    """Top-level names a cell assigns."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else ([node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
        )
        for target in targets:
            names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def solution_source(nb, name):
    """Source of the last solution cell that assigns ``name``."""
    sources = [
        c.source
        for c in nb.cells
        if c.cell_type == "code"
        and "solution" in c.metadata.get("tags", [])
        and name in assigned_names(c.source)
    ]
    if not sources:
        raise SystemExit(
            f"{name!r} is checked with namespace=globals() but no solution cell assigns it"
        )
    return sources[-1]


def key_from_records(nb, records, old_key):
    """The answer key entries of a notebook's recorded solutions."""
    key = {}
    for name, record in sorted(records.items()):
        entry = {k: record[k] for k in ("kind", "unit", "shape", "sig")}
        if record["kind"] == "recompute":
            entry["code"] = base64.b64encode(solution_source(nb, name).encode()).decode()
        else:
            old = old_key.get(name, {})
            salt = old.get("salt")
            if not salt or _digest(salt, name, record["text"]) != old.get("digest"):
                salt = secrets.token_hex(8)  # a new value: a new salt
            entry["salt"], entry["digest"] = salt, _digest(salt, name, record["text"])
        key[name] = entry
    return key


def record_notebook(path):
    """Run one notebook in recording mode and write its key; returns the number of answers."""
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        record_file = Path(tmp) / "records.json"
        os.environ[RECORD_VARIABLE] = str(record_file)
        try:
            NotebookClient(
                nb,
                timeout=900,
                kernel_name="python3",
                resources={"metadata": {"path": str(NOTEBOOKS)}},
            ).execute()
        finally:
            del os.environ[RECORD_VARIABLE]
        records = json.loads(record_file.read_text()) if record_file.exists() else {}
    out = ANSWERS / f"{path.stem}.json"
    if not records:
        out.unlink(missing_ok=True)
        return 0
    old_key = json.loads(out.read_text()) if out.exists() else {}
    ANSWERS.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(key_from_records(nb, records, old_key), indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    return len(records)


def main(argv=None):
    """Record the answer key of the given notebooks (all if none); the exit status."""
    for path in student_edition.select(sys.argv[1:] if argv is None else argv):
        count = record_notebook(path)
        print(f"{path.stem}: {count} answers recorded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
