"""The scripted graded term on a local JupyterHub: students work through their own servers.

    python3 course.py classroom term [--out DIR]   # prints each step, the CSV, the step times

The term of tools/graded_term.py (the same students, plan, instructor steps and expected grades:
02_lif_spike_generator through nbgrader's exchange, 00_units through a Canvas zip), with every
student's side done on a JupyterHub of this machine (benchmarks/classroom/hub.py: 127.0.0.1,
DummyAuthenticator, one home per student) as JupyterLab does it:

1. log in through the hub's login form and start their server (as "Start my server" does);
2. pull the course with the hub's nbgitpuller link of the student edition (tools/hub_links.py);
3. the Assignments panel (nbgrader's server extension in their server): list the released
   assignments (`GET /assignments`), fetch 02 (`POST /assignments/fetch`);
4. answer: edit the cells, Run All in a kernel of their own server (the kernel websocket), save
   (the contents API); their checks run there, and the term asserts which ones fail;
5. submit 02 (`POST /assignments/submit`); dave after the due date has passed (the term's clock
   is short: the due date is moved to that moment in the gradebook, as formgrader's "Edit" does);
6. LMS route: open `student/00_units.ipynb` from the pull, answer, Run All, save, download it
   (`GET /files/...?download=1`); the uploads become Canvas's zip (frank's with its metadata
   dropped by "a tool", eve's is her 02, and 9999 is no hub user: a file written by the script);
7. after the instructor released feedback: fetch it (`POST /assignments/fetch_feedback`) and open
   the feedback page the panel links (`GET /files/<local_feedback_path>/02_....html`), which must
   show their score.

The instructor's steps run in this process (tools/grading.py) on the course folder under --out;
the students' servers find the exchange and the course id in an nbgrader_config.py on their
JUPYTER_CONFIG_PATH, as the image's /etc/jupyter one (deploy/Dockerfile). Here every server runs
as this machine's one account, so that file also names the student by JUPYTERHUB_USER (on a hub
with an account per student, or the image's jovyan, nbgrader finds the name itself).
"""

import argparse
import concurrent.futures
import datetime
import json
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from benchmarks.classroom import OUT, now
from benchmarks.classroom.hub import Hub, exit_on_sigterm
from benchmarks.classroom.student import COURSE_DIR, Student
from tools import graded_term, grading, student_edition
from tools.graded_term import (
    EXCHANGE_NOTEBOOK,
    EXCHANGE_PLAN,
    LATE,
    LMS_NOTEBOOK,
    LMS_PLAN,
    STRIPPED,
    STUDENTS,
    UNKNOWN,
    WRONG_UPLOAD,
)

STUDENT_CONFIG = """c = get_config()  # noqa: F821 (Jupyter's config loader defines it)
import os

c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}
# every server of this local hub runs as one account: name the student by their hub user
c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
"""


