"""A graded term with nbgrader, one command per step (run by `python3 course.py grade STEP`).

    python3 course.py grade release 00 01 --due "2027-01-15 23:59 Europe/Berlin"
    python3 course.py grade roster students.csv      # id,first_name,last_name,email (nbgrader's)
    python3 course.py grade collect 01               # from the hub's exchange
    python3 course.py grade collect 01 --zip submissions.zip --lms canvas   # or moodle
    python3 course.py grade autograde 01
    python3 course.py grade formgrader               # manual grading in the browser
    python3 course.py grade feedback 01
    python3 course.py grade export                   # grades.csv: a column per assignment
    python3 course.py grade check [NN ...]           # round trip: solutions full marks, blank zero
    python3 course.py grade term                     # the scripted term (tools/graded_term.py)

Each step is a thin layer over nbgrader (its Python API, its apps and plugins, configured in the
course folder's nbgrader_config.py, default `nbgrader-course/`, kept out of git: it holds the
students' work and grades). What it adds is the course's side: the assignment is exported from
notebooks/ and its release is checked to be the student edition (student/, what every route hands
out), and every submission that cannot be graded (wrong notebook, graded cells missing or
stripped, unknown student, duplicate file) is reported by name with the reason, one line each,
instead of scoring 0 in silence. The same lines go to `not-graded.json` in the course folder; the
export leaves those cells empty.
"""

import argparse
import contextlib
import csv
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from tools import nbgrader_export, student_edition

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_COURSE = ROOT / "nbgrader-course"
COURSE_ID = "brian-labs"
NOT_GRADED = "not-graded.json"

# The file names an LMS gives the files of its "download all submissions" zip, as nbgrader's
# FileNameCollectorPlugin regular expressions (matched against the file's whole path):
# Canvas: <name>_<user id>_<attachment id>_<file>.ipynb, with LATE_ before the user id when late
#   and -1, -2 ... after the file name for a re-upload; the student id is Canvas's user id.
# Moodle: "<Full Name>_<participant id>_assignsubmission_file_<file>.ipynb", or that prefix as a
#   folder (download in folders); the student id is Moodle's participant id.
# Another LMS: set c.FileNameCollectorPlugin.named_regexp in nbgrader_config.py.
LMS_FILE_NAMES = {
    "canvas": r".*/[^/_]+_(?:LATE_)?(?P<student_id>\d+)_\d+_(?P<file_id>[^/]+?)(?:-\d+)?\.ipynb$",
    "moodle": r".*/[^/]*?_(?P<student_id>\d+)_assignsubmission_file_/?(?P<file_id>[^/]+?)\.ipynb$",
}


def fail(message):
    """Stop with one line (exit status 1)."""
    raise SystemExit(f"course.py grade: {message}")


def course_config(course, exchange=None, extra=None):
    """The nbgrader config of the course folder, with the course's id.

    As the `nbgrader` command reads it: every nbgrader_config.py on Jupyter's config path (the
    hub image's /etc/jupyter one names the exchange), then the course folder's. ``exchange``
    overrides the exchange folder (Exchange.root); ``extra`` is a traitlets Config merged last.
    """
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    config.CourseDirectory.course_id = COURSE_ID
    for folder in [*reversed(jupyter_config_path()), str(course)]:
        if (Path(folder) / "nbgrader_config.py").exists():
            config.merge(PyFileConfigLoader("nbgrader_config.py", path=folder).load_config())
    config.CourseDirectory.root = str(course)
    if exchange is not None:
        config.Exchange.root = str(exchange)
    if extra is not None:
        config.merge(extra)
    return config


def nbgrader_api(course, exchange=None):
    """The nbgrader Python API for the course folder (one process for many steps)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = course_config(course, exchange)
    os.environ["PATH"] = scripts_first_path()
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def scripts_first_path():
    """PATH with this Python's scripts first (nbgrader runs `alembic`, installed beside it)."""
    return f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def gradebook(course):
    """The course's gradebook (nbgrader.api.Gradebook), to use in a ``with`` block."""
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{course / 'gradebook.db'}")


