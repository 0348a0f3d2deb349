"""The student edition: nothing that answers an exercise survives.

Checks stay (collapsed, the exercise checks tagged for nbval), a student's edited notebook is never
overwritten, bad calls end in one line.
"""

import ast
import itertools
import json
import re
from pathlib import Path

import pytest

from tools import student_edition

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# Answers that the exercise text itself gives as data (the question is about something else).
GIVEN_IN_QUESTION = {
    ("08_timedarray_protocols", "envelope_dt"): "the protocol's 50 ms is the question's data",
    ("08_timedarray_protocols", "my_table"): "the rates are the question's data; the answer is "
    "their layout",
    ("08_timedarray_protocols", "my_dt"): "the protocol's 50 ms is the question's data",
    ("09_layered_network", "my_w_lateral"): "the colleague's weight 0.1 is quoted in the question",
    ("06_izhikevich", "burster"): "the one-neuron NeuronGroup of section 1's model is given in "
    "Exercise 2's cell; the answer is its parameters and protocol",
}


def cells_of(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def assignments(code):
    """(name, node) for each top-level assignment in ``code``."""
    tree = ast.parse(code)
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                names = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
                for name in names:
                    if isinstance(name, ast.Name):  # not x.v = ...: that sets up an object
                        yield name.id, node


def exercise_names(cells):
    """Names an exercise cell assigns that a solution assigns differently: the answers.

    An exercise cell assigns a placeholder or a value to fix. Values that the exercise cell sets up
    as given are not answers.
    """
    given = {}
    for cell in cells:
        if "exercise" in tags(cell):
            code = source(cell)
            for name, node in assignments(code):
                given[name] = squash(ast.get_source_segment(code, node.value))
    answers = set()
    for cell in cells:
        if "solution" in tags(cell) and cell["cell_type"] == "code":
            code = source(cell)
            for name, node in assignments(code):
                value = squash(ast.get_source_segment(code, node.value))
                if name in given and value != given[name]:
                    answers.add(name)
    return answers


def squash(text):
    return re.sub(r"\s+", "", text)


def is_literal(node):
    """A constant, a constant times a unit (50*ms), or a list, tuple or dict of them."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp):
        return is_literal(node.operand)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return is_literal(node.left) and isinstance(node.right, (ast.Name, ast.Constant))
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(is_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(is_literal(v) for v in node.values)
    if isinstance(node, ast.Call):  # np.array([...]) of constants
        return all(is_literal(a) for a in node.args)
    return False


def revealing_pieces(code, node):
    """What in a solution's assignment would give it away.

    Its expression (when it is more than a name or a short literal) and its literal numbers and
    strings, also those in its comment.
    """
    expression = ast.get_source_segment(code, node.value)
    pieces = {"expressions": set(), "numbers": set(), "strings": set()}
    if not isinstance(node.value, (ast.Name, ast.Constant)) and len(squash(expression)) >= 6:
        pieces["expressions"].add(squash(expression))
    if is_literal(node.value):  # a value typed in, not computed from the question
        values = node.value.values if isinstance(node.value, ast.Dict) else [node.value]
        for part in (p for value in values for p in ast.walk(value)):
            if not isinstance(part, ast.Constant):
                continue
            if isinstance(part.value, str) and len(part.value) > 2:
                pieces["strings"].add(part.value)
            elif isinstance(part.value, (int, float)):
                pieces["numbers"].add(f"{part.value:g}")
    line = code.splitlines()[node.end_lineno - 1]
    comment = re.match(r"\s*(-?\d+(?:\.\d+)?)", line.split("#", 1)[1]) if "#" in line else None
    if comment:  # a comment that states the value: "# 13 Hz"
        pieces["numbers"].add(comment.group(1))
    # a one-digit whole number also names indices and counts everywhere: checked by the key only
    pieces["numbers"] = {n for n in pieces["numbers"] if len(n.lstrip("-")) > 1}
    return pieces


def sections(cells):
    """For each cell index, the index range of its section (heading to the next heading)."""
    starts = [k for k, c in enumerate(cells) if student_edition.is_heading(c)] + [len(cells)]
    ranges = {}
    for a, b in itertools.pairwise(starts):
        for k in range(a, b):
            ranges[k] = range(a, b)
    return ranges


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    student_edition.write_edition(out, NOTEBOOKS, log=lambda line: None)
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_solution_value_or_expression_reaches_the_student_edition(path, edition):
    instructor = cells_of(path)
    student = cells_of(edition / path.name)
    names = exercise_names(instructor)
    leaks = []
    for cell in student:
        assert "solution" not in tags(cell)
        assert not source(cell).lstrip().startswith("**Answer"), "an answer paragraph remains"
    section_of = sections(student)
    exercise_sections = {}
    for k, cell in enumerate(student):
        if "exercise" in tags(cell):
            for name, _ in assignments(source(cell)):
                exercise_sections.setdefault(name, set()).update(section_of.get(k, []))
    solutions = [
        source(c) for c in instructor if "solution" in tags(c) and c["cell_type"] == "code"
    ]
    for code in solutions:
        for name, node in assignments(code):
            if name not in names or (path.stem, name) in GIVEN_IN_QUESTION:
                continue
            pieces = revealing_pieces(code, node)
            for k, cell in enumerate(student):
                text = source(cell)
                for expression in pieces["expressions"]:  # code only: prose states formulas
                    if cell["cell_type"] == "code" and expression in squash(text):
                        leaks.append((name, k, expression))
                if k not in exercise_sections.get(name, ()) or (
                    cell["cell_type"] == "code" and ("check" not in tags(cell))
                ):  # the exercise's text and its checks
                    continue
                for number in pieces["numbers"]:
                    if re.search(rf"(?<![\w.]){re.escape(number)}(?![\w]|\.\d)", text):
                        leaks.append((name, k, number))
                for string in pieces["strings"]:
                    quoted = rf"['\"]{re.escape(string)}['\"]"
                    if "check" in tags(cell) and re.search(quoted, text):
                        leaks.append((name, k, string))
    assert not leaks, f"{path.name}: (answer, student cell, what shows it): {leaks}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_checks_stay_collapsed_and_each_exercise_check_may_stop_unanswered(path, edition):
    instructor = cells_of(path)
    student = cells_of(edition / path.name)
    kept_checks = [c for c in instructor if "check" in tags(c) and "solution" not in tags(c)]
    checks = [c for c in student if "check" in tags(c)]
    assert len(checks) == len(kept_checks)
    assert all(c["metadata"]["jupyter"]["source_hidden"] for c in checks)
    for k, cell in enumerate(student):
        if "exercise" in tags(cell):
            following = student[k + 1 :]
            check = next(c for c in following if "check" in tags(c))
            assert "raises-exception" in tags(check), f"{path.name}: the check after cell {k}"
    assert sum("exercise" in tags(c) for c in student) == sum(
        "exercise" in tags(c) for c in instructor
    )
    assert not any("raises-exception" in tags(c) for c in instructor if "check" in tags(c))


def test_regenerating_replaces_unedited_and_keeps_edited_notebooks(tmp_path):
    first, second = NOTEBOOKS[0], NOTEBOOKS[1]
    assert student_edition.write_edition(tmp_path, [first, second], log=lambda line: None) == {
        first.name: "written",
        second.name: "written",
    }
    edited = tmp_path / first.name
    edited.write_text(edited.read_text().replace("...", "my_answer_12345", 1))
    my_work = edited.read_text()
    untouched = tmp_path / second.name
    untouched.write_text(untouched.read_text().replace('"cells"', '"cells"'))  # same content
    stale = json.loads(untouched.read_text())
    stale["cells"] = stale["cells"][:-1]  # an older generated version, never edited
    untouched.write_text(student_edition.notebook_text(stale))
    manifest = json.loads((tmp_path / student_edition.MANIFEST).read_text())
    manifest[second.name] = student_edition.digest(untouched.read_text())
    manifest[first.name] = student_edition.digest(
        "an older version of the course"
    )  # updated since
    (tmp_path / student_edition.MANIFEST).write_text(json.dumps(manifest))

    lines = []
    outcome = student_edition.write_edition(tmp_path, [first, second], log=lines.append)
    assert outcome == {first.name: "kept", second.name: "replaced"}
    assert edited.read_text() == my_work
    beside = tmp_path / first.name.replace(".ipynb", ".new.ipynb")
    assert beside.exists() and "my_answer_12345" not in beside.read_text()
    assert lines[0] == f"kept your edited {first.name}; the new version is {beside.name}"
    assert len(cells_of(untouched)) == len(stale["cells"]) + 1
    # still edited on the next run; the unedited one is now up to date
    assert student_edition.write_edition(tmp_path, [first, second], log=lambda line: None) == {
        first.name: "kept",
        second.name: "unchanged",
    }


def test_an_edited_notebook_without_a_course_update_is_left_alone(tmp_path):
    first = NOTEBOOKS[0]
    student_edition.write_edition(tmp_path, [first], log=lambda line: None)
    edited = tmp_path / first.name
    edited.write_text(edited.read_text().replace("...", "my_answer_12345", 1))
    lines = []
    assert student_edition.write_edition(tmp_path, [first], log=lines.append) == {
        first.name: "yours"
    }
    assert "my_answer_12345" in edited.read_text()
    assert not (tmp_path / first.name.replace(".ipynb", ".new.ipynb")).exists()


def test_bad_calls_end_in_one_line(tmp_path):
    with pytest.raises(SystemExit, match=r"^unknown notebook '99': choose from 00, 01"):
        student_edition.main(["--out", str(tmp_path), "99"])
    with pytest.raises(SystemExit, match=r"^the student edition cannot go into notebooks/"):
        student_edition.main(["--out", str(ROOT / "notebooks" / "student")])
    assert student_edition.main(["--out", str(tmp_path), "03"]) == 0
    assert [p.name for p in tmp_path.glob("*.ipynb")] == ["03_poisson_excitatory.ipynb"]


def candidate_values(cell):
    """Numbers, Quantities and strings a student can read in a cell.

    Constant expressions in code (evaluated: np.sqrt(2), -66*mV), numbers with an optional unit in
    prose.
    """
    import brian2
    import numpy as np

    text = source(cell)
    units = ("mV", "ms", "Hz", "pA", "nS", "pF", "second")
    names = {"np": np, **{u: getattr(brian2, u) for u in units}}
    found = []
    if cell["cell_type"] == "code":
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return found
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Constant, ast.BinOp, ast.UnaryOp, ast.Call)):
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, bool):
                continue  # True/False are everywhere (record=True)
            used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            if used <= set(names) and not any(isinstance(n, ast.keyword) for n in ast.walk(node)):
                try:
                    expression = compile(ast.Expression(node), "<cell>", "eval")
                    found.append(eval(expression, dict(names)))
                except Exception:
                    pass
    else:
        number_and_unit = r"(-?\d+(?:\.\d+)?)\s*\$?\s*\\?,?\s*(mV|ms|Hz|pA|nS)?"
        for number, unit in re.findall(number_and_unit, text):
            found.append(float(number) * names[unit] if unit else float(number))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_value_in_an_exercise_section_matches_the_answer_key(path, edition):
    """Every number and string a student can see in an exercise's section.

    Numbers are evaluated; all are run through the answer key: none may be a right answer.
    """
    from labutils import exercises

    key_file = exercises.ANSWER_DIR / f"{path.stem}.json"
    key = json.loads(key_file.read_text()) if key_file.exists() else {}
    student = cells_of(edition / path.name)
    section_of = sections(student)
    in_exercise_sections = sorted(
        {j for k, c in enumerate(student) if "exercise" in tags(c) for j in section_of.get(k, [])}
    )
    leaks = []
    for k in in_exercise_sections:
        cell = student[k]
        if "exercise" in tags(cell):
            continue
        for value in candidate_values(cell):
            if isinstance(value, (int, float)) and value == round(value) and abs(value) < 10:
                continue  # one-digit whole numbers are indices and counts everywhere
            for name, record in key.items():
                if record["kind"] in ("recompute", "bool") or (
                    (path.stem, name) in GIVEN_IN_QUESTION
                ):
                    continue
                try:
                    text = exercises._canonical(name, value, record["sig"], None)[3]
                except AssertionError:
                    continue
                if exercises._digest(record["salt"], name, text) == record["digest"]:
                    leaks.append((name, k, value))
    assert not leaks, f"{path.name}: (answer, student cell, value shown): {leaks}"
