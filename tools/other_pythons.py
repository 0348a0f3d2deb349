#!/usr/bin/env python3
"""Print the supported Pythons this machine has besides the one running this script.

One path a line.

    python3 course.py other-pythons            # list them
    python3 course.py other-pythons --install  # first install each tested minor version (3.11,
                                               # 3.12, 3.13) that is missing, with uv (.ci/run)

Looks at `python3`, `python3.X` on PATH, Debian's /usr/bin/python3* and pyenv's versions; each
interpreter is listed once per distinct version (x.y.z), and not at all if it cannot create a venv.
With ``--install``, a tested minor version that neither this Python nor any found one has is
installed with the uv the course's lock pins (``python -m uv python install 3.X``, into uv's own
folder) and listed too, so CI runs the course on every tested version instead of silently
skipping one; an installation that fails ends the command with an error.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import course


def candidates():
    """Python executables on PATH, in /usr/bin and in pyenv, to probe."""
    names = ["python3"] + [f"python{course.version_text(v)}" for v in course.SUPPORTED]
    found = [shutil.which(name) for name in names]
    found += sorted(glob.glob("/usr/bin/python3.[0-9]*"))
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found += sorted(str(p) for p in pyenv.glob("3.*/bin/python3"))
    return [path for path in found if path and not path.endswith("-config")]


def other_pythons():
    """``[(path, version)]`` of supported interpreters other than this one, by distinct version."""
    seen = {tuple(sys.version_info[:3])}
    result = []
    for path in candidates():
        version = course.probe([path])
        if version is None or version in seen or not course.is_supported(version):
            continue
        seen.add(version)
        result.append((path, version))
    return result


def missing_minors(current, found):
    """Tested minor versions (course.TESTED) that neither ``current`` nor any of ``found`` has.

    ``current`` and each of ``found`` are version tuples (3, 12, 1); the result is sorted.
    """
    have = {tuple(v[:2]) for v in [current, *found]}
    return [minor for minor in sorted(course.TESTED) if minor not in have]


def uv_install(minor, run=subprocess.run):
    """Install CPython ``minor`` (e.g. (3, 12)) with uv; the path of its interpreter.

    Uses this Python's uv (``python -m uv``, pinned by the lock). Exits with uv's message if the
    installation fails.
    """
    text = course.version_text(minor)
    uv = [sys.executable, "-m", "uv", "python"]
    installed = run([*uv, "install", text], capture_output=True, text=True)
    if installed.returncode != 0:
        raise SystemExit(
            f"other_pythons: Python {text} is missing and `uv python install {text}` "
            f"failed:\n{installed.stderr.strip()}"
        )
    found = run(
        [*uv, "find", "--system", "--managed-python", text], capture_output=True, text=True
    )
    if found.returncode != 0 or not found.stdout.strip():
        raise SystemExit(
            f"other_pythons: uv installed Python {text} but cannot find it:\n{found.stderr}"
        )
    return found.stdout.strip().splitlines()[-1]


def main(argv=None, install=uv_install):
    """Print the other supported Pythons, installing missing tested ones if asked; exit status."""
    parser = argparse.ArgumentParser(
        prog="python3 course.py other-pythons", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--install",
        action="store_true",
        help="install each missing tested minor version with uv before listing",
    )
    args = parser.parse_args(argv)
    pythons = other_pythons()
    if args.install:
        current = tuple(sys.version_info[:3])
        for minor in missing_minors(current, [version for _path, version in pythons]):
            print(
                f"other_pythons: installing Python {course.version_text(minor)} with uv",
                file=sys.stderr,
                flush=True,
            )
            pythons.append((install(minor), minor))
    for path, _version in pythons:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
