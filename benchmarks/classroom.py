#!/usr/bin/env python3
"""Classroom load test: a real JupyterHub on 127.0.0.1, N simulated students, one notebook each.

    python benchmarks/classroom.py --students 1,5,10,20            # -> benchmarks/classroom.json

Per class size N the script starts its own JupyterHub (DummyAuthenticator,
SimpleLocalProcessSpawner with one home folder per student under a temporary directory,
configurable-http-proxy from npm, locked in benchmarks/proxy/ and installed there with
`npm ci` on first use), then every student, in a thread
of their own and all at once:

1. logs in through the hub's login form (username + any password);
2. starts their server (the hub REST API, as the "Start my server" button does) and pulls the
   course into their home through nbgitpuller's link (`/user/<name>/git-pull/api?repo=...`, the
   event stream the link's page reads), from this repository's committed HEAD;
3. opens the notebook as JupyterLab does (a session through the REST API, then the kernel
   websocket) and runs every code cell ("Run All": all execute_requests at once), then saves it
   with its outputs;
4. moves the explorer's sliders as the browser does: a widget `comm_msg` with
   `{"method": "update", "state": {"value": ...}}` to the slider model found in the kernel's
   `comm_open` messages, and waits for the Image model's `update` carrying the new image. First
   `--moves` moves in "lab" mode (random think-time, each student on their own), then
   `--demo-moves` in "live demo" mode (all students release a slider at the same moment).

Recorded per student: login, spawn, pull, kernel start and Run All times, each slider-to-figure
latency, peak RSS of their server and of their kernel, CPU seconds of their process tree, and every
error. Faults (one student each, chosen when N >= 2): `kill-kernel` SIGKILLs that student's
kernel halfway through their slider moves (they then re-run the notebook once, as a student
would, and move on); `full-disk` gives that student a home on a small tmpfs filled to the last
256 KiB.

Everything runs on loopback addresses; every wait has a deadline; everything started is stopped
(process groups killed, tmpfs unmounted, temporary folders removed) even on errors or Ctrl-C.

Every size in --students starts with empty build caches ("cold": each student's first Run All
compiles the explorer, as on TLJH). The sizes in --prebuilt (e.g. `--prebuilt 5,20`) are measured
again with a "prebuilt" cache: one cache built before the run, copied into every home and shown to
the student's server at one fixed path, as the course image does (deploy/Dockerfile bakes it into
BRIAN_LABS_CACHE_DIR).
"""

import argparse
import json
import os
import queue
import random
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote, unquote

import psutil
import requests
import websocket

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import hub_links  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
PROXY_DIR = ROOT / "benchmarks" / "proxy"  # package.json + package-lock.json pin the proxy
PROXY = PROXY_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
NOTEBOOKS = {"03": "notebooks/03_poisson_excitatory.ipynb", "05": "notebooks/05_balanced_ei.ipynb"}
COURSE_DIR = hub_links.TARGET  # nbgitpuller's targetpath in each home
LOCALHOST = "127.0.0.1"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
IMAGE_MAGIC = (PNG_MAGIC, b"\xff\xd8\xff")  # the explorer's live frames are JPEG (a PNG before)
# The prebuilt cache's fixed path, as in the image (deploy/Dockerfile). Brian2's makefiles name the
# cache by its absolute path, so a copy elsewhere would recompile; each student's server runs in a
# private mount namespace (as a container would) where their own copy is bind-mounted here.
IMAGE_CACHE = OUT / "image-cache"

SPAWN_TIMEOUT_S = 300
PULL_TIMEOUT_S = 180
CELL_TIMEOUT_S = 600  # the whole Run All of one notebook
MOVE_TIMEOUT_S = 60  # one slider release -> new figure
STALL_S = 120  # Run All: no message for this long, and a kernel busy < 1 % of it: replies lost
STUDENT_TIMEOUT_S = 1500  # one student's whole session
SAMPLE_INTERVAL_S = 0.25  # memory sampling
FULL_DISK_FREE = 256 * 1024  # bytes left free in the full-disk home


def free_port():
    """A free TCP port on the loopback address."""
    with socket.socket() as s:
        s.bind((LOCALHOST, 0))
        return s.getsockname()[1]


def now():
    """Seconds on a monotonic clock."""
    return time.perf_counter()


