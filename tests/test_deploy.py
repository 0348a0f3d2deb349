"""Serving the course from a JupyterHub.

The image recipe, the hub links, the Zero to JupyterHub example, and what happens to a student's
work when the course is updated (nbgitpuller).
"""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest
import yaml

from tools import deploy, hub_links, lockfiles

ROOT = Path(__file__).resolve().parents[1]

EDITION_FOLDERS = [
    ROOT / folder for folder in hub_links.EDITIONS.values() if (ROOT / folder).is_dir()
]


# -- the image ------------------------------------------------------------------------------------
def test_committed_dockerfile_is_what_the_generator_writes_from_the_lock():
    expected = deploy.render_dockerfile(deploy.DEFAULT_LOCK, deploy.DEFAULT_PYTHON)
    assert deploy.DOCKERFILE.read_text() == expected, "run python3 tools/deploy.py"


def test_dockerfile_installs_the_lock_then_warms_the_cache_outside_home():
    lines = deploy.DOCKERFILE.read_text().splitlines()
    index = {
        key: next(i for i, line in enumerate(lines) if line.startswith(key))
        for key in [
            f"FROM python:{deploy.DEFAULT_PYTHON}-",
            f"COPY requirements/py{deploy.DEFAULT_PYTHON}/runtime.txt ",
            "RUN python -m pip install --no-cache-dir -r /tmp/course-lock.txt",
            f"ENV BRIAN_LABS_CACHE_DIR={deploy.CACHE_DIR}",
            "COPY . ",
            "RUN mkdir -p",
            "USER ",
        ]
    }
    assert list(index.values()) == sorted(index.values()), index
    assert "./binder/postBuild" in lines[index["RUN mkdir -p"]]
    assert not deploy.CACHE_DIR.startswith("/home"), "a hub mounts the student's home over it"


def test_the_images_cache_variable_is_where_the_explorers_build(monkeypatch):
    from labutils import fast

    monkeypatch.setenv(fast.CACHE_VARIABLE, deploy.CACHE_DIR)
    assert fast.cache_dir() == Path(deploy.CACHE_DIR)
    assert f"ENV {fast.CACHE_VARIABLE}={deploy.CACHE_DIR}" in deploy.DOCKERFILE.read_text()


def test_render_dockerfile_follows_the_lock_and_the_python_version(tmp_path):
    text = deploy.render_dockerfile(ROOT / "requirements/py3.12/runtime.txt", "3.12")
    assert "FROM python:3.12-slim-bookworm" in text
    assert "COPY requirements/py3.12/runtime.txt " in text
    hub = [
        f"{name}=={lockfiles.pins(lockfiles.lock_path('3.12', 'instructor'))[name]}"
        for name in ("jupyterhub", "nbgitpuller")
    ]
    assert " ".join(hub) in text


def test_render_dockerfile_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="python_version"):
        deploy.render_dockerfile(deploy.DEFAULT_LOCK, "3")
    with pytest.raises(ValueError, match="not a file"):
        deploy.render_dockerfile(tmp_path / "missing.txt", "3.11")
    unpinned = tmp_path / "lock.txt"
    unpinned.write_text("# a comment\nnumpy==2.3.5\nbrian2>=2.9\n")
    with pytest.raises(ValueError, match=r"line 3: 'brian2>=2.9' is not name==version"):
        deploy.render_dockerfile(unpinned, "3.11")
    unpinned.write_text("numpy==2.3.5\n")
    with pytest.raises(ValueError, match="not inside the repository"):
        deploy.render_dockerfile(unpinned, "3.11")


# -- nbgitpuller links ----------------------------------------------------------------------------
def parse_link(url):
    parts = urlsplit(url)
    query = parse_qs(parts.query, strict_parsing=True)
    assert all(len(values) == 1 for values in query.values()), query
    return parts, {key: values[0] for key, values in query.items()}


