#!/usr/bin/env python3
"""Lock the course's dependencies for every supported Python; write the files made from the locks.

    python3 course.py lock            # resolve requirements/*.in again (needs the package index)
    python3 course.py lock --derived  # only rewrite binder/, environment.yml, deploy/Dockerfile

The hand-written source is `requirements/{runtime,dev,instructor}.in`. For each supported Python
minor version, `uv pip compile --universal` resolves it against that version's *oldest* patch
release (3.11.0, ...), so Debian's 3.11.2 and every later patch release can install the lock, on
Linux, macOS and Windows alike. Each lock records a digest of the sources it was made from;
`tests/test_locks.py` fails when a source changed without a new lock, or when a derived file
differs from what this script writes.
"""

import hashlib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements"
PYTHONS = ("3.11", "3.12", "3.13", "3.14")
PROFILES = ("runtime", "dev", "instructor")
# Binder and conda users get one stack: the newest Python with a tested lock.
BINDER_PYTHON = "3.13"
DIGEST_PREFIX = "# sources sha256: "

# Platforms a lock must serve. A line of a universal lock whose marker is false for all of them
# under a Python version belongs to another version's fork and is dropped from that version's lock.
_PLATFORMS = [
    {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"},
    {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
]
_MACHINES = ("x86_64", "aarch64", "arm64", "AMD64", "ARM64")


def lock_path(python, profile):
    """Path of the lock file of ``profile`` for ``python``.

    ``profile`` is "runtime", "dev" or "instructor"; ``python`` as in "3.12".
    """
    if python not in PYTHONS or profile not in PROFILES:
        raise ValueError(
            f"unknown lock {python}/{profile}: pythons {PYTHONS}, profiles {PROFILES}"
        )
    return REQUIREMENTS / f"py{python}" / f"{profile}.txt"


def source_files(profile):
    """The hand-written files a profile is made from.

    Its own ``.in`` and those it includes (``-r``).
    """
    files, todo = [], [REQUIREMENTS / f"{profile}.in"]
    while todo:
        path = todo.pop()
        files.append(path)
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("-r "):
                todo.append(path.parent / line.split(maxsplit=1)[1])
    return sorted(files)


def sources_digest(profile):
    """sha256 over the sources of ``profile`` (names and contents), as recorded in its locks."""
    digest = hashlib.sha256()
    for path in source_files(profile):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def recorded_digest(path):
    """The digest line of a lock file, or None."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(DIGEST_PREFIX):
            return line[len(DIGEST_PREFIX) :].strip()
    return None


def pins(path):
    """``{name: version}`` of a lock (marker-dependent duplicates keep the first)."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if match:
            found.setdefault(normalise(match[1]), match[2])
    return found


def normalise(name):
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path):
    """The requirement lines of a lock, without comments and annotations."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            lines.append(line.strip())
    return lines


def keep_for_python(line, python):
    """False when a universal-lock line's marker cannot hold on ``python`` on any platform.

    Platforms are the supported ones.
    """
    from packaging.markers import Marker

    if ";" not in line:
        return True
    marker = Marker(line.split(";", 1)[1].strip())
    for patch in ("0", "99"):
        for platform in _PLATFORMS:
            for machine in _MACHINES:
                env = dict(
                    platform,
                    platform_machine=machine,
                    python_version=python,
                    python_full_version=f"{python}.{patch}",
                    implementation_name="cpython",
                    platform_python_implementation="CPython",
                )
                if marker.evaluate(env):
                    return True
    return False


def compile_lock(python, profile, uv):
    """Resolve ``profile`` for ``python`` with uv and write its lock.

    Runtime first: it constrains the others.
    """
    out = lock_path(python, profile)
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [
        uv,
        "pip",
        "compile",
        "--quiet",
        "--universal",
        "--no-header",
        "--python-version",
        f"{python}.0",
        str(REQUIREMENTS / f"{profile}.in"),
    ]
    if profile != "runtime":
        command += ["--constraint", str(lock_path(python, "runtime"))]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        print(f"lock: Python {python} / {profile} does not resolve:\n{result.stderr.strip()}")
        return False
    body, skip = [], False
    for line in result.stdout.splitlines():
        if line and not line.startswith((" ", "#")):
            skip = not keep_for_python(line, python)
        if not skip:
            body.append(line.replace(str(ROOT) + "/", ""))
    header = [
        f"# Lock of requirements/{profile}.in for Python {python}"
        f" (resolved for {python}.0 and later",
        "# patch releases, Linux, macOS and Windows)."
        " Generated by `python3 course.py lock`: edit the",
        "# .in file, never this one.",
        f"{DIGEST_PREFIX}{sources_digest(profile)}",
    ]
    out.write_text("\n".join(header + body) + "\n", encoding="utf-8")
    print(f"lock: wrote {out.relative_to(ROOT)}")
    return True


def binder_requirements():
    """The text of binder/requirements.txt, from the Binder Python's runtime lock."""
    lock = lock_path(BINDER_PYTHON, "runtime")
    lines = [
        f"# Binder's stack: requirements/py{BINDER_PYTHON}/runtime.txt, written by",
        "# `python3 course.py lock`; tests/test_locks.py checks that it is up to date.",
    ]
    return "\n".join(lines + requirement_lines(lock)) + "\n"


def environment_yml():
    """The text of environment.yml, from the Binder Python's runtime lock."""
    lock = lock_path(BINDER_PYTHON, "runtime")
    lines = [
        "name: brian-labs",
        f"# conda: Python {BINDER_PYTHON} from conda-forge, the locked packages from PyPI",
        f"# (requirements/py{BINDER_PYTHON}/runtime.txt). Written by `python3 course.py lock`.",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={BINDER_PYTHON}",
        "  - pip",
        "  - pip:",
    ]
    lines += [f"      - {line}" for line in requirement_lines(lock)]
    lines.append("      - -e .")
    return "\n".join(lines) + "\n"


def derived_files():
    """``{path: content}`` of every file generated from the locks."""
    import deploy  # tools/deploy.py: the hub's single-user image

    return {
        deploy.DOCKERFILE: deploy.render_dockerfile(deploy.DEFAULT_LOCK, deploy.DEFAULT_PYTHON),
        ROOT / "binder" / "requirements.txt": binder_requirements(),
        ROOT / "binder" / "runtime.txt": f"python-{BINDER_PYTHON}\n",
        ROOT / "environment.yml": environment_yml(),
    }


def write_derived():
    """Write every file derived from the locks."""
    for path, content in derived_files().items():
        path.write_text(content, encoding="utf-8")
        print(f"lock: wrote {path.relative_to(ROOT)}")


def main(argv):
    """Resolve the locks (unless ``--derived``), then write the derived files; exit status."""
    if "--derived" not in argv:
        uv = str(
            Path(sys.executable).with_name("uv" + (".exe" if sys.platform == "win32" else ""))
        )
        ok = True
        for python in PYTHONS:
            for profile in PROFILES:
                ok = compile_lock(python, profile, uv) and ok
        if not ok:
            return 1
    write_derived()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
