"""A scripted graded term, every step of it with nbgrader, no hub (what CI runs).

    python3 course.py grade term [--out DIR]   # prints each step, the CSV and the time taken

The instructor (tools/grading.py, the same functions as `course.py grade STEP`) releases two
notebooks: 00_units through nbgrader's exchange (a local folder, as a hub's shared exchange) and
01_decay for the LMS route (Canvas's zip of submissions). Students, by Canvas user id:

- 1001 alice: every answer right, every Think! answer written
- 1002 bob: every answer right, except one answer of 01's first two-answer check
- 1003 carol: only the Think! answers (the manually graded cells) written
- 1004 dave: nothing answered; hands in 00 an hour after the due date (late)
- 1005 eve: 00 right; for 01 uploads her 00 notebook (the wrong notebook)
- 1006 frank: 01 right, but saved by a tool that dropped the cells' metadata
- 9999: a file in the zip from someone not in the roster

Exchange route: students fetch 00 into their own home, answer it in the notebook they fetched and
submit; the instructor collects. LMS route: the student edition (what Binder, Colab and
`course.py lab` open) answered, downloaded and uploaded; the instructor collects the zip. Then
autograde, a grader's manual scores for the Think! answers (through nbgrader's gradebook, as the
formgrader stores them), feedback generated and released, students fetch it (00) or get its file
(01), and the grades exported. The term fails unless the CSV holds exactly the expected points for
every student (computed from the export's points, not from nbgrader's results), and every
submission that cannot be graded is reported with its reason.
"""

import argparse
import csv
import datetime
import json
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from tools import course_notebooks, grading, nbgrader_export, student_edition

EXCHANGE_NOTEBOOK, LMS_NOTEBOOK = "00_units", "01_decay"
STUDENTS = {  # id: (first name, last name)
    "1001": ("Alice", "Adams"),
    "1002": ("Bob", "Brown"),
    "1003": ("Carol", "Clark"),
    "1004": ("Dave", "Davis"),
    "1005": ("Eve", "Evans"),
    "1006": ("Frank", "Fox"),
}
UNKNOWN = "9999"
DUE = datetime.datetime(2027, 1, 15, 23, 59, tzinfo=datetime.UTC)


def cells_of(nb, kind):
    """The cells of ``nb`` of one ``kind`` for nbgrader.

    'answer' (code the student writes), 'think' (text graded by hand) or 'test' (graded tests).
    """
    out = []
    for cell in nb["cells"]:
        grading_meta = cell.get("metadata", {}).get("nbgrader", {})
        solution, grade = grading_meta.get("solution"), grading_meta.get("grade")
        if (
            (kind == "answer" and solution and cell["cell_type"] == "code")
            or (kind == "think" and solution and grade and cell["cell_type"] == "markdown")
            or (kind == "test" and grade and not solution)
        ):
            out.append(cell)
    return out


def full_answer(source_cell):
    """A source cell's text with its solution in place (the region markers removed)."""
    lines = "".join(source_cell["source"]).split("\n")
    return "\n".join(
        line
        for line in lines
        if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
    )


def answered(edition, source, code=True, think=True, wrong=None):
    """The student's notebook: ``edition`` with the code answers and/or Think! answers written.

    ``wrong`` names one answer set wrong (doubled) after its exercise's solution.
    """
    nb = json.loads(json.dumps(edition))
    by_id = {c["id"]: c for c in source["cells"]}
    for cell in cells_of(nb, "answer") if code else []:
        text = full_answer(by_id[cell["id"]])
        if wrong and f"\n{wrong} = " in f"\n{text}":
            text += f"\n{wrong} = {wrong} * 2  # one wrong answer"
        cell["source"] = text
    for cell in cells_of(nb, "think") if think else []:
        cell["source"] = f"My answer to this question ({cell['id']})."
    return nb


def first_split_answer(source):
    """The first answer of the notebook's first exercise whose check is split per answer."""
    cells = source["cells"]
    for k, cell in enumerate(cells):
        if cell in cells_of(source, "answer") and cell["cell_type"] == "code":
            tests = []
            for after in cells[k + 1 :]:
                if after in cells_of(source, "test"):
                    tests.append(after)
                elif tests:
                    break
            if len(tests) > 1:
                placeholders, solution = "".join(cell["source"]).split("\n### BEGIN SOLUTION\n")
                return nbgrader_export.answered_names(placeholders, solution)[0]
    raise SystemExit(f"{source}: no exercise with a check split per answer")


def student_config(exchange, home, student):
    """The nbgrader config on a student's side: the exchange, their home and their id."""
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.course_id = grading.COURSE_ID
    config.CourseDirectory.student_id = student
    config.CourseDirectory.root = str(home)
    config.Exchange.root = str(exchange)
    config.Exchange.cache = str(home / ".nbgrader-cache")
    config.Exchange.assignment_dir = str(home)
    return config


