"""course.py: finding a supported Python, environment paths on every OS, short failure messages.

Windows and macOS are not available on CI's machine: their path logic is tested here by calling the
functions with ``windows=True`` and with fake ``which``/``probe`` functions; the real switch to
another interpreter and the exit status 2 are tested by running course.py under Pythons that the
course does not support (pyenv's 3.6-3.10 where the machine has them).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import course

ROOT = Path(__file__).resolve().parents[1]

PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"


def test_venv_python_path_on_posix_and_windows(tmp_path):
    assert course.venv_python(tmp_path, windows=False) == tmp_path / "bin" / "python"
    assert course.venv_python(tmp_path, windows=True) == tmp_path / "Scripts" / "python.exe"


def test_instructor_environment_is_separate(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIAN_LABS_VENV", str(tmp_path / "env"))
    assert course.venv_dir("runtime") == course.venv_dir("dev") == tmp_path / "env"
    assert course.venv_dir("instructor") == tmp_path / "env-instructor"


def test_every_supported_python_has_a_lock_per_profile():
    for version in course.SUPPORTED:
        for profile in ("runtime", "dev", "instructor"):
            assert course.lock_file(profile, (*version, 0)).exists(), (version, profile)


def test_candidates_prefer_tested_versions_newest_first_and_the_py_launcher_on_windows():
    posix = course.candidate_commands(windows=False)
    assert posix[:3] == [["python3.13"], ["python3.12"], ["python3.11"]]
    windows = course.candidate_commands(windows=True)
    assert windows[0] == ["py", "-3.13"] and ["python3.13"] in windows


def fake_which(available):
    return lambda name: f"/fake/bin/{name}" if name in available else None


def test_find_interpreter_skips_missing_broken_and_unsupported_pythons():
    versions = {
        "/fake/bin/python3.13": None,  # a pyenv shim that does not run
        "/fake/bin/python3.12": (3, 12, 4),
        "/fake/bin/python3.11": (3, 11, 2),
    }
    found = course.find_interpreter(
        False,
        which=fake_which({"python3.13", "python3.12", "python3.11"}),
        probe=lambda command: versions[command[0]],
    )
    assert found == (["/fake/bin/python3.12"], (3, 12, 4))
    assert course.find_interpreter(False, which=fake_which(set()), probe=None) is None


def test_find_interpreter_uses_the_py_launcher_on_windows():
    def probe(command):
        return (3, 13, 1) if command == ["/fake/bin/py", "-3.13"] else None

    found = course.find_interpreter(True, which=fake_which({"py"}), probe=probe)
    assert found == (["/fake/bin/py", "-3.13"], (3, 13, 1))


def test_probe_reads_the_version_of_a_real_interpreter():
    assert course.probe([sys.executable]) == tuple(sys.version_info[:3])
    assert course.probe([sys.executable, "-c", "raise SystemExit(3)", "--"]) is None
    assert course.probe(["/nonexistent/python3"]) is None


@pytest.mark.parametrize("windows", [False, True])
def test_no_python_message_names_the_versions_and_what_to_do(windows):
    text = course.no_python_message((3, 10, 13), windows)
    assert "Python 3.10.13" in text and "3.11, 3.12, 3.13" in text
    assert ("py -3.13 course.py lab" in text) == windows
    assert "Traceback" not in text


@pytest.mark.parametrize(
    "log,package",
    [
        (
            "ERROR: Could not find a version that satisfies the requirement soupsieve==4.1.2\n"
            "ERROR: No matching distribution found for soupsieve==4.1.2\n",
            "soupsieve==4.1.2",
        ),
        ("  error: subprocess-exited-with-error\n  Failed building wheel for brian2\n", "brian2"),
        ("ERROR: Failed to build brian2\n", "brian2"),
    ],
)
def test_failed_package_names_what_pip_could_not_install(log, package):
    assert course.failed_package(log)[0] == package


def test_failed_package_without_a_name():
    assert course.failed_package("something else went wrong\n") == (None, None)


def test_failed_install_ends_in_one_short_message_with_the_log(monkeypatch, tmp_path, capsys):
    """A pip failure is a message, not a traceback.

    Here the failure is a lock naming a release that does not exist.
    """
    monkeypatch.setenv("BRIAN_LABS_VENV", str(tmp_path / "env"))
    bad_lock = tmp_path / "runtime.txt"
    bad_lock.write_text("brian2==0.0.0.0\n")
    monkeypatch.setattr(course, "lock_file", lambda profile, version: bad_lock)
    monkeypatch.setattr(
        course,
        "pip_install",
        lambda python, arguments, log: (
            log.write_text("ERROR: No matching distribution found for brian2==0.0.0.0\n") and False
        ),
    )
    monkeypatch.setattr(course, "venv_python", lambda venv, windows: Path(sys.executable))
    monkeypatch.setattr(
        "venv.EnvBuilder.create", lambda self, path: Path(path).mkdir(parents=True)
    )
    assert course.ensure_environment("runtime", windows=False) is None
    out = capsys.readouterr().out
    assert "failed at brian2==0.0.0.0 (no release of it for this Python)" in out
    assert str(tmp_path / "env" / "install-runtime.log") in out and "Traceback" not in out


def old_pythons():
    found = sorted(PYENV.glob("3.[6-9].*/bin/python3")) + sorted(PYENV.glob("3.10.*/bin/python3"))
    return [path for path in found if path.exists()]


def run_course(python, path_dirs, tmp_path, *args):
    env = {
        "PATH": os.pathsep.join(str(d) for d in path_dirs),
        "HOME": str(tmp_path),
        "BRIAN_LABS_VENV": str(tmp_path / "venv"),
    }
    return subprocess.run(
        [str(python), str(ROOT / "course.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(not old_pythons(), reason="no unsupported Python (3.6-3.10) on this machine")
@pytest.mark.parametrize("python", old_pythons(), ids=lambda p: p.parents[1].name)
def test_an_unsupported_python_with_no_alternative_exits_2_with_a_message(python, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_course(python, [empty], tmp_path, "test")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "the course needs CPython 3.11, 3.12, 3.13" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr and result.stderr == ""


@pytest.mark.skipif(not old_pythons(), reason="no unsupported Python (3.6-3.10) on this machine")
def test_an_unsupported_python_switches_to_a_supported_one_on_path(tmp_path):
    """course.py under 3.10 (or older) finds this test's Python as python3.X and re-runs itself."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    name = "python{}.{}".format(*sys.version_info[:2])
    (bin_dir / name).symlink_to(sys.executable)
    result = run_course(old_pythons()[-1], [bin_dir], tmp_path, "info")
    assert result.returncode == 0, result.stdout + result.stderr
    first, *rest = result.stdout.splitlines()
    assert "is not supported; using" in first and name in first, first
    version = "{}.{}.{}".format(*sys.version_info[:3])
    assert rest[0].startswith(f"python       {version}"), rest  # the re-run's own report


