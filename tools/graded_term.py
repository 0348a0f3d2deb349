"""A scripted graded term, every step with nbgrader (without a hub: what CI's test stage runs).

    python3 course.py grade term [--out DIR]       # no hub: nbgrader's exchange apps, a Canvas zip
    python3 course.py classroom term [--out DIR]   # on a local JupyterHub, through each student's
                                                   # server (benchmarks/classroom/term.py)

Each prints its steps, the CSV and the time of every step. The instructor (tools/grading.py, the
same functions as `course.py grade STEP`) releases two notebooks: 02_lif_spike_generator, which has
a Think! question graded by hand, through nbgrader's exchange (a local folder, as a hub's shared
exchange), and 00_units for the LMS route (Canvas's zip of submissions). Students, by Canvas id:

- 1001 alice: every answer right, every Think! answer written
- 1002 bob: every answer right, but one in 02 (in a check split per answer: 1 point)
- 1003 carol: only the Think! answers (the manually graded cells) written (00 has none: 0 points)
- 1004 dave: nothing answered; hands in 02 after the due date (late)
- 1005 eve: 02 right, no Think! answer; for 00 uploads her 02 notebook (the wrong notebook)
- 1006 frank: 00 right, but saved by a tool that dropped the cells' metadata
- 9999: a file in the zip from someone not in the roster

Exchange route: students fetch 02 into their own home, answer it in the notebook they fetched and
submit; the instructor collects. LMS route: the student edition (what the hub's link, Binder, Colab
and `course.py lab` open) answered, downloaded and uploaded; the instructor collects the zip. Then
autograde, an export before the grading by hand (it must leave those grades empty), a grader's
scores and comments for the Think! answers in the formgrader that `course.py grade formgrader`
serves (through the API its Manual Grading page uses), feedback generated and released (with the
comments), students fetch it (02) or get its file (00), and the grades exported. The term fails
unless the CSV holds exactly the expected points for every student (computed from the export's
points, not from nbgrader's results), and every submission that cannot be graded is reported with
its reason.

Without a hub (``run_term``) a student's side is nbgrader's exchange apps run with the student's
config and home, and notebooks answered as files; on the hub every student does it through their
own single-user server (benchmarks/classroom/term.py). Both share ``Term``: the instructor's steps,
the plan of what each student answers, and the expected grades.
"""

import argparse
import contextlib
import csv
import datetime
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from tools import course_notebooks, grading, nbgrader_export, student_edition

ROOT = Path(__file__).resolve().parents[1]
EXCHANGE_NOTEBOOK, LMS_NOTEBOOK = "02_lif_spike_generator", "00_units"
GRADER_COMMENT = "Clear reasoning: the driving force explains it."  # reaches the feedback
FORMGRADER_START_S = 120
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
# What each student answers (code answers, Think! answers, one answer wrong) in each notebook
EXCHANGE_PLAN = {
    "1001": dict(code=True, think=True),
    "1002": dict(code=True, think=False, wrong=True),
    "1003": dict(code=False, think=True),
    "1004": dict(code=False, think=False),
    "1005": dict(code=True, think=False),
}
LMS_PLAN = {
    "1001": dict(code=True, think=True),
    "1002": dict(code=True, think=False),  # (00's answers feed a later check: one wrong costs 2)
    "1003": dict(code=False, think=True),
    "1004": dict(code=False, think=False),
    "1006": dict(code=True, think=False),  # then a tool drops the cells' metadata
    UNKNOWN: dict(code=True, think=True),
}
LATE = "1004"  # hands in EXCHANGE_NOTEBOOK after the due date
WRONG_UPLOAD = ("1005", EXCHANGE_NOTEBOOK)  # uploads this notebook of theirs for LMS_NOTEBOOK
STRIPPED = "1006"


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


def stripped(nb):
    """The notebook with every cell's metadata dropped (what some tools save)."""
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        cell["metadata"] = {}
    return nb


