"""Why ``lu.course_settings()`` calls ``gc.freeze()``: the cost of Brian2's ``gc.collect()`` per run().

    python3 course.py python benchmarks/gc_freeze.py

Brian2 2.9 calls ``gc.collect()`` at the start of ``Network.run`` and again after every magic
``run()``. Each call scans every object the garbage collector tracks; after ``from brian2 import *``
and matplotlib that is ~170 000 objects. This script runs the same ten small simulations (numpy
target, as in the notebooks) in two fresh interpreters, one with ``gc.freeze()`` after the imports,
and prints the wall time of each and their ratio.
"""
import subprocess
import sys

WORKLOAD = r"""
import gc, sys, time
from brian2 import *
import matplotlib.pyplot as plt
import labutils as lu
prefs.codegen.target = 'numpy'
BrianLogger.log_level_error()
tracked = len(gc.get_objects())
if sys.argv[1] == 'frozen':
    gc.freeze()
start = time.perf_counter()
for k in range(10):
    start_scope()
    group = NeuronGroup(20, f'dv/dt = (-70*mV - v) / ({10 + k}*ms) + 2*mV*sqrt(2/(10*ms))*xi : volt',
                        threshold='v > -55*mV', reset='v = -70*mV', method='euler')
    group.v = -70*mV
    inputs = PoissonGroup(50, 10*Hz)
    synapses = Synapses(inputs, group, on_pre='v += 0.5*mV')
    synapses.connect(p=0.2)
    monitor = StateMonitor(group, 'v', record=True)
    run(50*ms)
print(f"{tracked} {time.perf_counter() - start:.3f}")
"""


def measure(mode):
    out = subprocess.run([sys.executable, "-c", WORKLOAD, mode], capture_output=True, text=True, check=True)
    tracked, seconds = out.stdout.split()[-2:]
    return int(tracked), float(seconds)


def main():
    rows = {mode: measure(mode) for mode in ("plain", "frozen")}
    for mode, (tracked, seconds) in rows.items():
        print(f"{mode:7s} objects after the imports: {tracked:7d}; ten run() calls: {seconds:5.2f} s")
    print(f"gc.freeze() makes the ten runs {rows['plain'][1] / rows['frozen'][1]:.1f}x faster")


if __name__ == "__main__":
    main()