# -- the hub --------------------------------------------------------------------------------------
class Hub:
    """A JupyterHub in its own temporary folder, bound to 127.0.0.1; a context manager."""

    def __init__(self, cache_template=None, full_disk_user=None):
        self.dir = Path(tempfile.mkdtemp(prefix="brian-labs-classroom-"))
        self.homes = self.dir / "homes"
        self.homes.mkdir()
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.url = f"http://{LOCALHOST}:{self.port}"
        self.token = secrets.token_hex(32)
        self.cache_template = cache_template
        self.full_disk_user = full_disk_user
        self.mounts = []
        self.process = None

    def config(self):
        """The text of the hub's jupyterhub_config.py: addresses, files, authenticator, spawner."""
        singleuser = Path(sys.executable).parent / "jupyterhub-singleuser"
        cmd, environment = [str(singleuser)], {}
        if self.cache_template is not None:
            mount = (
                f'mount --bind "$HOME/.cache/brian-labs" {self.cache_template} && '
                f'exec {singleuser} "$@"'
            )
            cmd = ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", mount, "sh"]
            environment = {"BRIAN_LABS_CACHE_DIR": str(self.cache_template)}
        return textwrap.dedent(f"""
            c = get_config()  # noqa
            c.JupyterHub.ip = {LOCALHOST!r}
            c.JupyterHub.port = {self.port}
            c.JupyterHub.hub_ip = {LOCALHOST!r}
            c.JupyterHub.hub_port = {self.hub_port}
            c.ConfigurableHTTPProxy.api_url = 'http://{LOCALHOST}:{self.api_port}'
            c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
            c.JupyterHub.db_url = 'sqlite:///{self.dir}/jupyterhub.sqlite'
            c.JupyterHub.cookie_secret_file = '{self.dir}/cookie_secret'
            c.ConfigurableHTTPProxy.pid_file = '{self.dir}/proxy.pid'
            c.JupyterHub.authenticator_class = 'dummy'
            c.Authenticator.allow_all = True
            c.JupyterHub.spawner_class = 'jupyterhub.spawner.SimpleLocalProcessSpawner'
            c.SimpleLocalProcessSpawner.home_dir_template = '{self.homes}/{{username}}'
            c.Spawner.cmd = {cmd!r}
            c.Spawner.environment = {environment!r}
            c.Spawner.args = ['--allow-root']   # this machine runs everything as root
            c.Spawner.ip = {LOCALHOST!r}
            c.Spawner.default_url = '/lab'
            c.Spawner.start_timeout = {SPAWN_TIMEOUT_S}
            c.Spawner.http_timeout = {SPAWN_TIMEOUT_S}
            c.JupyterHub.services = [{{'name': 'classroom', 'api_token': {self.token!r}}}]
            c.JupyterHub.load_roles = [{{'name': 'admin', 'services': ['classroom']}}]
            """)

    def __enter__(self):
        """Start the hub and wait until it answers."""
        ensure_proxy()
        (self.dir / "jupyterhub_config.py").write_text(self.config())
        self.log = open(self.dir / "jupyterhub.log", "w")
        env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
        env.pop("BRIAN_LABS_CACHE_DIR", None)  # students get the default cache in their home
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyterhub"), "-f", "jupyterhub_config.py"],
            cwd=self.dir,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        deadline = now() + 90
        while now() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"jupyterhub did not answer within 90 s:\n{self.log_tail()}")

    def log_tail(self, lines=40):
        """The last ``lines`` lines of the hub's log."""
        self.log.flush()
        return "\n".join((self.dir / "jupyterhub.log").read_text().splitlines()[-lines:])

    def api(self, method, path, **kwargs):
        """A request to the hub's REST API with the admin token."""
        headers = {"Authorization": f"token {self.token}"}
        return requests.request(
            method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kwargs
        )

    def prepare_home(self, name):
        """Create the student's home (a full tmpfs for the full-disk fault; the prebuilt cache)."""
        home = self.homes / name
        home.mkdir()
        if name == self.full_disk_user:
            size = 16 * 2**20
            if self.cache_template is not None:
                size += directory_bytes(self.cache_template)
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(home)], check=True
            )
            self.mounts.append(home)
        if self.cache_template is not None:
            shutil.copytree(self.cache_template, home / ".cache" / "brian-labs", symlinks=True)

    def fill_disk(self, name):
        """Leave FULL_DISK_FREE bytes in the student's home (after the course was pulled)."""
        home = self.homes / name
        free = shutil.disk_usage(home).free - FULL_DISK_FREE
        with open(home / "my-large-dataset.bin", "wb") as f:
            f.write(b"\0" * max(free, 0))

    def __exit__(self, *exc):
        # The hub stops the servers it spawned; then kill every process group left, by pid.
        """Stop the hub and every process it left, then remove its folder."""
        groups = {os.getpgid(self.process.pid)} if self.process.poll() is None else set()
        for proc in psutil.process_iter(["pid", "cwd", "environ"]):
            try:
                environ = proc.info["environ"] or {}
                if str(self.homes) in environ.get("HOME", "") or (
                    proc.info["cwd"] or ""
                ).startswith(str(self.dir)):
                    groups.add(os.getpgid(proc.pid))
            except (psutil.Error, ProcessLookupError):
                continue
        groups.discard(os.getpgid(0))
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        for group in groups:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.log.close()
        for mount in self.mounts:
            subprocess.run(["umount", "-l", str(mount)], check=False)
        shutil.copy(self.dir / "jupyterhub.log", OUT / "classroom-hub.log")
        shutil.rmtree(self.dir, ignore_errors=True)
        return False


