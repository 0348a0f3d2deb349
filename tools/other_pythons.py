#!/usr/bin/env python3
"""Print the supported Pythons this machine has besides the one running this script.

One path a line.

    python3 tools/other_pythons.py      # used by .ci/run to run the course slice on each of them

Looks at `python3`, `python3.X` on PATH, Debian's /usr/bin/python3* and pyenv's versions; each
interpreter is listed once per distinct version (x.y.z), and not at all if it cannot create a venv.
"""

import glob
import os
import shutil
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


if __name__ == "__main__":
    for path, _version in other_pythons():
        print(path)
