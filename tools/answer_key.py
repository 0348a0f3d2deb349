#!/usr/bin/env python3
"""Write the answer key, labutils/answers/<notebook>.json, from the instructor's notebooks.

    python3 course.py answer-key [NOTEBOOK ...]    # names like 03 or 03_poisson_excitatory;
                                                   # default: every notebook in notebooks/

Runs each notebook top to bottom (solutions included) with the recorder of this module in place of
labutils' key lookup (a first cell calls :func:`start_recording` in the kernel): every
``lu.check_answer(name, value, ...)`` without an ``expected`` value stores the solution's value
instead of checking it. The key keeps, per answer, its kind, units, shape, precision and a salted
SHA-256 digest of the rounded value, never the value. An answer checked with
``namespace=globals()`` (one computed from the notebook's random data) keeps its solution cell's
code, base64-encoded, and is recomputed from the student's own data when checked. Neither is secret
(see labutils.exercises). Run it after changing a solution or the precision a check asks for; the
instructor notebooks' own checks (CI) fail until the key matches.
"""

import argparse
import ast
import base64
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path

import nbformat
import numpy as np

from labutils import exercises
from labutils.exercises import _canonical, _digest
from tools import student_edition  # one notebook selector for every tool
from tools.notebook_client import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ANSWERS = ROOT / "labutils" / "answers"


def record_answer(path, name, answer, sig, recompute):
    """Store the normalised solution ``answer`` of ``name`` in the JSON file ``path``.

    ``recompute``: the answer comes from the notebook's random data (``namespace=globals()``), so
    the key keeps the solution's code instead of a digest. Refuses a value on a rounding edge at
    ``sig`` significant figures, whose check would reject right answers.
    """
    kind, unit, shape, text = _canonical(name, answer, sig, None)
    if kind == "number" and sig is not None and not recompute:
        for nudge in (1 - 1e-6, 1 + 1e-6):
            nudged = _canonical(name, np.asarray(answer, dtype=float) * nudge, sig, None)[3]
            if nudged.split(":", 1)[1] != text.split(":", 1)[1]:
                raise ValueError(
                    f"{name} = {answer!r} lies on a rounding edge at sig={sig}: "
                    "ask for another number of significant figures"
                )
    path = Path(path)
    records = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    records[name] = {
        "kind": "recompute" if recompute else kind,
        "unit": unit,
        "shape": shape,
        "sig": sig,
        "text": text,
    }
    path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    print(f"{name}: recorded")


def start_recording(path):
    """From now on, in this process, ``lu.check_answer`` against the key records into ``path``.

    Replaces labutils' one key-lookup function; run in the kernel of the notebook being recorded.
    """

    def recorder(name, answer, sig, hint, namespace):
        record_answer(path, name, answer, sig, namespace is not None)

    exercises._check_against_key = recorder


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
        recording = nbformat.v4.new_code_cell(
            f"from tools.answer_key import start_recording\nstart_recording({str(record_file)!r})"
        )
        run = nbformat.from_dict(dict(nb, cells=[recording, *nb.cells]))
        path_for_tools = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
        NotebookClient(
            run,
            timeout=900,
            kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOKS)}},
        ).execute(env={**os.environ, "PYTHONPATH": path_for_tools})
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
    parser = argparse.ArgumentParser(
        prog="python3 course.py answer-key", description=__doc__.split("\n")[0]
    )
    parser.add_argument("notebooks", nargs="*", help="notebook names, e.g. 03 (default: all)")
    for path in student_edition.select(parser.parse_args(argv).notebooks):
        count = record_notebook(path)
        print(f"{path.stem}: {count} answers recorded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