# -- one student's kernel websocket ---------------------------------------------------------------
def decode(frame):
    """A kernel websocket frame (jupyter_server's default protocol) -> message dict."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = struct.unpack("!I", frame[:4])[0]
    offsets = [*list(struct.unpack(f"!{count}I", frame[4 : 4 * (count + 1)])), len(frame)]
    msg = json.loads(frame[offsets[0] : offsets[1]].decode())
    msg["buffers"] = [frame[offsets[i] : offsets[i + 1]] for i in range(1, count)]
    return msg


class KernelRestarted(RuntimeError):
    """The server restarted a student's kernel."""


class Channel:
    """One student's kernel websocket: send shell messages, wait for replies with deadlines."""

    def __init__(self, url, token, session):
        self.ws = websocket.create_connection(
            url, header=[f"Authorization: token {token}"], timeout=5, enable_multithread=True
        )
        self.session = session
        # Read the socket all the time, as a browser does: websocket-client answers the server's
        # pings only while reading, and an unanswered ping makes the server close the socket.
        self.inbox = queue.Queue()
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()
        self.models = {}  # comm id -> widget state from comm_open
        self.values = {}  # comm id -> the slider value this student last sent
        self.errors = []  # error outputs seen on iopub
        self.restarted = False

    def send(self, msg_type, content):
        """Send a shell message; its msg_id."""
        msg_id = uuid.uuid4().hex
        header = dict(
            msg_id=msg_id,
            msg_type=msg_type,
            session=self.session,
            username="student",
            version="5.3",
            date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        )
        self.ws.send(
            json.dumps(
                dict(
                    header=header,
                    parent_header={},
                    metadata={},
                    content=content,
                    channel="shell",
                    buffers=[],
                )
            )
        )
        return msg_id

    def read(self):
        """Queue every frame of the websocket until it closes or fails (in a thread)."""
        while True:
            try:
                frame = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except (OSError, websocket.WebSocketException) as error:
                self.inbox.put(error)
                return
            if frame in ("", b""):  # a close frame
                self.inbox.put(ConnectionError("the server closed the kernel websocket"))
                return
            self.inbox.put(frame)

    def receive(self, deadline):
        """The next message before ``deadline``; raises if the websocket failed."""
        while now() < deadline:
            try:
                frame = self.inbox.get(timeout=max(0.01, min(1.0, deadline - now())))
            except queue.Empty:
                continue
            if isinstance(frame, Exception):
                self.inbox.put(frame)  # every later receive sees it too
                raise ConnectionError(f"kernel websocket: {frame}")
            msg = decode(frame)
            kind, content = msg.get("msg_type"), msg.get("content", {})
            if kind == "comm_open":
                self.models[content["comm_id"]] = content.get("data", {}).get("state", {})
            elif kind == "error":
                self.errors.append(
                    dict(
                        msg_id=msg.get("parent_header", {}).get("msg_id"),
                        ename=content.get("ename"),
                        evalue=content.get("evalue"),
                    )
                )
            elif kind == "status" and content.get("execution_state") in ("restarting", "dead"):
                self.restarted = True
                raise KernelRestarted(f"kernel {content['execution_state']}")
            return msg
        raise TimeoutError("no message before the deadline")

    def close(self):
        """Close the websocket, ignoring errors."""
        try:
            self.ws.close()
        except (OSError, websocket.WebSocketException):
            pass


