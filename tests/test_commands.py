"""Every maintainer command is a `course.py` subcommand, and every documented one runs.

The documents (README.md, CONTRIBUTING.md, docs/*.md, deploy/*.md, site/*.md) name commands as
`python3 course.py <command> ...`; each must be one course.py dispatches, and `<command> --help`
must exit 0 when course.py runs it in this (the course's) environment.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import course

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [
    ROOT / "README.md",
    ROOT / "CONTRIBUTING.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "deploy").glob("*.md")),
    *sorted((ROOT / "site").glob("*.md")),
]
# Files that run tools too (CI, the pre-commit hooks, Binder's build).
RUNNERS = [ROOT / ".ci" / "run", ROOT / ".pre-commit-config.yaml", ROOT / "binder" / "postBuild"]
OWN_COMMANDS = ("lab", "info")  # handled by course.py itself, not in COMMANDS


def documented_commands():
    """{command: the documents that name it as `python3 course.py <command>`}."""
    found = {}
    for path in DOCUMENTS:
        for name in re.findall(r"python3 course\.py ([a-z][a-z-]*)", path.read_text()):
            found.setdefault(name, set()).add(path.relative_to(ROOT).as_posix())
    return found


DOCUMENTED = documented_commands()

# course.py as a user runs it, except that the environment it would install is this one.
RUN_WITH_THIS_PYTHON = """
import sys
import course
course.ensure_environment = lambda profile, windows: sys.executable
sys.exit(course.main(sys.argv[1:]))
"""


def test_the_documents_name_the_main_commands():
    assert {"lab", "test", "student", "answer-key", "clean-notebooks", "hub-links"} <= set(
        DOCUMENTED
    ), DOCUMENTED


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_documented_command_is_a_course_command(name):
    assert name in course.COMMANDS or name in OWN_COMMANDS, (
        f"{sorted(DOCUMENTED[name])} document `python3 course.py {name}`, which course.py "
        "does not know"
    )


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_documented_command_help_runs_in_the_course_environment(name):
    done = subprocess.run(
        [sys.executable, "-c", RUN_WITH_THIS_PYTHON, name, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, (name, done.stdout[-2000:], done.stderr[-2000:])
    assert done.stdout.strip(), name


def test_no_document_runs_a_tool_file_directly():
    """Tools run as course.py commands (in the course's environment), never as files."""
    for path in DOCUMENTS + RUNNERS:
        direct = re.findall(r"python3? (?:tools|benchmarks|site)/\w+\.py", path.read_text())
        assert not direct, f"{path.name}: {direct}; use the python3 course.py command"


def test_course_help_lists_every_command():
    out = subprocess.run(
        [sys.executable, str(ROOT / "course.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in [*course.COMMANDS, *OWN_COMMANDS]:
        assert re.search(rf"python3 course\.py {re.escape(name)}\b", out), name


def test_every_tool_with_a_main_is_a_command():
    """A module in tools/ that can be run (has a __main__ block) is reachable from course.py."""
    commands = {" ".join(program) for _profile, program in course.COMMANDS.values()}
    for path in sorted((ROOT / "tools").glob("*.py")):
        if '__name__ == "__main__"' in path.read_text():
            assert f"-m tools.{path.stem}" in commands, f"{path.name} has no course.py command"


def tool_imports():
    """{tool module: the tools modules it imports}, from the source of tools/*.py."""
    graph = {}
    for path in sorted((ROOT / "tools").glob("*.py")):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "tools":
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tools."):
                found.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("tools.")}
        graph[path.stem] = found
    return graph


def test_tools_import_each_other_without_a_cycle():
    graph = tool_imports()
    assert graph["lock"] >= {"deploy", "lockfiles"} and "lock" not in graph["deploy"]

    def visit(module, path):
        assert module not in path, f"import cycle: {' -> '.join([*path, module])}"
        for imported in graph.get(module, ()):
            visit(imported, [*path, module])

    for module in graph:
        visit(module, [])


def test_no_tool_edits_sys_path():
    for path in [ROOT / "course.py", *sorted((ROOT / "tools").glob("*.py"))]:
        assert "sys.path" not in path.read_text(encoding="utf-8"), path.name
