#!/usr/bin/env python3
"""Print the nbgitpuller links that pull the course into each student's home on a JupyterHub.

    python3 course.py hub-links --hub https://hub.example.edu [--branch main] [--notebook 03]

One link per edition: the student edition (folder student/, solutions removed) and the instructor
edition (notebooks/). A link clones the repository into ~/brian-labs the first time and merges the
course's updates on every later click, keeping what the student changed (docs/serving-a-class.md).
With --notebook NN the links open that notebook instead of the edition's folder.

For a graded term, pull from the student-only course that `course.py publish --branch NAME` writes
(pushed to the repository students may see): `--repo URL --branch NAME --student-only` prints only
the student edition's link and the Binder badge's URL for that branch.
"""

import argparse
import sys
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
REPOSITORY = "https://github.com/brian-labs/brian-labs"  # the Binder badge's repository
TARGET = "brian-labs"  # the folder in each home
EDITIONS = {"student": "student", "instructor": "notebooks"}


def server_path(edition_folder, notebook=None, branch="main", repo=REPOSITORY):
    """The part after the user's server URL: ``git-pull?repo=...`` (for a hub's default URL)."""
    target = f"{TARGET}/{edition_folder}" + (f"/{notebook}" if notebook else "")
    # JupyterLab path; "?autodecode" as in nbgitpuller's URL-options documentation
    query = dict(
        repo=repo, branch=branch, targetpath=TARGET, urlpath=f"lab/tree/{target}?autodecode"
    )
    return "git-pull?" + urlencode(query, quote_via=quote, safe="")


def link(hub, edition_folder, notebook=None, branch="main", repo=REPOSITORY):
    """The nbgitpuller link for ``hub`` opening ``edition_folder`` of ``branch`` after the pull.

    ``hub`` as in ``https://hub.example.edu``; with ``notebook`` (a file name), the link opens that
    notebook in the folder.
    """
    parts = urlsplit(hub)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"hub must be a URL like https://hub.example.edu, got {hub!r}")
    if not branch or any(c.isspace() for c in branch):
        raise ValueError(f"branch must be a git branch name, got {branch!r}")
    return f"{hub.rstrip('/')}/hub/user-redirect/" + server_path(
        edition_folder, notebook, branch, repo
    )


def binder_url(repo=REPOSITORY, branch="main", path="student/00_units.ipynb"):
    """The mybinder.org URL that opens ``path`` in JupyterLab from a GitHub repository's branch."""
    parts = urlsplit(repo)
    owner_name = parts.path.strip("/").removesuffix(".git")
    if parts.netloc != "github.com" or owner_name.count("/") != 1:
        raise ValueError(f"repo must be a GitHub URL like {REPOSITORY}, got {repo!r}")
    if not branch or any(c.isspace() for c in branch):
        raise ValueError(f"branch must be a git branch name, got {branch!r}")
    return (
        f"https://mybinder.org/v2/gh/{owner_name}/{quote(branch, safe='')}"
        f"?urlpath={quote(f'lab/tree/{path}', safe='/')}"
    )


def find_notebook(prefix):
    """The course notebook whose file name starts with ``prefix`` (``03`` or ``03_poisson``)."""
    matches = sorted(p.name for p in (ROOT / "notebooks").glob(f"{prefix}*.ipynb"))
    if len(matches) != 1:
        raise ValueError(f"--notebook {prefix!r} matches {len(matches)} notebooks: {matches}")
    return matches[0]


def main(argv=None):
    """Print the nbgitpuller link of each edition for a hub; the exit status."""
    parser = argparse.ArgumentParser(
        prog="python3 course.py hub-links", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--hub", required=True, help="the hub's URL, e.g. https://hub.example.edu")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--repo", default=REPOSITORY, help="the git repository to pull")
    parser.add_argument("--notebook", help="open this notebook (a number like 03) after the pull")
    parser.add_argument(
        "--student-only",
        action="store_true",
        help="the student-only course of a graded term (course.py publish): its link and badge",
    )
    args = parser.parse_args(argv)
    try:
        notebook = find_notebook(args.notebook) if args.notebook else None
        editions = {"student": "student"} if args.student_only else EDITIONS
        for edition, folder in editions.items():
            print(f"{edition} edition ({folder}/):")
            print(f"  {link(args.hub, folder, notebook, args.branch, args.repo)}")
        if args.student_only:
            path = f"student/{notebook or find_notebook('00')}"
            print("Binder badge's link (student edition):")
            print(f"  {binder_url(args.repo, args.branch, path)}")
    except ValueError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