# -- one student ----------------------------------------------------------------------------------
class Student:
    """One simulated student: log in, spawn, open the notebook, Run All, move sliders."""

    def __init__(self, hub, name, notebook, moves, demo_moves, barrier, rng_seed, fault=None):
        self.hub, self.name, self.notebook = hub, name, notebook
        self.moves, self.demo_moves, self.barrier = moves, demo_moves, barrier
        self.rng = random.Random(rng_seed)
        self.fault = fault
        self.record = dict(
            name=name,
            fault=fault,
            errors=[],
            lab_latencies_s=[],
            demo_latencies_s=[],
            server_pid=None,
            kernel_pids=[],
        )
        self.server_url = f"{hub.url}/user/{name}"
        self.token = None

    def error(self, stage, message):
        """Record an error of ``stage``."""
        self.record["errors"].append(
            dict(stage=stage, message=str(message)[:500], at_s=round(now() - self.started, 2))
        )

    def get(self, path, **kwargs):
        """A GET request to the student's server."""
        return requests.get(
            f"{self.server_url}{path}",
            timeout=60,
            headers={"Authorization": f"token {self.token}"},
            **kwargs,
        )

    def request(self, method, path, **kwargs):
        """A request to the student's server."""
        return requests.request(
            method,
            f"{self.server_url}{path}",
            timeout=120,
            headers={"Authorization": f"token {self.token}"},
            **kwargs,
        )

    # each step records its time or an error; a failed step ends the session
    def login(self):
        """Log in to the hub as this student; records the time it took."""
        start = now()
        http = requests.Session()
        form = http.get(f"{self.hub.url}/hub/login", timeout=60)
        form.raise_for_status()
        reply = http.post(
            f"{self.hub.url}/hub/login",
            timeout=60,
            allow_redirects=False,
            data=dict(username=self.name, password="any", _xsrf=http.cookies.get("_xsrf", "")),
        )
        if reply.status_code != 302 or "jupyterhub-session-id" not in http.cookies:
            raise RuntimeError(f"login failed: HTTP {reply.status_code}")
        self.http = http
        self.record["login_s"] = now() - start

    def spawn(self):
        """Start this student's server and wait until it answers; records the time."""
        start = now()
        self.hub.api("POST", f"/users/{self.name}/server").raise_for_status()
        deadline = now() + SPAWN_TIMEOUT_S
        while now() < deadline:
            server = self.hub.api("GET", f"/users/{self.name}").json()["servers"].get("", {})
            if server.get("ready"):
                break
            if not server.get("pending") and not server.get("ready"):
                raise RuntimeError("the server stopped while starting")
            time.sleep(0.5)
        else:
            raise TimeoutError(f"server not ready after {SPAWN_TIMEOUT_S} s")
        self.record["spawn_s"] = now() - start
        self.token = self.hub.api(
            "POST", f"/users/{self.name}/tokens", json=dict(note="classroom")
        ).json()["token"]
        self.record["server_pid"] = server_pid(self.hub, self.name)

    def pull(self):
        """Open the course's nbgitpuller link in the browser session, as its page does.

        Opens the link (tools/hub_links.py), then does what its page does: read the pull's event
        stream to the end.
        """
        start = now()
        page = self.http.get(
            hub_links.link(self.hub.url, "notebooks", repo=str(ROOT), branch=git_branch()),
            timeout=60,
        )
        if (
            page.status_code != 200
            or "/git-pull" not in page.url
            or 'data-targetpath="brian-labs"' not in page.text
        ):
            raise RuntimeError(f"the nbgitpuller link led to HTTP {page.status_code} {page.url}")
        query = dict(repo=str(ROOT), branch=git_branch(), targetpath=COURSE_DIR)
        reply = self.get("/git-pull/api", params=query, stream=True)
        reply.raise_for_status()
        deadline, finished = now() + PULL_TIMEOUT_S, False
        for line in reply.iter_lines(decode_unicode=True):
            if line and line.startswith("data:"):
                event = json.loads(line[5:])
                if event.get("phase") == "error":
                    raise RuntimeError(
                        f"nbgitpuller: {event.get('message')} {event.get('output', '')[-300:]}"
                    )
                if event.get("phase") == "finished":
                    finished = True
                    break
            if now() > deadline:
                raise TimeoutError("nbgitpuller did not finish")
        reply.close()
        if not finished:
            raise RuntimeError("nbgitpuller's event stream ended without 'finished'")
        self.record["pull_s"] = now() - start
        # where the page then sends the browser: the link's urlpath, JupyterLab on the edition
        path = unquote(re.search(r'data-path="([^"]*)"', page.text).group(1))
        opened = self.http.get(f"{self.server_url}/{path}", timeout=60)
        if opened.status_code != 200 or "jupyter-config-data" not in opened.text:
            raise RuntimeError(f"the link's urlpath {path!r} gave HTTP {opened.status_code}")

    def open_notebook(self):
        """Start a kernel session for the notebook; records the time."""
        start = now()
        path = f"{COURSE_DIR}/{self.notebook}"
        reply = self.request(
            "POST",
            "/api/sessions",
            json=dict(
                path=path, name=Path(path).name, type="notebook", kernel=dict(name="python3")
            ),
        )
        reply.raise_for_status()
        self.kernel_id = reply.json()["kernel"]["id"]
        self.connect()
        self.record["kernel_start_s"] = now() - start
        nb = self.get(f"/api/contents/{quote(path)}", params=dict(content=1)).json()["content"]
        self.nb, self.path = nb, path

    def connect(self):
        """Open the kernel websocket and wait for the kernel to answer."""
        ws_url = self.server_url.replace("http://", "ws://")
        self.channel = Channel(
            f"{ws_url}/api/kernels/{self.kernel_id}/channels?session_id={uuid.uuid4().hex}",
            self.token,
            uuid.uuid4().hex,
        )
        try:
            msg_id = self.channel.send("kernel_info_request", {})
            deadline = now() + 120
            while self.channel.receive(deadline)["parent_header"].get("msg_id") != msg_id:
                pass
        except BaseException:
            self.channel.close()
            raise
        pids = kernel_pids(self.record["server_pid"])
        known = self.record["kernel_pids"]
        known += [pid for pid in pids if pid not in known]

    def run_all(self, label="run_all_s"):
        """Send every code cell at once, as Run All does; wait for every execute_reply."""
        start = now()
        cells = [c for c in self.nb["cells"] if c["cell_type"] == "code"]
        pending = {}
        for cell in cells:
            msg_id = self.channel.send(
                "execute_request",
                dict(
                    code=cell["source"],
                    silent=False,
                    store_history=True,
                    user_expressions={},
                    allow_stdin=False,
                    stop_on_error=False,
                ),
            )
            pending[msg_id] = cell
        outputs = {msg_id: [] for msg_id in pending}
        expected_errors = {
            m
            for m, c in pending.items()
            if "raises-exception" in c.get("metadata", {}).get("tags", [])
        }
        deadline = now() + CELL_TIMEOUT_S
        cpu_before = self.kernel_cpu_s()
        replies = 0
        last_message, cpu_checked = now(), self.kernel_cpu_s(running_children=True)
        while replies < len(pending):
            try:
                msg = self.channel.receive(min(deadline, last_message + STALL_S))
            except TimeoutError:
                cpu = self.kernel_cpu_s(running_children=True)
                used = None if cpu is None or cpu_checked is None else cpu - cpu_checked
                if now() >= deadline or (used is not None and used < STALL_S / 100):
                    raise TimeoutError(
                        f"{len(pending) - replies} of {len(pending)} cells never replied: "
                        f"no message for {now() - last_message:.0f} s, kernel CPU {used} s"
                    ) from None
                last_message, cpu_checked = now(), cpu  # busy: a long cell or a compile
                continue
            last_message = now()
            parent = msg.get("parent_header", {}).get("msg_id")
            if (
                msg.get("channel") == "shell"
                and msg["msg_type"] == "execute_reply"
                and parent in pending
            ):
                replies += 1
            elif parent in outputs and msg["msg_type"] in (
                "stream",
                "display_data",
                "execute_result",
                "error",
            ):
                output = dict(output_type=msg["msg_type"], **msg["content"])
                output.pop("transient", None)
                if msg["msg_type"] == "stream":
                    output = dict(output_type="stream", name=output["name"], text=output["text"])
                outputs[parent].append(output)
        self.record[label] = now() - start
        cpu_after = self.kernel_cpu_s()
        if cpu_before is not None and cpu_after is not None:
            self.record[label.replace("_s", "_kernel_cpu_s")] = cpu_after - cpu_before
        unexpected = [
            e
            for e in self.channel.errors
            if e["msg_id"] in pending and e["msg_id"] not in expected_errors
        ]
        for e in unexpected:
            self.error("run_all", f"{e['ename']}: {e['evalue']}")
        self.channel.errors.clear()
        for msg_id, cell in pending.items():
            cell["outputs"] = outputs[msg_id]
        return not unexpected

    def save(self):
        """PUT the notebook with its outputs, as JupyterLab's save does."""
        start = now()
        reply = self.request(
            "PUT",
            f"/api/contents/{quote(self.path)}",
            json=dict(type="notebook", format="json", content=self.nb),
        )
        if not reply.ok:
            raise RuntimeError(f"save failed: HTTP {reply.status_code} {reply.text[:200]}")
        self.record["save_s"] = now() - start

    def explorer_models(self):
        """The explorer's slider models and its image model, from the widget state."""
        models = self.channel.models
        sliders = {
            m["description"]: (comm_id, m)
            for comm_id, m in models.items()
            if m.get("_model_name") in ("FloatSliderModel", "IntSliderModel")
        }
        images = [comm_id for comm_id, m in models.items() if m.get("_model_name") == "ImageModel"]
        if not sliders or not images:
            raise RuntimeError("the explorer's widgets were not opened (no slider or image model)")
        return sliders, images[-1]

    def move(self, sliders, image):
        """Release one slider at a random value; return seconds until the new figure arrived."""
        comm_id, model = sliders[self.rng.choice(sorted(sliders))]
        steps = round((model["max"] - model["min"]) / model["step"])
        # a release at the slider's current value changes nothing, so no figure follows
        current = self.channel.values.get(comm_id, model["value"])
        step = self.rng.choice(
            [
                k
                for k in range(steps + 1)
                if abs(model["min"] + model["step"] * k - current) > model["step"] / 2
            ]
        )
        value = model["min"] + model["step"] * step
        if model["_model_name"] == "IntSliderModel":
            value = int(value)
        start = now()
        self.channel.send(
            "comm_msg",
            dict(
                comm_id=comm_id,
                data=dict(method="update", state=dict(value=value), buffer_paths=[]),
            ),
        )
        self.channel.values[comm_id] = value
        deadline = now() + MOVE_TIMEOUT_S
        while True:
            msg = self.channel.receive(deadline)
            content = msg.get("content", {})
            if (
                msg["msg_type"] == "comm_msg"
                and content.get("comm_id") == image
                and content.get("data", {}).get("method") == "update"
            ):
                if not msg.get("buffers") or not msg["buffers"][0].startswith(IMAGE_MAGIC):
                    raise RuntimeError("the figure update carried no image")
                return now() - start
            if msg["msg_type"] == "comm_msg" and "color:#D55E00" in json.dumps(content):
                raise RuntimeError(f"the explorer reported an error: {content['data']['state']}")

    def kernel_cpu_s(self, running_children=False):
        """CPU seconds of the kernel and its finished children (and its running ones), or None."""
        try:
            kernel = psutil.Process(self.record["kernel_pids"][-1])
            times = kernel.cpu_times()
            # the kernel and its finished children (the explorer's compiler and make)
            total = times.user + times.system + times.children_user + times.children_system
            for child in kernel.children(recursive=True) if running_children else []:
                try:
                    total += sum(child.cpu_times()[:2])
                except psutil.Error:
                    continue
            return total
        except (psutil.Error, IndexError):
            return None

    def slider_phase(self, count, key, demo):
        """Move sliders ``count`` times, recording each latency under ``key``."""
        sliders, image = self.explorer_models()
        cpu_before, moved = self.kernel_cpu_s(), len(self.record[key])
        for i in range(count):
            if demo:  # everyone releases at once; the first wait is for the slowest Run All
                left = STUDENT_TIMEOUT_S - (now() - self.started)
                self.barrier.wait(timeout=max(left, 1) if i == 0 else MOVE_TIMEOUT_S * 2)
            else:
                time.sleep(self.rng.uniform(1.0, 5.0))  # think-time
            if self.fault == "kill-kernel" and not demo and i == count // 2:
                self.kill_kernel()
            try:
                self.record[key].append(self.move(sliders, image))
            except KernelRestarted as error:
                self.error(key, f"{error} (slider move {i + 1})")
                self.recover()
                sliders, image = self.explorer_models()
            except (RuntimeError, TimeoutError) as error:
                self.error(key, f"slider move {i + 1}: {error} ({self.kernel_state()})")
        cpu_after, moved = self.kernel_cpu_s(), len(self.record[key]) - moved
        if (
            cpu_before is not None
            and cpu_after is not None
            and moved
            and "killed_kernel_at_s" not in self.record
        ):
            # kernel CPU per slider move (simulate + draw + messaging)
            self.record[key.replace("latencies_s", "cpu_per_move_s")] = (
                cpu_after - cpu_before
            ) / moved

    def kernel_state(self):
        """What the server says about the kernel (for error messages)."""
        try:
            kernel = self.get(f"/api/kernels/{self.kernel_id}").json()
            return f"kernel {kernel.get('execution_state')}, pid alive: " + ", ".join(
                f"{pid} {psutil.pid_exists(pid)}" for pid in self.record["kernel_pids"]
            )
        except (requests.RequestException, ValueError) as error:
            return f"kernel state unknown: {error}"

    def kill_kernel(self):
        """Kill the kernel with SIGKILL (the kill-kernel fault)."""
        pid = self.record["kernel_pids"][-1]
        self.record["killed_kernel_at_s"] = round(now() - self.started, 2)
        os.kill(pid, signal.SIGKILL)

    def recover(self):
        """What a student does after "kernel restarting": reconnect and Run All again, once."""
        start = now()
        self.channel.close()
        deadline = now() + 120
        while now() < deadline:  # the server restarts the kernel; wait until it answers
            try:
                self.connect()
                break
            except (KernelRestarted, TimeoutError, OSError, websocket.WebSocketException):
                time.sleep(1)
        self.run_all("rerun_all_s")
        self.record["recovery_s"] = now() - start

    def leave_demo_barrier(self):
        """Let the others go on without this student at the live demo."""
        if self.barrier is not None:
            self.barrier.abort()  # the others must not wait for a student who failed

    def run(self):
        """The whole session, stage by stage; errors are recorded, not raised."""
        self.started = now()
        stage = "login"
        try:
            self.login()
            stage = "spawn"
            self.spawn()
            stage = "pull"
            self.pull()
            if self.fault == "full-disk":
                self.hub.fill_disk(self.name)
            stage = "open"
            self.open_notebook()
            stage = "run_all"
            self.run_all()
            stage = "save"
            try:
                self.save()
            except RuntimeError as error:
                self.error("save", error)
            stage = "lab"
            self.slider_phase(self.moves, "lab_latencies_s", demo=False)
            stage = "demo"
            self.slider_phase(self.demo_moves, "demo_latencies_s", demo=True)
        except threading.BrokenBarrierError:
            self.error(stage, "another student left the live demo")
        except Exception as error:  # recorded; the other students go on
            self.error(stage, f"{type(error).__name__}: {error}")
            if stage != "demo":
                self.leave_demo_barrier()
        finally:
            if getattr(self, "channel", None):
                self.channel.close()
        self.record["session_s"] = now() - self.started
        return self.record