class Term:
    """The instructor's side of the term, what each student answers, and the expected grades.

    ``out`` is the term's folder (the course in ``out/course``), ``exchange`` nbgrader's exchange
    folder. Every step is timed (``timings``: [(step, seconds)]).
    """

    def __init__(self, out, exchange, log=print):
        self.out, self.exchange, self.log = Path(out), Path(exchange), log
        self.course = self.out / "course"
        self.timings = []

    @contextlib.contextmanager
    def step(self, name):
        """Log the step's name, time it."""
        self.log(f"== {name}")
        start = time.perf_counter()
        yield
        self.timings.append((name, time.perf_counter() - start))

    def release(self, due=DUE):
        """Write the course folder and roster; release both notebooks, due ``due``."""
        course = self.course
        self.exchange.mkdir(parents=True, exist_ok=True)
        course.mkdir(parents=True)
        # one machine, one account: every student's files belong to it, so nbgrader's "owned by
        # another user" warning would be about nothing here (on a hub it matters: left on there)
        (course / "nbgrader_config.py").write_text(
            nbgrader_export.CONFIG + "c.ExchangeCollect.check_owner = False\n"
        )
        roster = self.out / "roster.csv"
        with open(roster, "w", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["id", "first_name", "last_name", "email"])
            for student, (first, last) in STUDENTS.items():
                writer.writerow([student, first, last, f"{first.lower()}@example.edu"])
        # the instructor releases both, with the due date (without one: one line, nothing released)
        try:
            grading.release(course, [EXCHANGE_NOTEBOOK], None, self.exchange, log=self.log)
        except SystemExit as stop:
            assert "no due date: give --due" in str(stop), stop
            self.log(f"(without a due date: {stop})")
        else:
            raise SystemExit("a release without a due date went ahead")
        due = due.isoformat()
        points = grading.release(course, [EXCHANGE_NOTEBOOK], due, self.exchange, log=self.log)
        points |= grading.release(course, [LMS_NOTEBOOK], due, log=self.log)
        grading.roster(course, roster, log=self.log)
        self.points = points
        self.source = {
            name: json.loads((course / "source" / name / f"{name}.ipynb").read_text("utf-8"))
            for name in points
        }
        self.manual = {
            name: sum(c["metadata"]["nbgrader"]["points"] for c in cells_of(nb, "think"))
            for name, nb in self.source.items()
        }
        self.auto = {name: points[name] - self.manual[name] for name in points}
        self.wrong = {name: first_split_answer(nb) for name, nb in self.source.items()}
        self.edition = {
            name: student_edition.student_notebook(
                json.loads((course_notebooks.NOTEBOOKS / f"{name}.ipynb").read_text("utf-8")),
                f"{name}.ipynb",
            )
            for name in points
        }

    def answered(self, name, student, nb):
        """``nb`` (the notebook ``name`` as the student got it) with what ``student`` answers."""
        plan = {EXCHANGE_NOTEBOOK: EXCHANGE_PLAN, LMS_NOTEBOOK: LMS_PLAN}[name][student]
        wrong = self.wrong[name] if plan.get("wrong") else None
        return answered(nb, self.source[name], plan["code"], plan["think"], wrong)

    def lms_zip(self, uploads):
        """Canvas's zip of submissions: ``uploads`` is {student: (notebook name, file text)}."""
        archive = self.out / "submissions.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            for k, (student, (name, text)) in enumerate(uploads.items()):
                zipped.writestr(canvas_name(student, name, 5500 + k), text)
        return archive

    def move_due_date(self, name, when):
        """Set the assignment's due date in the gradebook (as formgrader's "Edit" does)."""
        with grading.gradebook(self.course) as book:
            book.update_or_create_assignment(name, duedate=when.replace(tzinfo=None))
        self.log(f"{name}: due date moved to {when:%Y-%m-%d %H:%M:%S} UTC")

    def grade(self, archive):
        """Collect both routes, autograde, grade the Think! answers by hand, make feedback."""
        course = self.course
        with self.step("instructor: collect (exchange and the LMS's zip)"):
            grading.collect(course, EXCHANGE_NOTEBOOK, exchange=self.exchange, log=self.log)
            grading.collect(course, LMS_NOTEBOOK, archive=archive, lms="canvas", log=self.log)
        with self.step("instructor: autograde"):
            scores = {name: grading.autograde(course, name, log=self.log) for name in self.points}
        self.problems = grading.not_graded(course)
        self.graded = {name: sorted(students) for name, students in scores.items()}
        with self.step("instructor: an export before the grading by hand leaves those empty"):
            self.check_early_export()
        step = "grader: the Think! answers, by hand (course.py grade formgrader)"
        with self.step(step), Formgrader(course, self.out / "formgrader.log") as formgrader:
            for name in self.points:
                for student in scores[name]:
                    grades = formgrader.grades(name, student)
                    for cell in cells_of(self.source[name], "think"):
                        grade = grades[cell["id"]]
                        if grade["needs_manual_grade"]:  # answered: the grader reads it
                            formgrader.give(grade, grade["max_score"], GRADER_COMMENT)
        with self.step("instructor: feedback (released to the exchange for 02)"):
            grading.feedback(course, EXCHANGE_NOTEBOOK, self.exchange, log=self.log)
            grading.feedback(course, LMS_NOTEBOOK, log=self.log)
        with grading.gradebook(course) as book:
            self.totals = {
                (name, s): (
                    book.find_submission(name, s).score,
                    book.find_submission(name, s).max_score,
                )
                for name in self.points
                for s in scores[name]
            }

    def check_early_export(self):
        """Before the Think! answers are graded the export leaves their grades empty, says so."""
        lines = []
        header, rows = grading.export(self.course, self.out / "grades-early.csv", log=lines.append)
        column = header.index(EXCHANGE_NOTEBOOK)
        waiting = [s for s in self.graded[EXCHANGE_NOTEBOOK] if EXCHANGE_PLAN[s]["think"]]
        assert waiting, "no Think! answer waits for a grader"
        for row in rows:
            if row[1] in waiting:
                assert row[column] == "", f"{row[1]}: {row[column]!r} exported before grading"
                assert any(
                    line.startswith(f"not graded by hand yet ({EXCHANGE_NOTEBOOK}): {row[1]},")
                    for line in lines
                ), lines
        self.log(f"export before grading by hand: {', '.join(waiting)} left empty, listed")

    def score_line(self, name, student):
        """What the student's feedback for ``name`` must say: 'Score: 5.0 / 12.0'."""
        return "Score: {:.1f} / {:.1f}".format(*self.totals[name, student])

    def check_feedback_page(self, student, page):
        """The student's feedback on EXCHANGE_NOTEBOOK has their score and the grader's comment.

        Returns the score line.
        """
        score = self.score_line(EXCHANGE_NOTEBOOK, student)
        assert score in page, f"{student}'s feedback lacks {score!r}"
        commented = GRADER_COMMENT in page
        assert commented == EXCHANGE_PLAN[student]["think"], f"{student}: comment {commented}"
        return score

    def check_lms_feedback(self):
        """Each LMS submission's feedback file (the instructor uploads it) has its score."""
        for student in self.graded[LMS_NOTEBOOK]:
            feedback = self.course / "feedback" / student / LMS_NOTEBOOK / f"{LMS_NOTEBOOK}.html"
            score = self.score_line(LMS_NOTEBOOK, student)
            assert score in feedback.read_text("utf-8"), f"{feedback} lacks {score!r}"

    def expected(self):
        """{student: (points for EXCHANGE_NOTEBOOK, for LMS_NOTEBOOK)}; "" = not graded."""
        points, auto, manual = self.points, self.auto, self.manual
        ex, lms = EXCHANGE_NOTEBOOK, LMS_NOTEBOOK
        return {
            "1001": (points[ex], points[lms]),
            "1002": (auto[ex] - 1, auto[lms]),  # one answer wrong in 02: its 1 point
            "1003": (manual[ex], manual[lms]),
            "1004": (0, 0),
            "1005": (auto[ex], ""),  # the wrong notebook uploaded for 00
            "1006": ("", ""),  # 00's metadata stripped; 02 not handed in
        }

    def export_and_verify(self):
        """Export the grades; stop unless they and the reports are exactly as expected.

        Returns the CSV's rows (header first).
        """
        header, rows = grading.export(self.course, self.out / "grades.csv", log=self.log)
        columns = [header.index(EXCHANGE_NOTEBOOK), header.index(LMS_NOTEBOOK)]
        got = {row[1]: tuple(row[c] for c in columns) for row in rows}
        want = {
            s: tuple("" if v == "" else f"{v:g}" for v in pair)
            for s, pair in self.expected().items()
        }
        failures = [
            f"{s}: CSV {got.get(s)}, expected {want[s]}" for s in want if got.get(s) != want[s]
        ]
        if set(got) != set(want):
            failures.append(f"students in the CSV: {sorted(got)}, expected {sorted(want)}")
        reasons = self.problems.get(LMS_NOTEBOOK, {})
        for student, what in [
            (WRONG_UPLOAD[0], "wrong notebook"),
            (STRIPPED, "graded cells"),
            (UNKNOWN, "unknown"),
        ]:
            if what not in reasons.get(student, ""):
                failures.append(
                    f"{student} not reported as '{what}' for {LMS_NOTEBOOK}: {reasons}"
                )
        with grading.gradebook(self.course) as book:
            late = {
                s: book.find_submission(EXCHANGE_NOTEBOOK, s).total_seconds_late > 0
                for s in EXCHANGE_PLAN
            }
        if late != {s: s == LATE for s in EXCHANGE_PLAN}:
            failures.append(f"late submissions of {EXCHANGE_NOTEBOOK}: {late}, expected {LATE}")
        if failures:
            raise SystemExit("the term's grades are wrong:\n  " + "\n  ".join(failures))
        return [header, *rows]


