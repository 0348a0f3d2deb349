#!/usr/bin/env python3
"""One entry point for the course, needing nothing but python3.

    python3 course.py lab     # install the pinned stack into .venv and open JupyterLab on notebook 00
    python3 course.py test    # install the stack plus test tools and run every test and notebook
    python3 course.py site    # execute every notebook and render the course site into _build/html

    python3 course.py matrix  # every notebook under 10 seeds x {numpy, cython} + the science suite
                              # (tools/matrix.py; `matrix --quick` is the ~2 min slice CI runs)

Other commands: `bench` (benchmarks/run.py), `python` (the course's Python, for anything else).
Extra arguments are passed on (e.g. `python3 course.py test -k units`, `course.py lab --no-browser`).
"""
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("BRIAN_LABS_VENV", ROOT / ".venv"))
FIRST_NOTEBOOK = "notebooks/00_units.ipynb"
PROFILES = {"runtime": ["requirements.txt"], "dev": ["requirements.txt", "requirements-dev.txt"],
            "site": ["requirements.txt", "requirements-site.txt"]}


def venv_python():
    return VENV / "bin" / "python"


def ensure_environment(profile):
    """Create .venv and install the pinned requirements, unless an identical install is recorded."""
    if sys.version_info[:2] != (3, 11):
        print(f"note: the course is pinned and tested on Python 3.11; this is {sys.version.split()[0]}")
    files = PROFILES[profile] + ["pyproject.toml"]
    digest = hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in files)).hexdigest()
    stamp = VENV / f".installed-{profile}"
    if stamp.exists() and stamp.read_text() == digest and venv_python().exists():
        return
    if not venv_python().exists():
        print(f"creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    print(f"installing the pinned {profile} stack (first time only) ...", flush=True)
    subprocess.run(pip + ["-r", str(ROOT / PROFILES[profile][-1])], check=True)
    subprocess.run(pip + ["--no-deps", "-e", str(ROOT)], check=True)
    stamp.write_text(digest)


def run(args):
    os.chdir(ROOT)
    return subprocess.call(args)


def main(argv):
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if command == "lab":
        ensure_environment("runtime")
        as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        return run([str(VENV / "bin" / "jupyter"), "lab", FIRST_NOTEBOOK, *as_root, *rest])
    if command == "test":
        ensure_environment("dev")
        return run([str(venv_python()), "-m", "pytest", *rest])
    if command == "matrix":
        ensure_environment("dev")
        return run([str(venv_python()), "tools/matrix.py", *rest])
    if command == "site":
        ensure_environment("site")
        return run([str(venv_python()), "site/build.py", *rest])
    if command == "bench":
        ensure_environment("dev")
        return run([str(venv_python()), "benchmarks/run.py", *rest])
    if command == "python":
        ensure_environment("dev")
        return run([str(venv_python()), *rest])
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