def uptime():
    """The machine's load, as `uptime` prints it (the machine is shared with other work)."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def directory_bytes(folder):
    """Total size of the files under ``folder``."""
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())


def git_branch():
    """The repository's current branch."""
    return subprocess.run(
        ["git", "rev-parse", "--abbrev-ref", "HEAD"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def server_pid(hub, name):
    """The pid of the student's single-user server, or None."""
    for proc in psutil.process_iter(["pid", "cmdline", "environ"]):
        try:
            if (proc.info["environ"] or {}).get("JUPYTERHUB_USER") == name and any(
                "jupyterhub-singleuser" in part for part in proc.info["cmdline"] or []
            ):
                return proc.pid
        except psutil.Error:
            continue
    return None


def kernel_pids(server):
    """The pids of the kernels the server ``server`` runs."""
    try:
        return [
            p.pid
            for p in psutil.Process(server).children()
            if any("ipykernel" in part for part in p.cmdline())
        ]
    except (psutil.Error, TypeError):
        return []


def non_loopback_listeners(hub):
    """Listening sockets of the hub's process tree that are not on a loopback address.

    The tree is the hub, proxy, servers and kernels; there should be none. Returns {"listening":
    count, "exposed": [...]}.
    """
    try:
        tree = [psutil.Process(hub.process.pid)]
        tree += tree[0].children(recursive=True)
    except psutil.Error:
        return dict(listening=0, exposed=["the hub's process tree was gone"])
    exposed, listening = [], 0
    for proc in tree:
        try:
            for conn in proc.net_connections(kind="inet"):
                if conn.status != psutil.CONN_LISTEN:
                    continue
                listening += 1
                if not (conn.laddr.ip.startswith("127.") or conn.laddr.ip == "::1"):
                    exposed.append(f"{proc.name()} {proc.pid} {conn.laddr.ip}:{conn.laddr.port}")
        except psutil.Error:
            continue
    return dict(listening=listening, exposed=exposed)


# -- memory and CPU sampling ----------------------------------------------------------------------
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


# -- one class size -------------------------------------------------------------------------------
def prebuilt_cache(notebook):
    """Run the notebook once with its cache at IMAGE_CACHE (what the image's build does)."""
    if (IMAGE_CACHE / "standalone").exists():
        return IMAGE_CACHE
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / notebook, as_version=4)
    os.environ["BRIAN_LABS_CACHE_DIR"] = str(IMAGE_CACHE)
    try:
        NotebookClient(
            nb,
            timeout=600,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(ROOT / "notebooks")}},
        ).execute()
    finally:
        del os.environ["BRIAN_LABS_CACHE_DIR"]
    return IMAGE_CACHE


