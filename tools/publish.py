#!/usr/bin/env python3
"""Publish the student-only course for a graded term: what students get, and not one solution.

    python3 course.py publish --out DIR [--branch NAME] [--repo URL]   # python -m tools.publish

DIR receives:
- `student/`: the student edition of every notebook (tools/student_edition.py);
- `labserver/` (the server extension: kernel replies without Nagle's delay);
- `labutils/` with its answer key, except that the key of every *graded* answer (one that a graded
  nbgrader test checks, tools/nbgrader_export.py) is replaced by
  `labutils.exercises.WITHHELD_RECORD`: its check then says "recorded for grading" and nbgrader
  grades it with the instructor's full key. A key record holding solution code is always withheld;
- the set-up: course.py, pyproject.toml, requirements/, binder/ (a postBuild for this tree),
  environment.yml, jupyterlab/, LICENSE, .gitignore, and a README.md for students (its Binder badge
  opens --branch of --repo).

Not copied: notebooks/ (the instructor's edition), tests/ (the wrong-model fixtures hold solution
lines), tools/ (answer-key and export sources), docs/, deploy/, benchmarks/, site/. The tree is
then scanned (``scan``: solution cells, graded keys, instructor-only files, answer values in code
or comments) and the command stops with the findings if there is any.

With --branch NAME the tree is also committed to the branch NAME of this git repository (an orphan
branch the first time, then one commit per publish on top of the last, so that nbgitpuller merges
updates into students' copies), without touching the working tree or the index. Push that branch
to the repository students pull from (docs/instructor-guide.md, "A graded term").
"""

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from labutils import exercises
from tools import hub_links, nbgrader_export, open_answers, student_edition

ROOT = Path(__file__).resolve().parents[1]

# What the student-only course holds at its top level; the scanner rejects anything else.
COPIED = [
    "course.py",
    "pyproject.toml",
    "LICENSE",
    "environment.yml",
    ".gitignore",
    "requirements",
    "jupyterlab",
    "binder/requirements.txt",
    "binder/runtime.txt",
    "labutils",
    "labserver",
]
WRITTEN = ["student", "binder/postBuild", "README.md"]
TOP_LEVEL = {path.split("/")[0] for path in COPIED + WRITTEN}
# Instructor-only sources, wherever they would appear.
FORBIDDEN_NAMES = {"notebooks", "tests", "tools", "answer_key.py", "nbgrader_export.py"}
FORBIDDEN_SUFFIXES = {".edit"}
# Values in an exercise's section or a check that equal a graded answer but are the question's
# given data or unrelated (notebook, cell id, answer): reviewed, each with its reason.
GIVEN_DATA = {
    # section 1 shows that a conductance times a voltage is a current with g_L = 10 nS and 20 mV,
    # the exercise's own data; the product is the hint's method, not a stated result
    ("00_units", "972691aa", "I_hold"),
    # the measured ratio of V's SDs between regimes (1.4-2.1), not the conductance's sqrt(2)
    ("03_poisson_excitatory", "0cd91467", "factor_rate"),
    # the ISI-CV bounds 0.5 and 0.3 of section 3's firing check, not the balanced weight
    ("05_balanced_ei", "60336898", "w_i_balance"),
    # the Fano factor 1 - p = 0.5 of a binomial count at p = 0.5, a different question
    ("08_timedarray_protocols", "6a7ac952", "my_fraction"),
}
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS", "**Answer")

POSTBUILD = """#!/usr/bin/env bash
# Binder, for the student-only course (written by `course.py publish`): install the course helpers
# (the locked stack is already installed), record the lock, install the course's JupyterLab
# settings, and warm the caches by executing every student notebook once (outputs thrown away;
# unanswered exercises end in their "not answered yet" line, which is expected here).
set -euo pipefail
python -m pip install --no-deps .
prefix=$(python -c 'import sys; print(sys.prefix)')
echo "binder/requirements.txt (Binder's copy of the lock) on Python \\
$(python -c 'import platform; print(platform.python_version())')" > "$prefix/brian-labs-lock.txt"
mkdir -p "$prefix/share/jupyter/lab/settings"
cp jupyterlab/overrides.json "$prefix/share/jupyter/lab/settings/overrides.json"
python - <<'PY'
import glob

import nbformat
from nbclient import NotebookClient

for path in sorted(glob.glob("student/*.ipynb")):
    nb = nbformat.read(path, as_version=4)
    try:
        NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": "student"}}).execute()
        print(f"postBuild: warmed {path}", flush=True)
    except Exception as error:  # keep warming the others
        print(f"postBuild: {path} failed: {type(error).__name__}: {error}", flush=True)
PY
"""

