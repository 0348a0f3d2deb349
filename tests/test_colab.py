"""Google Colab: badges, setup cell, Colab's pins, explorers on ipywidgets 7.

The badges open existing notebooks of the right edition, the setup cell does nothing outside Colab,
the pins are Colab's, and explorers display with Colab's ipywidgets 7.

The notebooks running on Colab's packages is `python3 course.py colab` (tools/colab_runtime.py,
a CI stage); these are its fast parts.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

from tools import colab_cells, colab_runtime, student_edition

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
COLAB_LINK = re.compile(r"\]\((https://colab\.research\.google\.com/(?!assets/)[^)\s]+)\)")


def repository_path(url):
    """The repository path a Colab badge link opens, after checking the link's form."""
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.netloc == "colab.research.google.com", url
    match = re.fullmatch(r"/github/([\w-]+/[\w-]+)/blob/([\w.-]+)/(.+\.ipynb)", parts.path)
    assert match and not parts.query and not parts.fragment, f"not a Colab GitHub link: {url}"
    repository, branch, path = match.groups()
    assert (repository, branch) == ("brian-labs/brian-labs", "main"), url
    assert (ROOT / path).is_file(), f"{url} opens {path}, which is not in the repository"
    return path


def test_the_repository_and_branch_are_those_of_the_binder_badge_and_the_site():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    binder = re.search(r"mybinder\.org/v2/gh/([\w-]+/[\w-]+)/([\w.-]+)\?", readme)
    assert binder.groups() == (colab_cells.REPOSITORY, colab_cells.BRANCH)
    conf = (ROOT / "site" / "conf.py").read_text(encoding="utf-8")
    assert f'REPOSITORY_URL = "https://github.com/{colab_cells.REPOSITORY}"' in conf
    assert f'REPOSITORY_BRANCH = "{colab_cells.BRANCH}"' in conf
    assert '"colab_url": "https://colab.research.google.com"' in conf
    build = (ROOT / "site" / "build.py").read_text(encoding="utf-8")
    assert f'COLAB = "{colab_cells.colab_url("notebooks/x.ipynb")[: -len("x.ipynb")]}"' in build


def test_colab_url_refuses_what_is_not_a_notebook_in_the_repository():
    for bad in ("notebooks/00_units.py", "../x.ipynb", "/etc/x.ipynb", "a b.ipynb"):
        with pytest.raises(ValueError, match="not a notebook path"):
            colab_cells.colab_url(bad)


def test_the_notebooks_and_readme_are_as_the_generator_writes_them():
    stale = colab_cells.update(check=True, log=lambda _: None)
    assert not stale, f"run python3 course.py colab-cells: {stale}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_edition_badge_opens_its_own_notebook(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    badge = nb["cells"][1]  # under the title
    assert badge["id"] == colab_cells.BADGE_ID and badge["cell_type"] == "markdown"
    (link,) = COLAB_LINK.findall("".join(badge["source"]))
    assert repository_path(link) == f"notebooks/{path.name}"

    student = student_edition.student_notebook(nb, path.name)
    (link,) = COLAB_LINK.findall("".join(student["cells"][1]["source"]))
    assert repository_path(link) == f"student/{path.name}"  # exists: the committed edition


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_setup_cell_comes_before_every_other_code_cell(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code[0]["id"] == colab_cells.SETUP_ID
    assert "".join(code[0]["source"]) == colab_cells.SETUP_CELL.rstrip("\n")
    assert sum(c["id"] == colab_cells.SETUP_ID for c in cells) == 1


def test_the_student_edition_keeps_the_setup_cell():
    nb = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    student = student_edition.student_notebook(nb, NOTEBOOKS[0].name)
    assert [c for c in student["cells"] if c["id"] == colab_cells.SETUP_ID]


def test_the_generator_updates_its_cells_in_place_and_keeps_the_others():
    nb = json.loads(NOTEBOOKS[1].read_text(encoding="utf-8"))
    others = [c for c in nb["cells"] if not c["id"].startswith("colab-")]
    twice = colab_cells.with_colab_cells(colab_cells.with_colab_cells(nb, "x.ipynb"), "y.ipynb")
    assert [c for c in twice["cells"] if not c["id"].startswith("colab-")] == others
    assert sum(c["id"].startswith("colab-") for c in twice["cells"]) == 2
    assert "blob/main/notebooks/y.ipynb" in "".join(twice["cells"][1]["source"])


def test_the_readme_table_has_a_student_edition_badge_per_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if colab_cells.ROW.match(line)]
    assert len(rows) == len(NOTEBOOKS)
    for row in rows:
        name = colab_cells.ROW.match(row).group(1)
        (link,) = COLAB_LINK.findall(row)
        assert repository_path(link) == f"student/{name}"
    assert colab_cells.readme_with_badges(readme) == readme  # a second run changes nothing