class Formgrader:
    """nbgrader's formgrader as `course.py grade formgrader --no-browser` serves it.

    The grader's side of manual grading, through the REST API its Manual Grading page uses:
    ``grades`` of a submitted notebook, ``give`` a grade a score and a comment. Use it in a
    ``with`` block, which starts the server (a free port, a token of its own) and stops it.
    """

    def __init__(self, course, log_file):
        self.course, self.log_file = course, log_file
        from benchmarks.classroom.hub import free_ports

        self.token = secrets.token_hex(16)
        (self.port,) = free_ports()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        """Start the server and wait until its API answers."""
        command = [sys.executable, "-m", "tools.grade", "--course", str(self.course)]
        command += ["formgrader", "--no-browser", "--port", str(self.port)]
        with open(self.log_file, "w") as log:
            self.server = subprocess.Popen(
                command,
                cwd=ROOT,
                env=dict(os.environ, JUPYTER_TOKEN=self.token),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=os.name == "posix",  # its JupyterLab stops with it
            )
        deadline = time.monotonic() + FORMGRADER_START_S
        while True:
            if self.server.poll() is not None:
                raise SystemExit(f"the formgrader stopped: {Path(self.log_file).read_text()}")
            try:
                self.request("GET", "/formgrader/api/status")
                return self
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    self.__exit__(None, None, None)
                    raise SystemExit(f"no formgrader after {FORMGRADER_START_S} s") from None
                time.sleep(0.5)

    def __exit__(self, *exc):
        """Stop the server (and its JupyterLab)."""
        if os.name == "posix":
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.server.pid, signal.SIGTERM)
        else:
            self.server.terminate()
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()

    def request(self, method, path, body=None):
        """One API call; the JSON it returns."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        request.add_header("Authorization", f"token {self.token}")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"null")

    def grades(self, assignment, student):
        """{cell id: grade} of the student's submitted notebook (the assignment's one notebook).

        Each grade has the id of its cell's comment too (``comment_id``; None if it has none).
        """
        submissions = self.request(
            "GET", f"/formgrader/api/submitted_notebooks/{assignment}/{assignment}"
        )
        found = [s for s in submissions if s["student"] == student]
        if len(found) != 1:
            raise SystemExit(
                f"the formgrader lists {len(found)} submissions of {student} for {assignment}: "
                f"is it serving the course folder {self.course}? ({self.log_file})"
            )
        query = f"?submission_id={found[0]['id']}"
        comments = {
            c["name"]: c["id"] for c in self.request("GET", f"/formgrader/api/comments{query}")
        }
        grades = self.request("GET", f"/formgrader/api/grades{query}")
        return {g["name"]: dict(g, comment_id=comments.get(g["name"])) for g in grades}

    def give(self, grade, score, comment):
        """Score a grade (as the Manual Grading page does) and comment on its cell."""
        self.request("PUT", f"/formgrader/api/grade/{grade['id']}", {"manual_score": score})
        body = {"manual_comment": comment}
        self.request("PUT", f"/formgrader/api/comment/{grade['comment_id']}", body)


def run_term(out, log=print):
    """Run the term without a hub in the folder ``out``; the Term. Fails on a wrong grade."""
    from nbgrader.exchange.default import (
        ExchangeFetchAssignment,
        ExchangeFetchFeedback,
        ExchangeSubmit,
    )

    term = Term(out, out / "exchange", log)
    exchange, homes, name = term.exchange, out / "homes", EXCHANGE_NOTEBOOK
    with term.step("instructor: release both notebooks, the roster"):
        term.release()

    # exchange route (02): fetch, answer in the fetched notebook, submit
    with term.step(f"students: fetch, answer and submit {name} through the exchange"):
        for student in EXCHANGE_PLAN:
            home = homes / student
            home.mkdir(parents=True)
            as_student(ExchangeFetchAssignment, exchange, home, student, name)
            path = home / name / f"{name}.ipynb"
            fetched = json.loads(path.read_text("utf-8"))
            differences = grading.edition_differences(fetched, term.edition[name])
            assert not differences, (
                f"the fetched notebook is not the student edition: {differences}"
            )
            nb = term.answered(name, student, fetched)
            path.write_text(student_edition.notebook_text(nb), encoding="utf-8")
            submit = late_submit_class() if student == LATE else ExchangeSubmit
            as_student(submit, exchange, home, student, name)

    # LMS route (00): the student edition answered, uploaded; Canvas zips the submissions
    with term.step(f"students: upload {LMS_NOTEBOOK} to the LMS (Canvas), which zips them"):
        uploads = {}
        for student in LMS_PLAN:
            nb = term.answered(LMS_NOTEBOOK, student, term.edition[LMS_NOTEBOOK])
            nb = stripped(nb) if student == STRIPPED else nb
            uploads[student] = (LMS_NOTEBOOK, student_edition.notebook_text(nb))
        eve, other = WRONG_UPLOAD
        nb = term.answered(other, eve, term.edition[other])
        uploads[eve] = (other, student_edition.notebook_text(nb))
        archive = term.lms_zip(uploads)

    term.grade(archive)
    with term.step(f"students: fetch their feedback ({name}), get its file ({LMS_NOTEBOOK})"):
        for student in EXCHANGE_PLAN:
            home = homes / student
            as_student(ExchangeFetchFeedback, exchange, home, student, name)
            seen = list((home / name / "feedback").glob("*/*.html"))
            assert len(seen) == 1, f"{student} sees {len(seen)} feedback files for {name}"
            term.check_feedback_page(student, seen[0].read_text("utf-8"))
        term.check_lms_feedback()
    with term.step("instructor: export the grades"):
        term.table = term.export_and_verify()
    return term


def report(term):
    """Print the CSV (as in grades.csv) and the time of every step."""
    csv.writer(sys.stdout).writerows(term.table)
    print("step times (s):")
    for name, seconds in term.timings:
        print(f"  {seconds:6.1f}  {name}")


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
        term = run_term(out)
    report(term)
    print(f"graded term: every grade as expected, {time.perf_counter() - start:.0f} s")
    return 0
