"""The student-only course that `course.py publish` writes for a graded term.

Published into a temporary folder, it holds the student edition, labutils and the set-up files,
with every graded answer's key withheld; scanned, it holds nothing that answers an exercise;
and the scanner finds each kind of leak when one is planted. The branch it writes, `course.py` in
it and the check that says "recorded for grading" are tested the way their users meet them.
"""

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import course
from labutils import exercises
from tools import hub_links, open_answers, publish, student_edition

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("published")
    lines = []
    assert publish.publish(out, log=lines.append) == []  # the scan found nothing
    return out, lines


@pytest.fixture(scope="module")
def graded():
    return publish.graded_names(NOTEBOOKS)


def cells_of(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_it_holds_the_student_edition_labutils_and_the_set_up_only(published):
    out, lines = published
    assert {p.name for p in out.iterdir()} == publish.TOP_LEVEL
    assert sorted(p.name for p in (out / "student").glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        expected = student_edition.notebook_text(student_edition.student_notebook(nb, path.name))
        assert (out / "student" / path.name).read_text(encoding="utf-8") == expected
    files = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    assert not [f for f in files if f.endswith(".edit") or f.startswith(("notebooks", "tests"))]
    assert (out / "labutils" / "__init__.py").exists() and (out / "binder" / "postBuild").exists()
    # what its postBuild's `pip install .` builds: every package and data file pyproject names
    setuptools = tomllib.loads((out / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert all((out / name / "__init__.py").exists() for name in setuptools["packages"])
    assert all((out / f).exists() for files in setuptools["data-files"].values() for f in files)
    assert "notebooks/" not in (out / "binder" / "postBuild").read_text()
    badge = hub_links.binder_url(hub_links.REPOSITORY, "main", "student/00_units.ipynb")
    assert f"]({badge})" in (out / "README.md").read_text()
    assert lines[0].startswith(f"student-only course in {out}: 11 notebooks, ")


def test_it_refuses_a_folder_that_holds_something_else(tmp_path):
    (tmp_path / "thesis.tex").write_text("mine")
    with pytest.raises(SystemExit, match="is neither empty nor a course published before"):
        publish.write_tree(tmp_path, NOTEBOOKS[:1], hub_links.REPOSITORY, "main")
    assert (tmp_path / "thesis.tex").read_text() == "mine"


def test_every_graded_answer_key_is_withheld(published, graded):
    out, _ = published
    full = publish.instructor_key()
    names = {name for records in full.values() for name in records}
    assert names <= graded  # every keyed answer is checked by a graded test today
    for stem, records in full.items():
        shipped = json.loads((out / "labutils" / "answers" / f"{stem}.json").read_text())
        assert shipped.keys() == records.keys()
        assert all(record == exercises.WITHHELD_RECORD for record in shipped.values())
    text = "".join(p.read_text() for p in (out / "labutils" / "answers").glob("*.json"))
    assert not any(word in text for word in ('"digest"', '"salt"', '"code"'))


def test_a_check_in_the_published_course_says_recorded_for_grading(published):
    out, _ = published
    code = (
        "import labutils as lu; from brian2 import mV; "
        f"assert lu.__file__.startswith(r'{out}'); "
        "lu.check_answer('predicted_sd', 0.5 * mV, sig=3)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=out, capture_output=True, text=True, check=True
    )
    assert result.stdout == (
        "predicted_sd: recorded for grading (this term's answer key stays with the instructor)\n"
    )


def test_course_py_in_it_opens_the_student_edition_and_refuses_instructor_commands(
    published, monkeypatch, capsys
):
    out, _ = published
    calls = []
    monkeypatch.setattr(course, "ROOT", out)
    monkeypatch.setattr(course, "ensure_environment", lambda profile, windows: Path("/py"))
    monkeypatch.setattr(course, "run", lambda args: calls.append([str(a) for a in args]) or 0)
    assert course.is_student_only()
    assert course.main(["lab", "--no-browser"]) == 0
    assert len(calls) == 1  # no student edition to regenerate: it is published as it is
    assert calls[0][:4] == ["/py", "-m", "jupyterlab", "student/00_units.ipynb"]
    for command in (["lab", "--instructor"], ["grade"], ["publish", "--out", "x"], ["test"]):
        capsys.readouterr()
        assert course.main(command) == 2
        assert capsys.readouterr().out.startswith(
            f"course.py: this is the student-only course (student/): `{command[0]}"
        )
    assert len(calls) == 1
    monkeypatch.setattr(course, "ROOT", ROOT)
    assert not course.is_student_only()


# ---------------------------------------------------------------------------------------------
# Planted leaks: the scanner must find each


def instructor_cell(stem, predicate):
    path = next(p for p in NOTEBOOKS if p.stem == stem)
    return next(c for c in cells_of(path) if predicate(c))


def add_cell(tree, stem, cell, where=None):
    path = tree / "student" / f"{stem}.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"].insert(len(nb["cells"]) if where is None else where, cell)
    path.write_text(json.dumps(nb))


def edit_cell(tree, stem, predicate, change):
    path = tree / "student" / f"{stem}.ipynb"
    nb = json.loads(path.read_text())
    cell = next(c for c in nb["cells"] if predicate(c))
    cell["source"] = change("".join(cell["source"]))
    path.write_text(json.dumps(nb))


def is_check_of(name):
    return lambda c: (
        "check" in c["metadata"].get("tags", []) and f'"{name}"' in "".join(c["source"])
    )


def plant_solution_cell(tree):
    cell = instructor_cell("01_decay", lambda c: "solution" in c["metadata"].get("tags", []))
    add_cell(tree, "01_decay", cell)


def plant_rubric(tree):
    cell = instructor_cell(
        "02_lif_spike_generator", lambda c: "rubric" in c["metadata"].get("tags", [])
    )
    add_cell(tree, "02_lif_spike_generator", dict(cell, metadata={}))  # even untagged


def plant_solution_region(tree):
    edit_cell(
        tree,
        "03_poisson_excitatory",
        lambda c: "exercise" in c["metadata"].get("tags", []),
        lambda text: text + "\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION",
    )


def plant_answer_key(tree):
    shutil.copy(
        ROOT / "labutils" / "answers" / "04_poisson_inhibitory.json",
        tree / "labutils" / "answers" / "04_poisson_inhibitory.json",
    )


def plant_solution_code_in_the_key(tree):
    path = tree / "labutils" / "answers" / "09_layered_network.json"
    records = json.loads(path.read_text())
    records["extra"] = {"kind": "recompute", "code": "eD0x", "sig": 2}
    path.write_text(json.dumps(records))


def plant_wrong_model_fixture(tree):
    target = tree / "tests" / "wrong_models"
    target.mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "wrong_models" / "01-kicked-trace.edit", target)


def plant_fixture_beside_the_notebooks(tree):
    shutil.copy(ROOT / "tests" / "wrong_models" / "09-dale-1.edit", tree / "student")


def plant_answer_key_tool(tree):
    (tree / "labutils" / "answer_key.py").write_text(
        (ROOT / "tools" / "answer_key.py").read_text()
    )


def plant_instructor_notebook(tree):
    shutil.copy(NOTEBOOKS[0], tree / "labutils" / NOTEBOOKS[0].name)


def plant_comment_stating_the_sd(tree):
    # the comment 07's check had before this change (issue 22): 2 figures of the 3-figure answer
    edit_cell(
        tree,
        "07_poissoninput_vs_poissongroup",
        is_check_of("predicted_sd"),
        lambda text: "# sd = 0.63 mV: mean SE over 100 x 150 ms\n" + text,
    )


def plant_comment_stating_the_fraction(tree):
    edit_cell(
        tree,
        "08_timedarray_protocols",
        is_check_of("my_fraction"),
        lambda text: text + "\n# its SD is at most 0.035 (at p = 1/2)",
    )


PLANTS = {
    plant_solution_cell: "tagged ['solution']",
    plant_rubric: "holds an instructor's solution cell",
    plant_solution_region: "contains '### BEGIN SOLUTION'",
    plant_answer_key: "the key of the graded answer 'nu_few'",
    plant_solution_code_in_the_key: "'extra' holds solution code",
    plant_wrong_model_fixture: "tests/wrong_models/01-kicked-trace.edit: an instructor-only file",
    plant_fixture_beside_the_notebooks: "student/09-dale-1.edit: an instructor-only file",
    plant_answer_key_tool: "labutils/answer_key.py: an instructor-only file",
    plant_instructor_notebook: "labutils/00_units.ipynb: a notebook outside student/",
    plant_comment_stating_the_sd: "states the graded answer 'predicted_sd'",
    plant_comment_stating_the_fraction: "states the graded answer 'my_fraction'",
}


@pytest.mark.parametrize("plant", PLANTS, ids=[p.__name__[6:] for p in PLANTS])
def test_the_scanner_finds_a_planted_leak(published, graded, tmp_path, plant):
    out, _ = published
    tree = tmp_path / "tree"
    shutil.copytree(out, tree)
    key = publish.instructor_key()
    assert publish.scan(tree, key, graded, NOTEBOOKS) == []
    plant(tree)
    findings = publish.scan(tree, key, graded, NOTEBOOKS)
    assert any(PLANTS[plant] in line for line in findings), findings


def synthetic_key(stem, name, value, sig):
    """A key record as tools/answer_key.py writes it, for a made-up answer."""
    text = exercises._canonical(name, value, sig, None)[3]
    return {
        stem: {
            name: {
                "kind": "number",
                "sig": sig,
                "salt": "s",
                "digest": exercises._digest("s", name, text),
            }
        }
    }


@pytest.mark.parametrize(
    ("written", "value", "sig"),
    [
        ("x = -66.0 * mV", "-66.0 * mV", 3),
        ("x = 1  # about 0.632 mV", "0.632 * mV", 3),
        ("x = 1  # about 0.63 mV", "0.632 * mV", 3),  # fewer figures than the key's
        ("x = [0.4137]", "[0.4137]", 4),
        ("x = 1  # p = 3/8", "0.375", 3),
    ],
)
def test_a_value_in_code_or_a_comment_that_states_an_answer_is_found(
    published, tmp_path, written, value, sig
):
    from brian2 import mV

    out, _ = published
    tree = tmp_path / "tree"
    shutil.copytree(out, tree)
    stem = "04_poisson_inhibitory"
    key = synthetic_key(stem, "planted", eval(value, {"mV": mV}), sig)
    assert publish.scan(tree, key, {"planted"}) == []
    cells = cells_of(tree / "student" / f"{stem}.ipynb")
    check = next(k for k, c in enumerate(cells) if "check" in c["metadata"].get("tags", []))
    add_cell(
        tree, stem, {"cell_type": "code", "id": "p", "metadata": {}, "source": written}, check
    )
    assert publish.scan(tree, key, {"planted"}) == []  # outside an exercise's section and checks
    edit_cell(tree, stem, lambda c: c["id"] == cells[check]["id"], lambda t: f"{t}\n{written}")
    assert publish.scan(tree, key, {"planted"}) == [
        f"student/{stem}.ipynb cell {check + 1} ({cells[check]['id']}): a value in its code or "
        "comments states the graded answer 'planted'"
    ]


def test_a_near_value_is_not_an_answer(published, tmp_path):
    from brian2 import mV

    out, _ = published
    key = synthetic_key("04_poisson_inhibitory", "planted", 0.632 * mV, 3)
    for near in ("x = 0.633 * mV", "x = 1  # about 0.64 mV", "x = 1  # 0.6 mV"):
        tree = tmp_path / near.replace(" ", "_").replace("#", "")
        shutil.copytree(out, tree)
        edit_cell(
            tree, "04_poisson_inhibitory", is_check_of("nu_few"), lambda t, n=near: f"{t}\n{n}"
        )
        assert publish.scan(tree, key, {"planted"}) == [], near


# ---------------------------------------------------------------------------------------------
# The branch


def git(repo, *args):
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_branch_holds_the_tree_and_grows_one_commit_per_change(published, tmp_path):
    out, _ = published
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.org")
    git(repo, "config", "user.name", "t")
    (repo / "instructor.txt").write_text("solutions")
    git(repo, "add", "instructor.txt")
    git(repo, "commit", "-q", "-m", "instructor")
    head, status = git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain")

    first = publish.commit_branch(out, "students", repo_dir=repo)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert git(repo, "ls-tree", "-r", "--name-only", "students").splitlines() == files
    assert git(repo, "rev-list", "--parents", "-n", "1", first) == first  # no parent: own history
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "status", "--porcelain") == status
    assert publish.commit_branch(out, "students", repo_dir=repo) == first  # nothing changed

    changed = tmp_path / "changed"
    shutil.copytree(out, changed)
    (changed / "README.md").write_text("updated\n")
    second = publish.commit_branch(changed, "students", repo_dir=repo)
    assert git(repo, "rev-list", "--parents", "-n", "1", second).split() == [second, first]
    assert git(repo, "show", "students:README.md") == "updated"
    with pytest.raises(SystemExit, match="--branch must be a git branch name"):
        publish.commit_branch(out, "two words", repo_dir=repo)


def test_the_think_answer_cells_reach_students_without_model_answer_or_rubric(published):
    out, _ = published
    for path in NOTEBOOKS:
        cells = cells_of(path)
        shipped = cells_of(out / "student" / path.name)
        by_id = {c["id"]: c for c in shipped}
        for part in open_answers.open_answers(cells):
            answer = cells[part["answer"]]
            # the prompt stays (nbgrader's answer region follows it); model answer and rubric go
            assert "".join(by_id[answer["id"]]["source"]).startswith("".join(answer["source"]))
            for k in [*part["model"], part["rubric"]]:
                assert cells[k]["id"] not in by_id
                assert not any(
                    "".join(cells[k]["source"]) in "".join(c["source"]) for c in shipped
                )


def test_hub_links_for_the_published_branch(capsys):
    url = hub_links.binder_url(
        "https://github.com/uni/course-students", "term-1", "student/03.ipynb"
    )
    assert url == (
        "https://mybinder.org/v2/gh/uni/course-students/term-1?urlpath=lab/tree/student/03.ipynb"
    )
    with pytest.raises(ValueError, match="repo must be a GitHub URL"):
        hub_links.binder_url("https://gitlab.com/uni/course", "main")
    hub_links.main(
        [
            "--hub",
            "https://hub.example.edu",
            "--repo",
            "https://github.com/uni/course-students",
            "--branch",
            "term-1",
            "--student-only",
        ]
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "student edition (student/):"
    assert "branch=term-1" in lines[1] and "notebooks" not in "".join(lines)
    assert lines[3].strip() == hub_links.binder_url(
        "https://github.com/uni/course-students", "term-1", "student/00_units.ipynb"
    )
