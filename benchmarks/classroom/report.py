"""The figures of a class run: percentiles over the healthy students, the faulty ones apart."""

import subprocess


def percentile(values, q):
    """The ``q`` quantile of ``values`` (nearest rank), or None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summarise(records):
    """Figures over the students without a fault (the faulty ones are reported on their own)."""
    healthy = [r for r in records if r["fault"] is None]

    def values(key):
        return [r[key] for r in healthy if r.get(key) is not None]

    lab = [x for r in healthy for x in r["lab_latencies_s"]]
    demo = [x for r in healthy for x in r["demo_latencies_s"]]
    per_student = [
        r["peak_server_rss_mb"] + r["peak_kernel_rss_mb"]
        for r in healthy
        if "peak_server_rss_mb" in r and "peak_kernel_rss_mb" in r
    ]
    return dict(
        healthy_students=len(healthy),
        healthy_errors=sum(len(r["errors"]) for r in healthy),
        lab_latency_median_s=percentile(lab, 0.5),
        lab_latency_p90_s=percentile(lab, 0.9),
        demo_latency_median_s=percentile(demo, 0.5),
        demo_latency_p90_s=percentile(demo, 0.9),
        lab_moves=len(lab),
        demo_moves=len(demo),
        run_all_median_s=percentile(values("run_all_s"), 0.5),
        run_all_max_s=max(values("run_all_s"), default=None),
        spawn_median_s=percentile(values("spawn_s"), 0.5),
        rss_per_student_median_mb=percentile(per_student, 0.5),
        rss_per_student_max_mb=max(per_student, default=None),
        cpu_per_student_median_s=percentile(values("cpu_s"), 0.5),
        server_cpu_median_s=percentile(values("server_cpu_s"), 0.5),
        run_all_kernel_cpu_median_s=percentile(values("run_all_kernel_cpu_s"), 0.5),
        lab_cpu_per_move_median_s=percentile(values("lab_cpu_per_move_s"), 0.5),
        demo_cpu_per_move_median_s=percentile(values("demo_cpu_per_move_s"), 0.5),
        faults={
            r["name"]: dict(fault=r["fault"], errors=r["errors"]) for r in records if r["fault"]
        },
    )


def uptime():
    """The machine's load, as `uptime` prints it (the machine is shared with other work)."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