def test_link_has_nbgitpullers_format_with_every_value_encoded():
    url = hub_links.link("https://hub.example.edu/", "student", branch="main")
    parts, query = parse_link(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "hub.example.edu",
        "/hub/user-redirect/git-pull",
    )
    assert query == dict(
        repo="https://github.com/brian-labs/brian-labs",
        branch="main",
        targetpath="brian-labs",
        urlpath="lab/tree/brian-labs/student?autodecode",
    )
    # encoded like nbgitpuller's link generator: no raw '/', ':' or '?' inside the query
    assert not set(parts.query) & set("/:?"), parts.query


def test_link_keeps_unusual_branch_and_repository_names_intact():
    url = hub_links.link(
        "http://127.0.0.1:8000",
        "notebooks",
        "03_poisson_excitatory.ipynb",
        branch="course/2026&spring",
        repo="https://git.example.edu/a b/c.git",
    )
    _, query = parse_link(url)
    assert query["branch"] == "course/2026&spring"
    assert query["repo"] == "https://git.example.edu/a b/c.git"
    assert (
        query["urlpath"] == "lab/tree/brian-labs/notebooks/03_poisson_excitatory.ipynb?autodecode"
    )


@pytest.mark.parametrize(
    "hub", ["hub.example.edu", "ftp://hub.example.edu", "https://", "https://hub.example.edu/?x=1"]
)
def test_link_rejects_a_hub_that_is_not_a_url(hub):
    with pytest.raises(ValueError, match="hub must be a URL"):
        hub_links.link(hub, "student")


def test_command_prints_a_student_and_an_instructor_link(capsys):
    assert (
        hub_links.main(
            ["--hub", "https://hub.example.edu", "--branch", "main", "--notebook", "03"]
        )
        == 0
    )
    links = [
        line.strip() for line in capsys.readouterr().out.splitlines() if line.startswith("  ")
    ]
    paths = [parse_link(url)[1]["urlpath"] for url in links]
    assert paths == [
        "lab/tree/brian-labs/student/03_poisson_excitatory.ipynb?autodecode",
        "lab/tree/brian-labs/notebooks/03_poisson_excitatory.ipynb?autodecode",
    ]
    assert (ROOT / "notebooks" / "03_poisson_excitatory.ipynb").exists()


def test_command_rejects_an_unknown_notebook():
    with pytest.raises(SystemExit):
        hub_links.main(["--hub", "https://hub.example.edu", "--notebook", "99"])


# -- Zero to JupyterHub ---------------------------------------------------------------------------
def megabytes(size):
    units = {"K": 1e3 / 2**20, "M": 1e6 / 2**20, "G": 1e9 / 2**20}
    return float(size[:-1]) * units[size[-1]]


def test_z2jh_values_follow_the_links_and_the_measurements():
    values = yaml.safe_load((ROOT / "deploy" / "z2jh-values.yaml").read_text())
    singleuser = values["singleuser"]
    assert singleuser["defaultUrl"] == "/" + hub_links.server_path("student")
    assert values["cull"]["enabled"] and values["cull"]["timeout"] >= 600
    runs = json.loads((ROOT / "benchmarks" / "classroom.json").read_text())["runs"]
    healthy = [r for run in runs for r in run["records"] if r["fault"] is None]
    # a student whose kernel websocket never opened has no kernel to measure
    records = [r for r in healthy if "peak_kernel_rss_mb" in r]
    assert len(records) >= 0.9 * len(healthy)
    server_and_kernel = [r["peak_server_rss_mb"] + r["peak_kernel_rss_mb"] for r in records]
    with_compiler = [r["peak_tree_rss_mb"] for r in records]
    assert megabytes(singleuser["memory"]["guarantee"]) >= max(server_and_kernel)
    assert megabytes(singleuser["memory"]["limit"]) >= 2 * max(with_compiler)
    assert singleuser["cpu"]["limit"] >= 1, "a slider release needs a whole core for ~0.1 s"
    from tools import sizing

    results = json.loads(sizing.RESULTS.read_text())
    for cache in ("cold", "prebuilt"):
        costs = sizing.costs(results, cache)
        if costs is not None:  # the guarantee covers the "lab" share of the sizing table
            assert singleuser["cpu"]["guarantee"] >= 1 / sizing.students_per_core(costs)["lab"]