def as_student(app_class, exchange, home, student, assignment):
    """Run one of nbgrader's exchange apps as ``student`` would from JupyterLab."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory

    config = student_config(exchange, home, student)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    app = app_class(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)
    app.start()
    return app


def late_submit_class():
    """The nbgrader ExchangeSubmit, its clock an hour after the due date (dave hands in late)."""
    from nbgrader.exchange.default import ExchangeSubmit

    class LateSubmit(ExchangeSubmit):
        def set_timestamp(self):
            late = DUE + datetime.timedelta(hours=1)
            self.timestamp = late.strftime(self.timestamp_format)

    return LateSubmit


def canvas_name(student, notebook, attachment):
    """The name Canvas gives a student's file in its zip of submissions."""
    first, last = STUDENTS.get(student, ("Nobody", "Known"))
    return f"{(last + first).lower()}_{student}_{attachment}_{notebook}.ipynb"


def run_term(out, log=print):
    """Run the term in the folder ``out``; returns (CSV rows, problems). Fails on a wrong grade."""
    from nbgrader.exchange.default import (
        ExchangeFetchAssignment,
        ExchangeFetchFeedback,
        ExchangeSubmit,
    )

    course, exchange, homes = out / "course", out / "exchange", out / "homes"
    exchange.mkdir(parents=True)
    course.mkdir(parents=True)
    # one machine, one account: every student's files belong to it, so nbgrader's "owned by
    # another user" warning would be about nothing here (on a hub it matters: left on there)
    (course / "nbgrader_config.py").write_text(
        nbgrader_export.CONFIG + "c.ExchangeCollect.check_owner = False\n"
    )
    roster = out / "roster.csv"
    with open(roster, "w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "first_name", "last_name", "email"])
        for student, (first, last) in STUDENTS.items():
            writer.writerow([student, first, last, f"{first.lower()}@example.edu"])

    # the instructor releases both, with the due date (without one: one line, nothing released)
    log("== release")
    try:
        grading.release(course, [EXCHANGE_NOTEBOOK], None, exchange, log=log)
    except SystemExit as stop:
        assert "no due date: give --due" in str(stop), stop
        log(f"(without a due date: {stop})")
    else:
        raise SystemExit("a release without a due date went ahead")
    points = grading.release(course, [EXCHANGE_NOTEBOOK], DUE.isoformat(), exchange, log=log)
    points |= grading.release(course, [LMS_NOTEBOOK], DUE.isoformat(), log=log)
    grading.roster(course, roster, log=log)
    source = {
        name: json.loads((course / "source" / name / f"{name}.ipynb").read_text("utf-8"))
        for name in points
    }
    manual = {
        name: sum(c["metadata"]["nbgrader"]["points"] for c in cells_of(nb, "think"))
        for name, nb in source.items()
    }
    auto = {name: points[name] - manual[name] for name in points}
    wrong = first_split_answer(source[LMS_NOTEBOOK])

    # exchange route (00): fetch, answer in the fetched notebook, submit
    log("== students: fetch and submit 00 through the exchange")
    plan = {
        "1001": dict(code=True, think=True),
        "1002": dict(code=True, think=False),
        "1003": dict(code=False, think=True),
        "1004": dict(code=False, think=False),
        "1005": dict(code=True, think=False),
    }
    edition = {
        name: student_edition.student_notebook(
            json.loads((course_notebooks.NOTEBOOKS / f"{name}.ipynb").read_text("utf-8")),
            f"{name}.ipynb",
        )
        for name in points
    }
    for student, answers in plan.items():
        home = homes / student
        home.mkdir(parents=True)
        as_student(ExchangeFetchAssignment, exchange, home, student, EXCHANGE_NOTEBOOK)
        path = home / EXCHANGE_NOTEBOOK / f"{EXCHANGE_NOTEBOOK}.ipynb"
        fetched = json.loads(path.read_text("utf-8"))
        differences = grading.edition_differences(fetched, edition[EXCHANGE_NOTEBOOK])
        assert not differences, f"the fetched notebook is not the student edition: {differences}"
        nb = answered(fetched, source[EXCHANGE_NOTEBOOK], **answers)
        path.write_text(student_edition.notebook_text(nb), encoding="utf-8")
        submit = late_submit_class() if student == "1004" else ExchangeSubmit
        as_student(submit, exchange, home, student, EXCHANGE_NOTEBOOK)

    # LMS route (01): the student edition answered, uploaded; Canvas zips the submissions
    log("== students: upload 01 to the LMS (Canvas), which zips the submissions")
    uploads = {
        "1001": answered(edition[LMS_NOTEBOOK], source[LMS_NOTEBOOK]),
        "1002": answered(edition[LMS_NOTEBOOK], source[LMS_NOTEBOOK], think=False, wrong=wrong),
        "1003": answered(edition[LMS_NOTEBOOK], source[LMS_NOTEBOOK], code=False),
        "1004": edition[LMS_NOTEBOOK],
        UNKNOWN: answered(edition[LMS_NOTEBOOK], source[LMS_NOTEBOOK]),
    }
    stripped = answered(edition[LMS_NOTEBOOK], source[LMS_NOTEBOOK], think=False)
    for cell in stripped["cells"]:
        cell["metadata"] = {}
    archive = out / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for k, (student, nb) in enumerate(uploads.items()):
            zipped.writestr(
                canvas_name(student, LMS_NOTEBOOK, 5500 + k), student_edition.notebook_text(nb)
            )
        eve_00 = answered(edition[EXCHANGE_NOTEBOOK], source[EXCHANGE_NOTEBOOK], think=False)
        zipped.writestr(
            canvas_name("1005", EXCHANGE_NOTEBOOK, 5590), student_edition.notebook_text(eve_00)
        )
        zipped.writestr(
            canvas_name("1006", LMS_NOTEBOOK, 5591), student_edition.notebook_text(stripped)
        )

    log("== instructor: collect, autograde")
    problems = {}
    grading.collect(course, EXCHANGE_NOTEBOOK, exchange=exchange, log=log)
    grading.collect(course, LMS_NOTEBOOK, archive=archive, lms="canvas", log=log)
    scores = {name: grading.autograde(course, name, log=log) for name in points}
    problems = grading.not_graded(course)

    log("== grader: the Think! answers, by hand (nbgrader's gradebook, as the formgrader)")
    with grading.gradebook(course) as book:
        for name in points:
            for student in scores[name]:
                for cell in cells_of(source[name], "think"):
                    grade = book.find_grade(cell["id"], name, name, student)
                    if grade.auto_score is None:  # answered: the grader reads it, full marks
                        grade.manual_score = grade.max_score
                book.db.commit()

    log("== feedback")
    grading.feedback(course, EXCHANGE_NOTEBOOK, exchange, log=log)
    grading.feedback(course, LMS_NOTEBOOK, log=log)
    with grading.gradebook(course) as book:
        totals = {
            (name, s): (
                book.find_submission(name, s).score,
                book.find_submission(name, s).max_score,
            )
            for name in points
            for s in scores[name]
        }
    for student in plan:  # 00: each student fetches their feedback from the exchange
        home = homes / student
        as_student(ExchangeFetchFeedback, exchange, home, student, EXCHANGE_NOTEBOOK)
        seen = list((home / EXCHANGE_NOTEBOOK / "feedback").glob("*/*.html"))
        assert len(seen) == 1, f"{student} sees {len(seen)} feedback files for 00"
        score = "Score: {:.1f} / {:.1f}".format(*totals[EXCHANGE_NOTEBOOK, student])
        assert score in seen[0].read_text("utf-8"), f"{student}'s feedback lacks {score!r}"
    for student in scores[LMS_NOTEBOOK]:  # 01: the file the instructor uploads to the LMS
        feedback = course / "feedback" / student / LMS_NOTEBOOK / f"{LMS_NOTEBOOK}.html"
        score = "Score: {:.1f} / {:.1f}".format(*totals[LMS_NOTEBOOK, student])
        assert score in feedback.read_text("utf-8"), f"{feedback} lacks {score!r}"

    log("== export")
    header, rows = grading.export(course, out / "grades.csv", log=log)
    expected = {  # student: (00, 01); "" = not graded
        "1001": (points[EXCHANGE_NOTEBOOK], points[LMS_NOTEBOOK]),
        "1002": (auto[EXCHANGE_NOTEBOOK], auto[LMS_NOTEBOOK] - 1),
        "1003": (manual[EXCHANGE_NOTEBOOK], manual[LMS_NOTEBOOK]),
        "1004": (0, 0),
        "1005": (auto[EXCHANGE_NOTEBOOK], ""),
        "1006": ("", ""),
    }
    columns = [header.index(EXCHANGE_NOTEBOOK), header.index(LMS_NOTEBOOK)]
    got = {row[1]: tuple(row[c] for c in columns) for row in rows}
    want = {s: tuple("" if v == "" else f"{v:g}" for v in pair) for s, pair in expected.items()}
    failures = [
        f"{s}: CSV {got.get(s)}, expected {want[s]}" for s in want if got.get(s) != want[s]
    ]
    if set(got) != set(want):
        failures.append(f"students in the CSV: {sorted(got)}, expected {sorted(want)}")
    reasons = problems.get(LMS_NOTEBOOK, {})
    for student, what in [
        ("1005", "wrong notebook"),
        ("1006", "graded cells"),
        (UNKNOWN, "unknown"),
    ]:
        if what not in reasons.get(student, ""):
            failures.append(f"{student} not reported as '{what}' for {LMS_NOTEBOOK}: {reasons}")
    with grading.gradebook(course) as book:
        late = {s: book.find_submission(EXCHANGE_NOTEBOOK, s).total_seconds_late > 0 for s in plan}
    if late != {s: s == "1004" for s in plan}:
        failures.append(f"late submissions of 00: {late}, expected only 1004")
    if failures:
        raise SystemExit("the term's grades are wrong:\n  " + "\n  ".join(failures))
    return [header, *rows], problems


def main(argv=None):
    """Run the scripted term and print the CSV and the time it took; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", help="folder for the term (default: a temporary one)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out or tmp).resolve()
        if out.exists() and any(out.iterdir()):
            raise SystemExit(f"graded term: {out} is not empty")
        table, _ = run_term(out)
    csv.writer(sys.stdout).writerows(table)  # as in grades.csv
    print(f"graded term: every grade as expected, {time.perf_counter() - start:.0f} s")
    return 0
