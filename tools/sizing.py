#!/usr/bin/env python3
"""Write the sizing tables of docs/serving-a-class.md from benchmarks/classroom.json.

    python3 tools/sizing.py            # rewrite the generated section of docs/serving-a-class.md
    python3 tools/sizing.py --check    # exit 1 if the section is not what the json gives

The section between the SIZING markers holds the measured table (one row per class size and cache)
and the cores and memory for 25, 100 and 500 students under "live demo" and "lab" load, computed
from the measured CPU seconds per slider move and per Run All and the measured memory per student
with the assumptions below (printed with the table).
"""

import json
import math
import statistics
import sys
from pathlib import Path

from tools import markers

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "classroom.json"
DOC = ROOT / "docs" / "serving-a-class.md"
START, END = "<!-- SIZING:START (tools/sizing.py) -->", "<!-- SIZING:END -->"
CLASS_SIZES = [25, 100, 500]

# Assumptions of the sizing (printed in the document with the table).
DEMO_FIGURE_S = 2.0  # live demo: everyone releases a slider at once; the last figure within
DEMO_RUN_ALL_S = 60.0  # live demo: everyone starts a server and runs all at once; done within
LAB_MOVE_EVERY_S = 20.0  # lab: each student releases a slider every 20 s on average ...
LAB_RUN_ALL_EVERY_S = 600.0  # ... and runs a notebook top to bottom every 10 minutes
LAB_UTILISATION = 0.7  # lab: keep the cores at most 70 % busy on average (queues stay short)
HUB_MB = 512  # hub + proxy (measured below) with room to spare
OS_CORES = 1  # one core left for the hub, proxy and the system


def healthy(run):
    """The run's records without a fault or an error."""
    return [r for r in run["records"] if r["fault"] is None and not r["errors"]]


def median_of(records, key):
    """The median of ``key`` over the records that have it, or None."""
    values = [r[key] for r in records if r.get(key) is not None]
    return statistics.median(values) if values else None


def measured_rows(results):
    """One dict per run: the figures of the measured table."""
    rows = []
    for run in results["runs"]:
        s = run["summary"]
        rows.append(
            dict(
                students=run["students"],
                cache=run["cache"],
                lab=(s["lab_latency_median_s"], s["lab_latency_p90_s"]),
                demo=(s["demo_latency_median_s"], s["demo_latency_p90_s"]),
                run_all=(s["run_all_median_s"], s["run_all_max_s"]),
                mb=s["rss_per_student_median_mb"],
                moves=(s["lab_moves"], s["demo_moves"]),
                errors=sum(len(r["errors"]) for r in run["records"] if r["fault"] is None),
                faulty=len(run["records"]) - s["healthy_students"],
            )
        )
    return rows


def costs(results, cache):
    """Per-student costs from the largest class measured with ``cache``.

    Kernel CPU seconds per slider move and per Run All, MB for server + kernel, MB peak while an
    explorer compiles.
    """
    runs = [run for run in results["runs"] if run["cache"] == cache and healthy(run)]
    if not runs:
        return None
    run = max(runs, key=lambda r: r["students"])
    records = healthy(run)
    moves = [
        r[k]
        for r in records
        for k in ("lab_cpu_per_move_s", "demo_cpu_per_move_s")
        if r.get(k) is not None
    ]
    return dict(
        students=run["students"],
        cpu_move_s=statistics.median(moves),
        cpu_run_all_s=median_of(records, "run_all_kernel_cpu_s"),
        cpu_server_s=median_of(records, "server_cpu_s"),
        mb=statistics.median(r["peak_server_rss_mb"] + r["peak_kernel_rss_mb"] for r in records),
        peak_mb=statistics.median(r["peak_tree_rss_mb"] for r in records),
        hub_mb=run["hub_and_proxy_rss_mb"],
    )


def sizing(c, students):
    """Cores and GB for ``students`` under live-demo and lab load, from per-student costs ``c``."""
    demo_cores = max(
        students * c["cpu_move_s"] / DEMO_FIGURE_S,
        students * (c["cpu_server_s"] + c["cpu_run_all_s"]) / DEMO_RUN_ALL_S,
    )
    lab_cores = (
        students
        * (c["cpu_move_s"] / LAB_MOVE_EVERY_S + c["cpu_run_all_s"] / LAB_RUN_ALL_EVERY_S)
        / LAB_UTILISATION
    )
    return dict(
        demo_cores=math.ceil(demo_cores) + OS_CORES,
        lab_cores=math.ceil(lab_cores) + OS_CORES,
        # live demo: everyone's Run All at once, so everyone at the compile peak; lab: one kernel
        demo_gb=math.ceil((students * c["peak_mb"] + HUB_MB) / 1024),
        lab_gb=math.ceil((students * c["mb"] + HUB_MB) / 1024),
    )


def students_per_core(c):
    """Students one core serves under each load (the inverse of the per-student cores above)."""
    return dict(
        lab=LAB_UTILISATION
        / (c["cpu_move_s"] / LAB_MOVE_EVERY_S + c["cpu_run_all_s"] / LAB_RUN_ALL_EVERY_S),
        demo_sliders=DEMO_FIGURE_S / c["cpu_move_s"],
        demo_start=DEMO_RUN_ALL_S / (c["cpu_server_s"] + c["cpu_run_all_s"]),
    )


def fmt(value, digits=2):
    """``value`` with ``digits`` decimals, or a dash for a missing value."""
    return "–" if value is None else f"{value:.{digits}f}"


