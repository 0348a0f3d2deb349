"""Memory and CPU of every student's server and kernel, sampled in a thread during a class run."""

import threading

import psutil

from benchmarks.classroom import now

SAMPLE_INTERVAL_S = 0.25  # memory sampling


class Sampler(threading.Thread):
    """Every SAMPLE_INTERVAL_S: RSS of each student's server and kernel, machine memory in use."""

    def __init__(self, students, deadline):
        super().__init__(daemon=True)
        self.students, self.deadline, self.stop = students, deadline, threading.Event()
        self.peak_used = self.baseline_used = psutil.virtual_memory().used
        self.cpu = {}

    def run(self):
        """Sample every student's processes until stopped or past the deadline."""
        while not self.stop.is_set() and now() < self.deadline:
            for student in self.students:
                self.sample(student.record)
            self.peak_used = max(self.peak_used, psutil.virtual_memory().used)
            self.stop.wait(SAMPLE_INTERVAL_S)

    def sample(self, record):
        """Update one student's peak memory and CPU figures."""
        pid = record.get("server_pid")
        if not pid:
            return
        try:
            server = psutil.Process(pid)
            record["peak_server_rss_mb"] = max(
                record.get("peak_server_rss_mb", 0), server.memory_info().rss / 2**20
            )
            tree_rss = server.memory_info().rss
            cpu = server.cpu_times()
            record["server_cpu_s"] = cpu.user + cpu.system  # the server process alone
            cpu_s = cpu.user + cpu.system + cpu.children_user + cpu.children_system
            for child in server.children(recursive=True):
                try:
                    rss = child.memory_info().rss
                    tree_rss += rss
                    if child.pid in record["kernel_pids"]:
                        record["peak_kernel_rss_mb"] = max(
                            record.get("peak_kernel_rss_mb", 0), rss / 2**20
                        )
                    times = child.cpu_times()
                    cpu_s += (
                        times.user + times.system + times.children_user + times.children_system
                    )
                except psutil.Error:
                    continue
            record["peak_tree_rss_mb"] = max(record.get("peak_tree_rss_mb", 0), tree_rss / 2**20)
            # CPU of live processes plus their reaped children (compilers); at least the last sum
            self.cpu[pid] = max(self.cpu.get(pid, 0), cpu_s)
            record["cpu_s"] = self.cpu[pid]
        except psutil.Error:
            pass
