#!/usr/bin/env python3
"""The seed sweep's record: its results in benchmarks/, its reports in docs/seed-sweep.md.

    python3 course.py seed-sweep --record OUT...  # copy each matrix run's OUT/matrix.json to
                                                  # benchmarks/seed-sweep-<target>-brian2-<V>.json
    python3 course.py seed-sweep                  # rewrite the generated section of the page
    python3 course.py seed-sweep --check          # exit 1 if the page is not what the results give

A sweep is a `python3 course.py matrix` run with many seeds on one target under one Brian2
version (the page names the commands). The page has a section per Brian2 version the course
installs (one per lock in requirements/py3.X/): each recorded sweep's `matrix.markdown()`, and
which notebooks' code changed since it ran (their fingerprint, `matrix.fingerprint`, differs), or
"not swept yet". `summary()` is the one-line account that README.md and the instructor's guide
quote (tools/docs.py writes it there).
"""

import argparse
import json
import re
import sys
from pathlib import Path

from tools import markers, matrix

ROOT = Path(__file__).resolve().parents[1]

DOC = ROOT / "docs" / "seed-sweep.md"
RESULTS = ROOT / "benchmarks"
NOTEBOOKS = ROOT / "notebooks"
LOCKS = ROOT / "requirements"
START, END = "<!-- SWEEP:START (tools/seed_sweep.py) -->", "<!-- SWEEP:END -->"
TITLES = {"numpy": "numpy target (no compiler)", "cython": "Cython target"}
# The fields the report and --reuse read (the rest of a matrix result is left out).
KEPT = "kind name seed target fingerprint environment status seconds tests skipped failed reused"


def version_key(version):
    """``"2.10.1"`` as ``(2, 10, 1)``, so that versions sort as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in version.split("."))


def results_path(target, brian2):
    """Where the sweep on ``target`` ("numpy" or "cython") under Brian2 ``brian2`` is recorded."""
    return RESULTS / f"seed-sweep-{target}-brian2-{brian2}.json"


def recorded():
    """``{(brian2 version, target): path}`` of every recorded sweep."""
    found = {}
    for path in RESULTS.glob("seed-sweep-*-brian2-*.json"):
        target, brian2 = re.fullmatch(r"seed-sweep-(\w+)-brian2-(.+)\.json", path.name).groups()
        found[(brian2, target)] = path
    return found


def installed_brian2():
    """``{Brian2 version: ["3.X", ...]}``: each version the locks install, with its Pythons."""
    versions = {}
    for lock in sorted(LOCKS.glob("py3.*/dev.txt"), key=lambda p: version_key(p.parent.name[2:])):
        pinned = re.search(r"^brian2==(\S+)", lock.read_text(encoding="utf-8"), re.M)
        if pinned:
            versions.setdefault(pinned.group(1), []).append(lock.parent.name[2:])
    return dict(sorted(versions.items(), key=lambda item: version_key(item[0])))


def brian2_of(results, source):
    """The one Brian2 version of a run's results (from their environment line)."""
    found = {
        m.group(1)
        for r in results
        if (m := re.search(r"Brian2 ([^,]+)", r.get("environment") or ""))
    }
    if len(found) != 1:
        raise SystemExit(
            f"seed_sweep: {source} ran under Brian2 {sorted(found) or '(not recorded)'}; "
            "one version per sweep"
        )
    return found.pop()


def record(out):
    """Copy the matrix run in folder ``out`` (its matrix.json) into benchmarks/; the path written.

    One target and one Brian2 version per run; only the fields the report and ``--reuse`` read
    are kept, one result per line (readable diffs).
    """
    source = Path(out) / "matrix.json"
    if not source.exists():
        raise SystemExit(f"seed_sweep: no {source} (give the --out folder of a matrix run)")
    run = json.loads(source.read_text())
    if not isinstance(run, dict) or None in run["results"]:
        raise SystemExit(f"seed_sweep: {source} is from an unfinished matrix run")
    targets = {r["target"] for r in run["results"]}
    if len(targets) != 1:
        raise SystemExit(f"seed_sweep: {source} mixes targets {sorted(targets)}; one per sweep")
    brian2 = brian2_of(run["results"], source)
    results = [{k: r[k] for k in KEPT.split() if k in r} for r in run["results"]]
    lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in results)
    command, wall = json.dumps(run["command"]), run["wall_seconds"]
    path = results_path(targets.pop(), brian2)
    text = f'{{"command": {command}, "wall_seconds": {wall}, "results": [\n{lines}\n]}}\n'
    path.write_text(text, encoding="utf-8")
    return path