def run_setup_cell(tmp_path, with_colab):
    """Run the setup cell in a fresh Python of this environment; its stdout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if with_colab:  # the stand-in the Colab-like test installs: importable, not imported
        colab = tmp_path / "google" / "colab"
        colab.mkdir(parents=True)
        (colab / "__init__.py").write_text(colab_runtime.STAND_IN)
        env["PYTHONPATH"] = str(tmp_path)
    script = tmp_path / "cell.py"
    script.write_text(
        colab_cells.SETUP_CELL + "\nassert 'labutils' not in sys.modules, 'labutils was imported'"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_setup_cell_does_nothing_outside_colab(tmp_path):
    assert run_setup_cell(tmp_path, with_colab=False) == ""


def test_on_colab_with_the_course_installed_the_setup_cell_says_so_in_one_line(tmp_path):
    # This environment has the course installed, so the cell finds it and runs no pip; the
    # install itself is what `python3 course.py colab` runs, in Colab's packages.
    out = run_setup_cell(tmp_path, with_colab=True)
    assert re.fullmatch(
        r"Colab: Brian2 \S+ and labutils \S+ ready in \d+ s; Colab's own packages unchanged\.\n",
        out,
    ), out


NAMED = ["numpy", "scipy", "sympy", "matplotlib", "ipython", "ipykernel", "ipywidgets"]
NAMED += ["jupyter-client", "traitlets", "cython", "setuptools", "pyparsing", "nbclient", "pip"]


@pytest.mark.parametrize("runtime", colab_runtime.RUNTIMES)
def test_each_runtime_pins_every_package_the_issue_names_and_only_pins(runtime):
    lines = colab_runtime.requirements(runtime).read_text().splitlines()
    pins = dict(line.split("==") for line in lines if line and not line.startswith("#"))
    assert all(re.fullmatch(r"[\w.-]+", n) and re.fullmatch(r"[\w.]+", v) for n, v in pins.items())
    missing = [name for name in NAMED if name not in pins]
    assert not missing, f"{runtime}: no pin for {missing}"
    assert pins["ipywidgets"].startswith("7."), "Colab runs ipywidgets 7"


def test_a_changed_or_removed_package_is_reported_an_added_one_is_not():
    before = {"numpy": "2.1.3", "ipywidgets": "7.7.1", "scipy": "1.16.3"}
    after = {"numpy": "2.3.0", "scipy": "1.16.3", "brian2": "2.10.1"}
    assert colab_runtime.changed_packages(before, after) == [
        "ipywidgets: 7.7.1 -> removed",
        "numpy: 2.1.3 -> 2.3.0",
    ]
    assert colab_runtime.changed_packages(before, dict(before, brian2="2.10.1")) == []


class Ipywidgets7Box:
    """What an explorer's widget looks like under ipywidgets 7: no _repr_mimebundle_."""

    model_id = "0123abcd"


def test_an_explorer_displays_its_widget_with_ipywidgets_7_and_8():
    from labutils.explorer import _widget_bundle

    old = _widget_bundle(Ipywidgets7Box())
    assert old["application/vnd.jupyter.widget-view+json"] == {
        "version_major": 2,
        "version_minor": 0,
        "model_id": "0123abcd",
    }
    assert "Ipywidgets7Box" in old["text/plain"]
    import ipywidgets

    box = ipywidgets.VBox([])
    new = _widget_bundle(box)
    view = new["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == box.model_id and view["version_major"] == 2


def test_course_script_and_ci_run_the_colab_test():
    course = (ROOT / "course.py").read_text(encoding="utf-8")
    assert '"colab": ("dev", ["-m", "tools.colab_runtime"])' in course
    assert '"colab-cells": ("dev", ["-m", "tools.colab_cells"])' in course
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^stage .*python3 course\.py colab\b", ci, re.M)


def report_run(tmp_path, name, code):
    """A process started now that runs ``code`` (Python); its report path is tmp_path/name."""
    out = tmp_path / name
    return subprocess.Popen([sys.executable, "-c", code, str(out)]), out


def test_a_run_without_its_report_fails_the_runtime_once_the_others_have_ended(tmp_path):
    writes = "import json, sys, time; time.sleep(1); "
    writes += "open(sys.argv[1], 'w').write(json.dumps({'notebooks': {'a': {}}, 'failures': []}))"
    slow = report_run(tmp_path, "slow.json", writes)
    died = report_run(tmp_path, "died.json", "raise SystemExit(3)")
    with pytest.raises(
        SystemExit,
        match=r"1 of 2 runs in 'x' ended before their report \(exit "
        r"status 3\)",
    ):
        colab_runtime.reports([died, slow], "x")
    assert slow[0].returncode == 0 and slow[1].exists()  # it was not cut short


def test_the_reports_of_runs_are_merged(tmp_path):
    started = []
    for name in ("a", "b"):
        report = {"notebooks": {name: {"wall_s": 1}}, "failures": [f"{name}: failed"]}
        code = f"import sys; open(sys.argv[1], 'w').write({json.dumps(report)!r})"
        started.append(report_run(tmp_path, f"{name}.json", code))
    assert colab_runtime.reports(started, "x") == {
        "notebooks": {"a": {"wall_s": 1}, "b": {"wall_s": 1}},
        "failures": ["a: failed", "b: failed"],
    }


def test_a_kernel_that_dies_is_reported_and_the_next_notebook_still_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIAN_LABS_TARGET", "numpy")  # run_notebooks sets it for its kernels
    paths = []
    for name, code in (("01_dies.ipynb", "import os; os._exit(1)"), ("02_runs.ipynb", "x = 1")):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        paths.append(tmp_path / name)
        nbformat.write(nb, paths[-1])
    results, failures = colab_runtime.run_notebooks(paths, changes=1, colab=False)
    label = f"{tmp_path.name}/01_dies.ipynb"
    assert any(f.startswith(f"{label}: the run stopped: DeadKernelError") for f in failures)
    assert set(results) == {label, f"{tmp_path.name}/02_runs.ipynb"}
    assert not [f for f in failures if "02_runs" in f and "setup cell" not in f]
