"""The course's Jupyter server extension: kernel websockets send without Nagle's delay.

Unit tests of the wrapper, then a real server from the course's environment: the extension loads
from the installed configuration and a kernel's reply reaches the client without the 40 ms that
Nagle's algorithm and delayed acknowledgements add (measured: 48 ms per cell of ``pass`` without
the extension, 8 ms with it).
"""

import json
import statistics
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest
import requests
from jupyter_server.services.kernels.connection.base import BaseKernelWebsocketConnection
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from tornado.websocket import WebSocketHandler

import labserver
from benchmarks.classroom.client import Channel
from tests._jupyter_server import serve

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "jupyterlab" / "brian-labs.json"
TOKEN = "labserver-test"


class FakeHandler(WebSocketHandler):
    """A websocket handler that only records set_nodelay (no tornado application behind it)."""

    def __init__(self):
        self.nodelay = None

    def set_nodelay(self, value):
        self.nodelay = value


class Recorded(BaseKernelWebsocketConnection):
    def connect(self):
        return ("connected", self.websocket_handler.nodelay)


def test_the_wrapped_connection_turns_nagle_off_before_connecting():
    wrapped = labserver.without_nagle(Recorded)
    assert issubclass(wrapped, Recorded) and wrapped.__name__ == "RecordedWithoutNagle"
    handler = FakeHandler()
    assert wrapped(websocket_handler=handler).connect() == ("connected", True)
    assert labserver.without_nagle(wrapped) is wrapped  # wrapping twice changes nothing


class ClosedHandler(FakeHandler):
    def set_nodelay(self, value):
        raise AssertionError("no websocket connection")


def test_a_socket_that_refuses_nodelay_still_connects_the_kernel(caplog):
    wrapped = labserver.without_nagle(Recorded)
    assert wrapped(websocket_handler=ClosedHandler()).connect() == ("connected", None)
    assert "TCP_NODELAY not set (no websocket connection)" in caplog.text


@pytest.mark.parametrize("bad", [None, "ZMQChannelsWebsocketConnection", int, Recorded()])
def test_anything_but_a_connection_class_is_refused_with_a_message(bad):
    with pytest.raises(TypeError, match="BaseKernelWebsocketConnection"):
        labserver.without_nagle(bad)


class FakeServer:
    def __init__(self, settings):
        self.web_app = type("App", (), {"settings": settings})()
        self.messages = []
        self.log = type("Log", (), {"info": lambda _, message: self.messages.append(message)})()


@pytest.mark.parametrize("configured", [None, Recorded])
def test_loading_wraps_whichever_connection_class_the_server_uses(configured):
    server = FakeServer(
        {} if configured is None else {"kernel_websocket_connection_class": configured}
    )
    labserver._load_jupyter_server_extension(server)
    used = server.web_app.settings["kernel_websocket_connection_class"]
    assert issubclass(used, configured or ZMQChannelsWebsocketConnection)
    assert used.sends_without_nagle and "TCP_NODELAY" in server.messages[0]


def test_the_package_installs_the_config_that_enables_the_extension(tmp_path):
    """What Binder, the hub image and TLJH get from ``pip install .``: package and config."""
    assert json.loads(CONFIG.read_text()) == {
        "ServerApp": {"jpserver_extensions": {"labserver": True}}
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "--disable-pip-version-check",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        config = [
            n for n in names if n.endswith("/etc/jupyter/jupyter_server_config.d/brian-labs.json")
        ]
        assert config and archive.read(config[0]) == CONFIG.read_bytes()
    assert "labserver/__init__.py" in names


def installed_by_course_py():
    return (Path(sys.prefix) / "brian-labs-lock.txt").exists()


@pytest.mark.skipif(not installed_by_course_py(), reason="environment not made by course.py")
def test_course_py_environments_enable_the_extension():
    installed = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / CONFIG.name
    assert installed.read_bytes() == CONFIG.read_bytes()


@pytest.fixture
def server(tmp_path):
    """A Jupyter server from the course's environment (its installed config): (base URL, log)."""
    for base, _, log_path in serve(tmp_path, "jupyter_server", TOKEN):
        yield base, log_path


@pytest.mark.skipif(not installed_by_course_py(), reason="environment not made by course.py")
def test_a_kernels_reply_reaches_the_client_without_nagles_delay(server):
    base, log_path = server
    headers = {"Authorization": f"token {TOKEN}"}
    kernel = requests.post(f"{base}/api/kernels", headers=headers, json={"name": "python3"}).json()
    url = f"{base.replace('http', 'ws')}/api/kernels/{kernel['id']}/channels"
    channel = Channel(f"{url}?session_id={uuid.uuid4().hex}", TOKEN, uuid.uuid4().hex)
    try:
        round_trips = []
        for _ in range(25):
            start = time.perf_counter()
            sent = channel.send("execute_request", dict(code="pass", silent=False))
            while True:
                message = channel.receive(time.monotonic() + 60)
                if (
                    message.get("parent_header", {}).get("msg_id") == sent
                    and message["msg_type"] == "status"
                    and message["content"]["execution_state"] == "idle"
                ):
                    break
            round_trips.append(time.perf_counter() - start)
    finally:
        channel.close()
    assert "kernel websockets send without Nagle's delay" in log_path.read_text()
    # Each reply is several websocket messages ("busy", "execute_input", "idle"); with Nagle on,
    # every one of them after the first waits for the client's delayed acknowledgement (>= 40 ms
    # on Linux), so no round trip can be shorter. The fastest of 25 is what the socket allows.
    fastest = min(round_trips)
    assert fastest < 0.025, (
        f"fastest round trip {1000 * fastest:.0f} ms (median "
        f"{1000 * statistics.median(round_trips):.0f} ms): Nagle's delay is back"
    )
