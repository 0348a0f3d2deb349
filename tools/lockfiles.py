"""The lock files: where each one is, what it pins, and the digest of the sources it records.

`tools/lock.py` writes them (`python3 course.py lock`); `tools/deploy.py` and the tests read them.
"""

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements"
PYTHONS = ("3.11", "3.12", "3.13", "3.14")
PROFILES = ("runtime", "dev", "instructor")
# Binder and conda users get one stack: the newest Python with a tested lock.
BINDER_PYTHON = "3.13"
DIGEST_PREFIX = "# sources sha256: "


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
