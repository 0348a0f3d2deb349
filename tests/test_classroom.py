"""The load test's parts (benchmarks/classroom/), each checked without a hub."""

import json
import shutil
import socket
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from benchmarks.classroom import cli, client, hub, now, report, sampler, student

ROOT = Path(__file__).resolve().parents[1]


def test_decode_reads_jupyter_servers_binary_frames():
    from jupyter_server.services.kernels.connection.base import serialize_binary_message

    msg = dict(
        header={"msg_type": "comm_msg"},
        parent_header={},
        metadata={},
        channel="iopub",
        content={"data": {"method": "update", "buffer_paths": [["value"]]}},
        buffers=[student.PNG_MAGIC + b"rest of the image", b"second"],
    )
    decoded = client.decode(serialize_binary_message(msg))
    assert decoded["buffers"] == msg["buffers"]
    assert decoded["content"] == msg["content"] and decoded["channel"] == "iopub"


def test_decode_reads_text_frames():
    assert client.decode('{"msg_type": "status", "content": {}}')["msg_type"] == "status"


def test_percentile_picks_the_nearest_rank():
    assert report.percentile([], 0.5) is None
    assert report.percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert report.percentile(list(range(11)), 0.9) == 9


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

    summary = report.summarise(
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

    wanted = json.loads((hub.PROXY_DIR / "package.json").read_text())["dependencies"]
    lock = json.loads((hub.PROXY_DIR / "package-lock.json").read_text())
    for name, version in wanted.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    monkeypatch.setattr(hub, "PROXY", tmp_path / "missing")
    monkeypatch.setattr(hub.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="needs npm"):
        hub.ensure_proxy()


def test_sigterm_runs_the_hubs_clean_up(tmp_path):
    # A context manager's __exit__ (Hub's stops the hub and its servers) must run on SIGTERM.
    marker = tmp_path / "cleaned"
    script = f"""
import contextlib, os, signal, sys, time
from benchmarks.classroom import hub as classroom_hub

@contextlib.contextmanager
def hub():
    try:
        yield
    finally:
        open({str(marker)!r}, "w").close()

classroom_hub.exit_on_sigterm()
with hub():
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(30)
"""
    # python -c finds the course's packages in its working directory
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, timeout=60, capture_output=True
    )
    assert done.returncode == 143, done.stderr.decode()
    assert marker.exists()


class ScriptedChannel:
    """A kernel channel that answers the n-th execute_request ``reply_at[n]`` s after it starts.

    ``None``: never. Between replies it is silent, like a kernel that sends nothing.
    """

    def __init__(self, reply_at):
        self.reply_at, self.sent, self.errors = list(reply_at), [], []
        self.started = now()

    def send(self, kind, content):
        self.sent.append(f"msg{len(self.sent)}")
        return self.sent[-1]

    def receive(self, deadline):
        while True:
            elapsed = now() - self.started
            for n, at in enumerate(self.reply_at[: len(self.sent)]):
                if at is not None and at <= elapsed:
                    self.reply_at[n] = None  # each request is answered once
                    parent = {"msg_id": self.sent[n]}
                    return dict(channel="shell", msg_type="execute_reply", parent_header=parent)
            if now() >= deadline:
                raise TimeoutError("no message before the deadline")
            time.sleep(0.01)


def student_with_kernel(pid, channel):
    scripted = student.Student(
        types.SimpleNamespace(url="http://hub"), "student00", "nb", 1, 0, None, rng_seed=1
    )
    scripted.started = now()
    scripted.record["kernel_pids"] = [pid]
    scripted.nb = {"cells": [{"cell_type": "code", "source": "1", "metadata": {}}] * 2}
    scripted.channel = channel
    return scripted


def test_run_all_stops_waiting_when_an_idle_kernel_never_replies(monkeypatch):
    monkeypatch.setattr(student, "STALL_S", 0.5)
    monkeypatch.setattr(student, "CELL_TIMEOUT_S", 20)
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        scripted = student_with_kernel(idle.pid, ScriptedChannel([0, None]))
        start = time.monotonic()
        with pytest.raises(TimeoutError, match="1 of 2 cells never replied"):
            scripted.run_all()
        assert time.monotonic() - start < 5  # within a few STALL_S, not CELL_TIMEOUT_S
    finally:
        idle.kill()