README = """# brian-labs: the student edition

[![Binder](https://mybinder.org/badge_logo.svg)]({badge})

A hands-on lab course on spiking neuron models with the [Brian2](https://briansimulator.org)
simulator, in Jupyter notebooks (`student/`). Each exercise has a check cell: run it after your
answer. In this term your answers are graded: a check of a graded answer says
`recorded for grading` instead of right or wrong, and the questions marked **Think!** are read and
graded by hand. Write your answer to a Think! question in the cell below it.

## Start

- On the course's JupyterHub: open the link your instructor gives you; it copies the course into
  your home folder and keeps your work when the course is updated.
- In the browser, nothing installed: click the Binder badge above (save your work: Binder
  deletes it when you close the tab; File > Download).
- On your own computer, with CPython 3.11, 3.12 or 3.13, in this folder:

      python3 course.py lab      # installs the course into .venv (first time, about a minute)

  On Windows type `py` instead of `python3`.

## Handing in

Hand in each notebook as your instructor says: on the hub with the Assignments tab, otherwise
download it (File > Download) and upload the `.ipynb` file, not renamed, to the course's page.

## Reporting a problem

The last cell of notebook 00 runs `lu.about()`: paste what it prints into your report.
"""


# ---------------------------------------------------------------------------------------------
# Which answers are graded, and the key students get


def checked_names(code):
    """Answer names that ``lu.check_answer("name", ...)`` calls in ``code`` check."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", None)) == "check_answer"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def graded_names(paths):
    """Names of the answers that a graded nbgrader test of these notebooks checks."""
    names = set()
    for path in paths:
        nb, _ = nbgrader_export.nbgrader_notebook(
            json.loads(path.read_text(encoding="utf-8")), path.stem
        )
        for cell in nb["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if cell["cell_type"] == "code" and meta.get("grade"):
                names |= checked_names("".join(cell["source"]))
    return names


def student_key(records, graded):
    """The answer-key file's records as published: graded ones (or holding code) withheld."""
    return {
        name: dict(exercises.WITHHELD_RECORD) if name in graded or "code" in record else record
        for name, record in records.items()
    }


# ---------------------------------------------------------------------------------------------
# Writing the tree


def write_tree(out_dir, paths, repo, branch):
    """Write the student-only course into ``out_dir`` (emptied first); returns the graded names."""
    out_dir = student_edition.check_out_dir(out_dir)
    if out_dir == ROOT or out_dir in ROOT.parents:
        raise SystemExit(f"publish: --out {out_dir} would hold the course itself: choose a folder")
    if out_dir.exists():
        entries = {child.name for child in out_dir.iterdir()} - {".git"}
        if entries and not {"student", "course.py", "labutils"} <= entries:
            raise SystemExit(
                f"publish: {out_dir} is neither empty nor a course published before: "
                "choose an empty or new folder"
            )
        for child in out_dir.iterdir():
            if child.name == ".git":
                continue  # a clone of the students' repository: keep its history
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in COPIED:
        source, target = ROOT / name, out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=ignore)
        else:
            shutil.copy2(source, target)
    graded = graded_names(paths)
    for key_file in sorted((out_dir / "labutils" / "answers").glob("*.json")):
        records = json.loads(key_file.read_text(encoding="utf-8"))
        key_file.write_text(
            json.dumps(student_key(records, graded), indent=1) + "\n", encoding="utf-8"
        )
    student_edition.write_edition(out_dir / "student", paths, log=lambda line: None)
    postbuild = out_dir / "binder" / "postBuild"
    postbuild.write_text(POSTBUILD, encoding="utf-8")
    postbuild.chmod(0o755)
    first = sorted(p.name for p in (out_dir / "student").glob("*.ipynb"))[0]
    badge = hub_links.binder_url(repo, branch, f"student/{first}")
    (out_dir / "README.md").write_text(README.format(badge=badge), encoding="utf-8")
    return graded


def git(*args, cwd=ROOT, env=None):
    """Run git in ``cwd``; its stripped output (SystemExit with git's message on failure)."""
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"publish: git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def commit_branch(tree_dir, branch, repo_dir=ROOT, message="Publish the student-only course"):
    """Commit the files of ``tree_dir`` to ``branch`` of the repository at ``repo_dir``.

    Uses a temporary index, so the repository's working tree, index and current branch stay as
    they are. The first commit has no parent (the branch shares no history with the instructor's
    course); each later one has the branch's previous commit as parent. Returns the commit id, or
    the previous one when nothing changed.
    """
    if not branch or any(c.isspace() for c in branch) or branch.startswith("-"):
        raise SystemExit(f"publish: --branch must be a git branch name, got {branch!r}")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, GIT_INDEX_FILE=str(Path(tmp) / "index"))
        work = ["--work-tree", str(tree_dir)]
        git(*work, "add", "--all", "--force", ".", cwd=repo_dir, env=env)
        tree = git("write-tree", cwd=repo_dir, env=env)
    ref = f"refs/heads/{branch}"
    parent = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", ref],
        cwd=repo_dir,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if parent and git("rev-parse", f"{parent}^{{tree}}", cwd=repo_dir) == tree:
        return parent
    commit = git(
        "commit-tree", tree, *(["-p", parent] if parent else []), "-m", message, cwd=repo_dir
    )
    git("update-ref", ref, commit, *([parent] if parent else []), cwd=repo_dir)
    return commit


