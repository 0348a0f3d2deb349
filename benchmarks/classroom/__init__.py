"""Classroom load test: a real JupyterHub on 127.0.0.1, N simulated students, one notebook each.

    python3 course.py classroom --students 1,5,10,20            # -> benchmarks/classroom.json

Per class size N the script starts its own JupyterHub (DummyAuthenticator,
SimpleLocalProcessSpawner with one home folder per student under a temporary directory,
configurable-http-proxy from npm, locked in benchmarks/proxy/ and installed there with
`npm ci` on first use), then every student, in a thread
of their own and all at once:

1. logs in through the hub's login form (username + any password);
2. starts their server (the hub REST API, as the "Start my server" button does) and pulls the
   course into their home through nbgitpuller's link (`/user/<name>/git-pull/api?repo=...`, the
   event stream the link's page reads), from this repository's committed HEAD;
3. opens the notebook as JupyterLab does (a session through the REST API, then the kernel
   websocket) and runs every code cell ("Run All": all execute_requests at once), then saves it
   with its outputs;
4. moves the explorer's sliders as the browser does: a widget `comm_msg` with
   `{"method": "update", "state": {"value": ...}}` to the slider model found in the kernel's
   `comm_open` messages, and waits for the Image model's `update` carrying the new image. First
   `--moves` moves in "lab" mode (random think-time, each student on their own), then
   `--demo-moves` in "live demo" mode (all students release a slider at the same moment).

Recorded per student: login, spawn, pull, kernel start and Run All times, each slider-to-figure
latency, peak RSS of their server and of their kernel, CPU seconds of their process tree, and every
error. Faults (one student each, chosen when N >= 2): `kill-kernel` SIGKILLs that student's
kernel halfway through their slider moves (they then re-run the notebook once, as a student
would, and move on); `full-disk` gives that student a home on a small tmpfs filled to the last
256 KiB.

Everything runs on loopback addresses; every wait has a deadline; everything started is stopped
(process groups killed, tmpfs unmounted, temporary folders removed) even on errors or Ctrl-C.

Every size in --students starts with empty build caches ("cold": each student's first Run All
compiles the explorer, as on TLJH). The sizes in --prebuilt (e.g. `--prebuilt 5,20`) are measured
again with a "prebuilt" cache: one cache built before the run, copied into every home and shown to
the student's server at one fixed path, as the course image does (deploy/Dockerfile bakes it into
BRIAN_LABS_CACHE_DIR).

The package's modules, one job each: ``hub`` (the hub's lifecycle and its process tree), ``client``
(a kernel websocket), ``student`` (the scripted student), ``sampler`` (memory and CPU), ``report``
(the figures of a run) and ``cli`` (the command line, one hub per class size).
"""

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "out"
LOCALHOST = "127.0.0.1"


def now():
    """Seconds on a monotonic clock."""
    return time.perf_counter()