def test_run_all_waits_for_a_busy_kernel(monkeypatch):
    monkeypatch.setattr(student, "STALL_S", 0.5)
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        scripted = student_with_kernel(busy.pid, ScriptedChannel([0, 2.0]))
        assert scripted.run_all() is True  # a reply 2 s (4 windows) later is still received
    finally:
        busy.kill()


def test_a_session_starts_a_kernel_for_the_notebook_and_connects_to_it(monkeypatch):
    scripted = student_with_kernel(0, None)
    calls = []

    class Reply:
        def raise_for_status(self):
            pass

        def json(self):
            return {"id": "s1", "kernel": {"id": "k1"}}

    def request(method, url, json):
        calls.append((method, url, json))
        return Reply()

    monkeypatch.setattr(scripted, "request", request)
    monkeypatch.setattr(scripted, "connect", lambda: calls.append("connect"))
    session = scripted.start_session("brian-labs/student/02_lif.ipynb")
    assert session["id"] == "s1" and scripted.kernel_id == "k1"
    method, url, body = calls[0]
    assert (method, url, body["path"], body["name"]) == (
        "POST",
        "/api/sessions",
        "brian-labs/student/02_lif.ipynb",
        "02_lif.ipynb",
    )
    assert calls[1] == "connect"  # after the kernel id is known
    with pytest.raises(ValueError, match="must name a notebook"):
        scripted.start_session("brian-labs/student")


# -- hub ------------------------------------------------------------------------------------------
def run_config(text):
    """Execute a jupyterhub_config.py text as JupyterHub does; the resulting config."""
    from traitlets.config import Config

    config = Config()
    exec(text, {"get_config": lambda: config})
    return config


def test_the_hub_listens_on_loopback_with_one_home_per_student(tmp_path):
    plain = hub.Hub()
    try:
        c = run_config(plain.config())
        assert c.JupyterHub.ip == c.JupyterHub.hub_ip == c.Spawner.ip == "127.0.0.1"
        assert len({c.JupyterHub.port, c.JupyterHub.hub_port, plain.api_port}) == 3
        assert c.ConfigurableHTTPProxy.api_url == f"http://127.0.0.1:{plain.api_port}"
        assert c.SimpleLocalProcessSpawner.home_dir_template == f"{plain.homes}/{{username}}"
        assert c.Spawner.cmd[0].endswith("jupyterhub-singleuser") and c.Spawner.environment == {}
        assert c.JupyterHub.services[0]["api_token"] == plain.token
    finally:
        shutil.rmtree(plain.dir)
    prebuilt = hub.Hub(cache_template=tmp_path / "image-cache")
    try:
        c = run_config(prebuilt.config())
        # each server sees its own copy of the cache at the image's path, in a private mount
        assert c.Spawner.cmd[:2] == ["unshare", "--mount"]
        assert f'"$HOME/.cache/brian-labs" {tmp_path / "image-cache"}' in c.Spawner.cmd[-2]
        assert c.Spawner.environment == {"BRIAN_LABS_CACHE_DIR": str(tmp_path / "image-cache")}
    finally:
        shutil.rmtree(prebuilt.dir)


def test_free_ports_are_distinct_and_bindable_and_directory_bytes_add_up(tmp_path):
    ports = hub.free_ports(50)
    assert len(set(ports)) == 50
    with socket.socket() as s:
        s.bind(("127.0.0.1", ports[0]))
    with pytest.raises(ValueError, match="positive int"):
        hub.free_ports(0)
    (tmp_path / "a").write_bytes(b"x" * 1000)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b").write_bytes(b"y" * 24)
    assert hub.directory_bytes(tmp_path) == 1024