# ---------------------------------------------------------------------------------------------
# The scanner


def numbers_in(code):
    """Values a student can read in a code cell: constant expressions and numbers in comments.

    Constant expressions (``-66 * mV``, ``np.sqrt(2)``, ``[0.3]``) are evaluated with Brian2's
    units; a comment's numbers are read with the unit written after them, if any.
    """
    import brian2
    import numpy as np

    units = {u: getattr(brian2, u) for u in ("mV", "ms", "Hz", "pA", "nS", "pF", "second", "volt")}
    names = {"np": np, **units}
    found = []
    try:
        tree = ast.parse(code)
    except SyntaxError:
        tree = None
    for node in ast.walk(tree) if tree else []:
        if not isinstance(node, (ast.Constant, ast.BinOp, ast.UnaryOp, ast.List, ast.Tuple)):
            continue
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, str)):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            continue
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        if used <= set(names):
            try:
                found.append(eval(compile(ast.Expression(node), "<cell>", "eval"), dict(names)))
            except Exception:
                pass
    unit_names = "|".join(units)
    for line in code.splitlines():
        if "#" not in line:
            continue
        comment = line.split("#", 1)[1]
        for number, unit in re.findall(rf"(-?\d+(?:\.\d+)?)\s*({unit_names})?\b", comment):
            found.append(float(number) * units[unit] if unit else float(number))
        for top, bottom in re.findall(r"(?<![\w.])(\d+)\s*/\s*(\d+)(?![\w.])", comment):
            if int(bottom):
                found.append(int(top) / int(bottom))  # a fraction, e.g. "p = 1/2"
    return found


def rounded_forms(value, sig):
    """``value`` and the numbers of ``sig`` significant figures that round to it.

    Only for a single number written with fewer than ``sig`` figures (but at least 2): "0.63 mV"
    states 0.632 mV.
    """
    import numpy as np

    forms = [value]
    try:
        magnitude = np.asarray(value, dtype=float)
    except (TypeError, ValueError):  # text, or a mixture
        return forms
    if sig is None or np.ndim(value) != 0 or not np.isfinite(magnitude) or not magnitude.item():
        return forms
    x = magnitude.item()
    written = len(f"{abs(x):.12g}".split("e")[0].replace(".", "").strip("0"))
    if not 2 <= written < sig or sig - written > 3:
        return forms
    step = 10.0 ** (np.floor(np.log10(abs(x))) - sig + 1)  # one unit in the last of sig figures
    half = 5 * 10 ** (sig - written - 1)
    scale = value / x  # 1 or the value's unit
    return forms + [(x + i * step) * scale for i in range(-half, half)]


def matches_key(value, name, record):
    """Whether ``value`` states the answer that ``record`` holds for ``name``, to its precision.

    (``rounded_forms``: a number written with fewer figures than the key's counts too.)
    """
    if "digest" not in record or record.get("kind") in ("recompute", "bool"):
        return False
    if isinstance(value, str) != (record["kind"] == "text"):
        return False
    if isinstance(value, (int, float)) and value == round(value) and abs(value) < 10:
        return False  # one-digit whole numbers are indices and counts everywhere
    for form in rounded_forms(value, record["sig"]):
        try:
            text = exercises._canonical(name, form, record["sig"], None)[3]
        except Exception:  # not an answer of this kind (e.g. a tuple of mixed units)
            return False
        if exercises._digest(record["salt"], name, text) == record["digest"]:
            return True
    return False


def answer_cells(cells):
    """Indices of the cells a student reads for an answer.

    The check cells, and every cell of a section (heading to heading) that holds an exercise.
    """
    starts = [k for k, c in enumerate(cells) if student_edition.is_heading(c)]
    bounds = list(zip([0, *starts], [*starts, len(cells)], strict=True))
    chosen = {k for k, c in enumerate(cells) if "check" in open_answers.tags_of(c)}
    for a, b in bounds:
        if any("exercise" in open_answers.tags_of(c) for c in cells[a:b]):
            chosen.update(range(a, b))
    return chosen