def succeeded(result, step):
    """Stop with nbgrader's log and error if the API call ``step`` failed."""
    if not result["success"]:
        fail(f"nbgrader {step} failed:\n{result.get('log', '')}\n{result.get('error', '')}")
    return result


def assignment_name(name):
    """The assignment (notebook stem) for a name like '01' or '01_decay'; one line if unknown."""
    return student_edition.select([name])[0].stem


def record_not_graded(course, assignment, reasons, reset=False):
    """Add {student: reason} to the course's not-graded record (replacing it when ``reset``)."""
    records = not_graded(course)
    records[assignment] = {**({} if reset else records.get(assignment, {})), **reasons}
    (course / NOT_GRADED).write_text(json.dumps(records, indent=1, sort_keys=True) + "\n")


def not_graded(course):
    """{assignment: {student: reason}} of the submissions that could not be graded."""
    path = course / NOT_GRADED
    return json.loads(path.read_text()) if path.exists() else {}


def without_checksums(nb):
    """The notebook dict without nbgrader's cell checksums (the one thing the edition omits)."""
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        cell["metadata"].get("nbgrader", {}).pop("checksum", None)
    return nb


def edition_differences(release, edition):
    """Where nbgrader's release differs from the student edition: a list of short lines."""
    release, edition = without_checksums(release), without_checksums(edition)
    ids = [c["id"] for c in release["cells"]], [c["id"] for c in edition["cells"]]
    if ids[0] != ids[1]:
        return [f"cell ids differ: release {ids[0]}, edition {ids[1]}"]
    return [
        f"cell {a['id']}: {key} differs"
        for a, b in zip(release["cells"], edition["cells"], strict=True)
        for key in ("cell_type", "source", "metadata")
        if a[key] != b[key]
    ] + (["notebook metadata differs"] if release["metadata"] != edition["metadata"] else [])


# -- release ------------------------------------------------------------------------------------
def release(course, names, due, exchange=None, log=print):
    """Export, generate, date, check and release the assignments of the notebooks ``names``.

    Each is generated with nbgrader, given its due date, checked to be the student edition, and
    released to the exchange if there is one. ``due`` is a date nbgrader parses
    ("2027-01-15 23:59 Europe/Berlin"); required unless the gradebook already holds one.
    Returns {assignment: points}.
    """
    from nbgrader.utils import parse_utc

    paths = student_edition.select(names)
    totals = nbgrader_export.export(course, paths, log=lambda line: None)
    api = nbgrader_api(course, exchange)
    for path in paths:
        name = path.stem
        with gradebook(course) as book:
            known = next((a for a in book.assignments if a.name == name), None)
            if due is None and (known is None or known.duedate is None):
                fail(
                    f"release {name}: no due date: give --due 'YYYY-MM-DD HH:MM TZ' "
                    "(late work is flagged against it)"
                )
            try:
                fields = {"duedate": parse_utc(due)} if due else {}
            except (ValueError, OverflowError) as error:
                fail(f"release {name}: cannot read the due date {due!r} ({error})")
            book.update_or_create_assignment(name, **fields)
        succeeded(api.generate_assignment(name, force=True, create=True), "generate_assignment")
        released = json.loads((course / "release" / name / path.name).read_text("utf-8"))
        edition = student_edition.student_notebook(json.loads(path.read_text("utf-8")), path.name)
        differences = edition_differences(released, edition)
        if differences:
            fail(f"release {name}: nbgrader's release is not the student edition: {differences}")
        where = "student/ (hub link, Binder badge, course.py lab)"
        if exchange is not None or "root" in api.config.get("Exchange", {}):
            succeeded(api.release_assignment(name), "release_assignment")
            where += f" and the exchange {api.config.Exchange.root}"
        with gradebook(course) as book:
            due_text = book.find_assignment(name).duedate
        log(f"{name}: {totals[name]} points, due {due_text} UTC, released: {where}")
    return totals


