"""One scripted student: log in, spawn, pull the course, Run All, save, move sliders."""

import json
import os
import random
import re
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote, unquote

import psutil
import requests
import websocket

from benchmarks.classroom import ROOT, now
from benchmarks.classroom.client import Channel, KernelRestarted
from benchmarks.classroom.hub import SPAWN_TIMEOUT_S, kernel_pids, server_pid
from tools import hub_links

COURSE_DIR = hub_links.TARGET  # nbgitpuller's targetpath in each home
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
IMAGE_MAGIC = (PNG_MAGIC, b"\xff\xd8\xff")  # the explorer's live frames are JPEG (a PNG before)
PULL_TIMEOUT_S = 180
CELL_TIMEOUT_S = 600  # the whole Run All of one notebook
MOVE_TIMEOUT_S = 60  # one slider release -> new figure
STALL_S = 120  # Run All: no message for this long, and a kernel busy < 1 % of it: replies lost
STUDENT_TIMEOUT_S = 1500  # one student's whole session


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

    def pull(self, edition_folder="notebooks"):
        """Open the course's nbgitpuller link in the browser session, as its page does.

        Opens the link of ``edition_folder`` (tools/hub_links.py), then does what its page does:
        read the pull's event stream to the end.
        """
        start = now()
        page = self.http.get(
            hub_links.link(self.hub.url, edition_folder, repo=str(ROOT), branch=git_branch()),
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
        self.start_session(path)
        self.record["kernel_start_s"] = now() - start
        nb = self.get(f"/api/contents/{quote(path)}", params=dict(content=1)).json()["content"]
        self.nb, self.path = nb, path

    def start_session(self, path):
        """Start a session (a new kernel) for the notebook ``path``, connect to it; the session.

        ``path`` is relative to the server's root, e.g. ``"brian-labs/student/00_units.ipynb"``.
        """
        if not isinstance(path, str) or not path.endswith(".ipynb"):
            raise ValueError(f"path must name a notebook (a str ending in .ipynb), got {path!r}")
        reply = self.request(
            "POST",
            "/api/sessions",
            json=dict(
                path=path, name=Path(path).name, type="notebook", kernel=dict(name="python3")
            ),
        )
        reply.raise_for_status()
        session = reply.json()
        self.kernel_id = session["kernel"]["id"]
        self.connect()
        return session

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


def git_branch():
    """The repository's current branch."""
    return subprocess.run(
        ["git", "rev-parse", "--abbrev-ref", "HEAD"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
