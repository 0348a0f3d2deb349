"""Measure compiler flags for StandaloneModel: cold build (empty build dir and precompiled-header cache)
and re-run time of the reference model (benchmarks/models.py: 1 LIF, 800 + 200 Poisson inputs, 1 s).

    .venv/bin/python benchmarks/flags.py            # [repeats]: one line per flag set (wall and CPU seconds)
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

FLAG_SETS = {  # label: (flags, precompiled header?)
    "O2, no PCH": ("-w -O2 -std=c++11", False),
    "O0 + PCH": ("-w -O0 -std=c++11", True),
    "O1 + PCH (chosen)": ("-w -O1 -std=c++11", True),
    "O2 + PCH": ("-w -O2 -std=c++11", True),
    "O3 -march=native + PCH (Brian2 default flags)":
        ("-w -O3 -ffast-math -fno-finite-math-only -march=native -std=c++11", True),
}

CHILD = r"""
import sys, time, json, statistics, resource
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN); return r.ru_utime + r.ru_stime
sys.path.insert(0, sys.argv[1])
from brian2 import *
from labutils import fast
from models import *
import models
prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
fast.COMPILE_ARGS = sys.argv[2].split()
fast.USE_PCH = sys.argv[4] == 'pch'
import os; os.environ['BRIAN_LABS_CACHE_DIR'] = sys.argv[3] + '/cache'
model = fast.StandaloneModel('flags', duration=DURATION, seed=1, directory=sys.argv[3] + '/build')
c0 = cpu()
with model.build():
    objs = models.make_objects(); globals().update(objs)
build_cpu = cpu() - c0
runs, binary, cpus = [], [], []
for w in [0.05, 0.1, 0.2, 0.05, 0.1, 0.2, 0.05]:
    c = cpu(); t = time.perf_counter(); model.run({neuron.w_e: w, exc.rates: 8*Hz}); b = time.perf_counter()
    v = state_mon.v[0][:]; n = spike_mon.num_spikes
    runs.append(time.perf_counter() - t); binary.append(b - t); cpus.append(cpu() - c)
print(json.dumps(dict(build_wall_s=round(model.build_s, 2), build_cpu_s=round(build_cpu, 2), run_wall_ms=round(1000*statistics.median(runs), 1), run_cpu_ms=round(1000*statistics.median(cpus), 1))))
"""

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    for label, (flags, pch) in [item for _ in range(repeats) for item in FLAG_SETS.items()]:
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([sys.executable, "-c", CHILD, here, flags, tmp, "pch" if pch else "-"], capture_output=True,
                                 text=True, check=True).stdout.strip().splitlines()[-1]
            print(f"{label:48s} {out}", flush=True)
