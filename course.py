#!/usr/bin/env python3
"""One entry point for the course, needing nothing but Python (3.11, 3.12 or 3.13; 3.14 untested).

    python3 course.py lab     # install the course into .venv, open the student edition (Jupyter)
    python3 course.py test    # install it plus the test tools and run every test and notebook

    python3 course.py lab --instructor   # the instructor's edition (notebooks/, with solutions)
    python3 course.py info    # the Python, lock and environment the course uses (installs nothing)
    python3 course.py python  # the course's Python, for anything else

Teaching (tools/; each command's --help says more):
    python3 course.py student   # (re)write the student edition into student/, keeping edited files
    python3 course.py grade STEP                 # a graded term with nbgrader (.venv-instructor):
                                                 # release, collect, autograde, feedback, export;
                                                 # `grade check`: every notebook's round trip
    python3 course.py nbgrader-export --out DIR  # an nbgrader course folder, for your own grading
    python3 course.py hub-links --hub URL        # nbgitpuller links of both editions for a hub
    python3 course.py publish --out DIR [--branch NAME]  # the student-only course, graded term
    python3 course.py lab-settings [PREFIX]      # the course's JupyterLab defaults, into PREFIX

Maintaining (tools/, benchmarks/, site/):
    python3 course.py lint      # ruff check and ruff format --check (CI's first stage)
    python3 course.py clean-notebooks NB...      # store notebooks without outputs (--check)
    python3 course.py answer-key [NN ...]        # record the answer key after changing a solution
    python3 course.py docs      # rewrite every generated section of the docs (--check)
    python3 course.py site      # render the course site into _build/html (executes every notebook)
    python3 course.py matrix    # every notebook, several seeds x {numpy, cython}
    python3 course.py colab     # every notebook in Colab-like environments (both runtimes)
    python3 course.py colab-cells                # every notebook's Colab badge and setup cell
    python3 course.py seed-sweep                 # record a seed sweep into docs/seed-sweep.md
    python3 course.py bench     # explorer and Run All timings (benchmarks/run.py)
    python3 course.py classroom # JupyterHub load test on 127.0.0.1 (benchmarks/classroom/)
    python3 course.py sizing    # the hub sizing tables of docs/serving-a-class.md (--check)
    python3 course.py lock      # re-resolve requirements/*.in into per-Python locks
    python3 course.py dockerfile                 # deploy/Dockerfile from the lock (--check)
    python3 course.py other-pythons              # the other supported Pythons here (CI)

Extra arguments are passed on (`python3 course.py test -k units`, `course.py lab --no-browser`).
On Windows write `py course.py lab`. If the Python that runs this file is not one the course
supports, it looks for one that is (python3.13, python3.12, python3.11; on Windows the `py`
launcher) and uses it, saying so.
"""

# This file must run (and fail politely) on any Python 3, so it avoids f-strings and newer syntax.
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# Pythons with a lock in requirements/ (tools/lock.py); TESTED are those CI runs the course on.
SUPPORTED = ((3, 11), (3, 12), (3, 13), (3, 14))
TESTED = ((3, 11), (3, 12), (3, 13))
FIRST_NOTEBOOK = "notebooks/00_units.ipynb"  # the instructor's edition
STUDENT_FIRST_NOTEBOOK = "student/00_units.ipynb"  # written by tools/student_edition.py
LOCK_RECORD = "brian-labs-lock.txt"  # in the environment's prefix; lu.about() reports it
# JupyterLab's defaults for the course (no "official Jupyter news?" prompt during a lecture) and
# the switch of its server extension (labserver), installed by tools/lab_settings.py, as on Binder.
LAB_OVERRIDES = ROOT / "jupyterlab" / "overrides.json"
SERVER_CONFIG = ROOT / "jupyterlab" / "brian-labs.json"
# Bytecode of every installed module, written at install: uv writes none, and where
# PYTHONDONTWRITEBYTECODE is set or site-packages is read-only nothing would ever cache it, so each
# kernel start would recompile Brian2, sympy and matplotlib (`from brian2 import *`: 5 s, not 1 s).
COMPILE_BYTECODE = (
    "import compileall, sys, sysconfig; "
    "[compileall.compile_dir(d, quiet=2, workers=0) for d in sys.argv[1:] + "
    "sorted({sysconfig.get_paths()['purelib'], sysconfig.get_paths()['platlib']})]"
)


