#!/usr/bin/env python3
"""The seed sweep's record: its results in benchmarks/, its reports in docs/seed-sweep.md.

    python3 tools/seed_sweep.py --record OUT...  # copy each matrix run's OUT/matrix.json to
                                                 # benchmarks/seed-sweep-<target>.json; rewrite
    python3 tools/seed_sweep.py                  # rewrite the generated section of the page
    python3 tools/seed_sweep.py --check          # exit 1 if the page is not what the results give

A sweep is a `tools/matrix.py` run with many seeds on one target (the page names the commands).
The page's section between the SWEEP markers is `matrix.markdown()` of each recorded run, numpy
first, with its headings moved one level down.
"""

import json
import sys
from pathlib import Path

from tools import markers, matrix

ROOT = Path(__file__).resolve().parents[1]

DOC = ROOT / "docs" / "seed-sweep.md"
RESULTS = ROOT / "benchmarks"
START, END = "<!-- SWEEP:START (tools/seed_sweep.py) -->", "<!-- SWEEP:END -->"
TITLES = {"numpy": "numpy target (no compiler)", "cython": "Cython target"}
# The fields the report and --reuse read (the rest of a matrix result is left out).
KEPT = "kind name seed target fingerprint environment status seconds tests skipped failed reused"


def results_path(target):
    """Where the sweep on ``target`` ("numpy" or "cython") is recorded."""
    return RESULTS / f"seed-sweep-{target}.json"


def record(out):
    """Copy the matrix run in folder ``out`` (its matrix.json) into benchmarks/; the path written.

    One target per run; only the fields the report and ``--reuse`` read are kept, one result per
    line (readable diffs).
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
    results = [{k: r[k] for k in KEPT.split() if k in r} for r in run["results"]]
    lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in results)
    command, wall = json.dumps(run["command"]), run["wall_seconds"]
    path = results_path(targets.pop())
    text = f'{{"command": {command}, "wall_seconds": {wall}, "results": [\n{lines}\n]}}\n'
    path.write_text(text, encoding="utf-8")
    return path


def render():
    """The generated section: each recorded sweep's matrix report, headings one level down."""
    parts = []
    for target, title in TITLES.items():
        path = results_path(target)
        if path.exists():
            run = json.loads(path.read_text(encoding="utf-8"))
            report = matrix.markdown(run["results"], run["command"], run["wall_seconds"])
            report = report.replace("\n## ", "\n### ").replace(
                "# Robustness matrix", "## " + title
            )
            parts.append(report)
    return "\n".join([START, "", *parts, END])


def main(argv):
    """Record runs and rewrite the page, or with ``--check`` say whether it is up to date."""
    if argv[:1] == ["--record"]:
        if len(argv) < 2:
            raise SystemExit("seed_sweep: --record needs the --out folder of each matrix run")
        for out in argv[1:]:
            print(record(out).relative_to(ROOT))
    page = DOC.read_text(encoding="utf-8")
    updated = markers.rewrite(page, render(), START, END)
    if argv == ["--check"]:
        if updated != page:
            print(f"{DOC.relative_to(ROOT)} is out of date: run python3 tools/seed_sweep.py")
            return 1
        return 0
    DOC.write_text(updated, encoding="utf-8")
    print(DOC.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
