"""Binder: repo2docker accepts binder/ and builds what we expect.

The README badge opens notebook 00.

`jupyter-repo2docker --no-build --debug` needs no docker engine: it picks the buildpack from
binder/ and prints the Dockerfile it would build, which is what these tests read.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import course
from tools import lockfiles

ROOT = Path(__file__).resolve().parents[1]


def repo2docker_executable():
    found = Path(sys.executable).parent / "jupyter-repo2docker"
    return str(found) if found.exists() else shutil.which("jupyter-repo2docker")


@pytest.fixture(scope="module")
def repo2docker_output(tmp_path_factory):
    executable = repo2docker_executable()
    assert executable, "jupyter-repo2docker is not installed: it is in requirements/dev.in"
    result = subprocess.run(
        [executable, "--no-build", "--debug", str(ROOT)],
        cwd=tmp_path_factory.mktemp("r2d"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"repo2docker rejected the configuration:\n{output[-4000:]}"
    return output


def test_repo2docker_uses_the_binder_python_from_runtime_txt(repo2docker_output):
    python = lockfiles.BINDER_PYTHON
    assert f"Building conda environment for python={python}" in repo2docker_output, (
        repo2docker_output[:2000]
    )
    # The base environment's lock file is named after the Python version (escaped in build paths).
    minor = python.split(".")[1]
    assert re.search(
        rf"environment(\.|-2e)py(-|-2d)3(\.|-2e){minor}(-|-2d)linux", repo2docker_output
    )


def test_repo2docker_installs_the_binder_pins_then_runs_post_build(repo2docker_output):
    dockerfile = repo2docker_output
    install = re.search(
        r'^RUN \$\{KERNEL_PYTHON_PREFIX\}/bin/pip install .*-r "binder/requirements\.txt"',
        dockerfile,
        re.M,
    )
    assert install, "the image does not pip-install binder/requirements.txt"
    copy_repo = dockerfile.find("COPY --chown=0:0 src/ ${REPO_DIR}/")
    post_build = dockerfile.find("RUN ./binder/postBuild")
    assert post_build > 0, "postBuild is not run"
    assert install.start() < copy_repo < post_build, (
        "expected: pins, then the repository, then postBuild"
    )
    # binder/ takes precedence: the conda environment.yml at the top level must not be used by
    # Binder.
    assert "environment.yml" not in dockerfile


def test_binder_files_are_what_repo2docker_reads():
    binder = ROOT / "binder"
    assert (binder / "runtime.txt").read_text().strip() == f"python-{lockfiles.BINDER_PYTHON}"
    assert (binder / "postBuild").read_text().startswith("#!/usr/bin/env bash")
    assert (binder / "postBuild").stat().st_mode & 0o111, "postBuild should be executable"


def binder_badge_url():
    readme = (ROOT / "README.md").read_text()
    urls = re.findall(r"\]\((https://mybinder\.org/v2/[^)\s]+)\)", readme)
    assert urls, "README.md has no Binder badge link"
    return urls[0]


def test_readme_binder_badge_opens_the_student_edition_and_a_link_the_instructors():
    url = urlsplit(binder_badge_url())
    assert url.netloc == "mybinder.org"
    provider, owner, repo, ref = url.path.split("/")[2:6]
    assert (provider, ref) == ("gh", "main"), url.path
    assert owner and repo, url.path
    assert parse_qs(url.query)["urlpath"] == [f"lab/tree/{course.STUDENT_FIRST_NOTEBOOK}"]
    readme = (ROOT / "README.md").read_text()
    instructor = f"{url.scheme}://{url.netloc}{url.path}?urlpath=lab/tree/{course.FIRST_NOTEBOOK}"
    assert instructor in readme
    assert (ROOT / course.FIRST_NOTEBOOK).exists()
    # Binder builds the student edition, whose first notebook the badge opens
    assert "python -m tools.student_edition" in (ROOT / "binder" / "postBuild").read_text()


def test_site_launch_buttons_point_at_the_badge_repository():
    """The course site's Binder buttons open the same repository and branch as the badge.

    The buttons are set in site/conf.py.
    """
    namespace = {"__file__": str(ROOT / "site" / "conf.py")}
    exec((ROOT / "site" / "conf.py").read_text(), namespace)
    _provider, owner, repo, ref = urlsplit(binder_badge_url()).path.split("/")[2:6]
    assert namespace["REPOSITORY_URL"] == f"https://github.com/{owner}/{repo}"
    assert namespace["REPOSITORY_BRANCH"] == ref
    options = namespace["html_theme_options"]
    assert options["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert options["launch_buttons"]["notebook_interface"] == "jupyterlab"
    assert options["path_to_docs"] == "", (
        "pages are staged as notebooks/NN_x.ipynb at the site root"
    )
