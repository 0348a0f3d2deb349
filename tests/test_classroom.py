"""The load test's own parts that can be checked without a hub: websocket frames and summaries."""

import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import classroom  # noqa: E402


def test_decode_reads_jupyter_servers_binary_frames():
    from jupyter_server.services.kernels.connection.base import serialize_binary_message

    msg = dict(
        header={"msg_type": "comm_msg"},
        parent_header={},
        metadata={},
        channel="iopub",
        content={"data": {"method": "update", "buffer_paths": [["value"]]}},
        buffers=[classroom.PNG_MAGIC + b"rest of the image", b"second"],
    )
    decoded = classroom.decode(serialize_binary_message(msg))
    assert decoded["buffers"] == msg["buffers"]
    assert decoded["content"] == msg["content"] and decoded["channel"] == "iopub"


def test_decode_reads_text_frames():
    assert classroom.decode('{"msg_type": "status", "content": {}}')["msg_type"] == "status"


def test_percentile_picks_the_nearest_rank():
    assert classroom.percentile([], 0.5) is None
    assert classroom.percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert classroom.percentile(list(range(11)), 0.9) == 9


def test_summary_leaves_faulty_students_out_and_lists_their_errors():
    def record(name, fault, latencies, errors=()):
        return dict(
            name=name,
            fault=fault,
            errors=list(errors),
            lab_latencies_s=latencies,
            demo_latencies_s=[],
            run_all_s=5.0,
            peak_server_rss_mb=100.0,
            peak_kernel_rss_mb=200.0,
        )

    summary = classroom.summarise(
        [
            record("a", None, [0.1, 0.2]),
            record("b", None, [0.3]),
            record("c", "kill-kernel", [9.0], [dict(stage="lab", message="kernel restarting")]),
        ]
    )
    assert summary["healthy_students"] == 2 and summary["healthy_errors"] == 0
    assert summary["lab_latency_median_s"] == 0.2 and summary["lab_moves"] == 3
    assert summary["rss_per_student_median_mb"] == 300.0
    assert summary["faults"]["c"]["errors"][0]["message"] == "kernel restarting"


def test_the_proxy_is_locked_and_installed_from_the_lock(monkeypatch, tmp_path):
    import json

    import pytest

    wanted = json.loads((classroom.PROXY_DIR / "package.json").read_text())["dependencies"]
    lock = json.loads((classroom.PROXY_DIR / "package-lock.json").read_text())
    for name, version in wanted.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    monkeypatch.setattr(classroom, "PROXY", tmp_path / "missing")
    monkeypatch.setattr(classroom.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="needs npm"):
        classroom.ensure_proxy()


def test_sigterm_runs_the_hubs_clean_up(tmp_path):
    # A context manager's __exit__ (Hub's stops the hub and its servers) must run on SIGTERM.
    marker = tmp_path / "cleaned"
    script = f"""
import contextlib, os, signal, sys, time
sys.path.insert(0, {str(ROOT / "benchmarks")!r})
import classroom

@contextlib.contextmanager
def hub():
    try:
        yield
    finally:
        open({str(marker)!r}, "w").close()

classroom.exit_on_sigterm()
with hub():
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(30)
"""
    done = subprocess.run([sys.executable, "-c", script], timeout=60, capture_output=True)
    assert done.returncode == 143, done.stderr.decode()
    assert marker.exists()


class ScriptedChannel:
    """A kernel channel that answers the n-th execute_request ``reply_at[n]`` s after it starts.

    ``None``: never. Between replies it is silent, like a kernel that sends nothing.
    """

    def __init__(self, reply_at):
        self.reply_at, self.sent, self.errors = list(reply_at), [], []
        self.started = classroom.now()

    def send(self, kind, content):
        self.sent.append(f"msg{len(self.sent)}")
        return self.sent[-1]

    def receive(self, deadline):
        while True:
            elapsed = classroom.now() - self.started
            for n, at in enumerate(self.reply_at[: len(self.sent)]):
                if at is not None and at <= elapsed:
                    self.reply_at[n] = None  # each request is answered once
                    parent = {"msg_id": self.sent[n]}
                    return dict(channel="shell", msg_type="execute_reply", parent_header=parent)
            if classroom.now() >= deadline:
                raise TimeoutError("no message before the deadline")
            time.sleep(0.01)


def student_with_kernel(pid, channel):
    student = classroom.Student(
        types.SimpleNamespace(url="http://hub"), "student00", "nb", 1, 0, None, rng_seed=1
    )
    student.started = classroom.now()
    student.record["kernel_pids"] = [pid]
    student.nb = {"cells": [{"cell_type": "code", "source": "1", "metadata": {}}] * 2}
    student.channel = channel
    return student


def test_run_all_stops_waiting_when_an_idle_kernel_never_replies(monkeypatch):
    monkeypatch.setattr(classroom, "STALL_S", 0.5)
    monkeypatch.setattr(classroom, "CELL_TIMEOUT_S", 20)
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        student = student_with_kernel(idle.pid, ScriptedChannel([0, None]))
        start = time.monotonic()
        with pytest.raises(TimeoutError, match="1 of 2 cells never replied"):
            student.run_all()
        assert time.monotonic() - start < 5  # within a few STALL_S, not CELL_TIMEOUT_S
    finally:
        idle.kill()


def test_run_all_waits_for_a_busy_kernel(monkeypatch):
    monkeypatch.setattr(classroom, "STALL_S", 0.5)
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        student = student_with_kernel(busy.pid, ScriptedChannel([0, 2.0]))
        assert student.run_all() is True  # a reply 2 s (4 windows) later is still received
    finally:
        busy.kill()