# -- student work across a course update ----------------------------------------------------------
@pytest.mark.parametrize("folder", EDITION_FOLDERS, ids=lambda p: p.name)
def test_published_notebooks_are_stored_as_jupyter_saves_them(folder):
    """Course-side half of "student work survives an update".

    A notebook the student opens and saves unchanged is byte-identical, so git (and nbgitpuller's
    merge) sees only real edits, and the course's own changes merge cell by cell.
    """
    for path in sorted(folder.glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        saved = nbformat.writes(nbformat.reads(text, as_version=4)) + "\n"  # as nbformat.write
        assert text == saved, f"{path.relative_to(ROOT)} differs from Jupyter's save format"


def git(cwd, *args):
    subprocess.run(
        ["git", "-c", "user.name=course", "-c", "user.email=course@example.edu", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def pull(upstream, home):
    """What a click on the course's link does in the student's server (nbgitpuller's GitPuller)."""
    pull_module = pytest.importorskip("nbgitpuller.pull", reason="nbgitpuller is a hub package")
    for _ in pull_module.GitPuller(str(upstream), str(home / "brian-labs"), branch="main").pull():
        pass


def exercise_index(nb):
    return next(i for i, c in enumerate(nb.cells) if "exercise" in c.metadata.get("tags", []))


@pytest.fixture
def course(tmp_path):
    """A course repository with notebook 03 in student/, pulled once into a student's home."""
    upstream, home = tmp_path / "course", tmp_path / "home"
    (upstream / "student").mkdir(parents=True)
    home.mkdir()
    shutil.copy(ROOT / "notebooks" / "03_poisson_excitatory.ipynb", upstream / "student")
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "add", ".")
    git(upstream, "commit", "-q", "-m", "course v1")
    pull(upstream, home)
    return upstream, home, "student/03_poisson_excitatory.ipynb"


def student_saves_an_answer(path):
    nb = nbformat.read(path, as_version=4)
    cell = nb.cells[exercise_index(nb)]
    cell.source = "my_answer = 42   # the student's work"
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    cell.execution_count = 7
    nbformat.write(nb, path)  # JupyterLab's save


def course_update(upstream, name, change_exercise=False):
    path = upstream / name
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n\nUpdated for this term."
    if change_exercise:
        nb.cells[exercise_index(nb)].source += "\n# hint added by the course"
    nbformat.write(nb, path)
    new = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 11 · New")])
    nbformat.write(new, upstream / "student" / "11_new.ipynb")
    git(upstream, "add", ".")
    git(upstream, "commit", "-q", "-m", "course v2")


def test_an_update_keeps_the_students_answer_and_brings_the_courses_changes(course):
    upstream, home, name = course
    local = home / "brian-labs" / name
    student_saves_an_answer(local)
    course_update(upstream, name)
    pull(upstream, home)
    nb = nbformat.read(local, as_version=4)
    nbformat.validate(nb)
    exercise = nb.cells[exercise_index(nb)]
    assert exercise.source == "my_answer = 42   # the student's work"
    assert exercise.outputs[0]["text"] == "42\n"
    assert nb.cells[0].source.endswith("Updated for this term.")
    assert (home / "brian-labs" / "student" / "11_new.ipynb").exists()


def test_when_both_changed_the_same_cell_the_students_version_wins(course):
    upstream, home, name = course
    local = home / "brian-labs" / name
    student_saves_an_answer(local)
    course_update(upstream, name, change_exercise=True)
    pull(upstream, home)
    nb = nbformat.read(local, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[exercise_index(nb)].source == "my_answer = 42   # the student's work"
    assert nb.cells[0].source.endswith("Updated for this term.")


def test_a_deleted_notebook_comes_back_fresh_on_the_next_click(course):
    upstream, home, name = course
    local = home / "brian-labs" / name
    local.unlink()
    pull(upstream, home)
    assert local.read_bytes() == (upstream / name).read_bytes()