def version_text(version):
    """A version tuple as text, e.g. (3, 12) -> '3.12'."""
    return ".".join(str(part) for part in version)


def is_supported(version):
    """Whether the course supports this Python version (its major and minor)."""
    return tuple(version[:2]) in SUPPORTED


def supported_text():
    """The supported Pythons, as the messages name them."""
    tested = ", ".join(version_text(v) for v in TESTED)
    return "CPython {} (3.14 locked but untested)".format(tested)


# ---------------------------------------------------------------------------------------------
# Finding a supported interpreter


def candidate_commands(windows):
    """Commands to try, best first: the tested versions newest first, then 3.14."""
    order = [v for v in reversed(TESTED)] + [v for v in SUPPORTED if v not in TESTED]
    commands = []
    if windows:
        commands += [["py", "-{}".format(version_text(v))] for v in order]
    commands += [["python{}".format(version_text(v))] for v in order]
    return commands


PROBE = "import sys, venv, ensurepip; print('.'.join(map(str, sys.version_info[:3])))"


def probe(command):
    """The version of the Python that ``command`` starts.

    None if it does not run or lacks venv.
    """
    try:
        result = subprocess.run(
            [*command, "-c", PROBE],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            universal_newlines=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"^(\d+)\.(\d+)\.(\d+)$", result.stdout.strip())
    if result.returncode != 0 or not match:
        return None
    return tuple(int(part) for part in match.groups())


def find_interpreter(windows, which=shutil.which, probe=probe):
    """``(command, version)`` of the first supported Python found on PATH, or None."""
    for command in candidate_commands(windows):
        executable = which(command[0])
        if executable is None:
            continue
        version = probe([executable, *command[1:]])
        if version is not None and is_supported(version):
            return [executable, *command[1:]], version
    return None


def has_venv():
    """Whether this Python has the ``venv`` and ``ensurepip`` modules."""
    try:
        import ensurepip  # noqa: F401  (Debian ships it separately, in python3-venv)
        import venv  # noqa: F401
    except ImportError:
        return False
    return True


def no_python_message(current, windows):
    """The message for a Python the course cannot use when no other was found."""
    if is_supported(current):
        lines = [
            "course.py: this Python {} has no `venv` module, and the course needs one to make "
            "its environment.".format(version_text(current))
        ]
    else:
        lines = [
            "course.py: this is Python {}; the course needs {}.".format(
                version_text(current), supported_text()
            )
        ]
    lines.append(
        "No other supported Python was found on PATH (looked for {}).".format(
            ", ".join(" ".join(c) for c in candidate_commands(windows))
        )
    )
    if windows:
        lines.append(
            "Install Python 3.13 from https://www.python.org/downloads/ (or the Microsoft "
            "Store), then run:  py -3.13 course.py lab"
        )
    elif sys.platform == "darwin":
        lines.append(
            "Install Python 3.13 from https://www.python.org/downloads/ or with "
            "`brew install python@3.13`, then run:  python3.13 course.py lab"
        )
    elif is_supported(current):
        lines.append(
            "On Debian or Ubuntu:  sudo apt install python3-venv   then run the same "
            "command again."
        )
    else:
        lines.append(
            "Install Python 3.12 or 3.13 from your distribution (Ubuntu 24.04: "
            "`sudo apt install python3.12-venv`), pyenv or conda, then run:  "
            "python3.12 course.py lab"
        )
    return "\n".join(lines)


def switch_interpreter(argv, windows):
    """Run this script again with a supported Python.

    Exit status 2 with a message if there is none.
    """
    current = tuple(sys.version_info[:3])
    found = None if os.environ.get("BRIAN_LABS_SWITCHED") else find_interpreter(windows)
    if found is None:
        print(no_python_message(current, windows))
        return 2
    command, version = found
    reason = "is not supported" if not is_supported(current) else "has no venv module"
    print(
        "course.py: Python {} {}; using {} (Python {}).".format(
            version_text(current), reason, " ".join(command), version_text(version)
        ),
        flush=True,
    )
    env = dict(os.environ, BRIAN_LABS_SWITCHED="1")
    return subprocess.call([*command, str(ROOT / "course.py"), *list(argv)], env=env)