def test_jupyterlab_overrides_turn_off_the_news_prompt_locally_and_on_binder():
    import json

    overrides = json.loads(course.LAB_OVERRIDES.read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "python -m tools.lab_settings" in post_build


def test_installed_environment_has_the_course_settings_and_lock_record():
    record = Path(sys.prefix) / course.LOCK_RECORD
    if not record.exists():
        pytest.skip("environment not made by course.py")
    installed = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert installed.read_text() == course.LAB_OVERRIDES.read_text()
    assert record.read_text().startswith("requirements/py{}.{}/".format(*sys.version_info[:2]))


def test_lab_opens_the_student_edition_and_instructor_flag_the_full_one(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(course, "ensure_environment", lambda profile, windows: Path("/py"))
    monkeypatch.setattr(course, "run", lambda args: calls.append([str(a) for a in args]) or 0)
    assert course.main(["lab", "--no-browser"]) == 0
    assert calls[0] == ["/py", "-m", "tools.student_edition"]
    assert calls[1][:4] == ["/py", "-m", "jupyterlab", "student/00_units.ipynb"]
    assert "--no-browser" in calls[1]
    calls.clear()
    assert course.main(["lab", "--instructor"]) == 0
    assert len(calls) == 1 and calls[0][3] == "notebooks/00_units.ipynb"
    assert "--instructor" not in calls[0]
    assert (ROOT / course.FIRST_NOTEBOOK).exists()


def test_grade_runs_in_the_instructor_environment(monkeypatch):
    profiles = []
    monkeypatch.setattr(
        course,
        "ensure_environment",
        lambda profile, windows: profiles.append(profile) or Path("/py"),
    )
    monkeypatch.setattr(course, "run", lambda args: 0)
    course.main(["grade"])
    course.main(["student"])
    assert profiles == ["instructor", "runtime"]


def test_every_lock_pins_the_uv_that_course_py_installs_with():
    for lock in sorted((ROOT / "requirements").glob("py3.*/*.txt")):
        assert course.uv_pin(lock), f"{lock} pins no uv"
    assert course.uv_pin(ROOT / "pyproject.toml") is None


def test_install_uses_uv_and_falls_back_to_pip(monkeypatch, tmp_path):
    calls = []

    def call(command, log, succeed_with_uv):
        calls.append(command)
        return succeed_with_uv or "uv" not in command

    log = tmp_path / "install.log"
    log.write_text("")
    for succeed_with_uv in (True, False):
        calls.clear()
        monkeypatch.setattr(
            course,
            "logged_call",
            lambda command, log, ok=succeed_with_uv: call(command, log, ok),
        )
        assert course.install(Path("py"), ["-r", "lock.txt"], log, uv=True)
        assert calls[0][:4] == ["py", "-m", "uv", "pip"] and calls[0][-2:] == ["-r", "lock.txt"]
        assert len(calls) == (1 if succeed_with_uv else 2)
    assert calls[1][:4] == ["py", "-m", "pip", "install"]
    assert "installing with pip instead" in log.read_text()
    calls.clear()
    assert course.install(Path("py"), ["x"], log, uv=False) and calls[0][2] == "pip"


def test_uv_is_installed_at_the_locks_version_unless_present(monkeypatch, tmp_path):
    lock = tmp_path / "runtime.txt"
    lock.write_text("brian2==2.9.0\nuv==0.13.9\n    # via -r runtime.in\n")
    installed = []
    monkeypatch.setattr(
        course, "pip_install", lambda python, arguments, log: installed.append(arguments) or True
    )
    for version, expected in ((b"uv 0.13.9\n", []), (b"uv 0.12.0\n", [["uv==0.13.9"]])):
        installed.clear()
        monkeypatch.setattr(
            course.subprocess,
            "run",
            lambda *a, out=version, **k: subprocess.CompletedProcess(a, 0, stdout=out),
        )
        assert course.uv_ready(Path("py"), lock, tmp_path / "log")
        assert installed == expected


def test_tests_run_on_every_core_unless_the_caller_says_otherwise():
    assert course.parallel_test_options([]) == ["-n", "auto", "--dist", "loadgroup"]
    assert course.parallel_test_options(["notebooks/03_x.ipynb", "-q"])[:2] == ["-n", "auto"]
    for own in (["-n", "1"], ["-n2"], ["--numprocesses=3"], ["-p", "no:xdist"]):
        assert course.parallel_test_options(own) == []
