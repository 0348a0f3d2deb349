"""Where a notebook's cold "Run All" spends its time: wall seconds per cell, slowest first.

    python3 course.py python benchmarks/cells.py notebooks/05_balanced_ei.ipynb [--top 8] [--warm]

Runs in a fresh kernel with the same environment as ``benchmarks/run.py``'s cold run (numpy target,
fast explorers on, empty Cython and standalone caches unless ``--warm``).
"""
import argparse
import os
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def profile(path, warm=False):
    with tempfile.TemporaryDirectory(prefix="brian-labs-cells-") as tmp:
        env = {"BRIAN_LABS_FAST": "on", "BRIAN_LABS_TARGET": "numpy"}
        if not warm:
            env.update(CYTHON_CACHE_DIR=str(Path(tmp) / "cython"), BRIAN_LABS_CACHE_DIR=str(Path(tmp) / "labs"))
        os.environ.update(env)
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(Path(path).parent)}})
        times = []
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                start = time.perf_counter()
                client.execute_cell(cell, index)
                if cell.cell_type == "code":
                    times.append((time.perf_counter() - start, index, cell.source.strip().splitlines()[0][:70]))
        return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--warm", action="store_true", help="keep the usual caches")
    args = parser.parse_args()
    for path in args.notebooks:
        times = profile(path, args.warm)
        print(f"== {path}: {sum(t for t, *_ in times):.1f} s in {len(times)} code cells")
        for seconds, index, first in sorted(times, reverse=True)[:args.top]:
            print(f"  {seconds:6.2f} s  cell {index:3d}  {first}")


if __name__ == "__main__":
    main()