# ---------------------------------------------------------------------------------------------
# The course's environments


def venv_dir(profile):
    """Students' and tests' environment: .venv; the instructors' (nbgrader, jupyterhub) its own."""
    base = Path(os.environ.get("BRIAN_LABS_VENV", str(ROOT / ".venv")))
    return base.with_name(base.name + "-instructor") if profile == "instructor" else base


def venv_python(venv, windows):
    """The Python executable inside the environment ``venv``."""
    return venv / "Scripts" / "python.exe" if windows else venv / "bin" / "python"


def lock_file(profile, version):
    """The lock file of ``profile`` for this Python ``version``."""
    return ROOT / "requirements" / "py{}.{}".format(*version[:2]) / "{}.txt".format(profile)


def shown(path):
    """A path as the README writes it: relative to the course folder when inside it."""
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def failed_package(log_text):
    """The package a failed pip install names last, and pip's reason, from its output."""
    patterns = [
        (r"No matching distribution found for ([^\s;]+)", "no release of it for this Python"),
        (
            r"Could not find a version that satisfies the requirement ([^\s;]+)",
            "no release of it for this Python",
        ),
        (
            r"Failed (?:building wheel for|to build) ([^\s;]+)",
            "it had to be compiled, and that failed",
        ),
        (r"Could not install packages due to an? (\w+)", "a problem writing or fetching files"),
        (r"HTTP error \d+ while getting \S*/([^/\s]+?)-\d", "the download failed"),
        (r"Failed to establish a new connection", "no connection to the package index"),
    ]
    found = None
    for pattern, reason in patterns:
        for match in re.finditer(pattern, log_text):
            name = match.group(1) if match.groups() else "(network)"
            if found is None or match.start() > found[2]:
                found = (name, reason, match.start())
    return (found[0], found[1]) if found else (None, None)


def logged_call(command, log):
    """Run ``command``, appending the command and its output to ``log``; True on success."""
    with open(str(log), "a", encoding="utf-8") as stream:
        stream.write("$ {}\n".format(" ".join(command)))
        stream.flush()
        return subprocess.call(command, stdout=stream, stderr=subprocess.STDOUT) == 0


def pip_install(python, arguments, log):
    """Run pip, appending its output to ``log``; True on success."""
    command = [str(python), "-m", "pip", "install", "--disable-pip-version-check", *arguments]
    return logged_call(command, log)


