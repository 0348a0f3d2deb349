"""The command line: one fresh hub per class size, every student at once, the results file.

    python3 course.py classroom --students 1,5,10,20 --prebuilt 5,20

writes benchmarks/classroom.json (``--out`` for another file).
"""

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

import psutil

import benchmarks.classroom
from benchmarks.classroom import OUT, ROOT, now
from benchmarks.classroom.hub import Hub, exit_on_sigterm, non_loopback_listeners
from benchmarks.classroom.report import summarise, uptime
from benchmarks.classroom.sampler import Sampler
from benchmarks.classroom.student import STUDENT_TIMEOUT_S, Student

NOTEBOOKS = {"03": "notebooks/03_poisson_excitatory.ipynb", "05": "notebooks/05_balanced_ei.ipynb"}
# The prebuilt cache's fixed path, as in the image (deploy/Dockerfile). Brian2's makefiles name the
# cache by its absolute path, so a copy elsewhere would recompile; each student's server runs in a
# private mount namespace (as a container would) where their own copy is bind-mounted here.
IMAGE_CACHE = OUT / "image-cache"


def prebuilt_cache(notebook):
    """Run the notebook once with its cache at IMAGE_CACHE (what the image's build does)."""
    if (IMAGE_CACHE / "standalone").exists():
        return IMAGE_CACHE
    import nbformat

    from tools.notebook_client import NotebookClient

    nb = nbformat.read(ROOT / notebook, as_version=4)
    os.environ["BRIAN_LABS_CACHE_DIR"] = str(IMAGE_CACHE)
    try:
        NotebookClient(
            nb,
            timeout=600,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(ROOT / "notebooks")}},
        ).execute()
    finally:
        del os.environ["BRIAN_LABS_CACHE_DIR"]
    return IMAGE_CACHE


def run_class(count, args, cache, deadline):
    """Run a class of ``count`` students on a fresh hub; the run's record."""
    faults = {}
    if count >= 2:
        for i, fault in enumerate(args.faults):
            faults[f"student{count - 1 - i:02d}"] = fault
    notebook = NOTEBOOKS[args.notebook]
    template = prebuilt_cache(notebook) if cache == "prebuilt" else None
    full_disk = next((n for n, f in faults.items() if f == "full-disk"), None)
    load_before = os.getloadavg()
    with Hub(cache_template=template, full_disk_user=full_disk) as hub:
        names = [f"student{i:02d}" for i in range(count)]
        for name in names:
            hub.prepare_home(name)
        demo_group = [n for n in names if faults.get(n) is None]
        barrier = threading.Barrier(len(demo_group)) if demo_group else None
        students = [
            Student(
                hub,
                name,
                notebook,
                args.moves,
                args.demo_moves,
                barrier if name in demo_group else None,
                rng_seed=args.seed + i,
                fault=faults.get(name),
            )
            for i, name in enumerate(names)
        ]
        for student in students:
            if student.barrier is None:
                student.demo_moves = 0
        sampler = Sampler(students, now() + STUDENT_TIMEOUT_S + 60)
        sampler.start()
        start = now()
        threads = [threading.Thread(target=s.run, name=s.name, daemon=True) for s in students]
        for thread in threads:
            thread.start()
        stop_at = min(start + STUDENT_TIMEOUT_S, deadline)
        for thread in threads:
            thread.join(timeout=max(1, stop_at - now()))
        for student, thread in zip(students, threads, strict=True):
            if thread.is_alive():
                student.error(
                    "session",
                    f"still running after {stop_at - start:.0f} s (stopped with the hub)",
                )
        sampler.stop.set()
        sampler.join(timeout=10)
        exposed = non_loopback_listeners(hub)
        wall = now() - start
        hub_rss = (
            sum(
                p.memory_info().rss
                for p in [
                    psutil.Process(hub.process.pid),
                    *psutil.Process(hub.process.pid).children(recursive=True),
                ]
                if p.pid not in [s.record["server_pid"] for s in students]
                and not any(p.pid in s.record["kernel_pids"] for s in students)
            )
            / 2**20
        )
    records = [s.record for s in students]
    return dict(
        students=count,
        cache=cache,
        notebook=notebook,
        wall_s=wall,
        load_average_before=load_before,
        load_average_after=os.getloadavg(),
        memory_used_increase_mb=(sampler.peak_used - sampler.baseline_used) / 2**20,
        hub_and_proxy_rss_mb=hub_rss,
        listeners=exposed,
        summary=summarise(records),
        records=records,
    )