LISTENERS = """
import socket, sys, time
sockets = []
for address in sys.argv[1:]:
    s = socket.socket()
    s.bind((address, 0))
    s.listen()
    sockets.append(s)
print("ready", flush=True)
time.sleep(60)
"""


def test_listeners_off_the_loopback_address_are_reported():
    tree = subprocess.Popen(
        [sys.executable, "-c", LISTENERS, "127.0.0.1", "0.0.0.0"], stdout=subprocess.PIPE
    )
    try:
        assert tree.stdout.readline().strip() == b"ready"
        found = hub.non_loopback_listeners(types.SimpleNamespace(process=tree))
        assert found["listening"] == 2 and len(found["exposed"]) == 1
        assert " 0.0.0.0:" in found["exposed"][0]
    finally:
        tree.kill()
        tree.wait()
    gone = hub.non_loopback_listeners(types.SimpleNamespace(process=tree))
    assert gone == dict(listening=0, exposed=["the hub's process tree was gone"])


# -- client ---------------------------------------------------------------------------------------
class FakeSocket:
    """The websocket-client connection a Channel reads: the given frames, then silence."""

    def __init__(self, frames):
        self.frames, self.sent, self.closed = list(frames), [], False

    def recv(self):
        if self.frames:
            return self.frames.pop(0)
        time.sleep(0.05)
        raise client.websocket.WebSocketTimeoutException("nothing to read")

    def send(self, text):
        self.sent.append(json.loads(text))

    def close(self):
        self.closed = True


def channel_reading(monkeypatch, frames):
    socket_ = FakeSocket(frames)
    monkeypatch.setattr(client.websocket, "create_connection", lambda *a, **k: socket_)
    return client.Channel("ws://hub/kernel", "token", "session-1"), socket_


def frame(msg_type, content, parent=None):
    return json.dumps(
        dict(
            msg_type=msg_type, content=content, parent_header={"msg_id": parent} if parent else {}
        )
    )


def test_a_channel_sends_shell_messages_of_its_session(monkeypatch):
    channel, socket_ = channel_reading(monkeypatch, [])
    msg_id = channel.send("execute_request", {"code": "1"})
    sent = socket_.sent[0]
    assert sent["header"]["msg_id"] == msg_id and sent["header"]["session"] == "session-1"
    assert sent["header"]["msg_type"] == "execute_request" and sent["channel"] == "shell"
    assert sent["content"] == {"code": "1"}
    channel.close()
    assert socket_.closed


def test_a_channel_keeps_widget_models_and_errors_and_notices_a_restart(monkeypatch):
    frames = [
        frame("comm_open", {"comm_id": "s1", "data": {"state": {"_model_name": "X"}}}),
        frame("error", {"ename": "ValueError", "evalue": "bad"}, parent="m1"),
        frame("status", {"execution_state": "restarting"}),
    ]
    channel, _ = channel_reading(monkeypatch, frames)
    deadline = now() + 5
    assert channel.receive(deadline)["msg_type"] == "comm_open"
    assert channel.models == {"s1": {"_model_name": "X"}}
    channel.receive(deadline)
    assert channel.errors == [dict(msg_id="m1", ename="ValueError", evalue="bad")]
    with pytest.raises(client.KernelRestarted, match="restarting"):
        channel.receive(deadline)
    assert channel.restarted
    with pytest.raises(TimeoutError):
        channel.receive(now() + 0.2)


def test_a_closed_websocket_fails_every_later_receive(monkeypatch):
    channel, _ = channel_reading(monkeypatch, [""])  # a close frame
    for _ in range(2):
        with pytest.raises(ConnectionError, match="closed the kernel websocket"):
            channel.receive(now() + 5)