class TermStudent(Student):
    """A student of the term: the classroom's scripted student, plus the Assignments panel."""

    def __init__(self, hub, name):
        super().__init__(hub, name, None, 0, 0, None, rng_seed=0)
        self.started = now()

    def assignments(self, action=None, assignment=None):
        """What the Assignments panel asks the server: the list, or fetch/submit/fetch_feedback.

        Returns the list of assignments the server answers with (nbgrader's records).
        """
        if action is None:
            reply = self.get("/assignments", params=dict(course_id=grading.COURSE_ID))
        else:
            body = dict(course_id=grading.COURSE_ID, assignment_id=assignment)
            reply = self.request("POST", f"/assignments/{action}", json=body)
        reply.raise_for_status()
        result = reply.json()
        if not result.get("success"):
            raise RuntimeError(f"{self.name}: nbgrader {action or 'list'}: {result.get('value')}")
        return result["value"]

    def listed(self, assignment, status):
        """The panel's record of ``assignment`` with ``status`` (released/fetched/submitted)."""
        found = [
            a
            for a in self.assignments()
            if a["assignment_id"] == assignment and a["status"] == status
        ]
        if not found:
            raise RuntimeError(f"{self.name}: {assignment} is not listed as {status}")
        if status == "submitted" and found[-1]["student_id"] != self.name:
            raise RuntimeError(f"{self.name}: the panel lists {found[-1]['student_id']}'s work")
        return found[-1]

    def read_notebook(self, path):
        """The notebook at ``path`` (relative to the home), as JupyterLab opens it."""
        reply = self.get(f"/api/contents/{quote(path)}", params=dict(content=1))
        reply.raise_for_status()
        return reply.json()["content"]

    def work(self, path, nb, run):
        """Put the edited notebook ``nb`` at ``path``: Run All in a kernel (if ``run``), save.

        Returns {cell id: error name} of the cells that raised, leaving out the deliberate
        errors the notebook shows (tagged raises-exception and not a graded check).
        """
        self.path, self.nb = path, nb
        if run:
            session = self.start_session(path)
            try:
                self.run_all(f"run_all_{Path(path).stem}_s")
            finally:
                self.channel.close()
                self.request("DELETE", f"/api/sessions/{session['id']}")
            self.record["errors"].clear()  # expected for some: returned below, checked by the term
        self.save()
        return {
            cell["id"]: output["ename"]
            for cell in nb["cells"]
            for output in cell.get("outputs", [])
            if output["output_type"] == "error"
            and (
                "raises-exception" not in cell["metadata"].get("tags", [])
                or cell["metadata"].get("nbgrader", {}).get("grade")
            )
        }

    def download(self, path):
        """The file at ``path`` as JupyterLab's "Download" gives it (text)."""
        reply = self.get(f"/files/{quote(path)}", params=dict(download=1))
        reply.raise_for_status()
        return reply.text


def in_parallel(function, items):
    """Call ``function(item)`` for every item at once (a thread each); {item: result}."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(items)) as pool:
        futures = {item: pool.submit(function, item) for item in items}
        return {item: future.result() for item, future in futures.items()}


def check_errors(term, student, name, errors):
    """The cells that raised in a student's Run All are the ones their answers should fail."""
    plan = (EXCHANGE_PLAN if name == EXCHANGE_NOTEBOOK else LMS_PLAN)[student]
    tests = {c["id"] for c in graded_term.cells_of(term.source[name], "test")}
    if plan.get("wrong"):
        wrong = term.wrong[name]
        failing = {cell: e for cell, e in errors.items() if cell in tests}
        if not failing or set(errors) != set(failing) or set(failing.values()) != {"WrongAnswer"}:
            raise SystemExit(
                f"{student} {name}: one answer ({wrong}) is wrong, so one graded check should "
                f"fail with WrongAnswer; the cells that raised: {errors}"
            )
    elif errors:
        raise SystemExit(f"{student} {name}: every answer is right, yet cells raised: {errors}")


