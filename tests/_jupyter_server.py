"""A Jupyter server from the course's environment, for tests that talk to one (its own folders)."""

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from benchmarks.classroom.hub import free_ports


def serve(tmp_path, module, token, arguments=(), extra_env=None, start_s=60):
    """Run ``python -m module`` (``jupyter_server``, ``jupyterlab``) on a free loopback port.

    Its config, runtime and IPython folders are fresh ones under ``tmp_path`` (the environment's
    own config, e.g. ``jupyter_server_config.d``, still applies); it serves ``tmp_path / "work"``
    and logs to ``tmp_path / "server.log"``. Yields (base URL, work folder, log path) once
    ``/api/status`` answers (fails the test after ``start_s`` seconds), then stops it.
    """
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    folders = {
        name: tmp_path / name.lower()
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR")
    }
    for path in folders.values():
        path.mkdir(exist_ok=True)
    env = dict(os.environ, **{k: str(v) for k, v in folders.items()}, **(extra_env or {}))
    (port,) = free_ports()
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                module,
                "--no-browser",
                f"--ServerApp.root_dir={work}",
                "--ServerApp.ip=127.0.0.1",
                "--ServerApp.allow_root=True",
                f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}",
                *arguments,
            ],
            cwd=work,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_s
        while True:
            if server.poll() is not None:
                pytest.fail(
                    f"{module} exited with {server.returncode}:\n" + log_path.read_text()[-3000:]
                )
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"{module} did not answer within {start_s} s:\n" + log_path.read_text()[-3000:]
                )
            time.sleep(0.2)
        yield base, work, log_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