# -- roster -------------------------------------------------------------------------------------
def roster(course, csv_path, log=print):
    """Add the students of a CSV file (nbgrader's columns: id, first_name, last_name, email)."""
    with open(csv_path, newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    if not rows or "id" not in rows[0]:
        fail(f"roster {csv_path}: needs a header with the column id (and first_name, ...)")
    with gradebook(course) as book:
        for row in rows:
            fields = {k: row[k] for k in ("first_name", "last_name", "email") if row.get(k)}
            book.update_or_create_student(row["id"].strip(), **fields)
        count = len(book.students)
    log(f"roster: {len(rows)} students read, {count} in the gradebook")


def known_students(course):
    """The student ids in the gradebook (empty when no roster was given)."""
    with gradebook(course) as book:
        return {s.id for s in book.students}


# -- collect ------------------------------------------------------------------------------------
def lms_entries(names, pattern, assignment):
    """Sort the file names of an LMS zip: ({student: [entry]}, {student or file: problem}).

    A file the pattern does not match, or a notebook other than ``assignment``'s, is a problem
    (wrong notebook); so is a student with more than one notebook (duplicate submission: neither
    is taken, the instructor keeps one and collects again).
    """
    regexp = re.compile(pattern)
    found, problems = {}, {}
    for name in names:
        if name.endswith("/") or not name.endswith(".ipynb"):
            continue
        match = regexp.match("/" + name)
        if not match:
            problems[name] = f"{name}: the file name does not follow the LMS's pattern; skipped"
            continue
        student, notebook = match["student_id"], Path(match["file_id"]).stem + ".ipynb"
        if notebook != f"{assignment}.ipynb":
            problems[student] = (
                f"{student}: handed in {notebook} for {assignment} (wrong notebook); not graded"
            )
            continue
        found.setdefault(student, []).append(name)
    for student, entries in list(found.items()):
        if len(entries) > 1:
            problems[student] = (
                f"{student}: duplicate submission for {assignment} ({', '.join(entries)}); "
                "none taken: keep one in the zip and collect again"
            )
            del found[student]
    return found, problems


def collect_zip(course, assignment, archive, lms=None, log=print):
    """Collect the LMS's zip of submissions with nbgrader's zip_collect; the problems found."""
    config = course_config(course)
    pattern = LMS_FILE_NAMES[lms] if lms else None
    pattern = pattern or config.get("FileNameCollectorPlugin", {}).get("named_regexp")
    if not pattern:
        fail(
            "collect --zip: say which LMS made the zip (--lms canvas or moodle), or set "
            "c.FileNameCollectorPlugin.named_regexp in nbgrader_config.py"
        )
    with zipfile.ZipFile(archive) as source:
        found, problems = lms_entries(source.namelist(), pattern, assignment)
        # nbgrader's zip_collect takes the zip from downloaded/<assignment>/archive: only the
        # files that can be graded go there
        folder = course / "downloaded" / assignment / "archive"
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(folder / "submissions.zip", "w") as kept:
            for entries in found.values():
                kept.writestr(entries[0], source.read(entries[0]))
    command = [
        sys.executable,
        "-m",
        "nbgrader",
        "zip_collect",
        assignment,
        "--force",
        "--strict",
        f"--FileNameCollectorPlugin.named_regexp={pattern}",
    ]
    done = subprocess.run(command, cwd=course, capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"nbgrader zip_collect {assignment} failed:\n{done.stderr}")
    log(f"{assignment}: collected {len(found)} submissions from {Path(archive).name}")
    return problems


def collect(course, assignment, archive=None, lms=None, exchange=None, log=print):
    """Collect ``assignment`` from the exchange, or from an LMS zip; report problems."""
    if archive is None:
        api = nbgrader_api(course, exchange)
        root = Path(api.config.get("Exchange", {}).get("root", "/srv/nbgrader/exchange"))
        if not (root / COURSE_ID / "inbound").is_dir():
            fail(
                f"collect {assignment}: no exchange at {root} (a hub's image names it; without "
                "a hub collect the LMS's zip: --zip FILE --lms canvas)"
            )
        result = succeeded(api.collect(assignment), "collect")
        for line in result.get("log", "").splitlines():
            if "WARNING" in line:  # nbgrader's own warnings; what cannot be graded: autograde
                log(f"nbgrader: {line.strip()}")
        submitted = sorted(course.glob(f"submitted/*/{assignment}"))
        log(f"{assignment}: collected {len(submitted)} submissions from the exchange")
        problems = {}
    else:
        problems = collect_zip(course, assignment, archive, lms, log)
    for line in problems.values():
        log(line)
    record_not_graded(course, assignment, problems, reset=True)
    return problems


# -- autograde ----------------------------------------------------------------------------------
def grade_ids(nb):
    """The grade ids of a notebook's graded cells."""
    return {
        c["metadata"]["nbgrader"]["grade_id"]
        for c in nb["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("grade")
    }


def gradable(course, assignment, student, expected, roster_ids):
    """None if the submission can be graded, else the one-line reason why not.

    ``expected`` is {notebook file name: its graded cell ids}; ``roster_ids`` the students of the
    roster (empty: no roster, every student is known).
    """
    folder = course / "submitted" / student / assignment
    if roster_ids and student not in roster_ids:
        return f"{student}: unknown student (not in the roster: course.py grade roster FILE)"
    handed_in = sorted(p.name for p in folder.glob("*.ipynb"))
    for name, ids in expected.items():
        if name not in handed_in:
            return (
                f"{student}: {name} is not in the submission ({', '.join(handed_in) or 'none'} "
                "handed in): wrong notebook"
            )
        try:
            present = grade_ids(json.loads((folder / name).read_text("utf-8")))
        except (ValueError, KeyError) as error:
            return f"{student}: {name} is not a notebook nbgrader can read ({error})"
        if not present & ids:
            return (
                f"{student}: {name} has none of the assignment's {len(ids)} graded cells "
                "(its nbgrader metadata was stripped, or it is another notebook): not graded"
            )
    return None


@contextlib.contextmanager
def kernels_quiet(course):
    """Send what the kernels write to stderr into the course's kernels-stderr.log meanwhile.

    Each kernel warns there that it runs over TCP without encryption (a local connection);
    nbgrader's own messages come back in its results.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    log = os.open(course / "kernels-stderr.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(log, 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(log)


def autograde(course, assignment, log=print):
    """Autograde every submission of ``assignment`` that can be graded.

    Returns {student: (score, max score)}; the others are reported and recorded as not graded.
    """
    api = nbgrader_api(course)
    with gradebook(course) as book:
        expected = {
            f"{nb.name}.ipynb": {cell.name for cell in nb.grade_cells}
            for nb in book.find_assignment(assignment).notebooks
        }
    roster_ids = known_students(course)
    reasons, scores = {}, {}
    for folder in sorted(course.glob(f"submitted/*/{assignment}")):
        student = folder.parent.name
        reason = gradable(course, assignment, student, expected, roster_ids)
        if reason:
            reasons[student] = reason
            log(reason)
            continue
        with kernels_quiet(course):
            result = api.autograde(assignment, student, force=True, create=True)
        succeeded(result, "autograde")
        for line in result.get("log", "").splitlines():
            if "missing from the submission" in line or "Missing grade cell" in line:
                log(f"{student}: {line.strip()}")
        with gradebook(course) as book:
            submission = book.find_submission(assignment, student)
            scores[student] = (submission.score, submission.max_score)
            late = submission.total_seconds_late
            pending = points_to_grade_by_hand(submission)
        text = f"{student} {assignment}: {scores[student][0]:g}/{scores[student][1]:g}"
        if pending:
            text += f", {pending:g} points to grade by hand (course.py grade formgrader)"
        if late > 0:  # (seconds when under 6 minutes, which 0.1 h would round to 0.0 h)
            text += f", LATE by {late / 3600:.1f} h" if late >= 360 else f", LATE by {late:.0f} s"
        log(text)
    record_not_graded(course, assignment, reasons)
    return scores


def points_to_grade_by_hand(submission):
    """The points of a submission's answers still waiting for a grader (nbgrader's manual grade).

    An answer cell left as released is scored 0 by nbgrader and waits for nobody.
    """
    return sum(
        grade.max_score
        for notebook in submission.notebooks
        for grade in notebook.grades
        if grade.needs_manual_grade
    )


# -- feedback -----------------------------------------------------------------------------------
def feedback(course, assignment, exchange=None, log=print):
    """Generate feedback (HTML) for every graded submission; release it to the exchange if any."""
    api = nbgrader_api(course, exchange)
    succeeded(api.generate_feedback(assignment), "generate_feedback")
    files = sorted(course.glob(f"feedback/*/{assignment}/*.html"))
    log(f"{assignment}: feedback for {len(files)} notebooks in {course / 'feedback'}")
    if exchange is not None or "root" in api.config.get("Exchange", {}):
        succeeded(api.release_feedback(assignment), "release_feedback")
        log(f"{assignment}: feedback released to the exchange (students: Fetch Feedback)")
    return files


# -- export -------------------------------------------------------------------------------------
def lms_rows(book, skipped):
    """The grade table an LMS imports: header, one row per student, and what waits for a grader.

    Columns: Student ("Last, First"), ID (the student id), then one column per assignment with
    the score; empty when not handed in, not graded (``skipped``) or with answers still to grade
    by hand, so the import writes neither a 0 nor a partial score.
    The header follows Canvas's gradebook CSV (Student, ID, SIS User ID, SIS Login ID, Section);
    Moodle's CSV import maps ID to its participant or user field. The third item lists the
    grades left empty for the grading by hand: (assignment, student id, points).
    """
    from nbgrader.api import MissingEntry

    assignments = sorted(a.name for a in book.assignments)
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *assignments]
    rows, waiting = [], []
    for student in sorted(book.students, key=lambda s: s.id):
        name = ", ".join(part for part in (student.last_name, student.first_name) if part)
        row = [name or student.id, student.id, "", "", ""]
        for assignment in assignments:
            try:
                submission = book.find_submission(assignment, student.id)
            except MissingEntry:  # nothing handed in
                submission = None
            graded = submission is not None and student.id not in skipped.get(assignment, {})
            pending = points_to_grade_by_hand(submission) if graded else 0
            if pending:
                waiting.append((assignment, student.id, pending))
            row.append(f"{submission.score:g}" if graded and not pending else "")
        rows.append(row)
    return header, rows, waiting


def export(course, out, log=print):
    """Write the LMS's CSV to ``out`` and nbgrader's own CSV beside it; list the not graded."""
    from nbgrader.plugins import CsvExportPlugin

    skipped = not_graded(course)
    with gradebook(course) as book:
        header, rows, waiting = lms_rows(book, skipped)
        CsvExportPlugin(to=str(Path(out).with_suffix(".nbgrader.csv"))).export(book)
    with open(out, "w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows([header, *rows])
    log(
        f"grades of {len(rows)} students in {out} (nbgrader's detail: "
        f"{Path(out).with_suffix('.nbgrader.csv')})"
    )
    for assignment, students in sorted(skipped.items()):
        for reason in students.values():
            log(f"not graded ({assignment}): {reason}")
    for assignment, student, pending in waiting:
        log(
            f"not graded by hand yet ({assignment}): {student}, {pending:g} points: "
            "left empty (course.py grade formgrader, then export)"
        )
    return header, rows


# -- manual grading -----------------------------------------------------------------------------
def formgrader(course, port=None, open_browser=True):
    """Open JupyterLab in the course folder for nbgrader's formgrader (manual grading).

    JupyterLab runs in the course folder, where the formgrader reads nbgrader_config.py and the
    gradebook, with this Python's scripts first on PATH (nbgrader runs `alembic` by name) and, as
    root (a container), with --allow-root. ``port`` (an int) and ``open_browser`` are JupyterLab's
    (``--port``, ``--no-browser``: on a remote machine, open the URL it prints through a tunnel).
    Returns JupyterLab's exit status.
    """
    if not (course / "nbgrader_config.py").exists():
        fail(f"no course folder at {course}: release an assignment first (grade release NN)")
    environment = dict(os.environ, PATH=scripts_first_path())
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    options = [*as_root, *([] if port is None else ["--port", str(port)])]
    options += [] if open_browser else ["--no-browser"]
    print(
        f"course.py grade formgrader: JupyterLab in {course}; open the menu Nbgrader > "
        "Formgrader, then Manual Grading",
        flush=True,
    )
    command = [sys.executable, "-m", "jupyterlab", *options]
    return subprocess.call(command, cwd=course, env=environment)


def command_line():
    """The argument parser of `course.py grade` (its steps and their options)."""
    parser = argparse.ArgumentParser(prog="course.py grade", description=__doc__.split("\n")[0])
    parser.add_argument("--course", default=str(DEFAULT_COURSE), help="nbgrader course folder")
    parser.add_argument("--exchange", help="nbgrader's exchange folder (Exchange.root)")
    steps = parser.add_subparsers(dest="step", required=True, metavar="STEP")
    step = steps.add_parser("release", help="generate, check and release assignments")
    step.add_argument("notebooks", nargs="+", help="e.g. 01 03")
    step.add_argument("--due", help="due date, e.g. '2027-01-15 23:59 Europe/Berlin'")
    step = steps.add_parser("roster", help="add the students of a CSV file")
    step.add_argument("csv")
    step = steps.add_parser("collect", help="collect from the exchange or an LMS zip")
    step.add_argument("assignment")
    step.add_argument("--zip", help="the LMS's zip of all submissions")
    step.add_argument("--lms", choices=sorted(LMS_FILE_NAMES), help="who named the zip's files")
    step = steps.add_parser("autograde", help="autograde every gradable submission")
    step.add_argument("assignment")
    step = steps.add_parser("formgrader", help="manual grading in JupyterLab")
    step.add_argument("--port", type=int, help="JupyterLab's port (default: its own, 8888)")
    step.add_argument("--no-browser", action="store_true", help="print the URL, open no browser")
    step = steps.add_parser("feedback", help="generate (and release) feedback")
    step.add_argument("assignment")
    step = steps.add_parser("export", help="the grades as a CSV file for the LMS")
    step.add_argument("--out", help="the CSV file (default: grades.csv in the course folder)")
    step = steps.add_parser("check", help="round trip: solutions full marks, blank zero")
    step.add_argument("--out", help="course folder for the check (default: a temporary one)")
    step.add_argument("notebooks", nargs="*")
    step = steps.add_parser("term", help="the scripted term (tools/graded_term.py)")
    step.add_argument("--out", help="folder for the term (default: a temporary one)")
    return parser


def main(argv=None):
    """Run one step of the graded term; the exit status."""
    return run(command_line().parse_args(argv))


def run(args):
    """Run the step that ``args`` (parsed by ``command_line``) names; the exit status.

    `check` and `term` are tools/grade.py's: they build on this module.
    """
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        fail("nbgrader is not installed in this Python: run it as python3 course.py grade ...")
    course = Path(args.course).resolve()
    if getattr(args, "assignment", None):
        args.assignment = assignment_name(args.assignment)
    exchange = Path(args.exchange).resolve() if args.exchange else None
    if args.step == "release":
        release(course, args.notebooks, args.due, exchange)
    elif args.step == "roster":
        roster(course, args.csv)
    elif args.step == "collect":
        collect(course, args.assignment, args.zip, args.lms, exchange)
    elif args.step == "autograde":
        autograde(course, args.assignment)
    elif args.step == "formgrader":
        return formgrader(course, args.port, open_browser=not args.no_browser)
    elif args.step == "feedback":
        feedback(course, args.assignment, exchange)
    elif args.step == "export":
        export(course, Path(args.out) if args.out else course / "grades.csv")
    return 0
