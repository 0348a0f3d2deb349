"""The load test's own parts that can be checked without a hub: websocket frames and summaries."""

import subprocess
import sys
from pathlib import Path

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