def run_class(count, args, cache, deadline):
    """Run a class of ``count`` students on a fresh hub; the run's record."""
    faults = {}
    if count >= 2:
        for i, fault in enumerate(args.faults):
            faults[f"student{count - 1 - i:02d}"] = fault
    notebook = NOTEBOOKS[args.notebook]
    template = prebuilt_cache(notebook) if cache == "prebuilt" else None
    full_disk = next((n for n, f in faults.items() if f == "full-disk"), None)
    load_before = os.getloadavg()
    with Hub(cache_template=template, full_disk_user=full_disk) as hub:
        names = [f"student{i:02d}" for i in range(count)]
        for name in names:
            hub.prepare_home(name)
        demo_group = [n for n in names if faults.get(n) is None]
        barrier = threading.Barrier(len(demo_group)) if demo_group else None
        students = [
            Student(
                hub,
                name,
                notebook,
                args.moves,
                args.demo_moves,
                barrier if name in demo_group else None,
                rng_seed=args.seed + i,
                fault=faults.get(name),
            )
            for i, name in enumerate(names)
        ]
        for student in students:
            if student.barrier is None:
                student.demo_moves = 0
        sampler = Sampler(students, now() + STUDENT_TIMEOUT_S + 60)
        sampler.start()
        start = now()
        threads = [threading.Thread(target=s.run, name=s.name, daemon=True) for s in students]
        for thread in threads:
            thread.start()
        stop_at = min(start + STUDENT_TIMEOUT_S, deadline)
        for thread in threads:
            thread.join(timeout=max(1, stop_at - now()))
        for student, thread in zip(students, threads, strict=True):
            if thread.is_alive():
                student.error(
                    "session",
                    f"still running after {stop_at - start:.0f} s (stopped with the hub)",
                )
        sampler.stop.set()
        sampler.join(timeout=10)
        exposed = non_loopback_listeners(hub)
        wall = now() - start
        hub_rss = (
            sum(
                p.memory_info().rss
                for p in [
                    psutil.Process(hub.process.pid),
                    *psutil.Process(hub.process.pid).children(recursive=True),
                ]
                if p.pid not in [s.record["server_pid"] for s in students]
                and not any(p.pid in s.record["kernel_pids"] for s in students)
            )
            / 2**20
        )
    records = [s.record for s in students]
    return dict(
        students=count,
        cache=cache,
        notebook=notebook,
        wall_s=wall,
        load_average_before=load_before,
        load_average_after=os.getloadavg(),
        memory_used_increase_mb=(sampler.peak_used - sampler.baseline_used) / 2**20,
        hub_and_proxy_rss_mb=hub_rss,
        listeners=exposed,
        summary=summarise(records),
        records=records,
    )


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


