#!/usr/bin/env python3
"""Print an nbgitpuller link that opens a course notebook on a JupyterHub.

    python3 tools/nbgitpuller_link.py HUB_URL [PATH] [--repo URL] [--branch NAME]
    e.g. python3 tools/nbgitpuller_link.py https://hub.example.edu student/01_decay.ipynb

nbgitpuller (installed on the hub) clones the repository into the student's home on the first
visit and merges updates on later ones without overwriting the student's changes. PATH is relative
to the repository (default: the student edition's first notebook).
"""

import argparse
import sys
from urllib.parse import urlencode, urlsplit

REPOSITORY = "https://github.com/brian-labs/brian-labs"  # the site's and Binder's repository


def link(hub, path, repo=REPOSITORY, branch="main"):
    """The hub URL that pulls ``repo`` at ``branch`` and opens ``path`` in JupyterLab."""
    if urlsplit(hub).scheme not in ("http", "https"):
        raise ValueError(f"hub must be the hub's http(s) URL, got {hub!r}")
    folder = repo.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    query = urlencode({"repo": repo, "branch": branch, "urlpath": f"lab/tree/{folder}/{path}"})
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv=None):
    """Print the nbgitpuller link for a hub and a notebook path."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("hub")
    parser.add_argument("path", nargs="?", default="student/00_units.ipynb")
    parser.add_argument("--repo", default=REPOSITORY)
    parser.add_argument("--branch", default="main")
    args = parser.parse_args(argv)
    try:
        print(link(args.hub, args.path, args.repo, args.branch))
    except ValueError as error:
        raise SystemExit(str(error)) from None
    return 0


if __name__ == "__main__":
    sys.exit(main())
