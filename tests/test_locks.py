"""The dependency locks: made from requirements/*.in, one per supported Python.

They agree with every file generated from them (binder/, environment.yml), and match the
environment the tests run in.
"""

import re
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

import course
from tools import lock, lockfiles

ROOT = Path(__file__).resolve().parents[1]

LOCKS = [(python, profile) for python in lockfiles.PYTHONS for profile in lockfiles.PROFILES]


def test_course_py_and_the_lock_tool_support_the_same_pythons():
    assert [f"{major}.{minor}" for major, minor in course.SUPPORTED] == list(lockfiles.PYTHONS)
    assert set(course.TESTED) <= set(course.SUPPORTED)


@pytest.mark.parametrize("python,profile", LOCKS, ids=[f"{p}-{q}" for p, q in LOCKS])
def test_lock_was_made_from_the_current_sources(python, profile):
    path = lockfiles.lock_path(python, profile)
    assert path.exists(), f"{path} is missing: run python3 course.py lock"
    assert lockfiles.recorded_digest(path) == lockfiles.sources_digest(profile), (
        f"requirements/{profile}.in (or a file it includes) changed since {path.name} was made: "
        "run python3 course.py lock"
    )


@pytest.mark.parametrize("python,profile", LOCKS, ids=[f"{p}-{q}" for p, q in LOCKS])
def test_every_lock_line_is_an_exact_pin(python, profile):
    for line in lockfiles.requirement_lines(lockfiles.lock_path(python, profile)):
        assert re.match(r"^[A-Za-z0-9_.\-]+==[^\s;]+( ; .+)?$", line), line


@pytest.mark.parametrize("python", lockfiles.PYTHONS)
def test_profiles_of_one_python_pin_the_same_versions(python):
    runtime = lockfiles.pins(lockfiles.lock_path(python, "runtime"))
    for profile in ("dev", "instructor"):
        other = lockfiles.pins(lockfiles.lock_path(python, profile))
        assert set(runtime) <= set(other), profile
        assert {name: other[name] for name in runtime} == runtime, profile
    assert "nbgrader" not in lockfiles.pins(lockfiles.lock_path(python, "dev")), (
        "nbgrader is instructor-only"
    )
    assert "nbgrader" in lockfiles.pins(lockfiles.lock_path(python, "instructor"))


def brian2_pins(python):
    """{version: marker} of every brian2 line of a runtime lock."""
    found = {}
    for line in lockfiles.requirement_lines(lockfiles.lock_path(python, "runtime")):
        match = re.match(r"^brian2==(\S+?)(?: ; (.+))?$", line)
        if match:
            found[match[1]] = match[2]
    return found


@pytest.mark.parametrize(
    "python,brian2",
    [("3.11", "2.9.0"), ("3.12", "2.10.1"), ("3.13", "2.11.0"), ("3.14", "2.11.0")],
)
def test_each_python_gets_the_newest_brian2_it_supports(python, brian2):
    from packaging.markers import Marker

    env = {"python_version": python, "python_full_version": f"{python}.0"}
    chosen = [
        v
        for v, marker in brian2_pins(python).items()
        if marker is None or Marker(marker).evaluate(env)
    ]
    assert chosen == [brian2]


def test_python_311_lock_keeps_numpy_below_2_4_and_installs_on_early_patch_releases():
    from packaging.markers import Marker

    text = lockfiles.lock_path("3.11", "runtime").read_text()
    numpy = re.findall(r"^numpy==(\S+)", text, re.M)
    assert numpy and all(tuple(map(int, v.split(".")[:2])) < (2, 4) for v in numpy), numpy
    # every pin must be installable on 3.11.0 (Debian 12 has 3.11.2): soupsieve 4.1 needs 3.11.5
    for line in lockfiles.requirement_lines(lockfiles.lock_path("3.11", "runtime")):
        name = line.split("==")[0]
        if name == "soupsieve" and " ; " in line:
            marker = Marker(line.split(" ; ")[1])
            assert marker.evaluate({"python_full_version": "3.11.2"}) == line.startswith(
                "soupsieve==2."
            )


def test_derived_files_are_up_to_date():
    for path, content in lock.derived_files().items():
        assert path.read_text(encoding="utf-8") == content, (
            f"{path.relative_to(ROOT)} is out of date: run python3 course.py lock --derived"
        )


def test_binder_and_conda_carry_the_binder_python_lock():
    expected = lockfiles.pins(lockfiles.lock_path(lockfiles.BINDER_PYTHON, "runtime"))
    assert lockfiles.pins(ROOT / "binder" / "requirements.txt") == expected
    assert f"python={lockfiles.BINDER_PYTHON}" in (ROOT / "environment.yml").read_text()
    conda_pins = {
        lockfiles.normalise(m[1]): m[2]
        for m in re.finditer(
            r"^      - ([A-Za-z0-9_.\-]+)==([^\s;]+)", (ROOT / "environment.yml").read_text(), re.M
        )
    }
    assert conda_pins == expected


def test_no_hand_written_pins_remain_at_the_top_level():
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-site.txt"):
        assert not (ROOT / name).exists(), f"{name}: dependencies live in requirements/ now"


def installed_lock():
    """The lock this environment was installed from, as recorded by course.py (None elsewhere)."""
    record = Path(sys.prefix) / course.LOCK_RECORD
    return ROOT / record.read_text().split()[0] if record.exists() else None


def test_installed_stack_matches_its_lock():
    path = installed_lock()
    if path is None:
        pytest.skip("environment not made by course.py (no lock record)")
    pinned = lockfiles.pins(path)
    for name in ("brian2", "numpy", "matplotlib", "ipywidgets", "jupyterlab", "cython", "pytest"):
        assert version(name) == pinned[name], name
    assert path.parent.name == "py{}.{}".format(*sys.version_info[:2])


def test_readme_states_the_brian2_of_each_tested_python():
    readme = (ROOT / "README.md").read_text()
    stated = dict(
        (python, brian2)
        for brian2, python in re.findall(
            r"Brian2 (\d+\.\d+\.\d+) on (3\.\d+)",
            readme.replace("\n", " ").replace(", ", ", Brian2 "),
        )
    )
    for python in ("3.11", "3.12", "3.13"):
        assert brian2_pins(python), python
        assert stated.get(python) in brian2_pins(python), (python, stated)


def test_license_file_matches_pyproject():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'license = { text = "MIT" }' in text or 'license = "MIT"' in text
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
