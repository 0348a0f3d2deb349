"""tools/other_pythons.py: the Pythons CI runs the course slice on; installing missing ones."""

import subprocess
import sys

import pytest

from tools import other_pythons


def test_a_tested_minor_version_nobody_has_is_missing():
    found = [(3, 11, 2), (3, 12, 1)]
    assert other_pythons.missing_minors((3, 11, 7), found) == [(3, 13)]


def test_nothing_is_missing_when_every_tested_version_is_here():
    assert other_pythons.missing_minors((3, 11, 7), [(3, 12, 1), (3, 13, 0)]) == []
    assert other_pythons.missing_minors((3, 13, 0), [(3, 11, 2), (3, 12, 9)]) == []


def test_the_untested_314_is_never_asked_for():
    assert other_pythons.missing_minors((3, 14, 0), []) == [(3, 11), (3, 12), (3, 13)]


class FakeRun:
    """subprocess.run's stand-in: records commands, answers from a script per subcommand."""

    def __init__(self, install_status=0, found="/uv/cpython-3.12.9/bin/python3.12\n"):
        self.commands, self.install_status, self.found = [], install_status, found

    def __call__(self, command, **kwargs):
        self.commands.append(command)
        if "install" in command:
            return subprocess.CompletedProcess(command, self.install_status, "", "no network")
        return subprocess.CompletedProcess(command, 0, self.found, "")


def test_uv_install_installs_with_the_courses_uv_and_returns_the_interpreter():
    run = FakeRun()
    assert other_pythons.uv_install((3, 12), run=run) == "/uv/cpython-3.12.9/bin/python3.12"
    uv = [sys.executable, "-m", "uv", "python"]
    assert run.commands == [
        [*uv, "install", "3.12"],
        [*uv, "find", "--system", "--managed-python", "3.12"],
    ]


def test_a_failed_installation_stops_with_uvs_message():
    with pytest.raises(SystemExit, match=r"(?s)Python 3\.13 is missing.*failed:\nno network"):
        other_pythons.uv_install((3, 13), run=FakeRun(install_status=2))


def test_an_installed_python_uv_cannot_find_stops_too():
    with pytest.raises(SystemExit, match="cannot find it"):
        other_pythons.uv_install((3, 13), run=FakeRun(found=""))


@pytest.fixture
def machine(monkeypatch):
    """A machine whose only other Python is Debian's 3.11.2, running under 3.11.7."""
    monkeypatch.setattr(other_pythons, "other_pythons", lambda: [("/usr/bin/python3", (3, 11, 2))])
    monkeypatch.setattr(other_pythons.sys, "version_info", (3, 11, 7, "final", 0))


def test_install_lists_the_found_and_the_newly_installed_pythons(machine, capsys):
    asked = []

    def install(minor):
        asked.append(minor)
        return f"/uv/python{minor[0]}.{minor[1]}"

    assert other_pythons.main(["--install"], install=install) == 0
    assert asked == [(3, 12), (3, 13)]
    assert capsys.readouterr().out.split() == [
        "/usr/bin/python3",
        "/uv/python3.12",
        "/uv/python3.13",
    ]


def test_without_install_only_the_found_pythons_are_listed(machine, capsys):
    def install(minor):
        raise AssertionError("nothing is installed without --install")

    assert other_pythons.main([], install=install) == 0
    assert capsys.readouterr().out.split() == ["/usr/bin/python3"]