# -- student --------------------------------------------------------------------------------------
class SliderChannel:
    """A kernel with one explorer: every slider update is answered by a new figure."""

    def __init__(self, figure=student.PNG_MAGIC + b"..."):
        self.models = {
            "w": dict(
                _model_name="FloatSliderModel",
                description="w",
                min=0.0,
                max=1.0,
                step=0.5,
                value=0.5,
            ),
            "n": dict(
                _model_name="IntSliderModel", description="n", min=1, max=3, step=1, value=1
            ),
            "img": dict(_model_name="ImageModel"),
        }
        self.values, self.sent, self.figure = {}, [], figure

    def send(self, kind, content):
        self.sent.append((kind, content))

    def receive(self, deadline):
        content = dict(comm_id="img", data=dict(method="update", state={}))
        return dict(msg_type="comm_msg", content=content, buffers=[self.figure])


def test_a_move_releases_a_slider_at_a_new_value_and_times_the_new_figure():
    scripted = student.Student(
        types.SimpleNamespace(url="http://hub"), "student00", "nb", 1, 0, None, rng_seed=1
    )
    scripted.channel = SliderChannel()
    sliders, image = scripted.explorer_models()
    assert sorted(sliders) == ["n", "w"] and image == "img"
    for _ in range(20):
        before = dict(scripted.channel.values)
        assert scripted.move(sliders, image) >= 0
        kind, content = scripted.channel.sent[-1]
        comm_id, value = content["comm_id"], content["data"]["state"]["value"]
        model = scripted.channel.models[comm_id]
        assert kind == "comm_msg" and model["min"] <= value <= model["max"]
        assert value != before.get(comm_id, model["value"])  # a release that changes something
        assert isinstance(value, int) == (comm_id == "n")
    scripted.channel.figure = b"not a png"
    with pytest.raises(RuntimeError, match="no image"):
        scripted.move(sliders, image)


def test_the_explorer_must_have_opened_its_widgets():
    scripted = student.Student(
        types.SimpleNamespace(url="http://hub"), "student00", "nb", 1, 0, None, rng_seed=1
    )
    scripted.channel = types.SimpleNamespace(models={})
    with pytest.raises(RuntimeError, match="widgets were not opened"):
        scripted.explorer_models()


# -- sampler --------------------------------------------------------------------------------------
# A "server" and its "kernel"; the server names the kernel once the kernel's Python runs (before,
# the kernel may still be a bare fork of a few kB: sampled then, it has no memory to speak of).
# The server works for 50 ms of CPU first: the kernel counts CPU in ticks of 10 ms, and a Python
# that only starts may use less than one (Debian's python3 3.11.2 read 0.0 s).
SERVER = """
import subprocess, sys, time
while time.process_time() < 0.05:
    pass
code = "print('up', flush=True); import time; time.sleep(60)"
kernel = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
kernel.stdout.readline()
print(kernel.pid, flush=True)
time.sleep(60)
"""


def test_the_sampler_records_peak_memory_and_cpu_of_a_students_processes():
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE)
    try:
        kernel = int(server.stdout.readline())
        record = dict(server_pid=server.pid, kernel_pids=[kernel])
        sampler_ = sampler.Sampler([types.SimpleNamespace(record=record)], now() + 60)
        sampler_.sample(record)
        assert record["peak_server_rss_mb"] > 1 and record["peak_kernel_rss_mb"] > 1
        assert record["peak_tree_rss_mb"] >= (
            record["peak_server_rss_mb"] + record["peak_kernel_rss_mb"]
        )
        assert record["cpu_s"] >= record["server_cpu_s"] > 0
        sampler_.start()  # the thread samples until stopped
        sampler_.stop.set()
        sampler_.join(timeout=10)
        assert not sampler_.is_alive() and sampler_.peak_used >= sampler_.baseline_used
    finally:
        server.kill()
        server.wait()
    nothing = dict(server_pid=None, kernel_pids=[])
    sampler_.sample(nothing)
    assert nothing == dict(server_pid=None, kernel_pids=[])


# -- cli ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "arguments", [["--students", "0"], ["--moves", "0"], ["--faults", "unplug-network"]]
)
def test_the_command_rejects_bad_sizes_and_faults_before_starting_anything(arguments, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(arguments)
    assert stopped.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_the_command_runs_as_a_module_from_the_course_folder():
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.classroom", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Classroom load test" in done.stdout and "--students" in done.stdout