def run_hub_term(out, log=print):
    """Run the term on a local JupyterHub in the folder ``out``; the Term (graded_term.Term)."""
    term = graded_term.Term(out, out / "exchange", log)
    ex, lms = EXCHANGE_NOTEBOOK, LMS_NOTEBOOK
    with term.step("instructor: release both notebooks, the roster"):
        start = datetime.datetime.now(datetime.UTC)
        term.release(due=start + datetime.timedelta(days=1))
    config = out / "students-jupyter-config"  # the image's /etc/jupyter
    config.mkdir()
    (config / "nbgrader_config.py").write_text(
        STUDENT_CONFIG.format(course_id=grading.COURSE_ID, exchange=str(term.exchange))
    )
    environment = dict(JUPYTER_CONFIG_PATH=str(config))
    OUT.mkdir(parents=True, exist_ok=True)
    with Hub(environment=environment) as hub:
        names = [s for s in STUDENTS]
        for name in names:
            hub.prepare_home(name)
        students = {name: TermStudent(hub, name) for name in names}

        def arrive(name):
            students[name].login()
            students[name].spawn()
            students[name].pull("student")

        with term.step("students: log in, start their server, pull the course (nbgitpuller)"):
            in_parallel(arrive, names)
        with term.step(f"students: fetch {ex} in the Assignments panel"):
            for name in EXCHANGE_PLAN:
                student = students[name]
                student.listed(ex, "released")
                student.assignments("fetch", ex)
                fetched = student.listed(ex, "fetched")
                assert [n["notebook_id"] for n in fetched["notebooks"]] == [ex], fetched
                nb = json.loads(student.download(f"{ex}/{ex}.ipynb"))  # the file, as fetched
                differences = grading.edition_differences(nb, term.edition[ex])
                assert not differences, f"{name} fetched another notebook: {differences}"

        def answer(name):
            """The student's two notebooks answered in their kernel, saved: {notebook: errors}."""
            student, errors = students[name], {}
            if name in EXCHANGE_PLAN:
                path = f"{ex}/{ex}.ipynb"
                nb = term.answered(ex, name, student.read_notebook(path))
                errors[ex] = student.work(path, nb, run=EXCHANGE_PLAN[name]["code"])
            if name in LMS_PLAN:
                path = f"{COURSE_DIR}/student/{lms}.ipynb"
                pulled = json.loads(student.download(path))  # the file, as pulled
                differences = grading.edition_differences(pulled, term.edition[lms])
                assert not differences, f"{name}'s pulled {lms} is not the release: {differences}"
                nb = term.answered(lms, name, student.read_notebook(path))
                errors[lms] = student.work(path, nb, run=LMS_PLAN[name]["code"])
            return errors

        with term.step("students: answer in JupyterLab (Run All in their kernel), save"):
            errors = in_parallel(answer, names)
        for name, found in errors.items():
            for notebook, cells in found.items():
                check_errors(term, name, notebook, cells)
            log(f"{name}: cells that raised in their kernel: {found}")

        with term.step(f"students: submit {ex} in the Assignments panel ({LATE} late)"):
            for name in [n for n in EXCHANGE_PLAN if n != LATE]:
                students[name].assignments("submit", ex)
                students[name].listed(ex, "submitted")
            time.sleep(1)  # the due date falls between the on-time submissions and the late one
            term.move_due_date(ex, datetime.datetime.now(datetime.UTC))
            time.sleep(1)
            students[LATE].assignments("submit", ex)
            students[LATE].listed(ex, "submitted")

        with term.step(f"students: download {lms} and upload it to the LMS (Canvas's zip)"):
            uploads = {}
            for name in [n for n in LMS_PLAN if n != UNKNOWN]:
                text = students[name].download(f"{COURSE_DIR}/student/{lms}.ipynb")
                if name == STRIPPED:  # a tool that drops the cells' metadata saved it
                    text = student_edition.notebook_text(graded_term.stripped(json.loads(text)))
                uploads[name] = (lms, text)
            eve, other = WRONG_UPLOAD
            uploads[eve] = (other, students[eve].download(f"{other}/{other}.ipynb"))
            nb = term.answered(lms, UNKNOWN, term.edition[lms])  # not on the hub
            uploads[UNKNOWN] = (lms, student_edition.notebook_text(nb))
            archive = term.lms_zip(uploads)

        term.grade(archive)
        with term.step(f"students: fetch their feedback on {ex} and open it"):
            for name in EXCHANGE_PLAN:
                student = students[name]
                submitted = student.listed(ex, "submitted")["submissions"][-1]
                assert submitted["has_exchange_feedback"], f"{name}: no feedback to fetch"
                student.assignments("fetch_feedback", ex)
                submitted = student.listed(ex, "submitted")["submissions"][-1]
                assert submitted["has_local_feedback"], f"{name}: the feedback was not fetched"
                page = student.get(
                    f"/files/{quote(submitted['local_feedback_path'])}/{quote(ex)}.html"
                )
                page.raise_for_status()
                score = term.check_feedback_page(name, page.text)  # and the grader's comment
                log(f"{name} sees their feedback on {ex}: {score}")
            term.check_lms_feedback()
    with term.step("instructor: export the grades"):
        term.table = term.export_and_verify()
    return term


def main(argv=None):
    """Run the term on a local JupyterHub; print the CSV and the step times; the exit status."""
    parser = argparse.ArgumentParser(
        prog="course.py classroom term", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", help="folder for the term (default: a temporary one)")
    args = parser.parse_args(argv)
    exit_on_sigterm()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out or tmp).resolve()
        if out.exists() and any(out.iterdir()):
            raise SystemExit(f"hub term: {out} is not empty")
        term = run_hub_term(out)
    graded_term.report(term)
    print(f"hub term: every grade as expected, {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