def shown_command(command, target):
    """The recorded matrix command as the page shows it: its ``--out`` folder the page's own.

    A sweep may write anywhere (a cache disk, a temporary folder); the page names the folder its
    instructions use, ``output/sweep-<target>``, not a path on the machine that ran it.
    """
    return re.sub(r"(--out[ =])\S+", rf"\g<1>output/sweep-{target}", command)


def changed_since(results):
    """The course's notebooks whose code is not the code this sweep ran (or that it did not run).

    A notebook's code is its program, its answer key and labutils (``matrix.fingerprint``, the
    same on every supported Python).
    """
    swept = {}
    for r in results:
        swept.setdefault(r["name"], set()).add(r.get("fingerprint"))
    return [
        path.stem
        for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
        if matrix.fingerprint(path.resolve()) not in swept.get(path.name, set())
    ]


def freshness(results):
    """One line: whether the sweep ran the notebooks' current code."""
    changed = changed_since(results)
    if not changed:
        return "Every notebook's current code is the code this sweep ran (same fingerprints)."
    return (
        f"**Changed since this sweep** ({len(changed)} notebooks: their code, answer key or "
        f"labutils; the sweep does not vouch for their current code): {', '.join(changed)}."
    )


def load(path):
    """A recorded sweep: ``{"command", "wall_seconds", "results"}``."""
    return json.loads(path.read_text(encoding="utf-8"))


def render():
    """The generated section: per Brian2 version, each recorded sweep's report and freshness."""
    runs = recorded()
    parts = [START, ""]
    for brian2, pythons in installed_brian2().items():
        parts += [f"## Brian2 {brian2} (the lock for Python {', '.join(pythons)})", ""]
        targets = [t for t in TITLES if (brian2, t) in runs]
        if not targets:
            parts += ["Not swept yet.", ""]
        for target in targets:
            run = load(runs[(brian2, target)])
            command = shown_command(run["command"], target)
            report = matrix.markdown(run["results"], command, run["wall_seconds"])
            report = report.replace("\n## ", "\n#### ").replace(
                "# Robustness matrix", "### " + TITLES[target]
            )
            parts += [report.rstrip("\n"), "", freshness(run["results"]), ""]
    return "\n".join([*parts, END])


def summary():
    """One line for README.md and the guide: per Brian2 version, seeds, failures and freshness."""
    runs = recorded()
    notebooks = len(list(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")))
    said = []
    for brian2 in installed_brian2():
        swept = []
        for target in [t for t in TITLES if (brian2, t) in runs]:
            results = load(runs[(brian2, target)])["results"]
            seeds = len({r["seed"] for r in results})
            failed = sum(r["status"] != "pass" for r in results)
            changed = len(changed_since(results))
            swept.append(
                f"{seeds} seeds on {target} ("
                + ("no check failed" if not failed else f"{failed} runs failed")
                + (
                    f"; the code of {changed} of {notebooks} notebooks changed since"
                    if changed
                    else ""
                )
                + ")"
            )
        said.append(f"Brian2 {brian2}: " + (", ".join(swept) if swept else "not swept yet"))
    return "; ".join(said)


def main(argv):
    """Record runs and rewrite the page, or with ``--check`` say whether it is up to date."""
    parser = argparse.ArgumentParser(
        prog="python3 course.py seed-sweep", description=__doc__.split("\n")[0]
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--record",
        nargs="+",
        default=[],
        metavar="OUT",
        help="the --out folder of each matrix run",
    )
    action.add_argument("--check", action="store_true", help="only say whether it is up to date")
    args = parser.parse_args(argv)
    for out in args.record:
        print(record(out).relative_to(ROOT))
    page = DOC.read_text(encoding="utf-8")
    updated = markers.rewrite(page, render(), START, END)
    if args.check:
        if updated != page:
            print(f"{DOC.relative_to(ROOT)} is out of date: run python3 course.py seed-sweep")
            return 1
        return 0
    DOC.write_text(updated, encoding="utf-8")
    print(DOC.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