def render(results):
    """The generated section of the sizing document, from the results."""
    lines = [
        START,
        "",
        f"Measured by `{results['command']}` on {results['started_utc']} "
        f"({results['machine']['cpus']} cores, {results['machine']['memory_gb']:.0f} GB; "
        f"load at the start `{results['machine']['uptime_start']}`, at the end "
        f"`{results['machine']['uptime_end']}`), notebook "
        f"`{results['settings']['notebook']}`, {results['settings']['moves']} lab moves "
        f"(think-time {results['settings']['think_time_s'][0]:.0f}–"
        f"{results['settings']['think_time_s'][1]:.0f} s) and "
        f"{results['settings']['demo_moves']} live-demo moves per student. Latencies in "
        "seconds from a slider release to the new figure; Run All in seconds (median / "
        "slowest); MB per student is the peak RSS of their server plus their kernel "
        "(median). "
        "Faulty students are left out of the figures; errors counts the others' errors.",
        "",
        "| N | cache | lab latency median / p90 | live-demo latency median / p90 "
        "| moves lab / demo | Run All median / max | MB per student | errors (others) "
        "| faulty |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in measured_rows(results):
        lines.append(
            f"| {row['students']} | {row['cache']} | {fmt(row['lab'][0])} / {fmt(row['lab'][1])} "
            f"| {fmt(row['demo'][0])} / {fmt(row['demo'][1])} "
            f"| {row['moves'][0]} / {row['moves'][1]} "
            f"| {fmt(row['run_all'][0], 1)} / {fmt(row['run_all'][1], 1)} "
            f"| {fmt(row['mb'], 0)} | {row['errors']} | {row['faulty']} |"
        )
    listening = sum(run["listeners"]["listening"] for run in results["runs"])
    exposed = [x for run in results["runs"] for x in run["listeners"]["exposed"]]
    lines += [
        "",
        f"Listening sockets of the hubs, proxies, servers and kernels, checked at the "
        f"end of each class: {listening}, of which not on a loopback address: "
        f"{len(exposed)}{' (' + ', '.join(exposed) + ')' if exposed else ''}.",
    ]
    skipped = results.get("skipped_for_time") or []
    if skipped:
        lines += [
            "",
            "Not measured (time budget): "
            + ", ".join(f"N = {s['students']} ({s['cache']})" for s in skipped)
            + ".",
        ]
    faults = [
        (run, name, fault)
        for run in results["runs"]
        for name, fault in run["summary"]["faults"].items()
    ]
    if faults:
        lines += ["", "What the faulty students saw (the others' errors are in the table):", ""]
    for run, name, fault in faults:
        seen = "; ".join(e["message"] for e in fault["errors"]) or "no error"
        lines.append(
            f"- N = {run['students']}, {run['cache']} cache, {fault['fault']}: "
            f"{name} saw: {seen[:300]}"
        )
    for cache in ("cold", "prebuilt"):
        c = costs(results, cache)
        if c is None:
            continue
        lines += [
            "",
            f"**Sizing, {cache} cache** (per-student costs from the N = {c['students']} "
            f"run: {c['cpu_move_s']:.2f} s of CPU per slider move, "
            f"{c['cpu_run_all_s']:.1f} s per Run All, {c['cpu_server_s']:.1f} s for the "
            f"server (start, pull, save, messages), {c['mb']:.0f} MB with one notebook "
            f"open, {c['peak_mb']:.0f} MB at the Run All peak; hub and proxy "
            f"{c['hub_mb']:.0f} MB):",
            "",
            "| students | live demo: cores | live demo: memory | lab: cores | lab: memory |",
            "|---|---|---|---|---|",
        ]
        for students in CLASS_SIZES:
            s = sizing(c, students)
            lines.append(
                f"| {students} | {s['demo_cores']} | {s['demo_gb']} GB "
                f"| {s['lab_cores']} | {s['lab_gb']} GB |"
            )
        per_core = students_per_core(c)
        lines += [
            "",
            f"One core serves about {per_core['lab']:.0f} students in a lab, "
            f"{per_core['demo_sliders']:.0f} in a live demo of the sliders and "
            f"{per_core['demo_start']:.0f} when everyone starts and runs a notebook at "
            "once (before the cores kept for the system).",
        ]
    lines += [
        "",
        "Assumptions: *live demo*: everyone releases a slider at the same moment and "
        "the "
        f"last figure arrives within {DEMO_FIGURE_S:.0f} s, and everyone starting their "
        f"server and pressing Run All at once is done within {DEMO_RUN_ALL_S:.0f} s (the "
        "larger of the two sets the cores); "
        f"*lab*: each student moves a slider every {LAB_MOVE_EVERY_S:.0f} s and runs a "
        f"notebook every {LAB_RUN_ALL_EVERY_S / 60:.0f} minutes on average, cores at most "
        f"{LAB_UTILISATION:.0%} busy. Both: one notebook kernel per student, "
        f"{OS_CORES} core and {HUB_MB} MB for the hub, proxy and system; CPU seconds are "
        "the kernel's own, measured while the machine was shared (a quieter machine is "
        "faster, not slower). Memory adds RSS, so shared libraries are counted per student.",
        "",
        END,
    ]
    return "\n".join(lines)


def main(argv):
    """Rewrite the sizing tables, or with ``--check`` report whether they are up to date."""
    section = render(json.loads(RESULTS.read_text()))
    text = DOC.read_text()
    updated = markers.rewrite(text, section, START, END)
    if "--check" in argv:
        if updated != text:
            print(f"{DOC.relative_to(ROOT)} is out of date: run python3 tools/sizing.py")
            return 1
        return 0
    DOC.write_text(updated)
    print(DOC.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
