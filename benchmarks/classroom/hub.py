"""The classroom's JupyterHub: configuration, start and stop, the students' homes and processes."""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil
import requests

from benchmarks.classroom import LOCALHOST, OUT, ROOT, now

PROXY_DIR = ROOT / "benchmarks" / "proxy"  # package.json + package-lock.json pin the proxy
PROXY = PROXY_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
SPAWN_TIMEOUT_S = 300
FULL_DISK_FREE = 256 * 1024  # bytes left free in the full-disk home


def free_ports(count=1):
    """``count`` distinct free TCP ports on the loopback address (a list of ints).

    The sockets stay bound until all are chosen, so the kernel cannot hand out one port twice.
    """
    if not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}")
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind((LOCALHOST, 0))
        return [s.getsockname()[1] for s in sockets]


class Hub:
    """A JupyterHub in its own temporary folder, bound to 127.0.0.1; a context manager."""

    def __init__(self, cache_template=None, full_disk_user=None, environment=None):
        self.dir = Path(tempfile.mkdtemp(prefix="brian-labs-classroom-"))
        self.homes = self.dir / "homes"
        self.homes.mkdir()
        self.port, self.hub_port, self.api_port = free_ports(3)
        self.url = f"http://{LOCALHOST}:{self.port}"
        self.token = secrets.token_hex(32)
        self.cache_template = cache_template
        self.full_disk_user = full_disk_user
        self.environment = environment or {}  # more variables for every student's server
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
        environment = {**self.environment, **environment}
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


def directory_bytes(folder):
    """Total size of the files under ``folder``."""
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())


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
