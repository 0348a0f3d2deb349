"""The graded term's steps (tools/grading.py): what nbgrader is told and what is reported.

The LMS file names, the reasons a submission cannot be graded, the student edition against a
release. The whole scripted term (tools/graded_term.py) runs in the instructors' environment:
tests/test_grading_round_trip.py.
"""

import json
import re

import pytest

from tools import grading, student_edition

CANVAS, MOODLE = grading.LMS_FILE_NAMES["canvas"], grading.LMS_FILE_NAMES["moodle"]


def test_canvas_file_names_give_the_user_id_and_the_notebook():
    names = [
        "adamsalice_1001_5501_01_decay.ipynb",
        "brownbob_LATE_1002_5502_01_decay.ipynb",  # late: Canvas marks it in the name
        "clarkcarol_1003_5503_01_decay-1.ipynb",  # a second upload
        "evanseve_1005_5505_00_units.ipynb",  # the wrong notebook
        "notes.txt",
        "whatever.ipynb",
    ]
    found, problems = grading.lms_entries(names, CANVAS, "01_decay")
    assert found == {"1001": [names[0]], "1002": [names[1]], "1003": [names[2]]}
    assert problems == {
        "1005": "1005: handed in 00_units.ipynb for 01_decay (wrong notebook); not graded",
        "whatever.ipynb": (
            "whatever.ipynb: the file name does not follow the LMS's pattern; skipped"
        ),
    }


def test_moodle_file_names_flat_or_in_folders():
    names = [
        "Alice Adams_123456_assignsubmission_file_01_decay.ipynb",
        "Bob Brown_123457_assignsubmission_file_/01_decay.ipynb",
        "Bob Brown_123457_assignsubmission_file_/",
    ]
    found, problems = grading.lms_entries(names, MOODLE, "01_decay")
    assert found == {"123456": [names[0]], "123457": [names[1]]} and problems == {}


def test_a_duplicate_submission_is_reported_and_not_taken():
    names = ["a_1001_1_01_decay.ipynb", "a_1001_2_01_decay-1.ipynb", "b_1002_3_01_decay.ipynb"]
    found, problems = grading.lms_entries(names, CANVAS, "01_decay")
    assert found == {"1002": [names[2]]}
    assert problems["1001"].startswith("1001: duplicate submission for 01_decay (")
    assert "none taken: keep one in the zip and collect again" in problems["1001"]


def test_the_patterns_are_nbgraders_named_groups():
    for pattern in grading.LMS_FILE_NAMES.values():
        assert {"student_id", "file_id"} <= set(re.compile(pattern).groupindex)


@pytest.fixture
def edition_01():
    path = student_edition.select(["01"])[0]
    return student_edition.student_notebook(json.loads(path.read_text("utf-8")), path.name)


def submit(course, student, name, nb):
    folder = course / "submitted" / student / "01_decay"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(nb))


def test_a_submission_that_cannot_be_graded_says_why(tmp_path, edition_01):
    expected = {"01_decay.ipynb": grading.grade_ids(edition_01)}
    assert len(expected["01_decay.ipynb"]) >= 3

    def reason(student, roster=()):
        return grading.gradable(tmp_path, "01_decay", student, expected, set(roster))

    submit(tmp_path, "alice", "01_decay.ipynb", edition_01)
    assert reason("alice") is None
    assert reason("alice", roster={"bob"}) == (
        "alice: unknown student (not in the roster: course.py grade roster FILE)"
    )
    submit(tmp_path, "eve", "00_units.ipynb", edition_01)
    assert reason("eve") == (
        "eve: 01_decay.ipynb is not in the submission (00_units.ipynb handed in): wrong notebook"
    )
    stripped = json.loads(json.dumps(edition_01))
    for cell in stripped["cells"]:
        cell["metadata"] = {}
    submit(tmp_path, "frank", "01_decay.ipynb", stripped)
    assert "has none of the assignment's" in reason("frank")
    assert "metadata was stripped, or it is another notebook" in reason("frank")
    (tmp_path / "submitted" / "gina" / "01_decay").mkdir(parents=True)
    (tmp_path / "submitted" / "gina" / "01_decay" / "01_decay.ipynb").write_text("{")
    assert reason("gina").startswith("gina: 01_decay.ipynb is not a notebook nbgrader can read")


def test_edition_differences_ignore_checksums_only(edition_01):
    release = json.loads(json.dumps(edition_01))
    graded = next(c for c in release["cells"] if c["metadata"].get("nbgrader"))
    graded["metadata"]["nbgrader"]["checksum"] = "0" * 32
    assert grading.edition_differences(release, edition_01) == []
    graded["source"] = ["changed"]
    assert grading.edition_differences(release, edition_01) == [
        f"cell {graded['id']}: source differs"
    ]
    release["cells"].pop()
    assert grading.edition_differences(release, edition_01)[0].startswith("cell ids differ")


def test_an_unknown_notebook_name_ends_in_one_line():
    with pytest.raises(SystemExit, match=r"^unknown notebook '42': choose from 00, 01"):
        grading.assignment_name("42")
    assert grading.assignment_name("01") == "01_decay"


def test_only_answers_awaiting_a_grader_count_as_to_grade_by_hand():
    from types import SimpleNamespace as Grade

    notebook = Grade(
        grades=[
            Grade(max_score=3, needs_manual_grade=True),  # a written Think! answer
            Grade(max_score=2, needs_manual_grade=False),  # one left as released: 0, graded
            Grade(max_score=1, needs_manual_grade=False),  # an autograded test
        ]
    )
    assert grading.points_to_grade_by_hand(Grade(notebooks=[notebook, notebook])) == 6
    assert grading.points_to_grade_by_hand(Grade(notebooks=[])) == 0


def test_the_formgrader_serves_the_course_folder(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(grading.subprocess, "call", lambda *a, **k: calls.append((a, k)) or 0)
    with pytest.raises(SystemExit, match=r"no course folder at .*: release an assignment first"):
        grading.formgrader(tmp_path)
    assert not calls
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    assert grading.formgrader(tmp_path, port=8890, open_browser=False) == 0
    (command,), options = calls[0]
    # nbgrader reads nbgrader_config.py and the gradebook where the server runs; it runs alembic
    assert options["cwd"] == tmp_path
    scripts = options["env"]["PATH"].split(grading.os.pathsep)[0]
    assert scripts == str(grading.Path(grading.sys.executable).parent)
    assert command[1:3] == ["-m", "jupyterlab"]
    assert command[-3:] == ["--port", "8890", "--no-browser"]
    assert ("--allow-root" in command) == (grading.os.geteuid() == 0)