def main(argv=None):
    """Run the class sizes asked for and write the results; the exit status."""
    parser = argparse.ArgumentParser(
        prog="course.py classroom", description=benchmarks.classroom.__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--students",
        default="1,5,10,20",
        help="comma-separated class sizes, each run on a fresh hub",
    )
    parser.add_argument("--notebook", choices=sorted(NOTEBOOKS), default="03")
    parser.add_argument("--moves", type=int, default=10, help="lab-mode slider moves per student")
    parser.add_argument(
        "--demo-moves", type=int, default=5, help="live-demo slider moves (all students at once)"
    )
    parser.add_argument(
        "--prebuilt",
        default="",
        help="class sizes to measure again with the prebuilt cache, e.g. 5,20",
    )
    parser.add_argument(
        "--faults",
        default="kill-kernel,full-disk",
        help="faults for the last students of each class of >= 2 ('' for none)",
    )
    parser.add_argument("--seed", type=int, default=2718, help="think-times and slider values")
    parser.add_argument(
        "--budget-min",
        type=float,
        default=20,
        help="stop (and skip the remaining class sizes) after this many minutes",
    )
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "classroom.json"))
    args = parser.parse_args(argv)
    args.faults = [f for f in args.faults.split(",") if f]
    unknown = set(args.faults) - {"kill-kernel", "full-disk"}
    if unknown:
        parser.error(f"unknown fault(s): {', '.join(sorted(unknown))}")
    sizes = [int(n) for n in args.students.split(",")]
    prebuilt = [int(n) for n in args.prebuilt.split(",") if n]
    if (
        not 0 < args.moves <= 50
        or not 0 <= args.demo_moves <= 50
        or not all(0 < n <= 60 for n in sizes + prebuilt)
    ):
        parser.error("class sizes must be 1..60 and moves 1..50")
    OUT.mkdir(parents=True, exist_ok=True)
    exit_on_sigterm()
    started = time.time()
    uptime_start = uptime()
    deadline = now() + 60 * args.budget_min - 60  # a minute for the last hub to stop
    runs, skipped = [], []
    plan = [(n, "cold") for n in sizes] + [(n, "prebuilt") for n in prebuilt]
    plan.sort(key=lambda item: item[0])  # both caches of a size in a row: similar machine load
    for count, cache in plan:
        if now() > deadline - 30:
            skipped.append(dict(students=count, cache=cache))
            continue
        print(f"classroom: {count} student(s), {cache} cache ...", flush=True)
        run = run_class(count, args, cache, deadline)
        s = run["summary"]
        print(
            f"  wall {run['wall_s']:.0f} s, Run All median {s['run_all_median_s']}, "
            f"lab p50/p90 {s['lab_latency_median_s']}/{s['lab_latency_p90_s']}, demo "
            f"p50/p90 {s['demo_latency_median_s']}/{s['demo_latency_p90_s']}, "
            f"errors {s['healthy_errors']}, faults {s['faults']}",
            flush=True,
        )
        runs.append(run)
    result = dict(
        command="python3 course.py classroom " + " ".join(sys.argv[1:] if argv is None else argv),
        started_utc=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        duration_s=time.time() - started,
        machine=dict(
            cpus=os.cpu_count(),
            memory_gb=psutil.virtual_memory().total / 2**30,
            uptime_start=uptime_start,
            uptime_end=uptime(),
        ),
        settings=dict(
            notebook=NOTEBOOKS[args.notebook],
            moves=args.moves,
            demo_moves=args.demo_moves,
            think_time_s=[1.0, 5.0],
            faults=args.faults,
            widget_protocol="comm_msg update over the websocket",
        ),
        runs=runs,
        skipped_for_time=skipped,
    )
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print(f"classroom: wrote {args.out} in {result['duration_s']:.0f} s")
    return 0
