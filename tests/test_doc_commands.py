"""Every command in the instructor's guide (its grading part), serving-a-class and tljh.md works.

Each command line of their code blocks is taken out of the page and
- `python3 course.py hub-links ...` and `python3 course.py python -m tools.X`: run, as written;
- `python3 course.py grade ...`: read by the same parser `course.py grade` uses (its step and
  options must exist); running them is the scripted term (`python3 course.py grade term`, in CI),
  which calls the same functions on two notebooks and six students;
- `python3 course.py classroom ...` (a 20-minute hub load test, or `classroom term`, the graded
  term on a local hub, run by tests/test_hub_term.py in CI's own stage): its options must be the
  tool's;
- the server commands of a hub (`sudo`, `git clone`, `tljh-config`, `helm`, `docker`), the
  documented stand-in where a real server is needed: every file of the course they name exists
  (for each supported Python where the path holds `$PYV`), the repository is the course's, and
  nbgrader's settings are the image's (deploy/Dockerfile), line for line.
A line that fits none of these fails the test, so a new command must be given its check.
"""

import re
import shlex
import sys
from pathlib import Path

import pytest

from tools import deploy, grading, hub_links

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import course  # noqa: E402

PAGES = {
    "docs/instructor-guide.md": ("### Grading a term with nbgrader", "\n### "),
    "docs/serving-a-class.md": (None, None),
    "deploy/tljh.md": (None, None),
}
COMMAND = re.compile(r"^(python3? |sudo |git |docker |helm |npm |echo |PYV=|cd |\.\./|\.venv)")


def command_lines(page):
    """The command lines of ``page``'s code blocks (indented four or more), in order."""
    start, end = PAGES[page]
    text = (ROOT / page).read_text(encoding="utf-8")
    if start is not None:
        text = text[text.index(start) :]
        text = text[: text.find(end, len(start))] if end in text[len(start) :] else text
    lines, inside = [], False
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip())
        if not line.strip():
            continue
        if indent >= 4 and (inside or COMMAND.match(line.strip())):
            inside = True
            lines.append(line.strip())
        else:
            inside = False
    return lines


ALL = [(page, line) for page in PAGES for line in command_lines(page)]


def test_the_pages_have_their_commands():
    pages = {page for page, _ in ALL}
    assert pages == set(PAGES)
    grade_steps = {
        shlex.split(line)[3] for _, line in ALL if line.startswith("python3 course.py grade")
    }
    assert {"release", "roster", "collect", "autograde", "formgrader", "feedback", "export"} <= (
        grade_steps
    )


def pythons():
    """The supported Python versions ("3.11" ...), for paths that hold $PYV."""
    return [course.version_text(v) for v in course.SUPPORTED]


def course_paths(line):
    """The course files a server command names (under /opt/brian-labs), one per Python."""
    paths = re.findall(r"/opt/brian-labs/(\S+)", line)
    return [ROOT / path.replace("$PYV", version) for path in paths for version in pythons()] or []


def check_course_command(words, capsys):
    """Check one `python3 course.py ...` command."""
    command, rest = words[2], words[3:]
    assert command in course.COMMANDS or command in ("lab", "info"), command
    if command == "grade":
        grading.command_line().parse_args(rest)  # exits (SystemExit 2) on a bad step or option
    elif command == "hub-links":
        assert hub_links.main(rest) == 0
        assert "/hub/user-redirect/git-pull?" in capsys.readouterr().out
    elif command == "classroom":  # the load test (cli.py) or the graded term on a hub (term.py)
        tool = "term.py" if rest[:1] == ["term"] else "cli.py"
        source = (ROOT / "benchmarks" / "classroom" / tool).read_text()
        for option in [w.split("=")[0] for w in rest if w.startswith("--")]:
            assert f'"{option}"' in source, f"benchmarks/classroom/{tool} has no {option}"
    elif command == "python" and rest[:1] == ["-m"]:
        assert (ROOT / (rest[1].replace(".", "/") + ".py")).exists(), rest[1]


IMAGE = deploy.DOCKERFILE.read_text()


def check_server_command(line):
    """The stand-in for a command that needs a hub's server: what it names exists."""
    for path in course_paths(line):
        assert path.exists(), f"{line!r} names {path.relative_to(ROOT)}, which does not exist"
    if line.startswith("sudo git clone"):
        assert shlex.split(line)[3] == hub_links.REPOSITORY
    if "nbgrader" in line and ("extension" in line or "tee" in line):
        # nbgrader's settings for students: the same as the image's
        setting = line.split("jupyter ", 1)[-1] if "extension" in line else line.split("'")[1]
        assert setting in IMAGE, f"{setting!r} is not what deploy/Dockerfile does"


@pytest.mark.parametrize("page, line", ALL, ids=[f"{p}: {line[:50]}" for p, line in ALL])
def test_command_works(page, line, capsys):
    words = shlex.split(line.replace("$(", "").replace(")", "")) if "$(" in line else None
    words = words or shlex.split(line)
    if words[:2] == ["python3", "course.py"]:
        check_course_command(words, capsys)
    elif words[0] == "sudo" or line.startswith(("echo ", "PYV=")):
        check_server_command(line)
        if line.startswith("PYV="):  # the user environment's Python: one the course supports
            assert "sys.version_info[:2]" in line
    else:
        pytest.fail(f"{page}: no check for {line!r}: use a course.py command or add its check")
