"""Measure (in CPU time of this process, robust to a busy machine) the explorer's draw path: plot(result, fig) + PNG encoding at the explorer's size.

    .venv/bin/python benchmarks/draw.py
"""
import io
import statistics
import time

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import labutils as lu

lu.use_projector_style()
rng = np.random.default_rng(1)
t = np.arange(10000) * 0.1  # ms
v = -70 + np.cumsum(rng.normal(0, 0.3, t.size))
spikes = np.sort(rng.uniform(0, 1000, 20))


def plot(fig):
    ax = fig.subplots()
    ax.plot(t, v)
    ax.plot(spikes, np.full(spikes.size, -45), "|", ms=12)
    ax.set(xlabel="time (ms)", ylabel="v (mV)", title="membrane potential")


def measure(label, dpi=90, repeat=15, **savefig):
    fig = Figure(figsize=(9, 4.5), dpi=dpi)
    FigureCanvasAgg(fig)
    plot_s, save_s, size = [], [], 0
    for _ in range(repeat):
        a = time.process_time()
        fig.clear()
        plot(fig)
        b = time.process_time()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", **savefig)
        c = time.process_time()
        plot_s.append(b - a)
        save_s.append(c - b)
        size = len(buf.getvalue())
    print(f"{label:42s} plot {1000 * statistics.median(plot_s):5.1f} ms  savefig {1000 * statistics.median(save_s):5.1f} ms"
          f"  total {1000 * (statistics.median(plot_s) + statistics.median(save_s)):5.1f} ms  png {size // 1024} kB")


if __name__ == "__main__":
    measure("default (dpi 90, compress 6)")
    measure("compress_level=1", pil_kwargs={"compress_level": 1})
    measure("compress_level=0", pil_kwargs={"compress_level": 0})
    measure("dpi 72", dpi=72)
    with matplotlib.rc_context({"path.simplify_threshold": 0.5}):
        measure("simplify_threshold 0.5")
    with matplotlib.rc_context({"path.simplify": False}):
        measure("no simplification")
    with matplotlib.rc_context({"agg.path.chunksize": 1000}):
        measure("agg.path.chunksize 1000")
    measure("compress 1 + dpi 72", dpi=72, pil_kwargs={"compress_level": 1})