def uv_pin(lock):
    """The uv release that a lock pins (its ``uv==X`` line), or None."""
    match = re.search(r"^uv==([^\s;]+)", lock.read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else None


def uv_ready(python, lock, log):
    """Whether the lock's uv is in the environment, installing it with pip first if needed.

    uv installs a lock about ten times faster than pip (measured in CI); any problem with it
    (no wheel for this platform, no network to fetch it) just means pip does the install.
    """
    pin = uv_pin(lock)
    if pin is None:
        return False
    probe = subprocess.run(
        [str(python), "-m", "uv", "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    if probe.returncode == 0 and probe.stdout.decode(errors="replace").split()[1:2] == [pin]:
        return True
    return pip_install(python, ["uv==" + pin], log)


def install(python, arguments, log, uv):
    """``pip install arguments`` into the environment, with uv when ``uv``; pip if uv fails."""
    if uv:
        command = [str(python), "-m", "uv", "pip", "install", "--python", str(python)]
        if logged_call(command + list(arguments), log):
            return True
        with open(str(log), "a", encoding="utf-8") as stream:
            stream.write("uv failed (above); installing with pip instead\n")
    return pip_install(python, arguments, log)


# Profiles sharing one environment (.venv): the runtime one is part of the dev one.
COVERED_BY = {"runtime": ("dev",)}


def install_digest(profile, version):
    """What an environment's install stamp records: its lock, pyproject and settings, Python."""
    return hashlib.sha256(
        lock_file(profile, version).read_bytes()
        + (ROOT / "pyproject.toml").read_bytes()
        + LAB_OVERRIDES.read_bytes()
        + SERVER_CONFIG.read_bytes()
        + version_text(version).encode()
        + COMPILE_BYTECODE.encode()  # environments installed without bytecode are redone
    ).hexdigest()


def ensure_environment(profile, windows):
    """Create the profile's environment and install its lock for this Python, unless already done.

    Returns the environment's Python, or None after printing a short message (log path included).
    """
    version = tuple(sys.version_info[:3])
    venv = venv_dir(profile)
    lock = lock_file(profile, version)
    digest = install_digest(profile, version)
    python = venv_python(venv, windows)
    stamp = venv / ".installed-{}".format(profile)
    if stamp.exists() and stamp.read_text() == digest and python.exists():
        return python
    # The dev lock holds the runtime lock's pins (it is resolved under them): an environment
    # installed for dev serves runtime commands as it is, and keeps its record of the dev lock.
    for wider in COVERED_BY.get(profile, ()):
        wider_stamp = venv / ".installed-{}".format(wider)
        if (
            wider_stamp.exists()
            and wider_stamp.read_text() == install_digest(wider, version)
            and python.exists()
        ):
            return python
    import venv as venv_module

    recorded = venv / ".python-version"
    fresh = (
        not python.exists()
        or not recorded.exists()
        or recorded.read_text() != version_text(version)
    )
    if fresh:
        print(
            "course.py: creating {} for Python {} ...".format(venv, version_text(version)),
            flush=True,
        )
        venv_module.EnvBuilder(with_pip=True, clear=venv.exists()).create(str(venv))
        recorded.write_text(version_text(version))
    log = venv / "install-{}.log".format(profile)
    log.write_text("")
    print(
        "course.py: installing the course's {} packages (first time: about a minute) ...".format(
            profile
        ),
        flush=True,
    )
    relative_lock = shown(lock)
    uv = uv_ready(python, lock, log)
    if not (
        install(python, ["-r", str(lock)], log, uv)
        and install(python, ["--no-deps", "--no-build-isolation", "-e", str(ROOT)], log, uv)
    ):
        name, reason = failed_package(log.read_text(encoding="utf-8", errors="replace"))
        what = "{} ({})".format(name, reason) if name else "a package (see the log)"
        print(
            "course.py: installing {} for Python {} failed at {}.\n  Full log: {}\n  Check the "
            "network connection and run the command again; if it fails again, report it with "
            "the log.".format(relative_lock, version_text(version), what, log)
        )
        return None
    # Errors (a package's deliberately broken test file) are logged, not fatal: Python compiles
    # whatever is missing at import, as before.
    logged_call([str(python), "-c", COMPILE_BYTECODE, str(ROOT / "labutils")], log)
    record = "{} (sha256 {}) on Python {}\n".format(
        relative_lock, hashlib.sha256(lock.read_bytes()).hexdigest()[:12], version_text(version)
    )
    (venv / LOCK_RECORD).write_text(record)
    from tools import lab_settings  # the course's Jupyter settings, as Binder's postBuild installs

    lab_settings.install(venv)
    lab_settings.install_server_config(venv)  # the editable install above leaves it out
    stamp.write_text(digest)
    return python


def run(args):
    """Run ``args`` in the course folder; its exit status (130 on Ctrl-C)."""
    os.chdir(str(ROOT))
    try:
        return subprocess.call([str(a) for a in args])
    except KeyboardInterrupt:
        return 130


COMMANDS = {  # command: (profile, what to run after the environment's python)
    "test": ("dev", ["-m", "pytest"]),
    "lint": ("dev", ["-m", "ruff", "check"]),
    "python": ("dev", []),
    "site": ("dev", ["site/build.py"]),
    "bench": ("dev", ["-m", "benchmarks.run"]),
    "classroom": ("instructor", ["-m", "benchmarks.classroom"]),
    # the maintainers' tools (tools/), each a module run from the course folder
    "student": ("runtime", ["-m", "tools.student_edition"]),
    "grade": ("instructor", ["-m", "tools.grade"]),
    "nbgrader-export": ("runtime", ["-m", "tools.nbgrader_export"]),
    "hub-links": ("runtime", ["-m", "tools.hub_links"]),
    "publish": ("runtime", ["-m", "tools.publish"]),
    "answer-key": ("dev", ["-m", "tools.answer_key"]),
    "clean-notebooks": ("dev", ["-m", "tools.clean_notebooks"]),
    "matrix": ("dev", ["-m", "tools.matrix"]),
    "seed-sweep": ("dev", ["-m", "tools.seed_sweep"]),
    "sizing": ("dev", ["-m", "tools.sizing"]),
    "lock": ("dev", ["-m", "tools.lock"]),
    "dockerfile": ("dev", ["-m", "tools.deploy"]),
    "lab-settings": ("runtime", ["-m", "tools.lab_settings"]),
    "other-pythons": ("dev", ["-m", "tools.other_pythons"]),
    "docs": ("dev", ["-m", "tools.docs"]),
    "colab": ("dev", ["-m", "tools.colab_runtime"]),
    "colab-cells": ("dev", ["-m", "tools.colab_cells"]),
}


# The student-only course (`course.py publish`) has no notebooks/ and no tools/: only these work.
STUDENT_ONLY_COMMANDS = ("lab", "info", "python")


def is_student_only(root=None):
    """Whether this is the student-only course that `course.py publish` writes (no notebooks/)."""
    return not ((root or ROOT) / "notebooks").is_dir()


def parallel_test_options(arguments):
    """pytest-xdist options for ``course.py test``: one worker per core, unless asked otherwise.

    ``--dist loadgroup`` keeps each notebook's cells on one worker (conftest.py groups them);
    the other tests spread over all workers. ``-n``, ``--numprocesses`` or ``-p no:xdist`` among
    the arguments leave the choice to the caller.
    """
    own = any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in arguments)
    if own or "no:xdist" in arguments:
        return []
    return ["-n", "auto", "--dist", "loadgroup"]


def info(windows):
    """Print which Python, lock and environment the course uses."""
    version = tuple(sys.version_info[:3])
    venv = venv_dir("dev")
    record = venv / LOCK_RECORD
    print("python       {} ({})".format(version_text(version), sys.executable))
    print("lock         {}".format(shown(lock_file("dev", version))))
    print(
        "environment  {} ({})".format(
            venv, record.read_text().strip() if record.exists() else "not installed yet"
        )
    )
    return 0


def main(argv, windows=os.name == "nt"):
    """Run the course command in ``argv``; the exit status."""
    command, rest = (argv[0], list(argv[1:])) if argv else ("help", [])
    if command not in COMMANDS and command not in ("lab", "info"):
        print(__doc__)
        return 0 if command in ("help", "-h", "--help") else 2
    if is_student_only() and (command not in STUDENT_ONLY_COMMANDS or "--instructor" in rest):
        print(
            "course.py: this is the student-only course (student/): `{}` is not part of it; "
            "use python3 course.py lab".format(
                command + (" --instructor" if "--instructor" in rest else "")
            )
        )
        return 2
    if not is_supported(sys.version_info) or not has_venv():
        return switch_interpreter(argv, windows)
    if command == "info":
        return info(windows)
    profile, program = ("runtime", ["-m", "jupyterlab"]) if command == "lab" else COMMANDS[command]
    python = ensure_environment(profile, windows)
    if python is None:
        return 1
    if command == "lint":
        return run([python, "-m", "ruff", "check", *rest]) or run(
            [python, "-m", "ruff", "format", "--check", *rest]
        )
    if command == "test":
        rest = parallel_test_options(rest) + rest
    if command == "lab":
        as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        if {"-h", "--help"} & set(rest):
            return run([python, *program, *rest])  # JupyterLab's help; nothing written
        if "--instructor" in rest:
            rest.remove("--instructor")
            first = FIRST_NOTEBOOK
        elif is_student_only():
            first = STUDENT_FIRST_NOTEBOOK  # published as it is: nothing to regenerate
        else:
            status = run([python, "-m", "tools.student_edition"])
            if status != 0:
                return status
            print(
                "course.py: this is the student edition (student/, your work stays yours); the "
                "instructor's edition with solutions is notebooks/: python3 course.py lab "
                "--instructor",
                flush=True,
            )
            first = STUDENT_FIRST_NOTEBOOK
        rest = [first, *as_root, *rest]
    return run([python, *program, *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
