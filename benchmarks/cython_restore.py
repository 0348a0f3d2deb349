"""Why ``StandaloneModel``'s runtime fallback re-seeds instead of restoring the random state.

    python3 course.py python benchmarks/cython_restore.py [--children 5]

On Brian2 2.9's Cython runtime, ``rand()``, ``randn()`` and ``poisson()`` draw from a buffer of 20 000
numbers whose *address* is kept in ``device.rand_buffer``; when the buffer is used up, the generated
code frees it and allocates a new one. ``Network.store()`` saves that address with the random state
(``RuntimeDevice.get_random_state``) and ``restore(restore_random_state=True)`` writes it back. Once
the buffer has moved, the restored address points to freed memory, which the next refill frees a
second time: glibc aborts ("munmap_chunk(): invalid pointer", "corrupted size vs. prev_size") or
the process dies of a bus error. Whether the buffer moves depends on what else the process allocates,
so a small script rarely shows it; a kernel with two explorers and matplotlib redraws does.

This script executes benchmarks/example_explorer.ipynb's code in child processes on the Cython
runtime with ``BRIAN_LABS_FAST=off`` (the fallback), moves every slider 20 times, and counts the
children that die: once with the fallback as it was (``restore(..., restore_random_state=True)``) and
once as it is (``restore(...)`` then ``seed(...)``).
"""
import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import os, sys
import matplotlib; matplotlib.use('Agg')
import nbformat
import brian2
if sys.argv[1] == 'restore_random_state':          # the fallback as it was
    restore = brian2.Network.restore
    def restore_with_random_state(self, name='default', filename=None, restore_random_state=False):
        return restore(self, name, filename, restore_random_state=True)
    brian2.Network.restore = restore_with_random_state
notebook = nbformat.read(sys.argv[2], as_version=4)
os.chdir(os.path.dirname(sys.argv[2]))
space = {'__name__': '__main__'}
for cell in notebook.cells:
    if cell.cell_type == 'code':
        exec(cell.source, space)
for explorer in (space['explorer'], space['explorer_ei']):
    for k in range(20):
        slider = list(explorer.sliders.values())[k % len(explorer.sliders)]
        slider.value = slider.min + (k * 0.37 % 1) * (slider.max - slider.min)
print('finished')
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ, BRIAN_LABS_FAST="off", BRIAN_LABS_TARGET="cython")
    notebook = str(ROOT / "benchmarks" / "example_explorer.ipynb")
    for mode in ("restore_random_state", "seed"):
        codes = [subprocess.run([sys.executable, "-c", CHILD, mode, notebook], env=env,
                                capture_output=True, text=True).returncode for _ in range(args.children)]
        died = [c for c in codes if c != 0]
        print(f"{mode:22s}: {len(died)} of {len(codes)} children died (exit codes {died or '-'})", flush=True)


if __name__ == "__main__":
    main()