def scan(tree_dir, key, graded, instructor_paths=()):
    """What in the published tree ``tree_dir`` would give a graded answer away: a list of lines.

    ``key`` is the instructor's full answer key ({notebook: {name: record}}), ``graded`` the graded
    answer
    names, ``instructor_paths`` the instructor's notebooks (their solution cells must not appear).
    Finds files outside the course's set-up and instructor-only files, notebooks outside
    student/, solution cells and markers, rubric cells, a published key record of a graded answer
    that is not withheld or holds code, and values in code or comments that the key accepts as a
    graded answer.
    """
    tree_dir = Path(tree_dir)
    findings = []
    files = [p for p in tree_dir.rglob("*") if p.is_file() and ".git" not in p.parts]
    for path in files:
        relative = path.relative_to(tree_dir)
        if relative.parts[0] not in TOP_LEVEL:
            findings.append(f"{relative}: not part of the student-only course")
        if FORBIDDEN_NAMES & set(relative.parts) or path.suffix in FORBIDDEN_SUFFIXES:
            findings.append(f"{relative}: an instructor-only file")
        if path.suffix == ".ipynb" and relative.parts[0] != "student":
            findings.append(f"{relative}: a notebook outside student/")
    solutions = set()
    for instructor in instructor_paths:
        for cell in json.loads(Path(instructor).read_text(encoding="utf-8"))["cells"]:
            text = "".join(cell["source"]).strip()
            if "solution" in cell["metadata"].get("tags", []) and len(text) > 40:
                solutions.add(text)
    for path in sorted((tree_dir / "student").glob("*.ipynb")):
        relative = path.relative_to(tree_dir)
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        read_for_answers = answer_cells(cells)
        for k, cell in enumerate(cells):
            text = "".join(cell["source"])
            tags = set(cell.get("metadata", {}).get("tags", []))
            if tags & {"solution", "rubric"}:
                findings.append(
                    f"{relative} cell {k}: tagged {sorted(tags & {'solution', 'rubric'})}"
                )
            for marker in SOLUTION_MARKERS:
                if marker in text:
                    findings.append(f"{relative} cell {k}: contains {marker!r}")
            for solution in solutions:
                if solution in text:
                    findings.append(f"{relative} cell {k}: holds an instructor's solution cell")
            if cell["cell_type"] != "code" or k not in read_for_answers:
                continue
            own = key.get(path.stem, {})  # another notebook's values are given data there
            values = numbers_in(text)
            for name in sorted(graded & set(own)):
                if (path.stem, cell["id"], name) in GIVEN_DATA:
                    continue
                if any(matches_key(value, name, own[name]) for value in values):
                    findings.append(
                        f"{relative} cell {k} ({cell['id']}): a value in its code or "
                        f"comments states the graded answer {name!r}"
                    )
    for key_file in sorted((tree_dir / "labutils" / "answers").glob("*.json")):
        relative = key_file.relative_to(tree_dir)
        for name, record in json.loads(key_file.read_text(encoding="utf-8")).items():
            if "code" in record:
                findings.append(f"{relative}: {name!r} holds solution code")
            if name in graded and record != exercises.WITHHELD_RECORD:
                findings.append(f"{relative}: the key of the graded answer {name!r}")
    return findings


def instructor_key():
    """The instructor's full answer key, {notebook: {name: record}}, from labutils/answers/."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "labutils" / "answers").glob("*.json"))
    }


def publish(out_dir, branch=None, repo=hub_links.REPOSITORY, log=print):
    """Write, scan and (with ``branch``) commit the student-only course; returns the findings."""
    paths = student_edition.select([])
    graded = write_tree(Path(out_dir), paths, repo, branch or "main")
    findings = scan(out_dir, instructor_key(), graded, paths)
    if findings:
        return findings
    withheld = sorted(graded & {name for records in instructor_key().values() for name in records})
    log(
        f"student-only course in {Path(out_dir).resolve()}: {len(paths)} notebooks, "
        f"{len(withheld)} graded answers' keys withheld; scan: nothing that answers an exercise"
    )
    if branch:
        commit = commit_branch(Path(out_dir).resolve(), branch)
        log(f"branch {branch}: {commit[:12]} (push it to the repository students pull from)")
    return []


def main(argv=None):
    """Publish the student-only course; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="folder for the student-only course")
    parser.add_argument("--branch", help="also commit it to this git branch of the repository")
    parser.add_argument(
        "--repo",
        default=hub_links.REPOSITORY,
        help="the repository students pull from (for the README's Binder badge)",
    )
    args = parser.parse_args(argv)
    findings = publish(args.out, args.branch, args.repo)
    if findings:
        print("publish: the student-only course would give answers away:", *findings, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