def ensure_proxy():
    """Install the locked configurable-http-proxy with ``npm ci`` unless it is there already."""
    if PROXY.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("the classroom test needs npm (Node.js) for JupyterHub's proxy")
    print(f"classroom: installing configurable-http-proxy into {PROXY_DIR} (npm ci) ...")
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(PROXY_DIR)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0 or not PROXY.exists():
        raise SystemExit(f"npm ci in {PROXY_DIR} failed:\n{done.stdout}\n{done.stderr}")


def exit_on_sigterm():
    """Turn SIGTERM into SystemExit(143), so that ``with Hub()`` stops the hub and its servers.

    Python's default for SIGTERM ends the process at once, leaving the hub, the proxy and every
    student's server and kernel running. Call it from the main thread.
    """

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def main(argv=None):
    """Run the class sizes asked for and write the results; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--students",
        default="1,5,10,20",
        help="comma-separated class sizes, each run on a fresh hub",
    )
    parser.add_argument("--notebook", choices=sorted(NOTEBOOKS), default="03")
    parser.add_argument("--moves", type=int, default=10, help="lab-mode slider moves per student")
    parser.add_argument(
        "--demo-moves", type=int, default=5, help="live-demo slider moves (all students at once)"
    )
    parser.add_argument(
        "--prebuilt",
        default="",
        help="class sizes to measure again with the prebuilt cache, e.g. 5,20",
    )
    parser.add_argument(
        "--faults",
        default="kill-kernel,full-disk",
        help="faults for the last students of each class of >= 2 ('' for none)",
    )
    parser.add_argument("--seed", type=int, default=2718, help="think-times and slider values")
    parser.add_argument(
        "--budget-min",
        type=float,
        default=20,
        help="stop (and skip the remaining class sizes) after this many minutes",
    )
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "classroom.json"))
    args = parser.parse_args(argv)
    args.faults = [f for f in args.faults.split(",") if f]
    unknown = set(args.faults) - {"kill-kernel", "full-disk"}
    if unknown:
        parser.error(f"unknown fault(s): {', '.join(sorted(unknown))}")
    sizes = [int(n) for n in args.students.split(",")]
    prebuilt = [int(n) for n in args.prebuilt.split(",") if n]
    if (
        not 0 < args.moves <= 50
        or not 0 <= args.demo_moves <= 50
        or not all(0 < n <= 60 for n in sizes + prebuilt)
    ):
        parser.error("class sizes must be 1..60 and moves 1..50")
    OUT.mkdir(parents=True, exist_ok=True)
    exit_on_sigterm()
    started = time.time()
    uptime_start = uptime()
    deadline = now() + 60 * args.budget_min - 60  # a minute for the last hub to stop
    runs, skipped = [], []
    plan = [(n, "cold") for n in sizes] + [(n, "prebuilt") for n in prebuilt]
    plan.sort(key=lambda item: item[0])  # both caches of a size in a row: similar machine load
    for count, cache in plan:
        if now() > deadline - 30:
            skipped.append(dict(students=count, cache=cache))
            continue
        print(f"classroom: {count} student(s), {cache} cache ...", flush=True)
        run = run_class(count, args, cache, deadline)
        s = run["summary"]
        print(
            f"  wall {run['wall_s']:.0f} s, Run All median {s['run_all_median_s']}, "
            f"lab p50/p90 {s['lab_latency_median_s']}/{s['lab_latency_p90_s']}, demo "
            f"p50/p90 {s['demo_latency_median_s']}/{s['demo_latency_p90_s']}, "
            f"errors {s['healthy_errors']}, faults {s['faults']}",
            flush=True,
        )
        runs.append(run)
    result = dict(
        command="python benchmarks/classroom.py "
        + " ".join(sys.argv[1:] if argv is None else argv),
        started_utc=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        duration_s=time.time() - started,
        machine=dict(
            cpus=os.cpu_count(),
            memory_gb=psutil.virtual_memory().total / 2**30,
            uptime_start=uptime_start,
            uptime_end=uptime(),
        ),
        settings=dict(
            notebook=NOTEBOOKS[args.notebook],
            moves=args.moves,
            demo_moves=args.demo_moves,
            think_time_s=[1.0, 5.0],
            faults=args.faults,
            widget_protocol="comm_msg update over the websocket",
        ),
        runs=runs,
        skipped_for_time=skipped,
    )
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print(f"classroom: wrote {args.out} in {result['duration_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
