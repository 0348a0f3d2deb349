#!/usr/bin/env python3
"""Robustness matrix: every notebook under many seeds and both code-generation targets.

Executes every notebook (nbval) under many random seeds and both Brian2 code-generation targets,
plus the science suite, and writes a pass/fail table.

    python3 course.py matrix              # full: notebooks x 10 seeds x {numpy, cython} + science
    python3 course.py matrix --quick      # quick slice (~2 min): every notebook on numpy with seed
                                          # 1, and one small notebook on cython (CI runs it: the
                                          # test run executes every notebook with the default seed)
    python3 course.py matrix --targets numpy --seeds 2718,1,2 notebooks/03_*.ipynb  # any slice
    python3 course.py matrix --targets numpy --seeds 1-100 --no-science --jobs 2 --reuse  # sweep

Each cell of the matrix is one process: `python -m pytest <notebook> -p no:cacheprovider
--cells-only` (the notebook's cells under nbval, conftest.py) with BRIAN_LABS_SEED and
BRIAN_LABS_TARGET set (pyproject's addopts add --nbval-lax --nbval-current-env). Cells run in a
fixed order (target, then seed, then notebook: an interrupted run still covers every notebook; the
first Cython seed compiles each notebook's models into Brian2's Cython cache and later seeds reuse
it). Results go to <out>/matrix.json and <out>/matrix.md (default out: output/matrix, git-ignored);
for every failure the notebook, seed, target, failing cell (its first source line) and the
exception message are listed. Exit status: 0 if every cell passed, 1 otherwise, 2 for bad
arguments.
"""

import argparse
import ast
import functools
import glob
import hashlib
import io
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import tokenize
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from labutils.settings import DEFAULT_SEED  # the notebooks' seed when none is set

ROOT = Path(__file__).resolve().parents[1]
FULL_SEEDS = [DEFAULT_SEED, 1, 2, 3, 4, 5, 6, 7, 8, 9]
QUICK_SEED = 1  # CI already runs every notebook with the default seed (course.py test)
QUICK_CYTHON = "01_"  # the notebook (by prefix) that the quick slice also runs on Cython
SCIENCE = "tests/science"
ANSI = re.compile(r"(?:\x1b|#x1B)\[[0-9;]*m")


def notebooks(patterns):
    """The notebooks that ``patterns`` name (paths or globs); all if none."""
    if not patterns:
        return sorted((ROOT / "notebooks").glob("*.ipynb"))
    found = []
    for pattern in patterns:
        if Path(pattern).exists():
            matches = [Path(pattern)]
        elif Path(pattern).is_absolute():
            matches = [Path(p) for p in sorted(glob.glob(pattern))]
        else:
            matches = sorted(ROOT.glob(pattern)) or sorted((ROOT / "notebooks").glob(pattern))
        if not matches:
            raise SystemExit(f"matrix: no notebook matches {pattern!r}")
        found += [m.resolve() for m in matches if m.resolve() not in found]
    return found


def plan(args):
    """The list of jobs, in the order they are run and reported."""
    books = notebooks(args.notebooks)
    jobs = []
    if args.quick:
        jobs += [dict(kind="notebook", path=nb, seed=QUICK_SEED, target="numpy") for nb in books]
        small = [nb for nb in books if nb.name.startswith(args.quick_cython)] or books[:1]
        jobs += [
            dict(kind="notebook", path=nb, seed=DEFAULT_SEED, target="cython") for nb in small[:1]
        ]
        return jobs
    for target in args.targets:  # seed-major: an interrupted run still covers every notebook
        for seed in args.seeds:
            jobs += [dict(kind="notebook", path=nb, seed=seed, target=target) for nb in books]
    if args.science:
        for target in args.targets:
            jobs.append(
                dict(
                    kind="science",
                    path=ROOT / SCIENCE,
                    seed=",".join(map(str, args.seeds)),
                    target=target,
                )
            )
    return jobs


def describe_failure(testcase):
    """(cell label, first source line, message) from a junit <testcase> with a failure or error."""
    node = testcase.find("failure")
    if node is None:
        node = testcase.find("error")
    text = ANSI.sub("", (node.text or node.get("message") or "")).replace("\r", "")
    source = ""
    if "Input:" in text:
        after = text.split("Input:", 1)[1].strip().splitlines()
        source = next((line.strip() for line in after if line.strip()), "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [
        line
        for line in lines
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b", line)
    ]
    message = errors[-1] if errors else (lines[-1] if lines else node.get("message", ""))
    label = f"{testcase.get('classname', '')}::{testcase.get('name', '')}"
    return dict(
        cell=testcase.get("name", label), test=label, source=source[:160], message=message[:400]
    )


# Tags that change how nbval runs a cell: such a cell is a unit of its own in the digest.
NBVAL_TAGS = {"raises-exception", "nbval-raises-exception", "nbval-skip", "skip-execution"}


def code_tokens(source):
    """The tokens of Python source without comments and blank lines (magics kept as they are).

    The same on every supported Python: a token is its text (token numbers differ between
    versions), and an f-string is one token as on 3.11 (3.12 splits it into parts, PEP 701).
    """
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source + "\n").readline))
    except (tokenize.TokenError, SyntaxError):
        return [source]
    lines = (source + "\n").splitlines(keepends=True)
    drop = {"COMMENT", "NL", "ENDMARKER"}
    kept, fstring_start, depth = [], None, 0
    for token in tokens:
        kind = tokenize.tok_name[token.type]
        if kind == "FSTRING_START":
            depth += 1
            fstring_start = fstring_start or token.start
        elif kind == "FSTRING_END":
            depth -= 1
            if depth == 0:
                kept.append("STRING:" + source_between(lines, fstring_start, token.end))
                fstring_start = None
        elif depth == 0 and kind not in drop:
            kept.append(f"{kind}:{token.string}")
    return kept


def source_between(lines, start, end):
    """The source text from ``start`` to ``end``, (row, column) positions as tokenize gives."""
    (row0, col0), (row1, col1) = start, end
    if row0 == row1:
        return lines[row0 - 1][col0:col1]
    return lines[row0 - 1][col0:] + "".join(lines[row0 : row1 - 1]) + lines[row1 - 1][:col1]


def notebook_program(path):
    """What nbval executes in a notebook: its code cells' tokens in order, without comments.

    Markdown, comments and where an untagged cell is split do not change it; code does, and so
    does the boundary of a cell whose tags change how nbval runs it (``NBVAL_TAGS``).
    """
    parts = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        tags = sorted(NBVAL_TAGS & set(cell.get("metadata", {}).get("tags", [])))
        parts += (
            [f"<cell {tags}>", *code_tokens(source), "</cell>"] if tags else code_tokens(source)
        )
    return "\n".join(parts)


def python_program(path):
    """A module's code without comments, formatting or docstrings (its syntax tree, as text).

    The same on every supported Python: fields that are empty or None are left out (3.12 added
    ``type_params``, 3.13's ``ast.dump`` omits empty fields), positions are not written, and the
    empty string that 3.12 puts at the end of a nested format spec (``f"{x:<{w}}"``) is dropped.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            node.values = [
                v for v in node.values if not (isinstance(v, ast.Constant) and v.value == "")
            ]
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return tree_text(tree)


def tree_text(node):
    """A syntax tree as text, without positions and without empty or None fields."""
    if isinstance(node, ast.AST):
        fields = (
            f"{name}={tree_text(value)}"
            for name, value in ast.iter_fields(node)
            if value != []
            and (value is not None or (name == "value" and isinstance(node, ast.Constant)))
        )
        return f"{type(node).__name__}({', '.join(fields)})"
    if isinstance(node, list):
        return "[" + ", ".join(tree_text(item) for item in node) + "]"
    return repr(node)


@functools.cache
def labutils_programs():
    """The code of each labutils module, as ``python_program`` gives it (read once per run)."""
    return tuple(python_program(m) for m in sorted((ROOT / "labutils").glob("*.py")))


@functools.cache
def fingerprint(path):
    """A digest of what a matrix cell executes; it tells when a stored result is stale.

    For a notebook: its program (``notebook_program``) and its answer key; for the science suite,
    every module of it; in both cases labutils' code (``python_program``: docstrings and comments
    do not count). Computed once per path and run (every seed of a notebook shares it).
    """
    digest = hashlib.sha256()
    if path.is_dir():
        for module in sorted(path.rglob("*.py")):
            digest.update(python_program(module).encode())
    else:
        digest.update(notebook_program(path).encode())
        answers = ROOT / "labutils" / "answers" / f"{path.stem}.json"
        if answers.exists():
            digest.update(answers.read_bytes())
    for program in labutils_programs():
        digest.update(program.encode())
    return digest.hexdigest()[:16]


ENVIRONMENT = (
    "import platform, brian2, numpy; print(f'Python {platform.python_version()}, "
    "Brian2 {brian2.__version__}, numpy {numpy.__version__}, {platform.system()}')"
)


def environment(python):
    """The interpreter's Python, Brian2 and numpy versions and OS, as one line of text.

    Part of a result's identity: ``--reuse`` keeps a result only if it ran in the same environment.
    """
    proc = subprocess.run([python, "-c", ENVIRONMENT], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"matrix: {python} cannot import brian2 and numpy:\n{proc.stderr}")
    return proc.stdout.strip()


# jupyter_client's errors when a kernel gives no first reply within its wait (60 s) or dies first.
KERNEL_START_ERRORS = ("Kernel didn't respond in", "Kernel died before replying to kernel_info")
KERNEL_NOT_STARTED = "the notebook's kernel did not start (no reply to kernel_info)"


def kernel_did_not_start(counts, text):
    """True if a run failed only because its kernel never started: no cell ran, no check failed.

    Like a run that timed out, it says more about the machine's load than about the code (it was
    seen once, beside three sweeps and CI on two cores), so it counts as a timeout, which
    ``--reuse`` runs again. ``counts``: the junit totals; ``text``: the junit XML and the output.
    """
    return counts["failures"] == 0 and any(error in text for error in KERNEL_START_ERRORS)


def says_nothing_of_the_code(result):
    """True for a stored result that ``--reuse`` runs again: it is no verdict on the code.

    A timeout, or a run in which tests erred but none failed: nbval reports a cell that raised or
    a check that failed as a failure, and an error only when pytest could not run the test (its
    setup: the kernel did not start), as in results stored before :func:`kernel_did_not_start`.
    """
    erred_only = result.get("failures") == 0 and result.get("errors", 0) > 0
    return result["status"] == "timeout" or (result["status"] == "fail" and erred_only)


def run_job(job, python, timeout):
    """Run one matrix cell in its own process; its result dict."""
    env = dict(os.environ)
    env["MPLBACKEND"] = "Agg"
    with tempfile.TemporaryDirectory(prefix="matrix-") as tmp:
        junit = Path(tmp) / "junit.xml"
        path = job["path"]
        inside = path.is_relative_to(ROOT)
        cmd = [
            python,
            "-m",
            "pytest",
            str(path.relative_to(ROOT) if inside else path),
            "-p",
            "no:cacheprovider",
            "-q",
            "--cells-only",  # the notebook's cells under nbval, not every test of it (conftest.py)
            f"--junitxml={junit}",
        ] + ([] if inside else ["-c", str(ROOT / "pyproject.toml")])
        if job["kind"] == "notebook":
            env["BRIAN_LABS_SEED"] = str(job["seed"])
            env["BRIAN_LABS_TARGET"] = job["target"]
        else:
            env["BRIAN_LABS_SCIENCE_SEEDS"] = str(job["seed"])
            env["BRIAN_LABS_SCIENCE_TARGETS"] = job["target"]
            cmd += ["-m", "cython" if job["target"] == "cython" else "not cython"]
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
            )
            returncode, output = proc.returncode, proc.stdout + proc.stderr
        except subprocess.TimeoutExpired as expired:
            returncode = None
            output = (
                (expired.stdout or b"").decode(errors="replace")
                if isinstance(expired.stdout, bytes)
                else (expired.stdout or "")
            )
        seconds = time.perf_counter() - start
        failures, counts = [], dict(tests=0, failures=0, errors=0, skipped=0)
        junit_text = junit.read_text(errors="replace") if junit.exists() else ""
        if junit.exists():
            try:
                tree = ET.parse(junit)
                for suite in tree.iter("testsuite"):
                    for key in counts:
                        counts[key] += int(suite.get(key, 0))
                for case in tree.iter("testcase"):
                    if case.find("failure") is not None or case.find("error") is not None:
                        failures.append(describe_failure(case))
            except ET.ParseError as error:
                failures.append(
                    dict(cell="?", test="?", source="", message=f"unreadable junit xml: {error}")
                )
    if returncode is None:
        status = "timeout"
        failures.append(
            dict(cell="?", test="?", source="", message=f"no result within {timeout} s")
        )
    elif kernel_did_not_start(counts, junit_text + output):
        status = "timeout"
        failures = [dict(cell="?", test="?", source="", message=KERNEL_NOT_STARTED)]
    elif returncode == 0:
        status = "pass"
    else:
        status = "fail"
        if not failures:
            tail = [line for line in ANSI.sub("", output).splitlines() if line.strip()][-3:]
            failures.append(dict(cell="?", test="?", source="", message=" | ".join(tail)[:400]))
    return dict(
        kind=job["kind"],
        name=job["path"].name if job["kind"] == "notebook" else SCIENCE,
        seed=job["seed"],
        target=job["target"],
        fingerprint=job["fingerprint"],
        environment=job["environment"],
        status=status,
        seconds=round(seconds, 1),
        returncode=returncode,
        **counts,
        failed=failures,
    )


KERNEL_ATTEMPTS = 3  # runs of a job whose kernel did not start, before it counts as a timeout


def run_job_started(job, python, timeout):
    """:func:`run_job`, run again (up to KERNEL_ATTEMPTS runs) while its kernel does not start.

    A kernel dies at start when another process took one of its ports before it bound them
    (jupyter/jupyter_client#154), or gives no first reply on a loaded machine: no verdict on the
    code, so the job runs again in a new process, with new ports. ``kernel_starts``: the runs.
    """
    for attempt in range(1, KERNEL_ATTEMPTS + 1):
        result = run_job(job, python, timeout)
        not_started = [f["message"] for f in result["failed"]] == [KERNEL_NOT_STARTED]
        if not not_started or attempt == KERNEL_ATTEMPTS:
            return dict(result, kernel_starts=attempt)
        print(f"  {result['name']}: {KERNEL_NOT_STARTED}; running it again", flush=True)


WIDE_SEEDS = 12  # up to this many seeds the report has a column per seed, beyond it a summary


def markdown(results, command, wall):
    """The matrix as a Markdown report: the table, the science suite and the failures per check.

    ``wall`` is this invocation's wall time in seconds; runs reused from an earlier invocation
    (``--reuse``) keep the seconds they took then, and the header says how many there are. Up to
    ``WIDE_SEEDS`` seeds the table has a column per seed; with more, a row per notebook and target
    counts the seeds that passed and names those that did not.
    """
    notebook_results = [r for r in results if r["kind"] == "notebook"]
    seeds = list(dict.fromkeys(r["seed"] for r in notebook_results))
    rows = list(dict.fromkeys((r["name"], r["target"]) for r in notebook_results))
    cell = {(r["name"], r["target"], r["seed"]): r for r in notebook_results}
    mark = {"pass": "pass", "fail": "**FAIL**", "timeout": "**TIMEOUT**"}
    n_fail = sum(r["status"] != "pass" for r in results)
    n_reused = sum(bool(r.get("reused")) for r in results)
    run_time = math.fsum(r["seconds"] for r in results)  # sum() rounds differently from 3.12
    environments = sorted({r.get("environment") or "not recorded" for r in results})
    lines = [
        "# Robustness matrix",
        "",
        "Environment: " + "; ".join(environments) + ".",
        "",
        f"`{command}` — {len(results)} runs, {len(results) - n_fail} passed, {n_fail} failed; "
        f"{run_time / 60:.1f} min of run time, {wall / 60:.1f} min wall time"
        + (f" ({n_reused} of them reused: same code, same environment)." if n_reused else "."),
        "",
    ]
    if rows and len(seeds) <= WIDE_SEEDS:
        lines += [
            "Each cell: result and seconds (nbval, whole notebook, in its own process);"
            " (r): reused from an earlier run of the same notebook and labutils (--reuse).",
            "",
            "| notebook | target | " + " | ".join(f"seed {s}" for s in seeds) + " |",
            "|---|---|" + "---|" * len(seeds),
        ]
        for name, target in rows:
            entries = []
            for s in seeds:
                r = cell.get((name, target, s))
                reused = " (r)" if r and r.get("reused") else ""
                entries.append(
                    "" if r is None else f"{mark[r['status']]} {r['seconds']:.0f}s{reused}"
                )
            lines.append(f"| {name} | {target} | " + " | ".join(entries) + " |")
    elif rows:
        lines += [
            f"Seeds: {seed_ranges(seeds)}. Each notebook ran under each seed in its own process"
            " (nbval, whole notebook).",
            "",
            "| notebook | target | seeds run | passed | failed | failing seeds | median s |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, target in rows:
            runs = [cell[(name, target, s)] for s in seeds if (name, target, s) in cell]
            bad = [r["seed"] for r in runs if r["status"] != "pass"]
            times = sorted(r["seconds"] for r in runs)
            lines.append(
                f"| {name} | {target} | {len(runs)} | {len(runs) - len(bad)} | {len(bad)} | "
                f"{seed_ranges(bad) if bad else '–'} | {times[len(times) // 2]:.0f} |"
            )
    science = [r for r in results if r["kind"] == "science"]
    if science:
        lines += [
            "",
            "| science suite | target | seeds | tests | result | seconds |",
            "|---|---|---|---|---|---|",
        ]
        for r in science:
            lines.append(
                f"| {r['name']} | {r['target']} | {r['seed']} | {r['tests'] - r['skipped']} run, "
                f"{r['skipped']} skipped | {mark[r['status']]} | {r['seconds']:.0f} |"
            )
    lines += ["", "## Failures per check", ""]
    failures = [(r, f) for r in results if r["status"] != "pass" for f in r["failed"]]
    if not failures:
        lines.append("No check failed.")
    else:
        # a failing cell by its nbval name; a run with no failing cell (a timeout) by its status
        where = [f["cell"].replace("Cell", "code cell") if f["cell"] != "?" else r["status"]
                 for r, f in failures]  # fmt: skip
        checks = {}
        for (r, f), cell_name in zip(failures, where, strict=True):
            checks.setdefault((r["name"], cell_name, f["source"]), []).append(r)
        lines += ["| notebook | cell | check | failing runs (seed, target) |", "|---|---|---|---|"]
        for (name, cell_name, source), runs in checks.items():
            shown = ", ".join(f"{r['seed']} {r['target']}" for r in runs)
            check = f"`{source}`" if source else "–"
            lines.append(f"| {name} | {cell_name} | {check} | {len(runs)}: {shown} |")
        lines += ["", "Messages:", ""]
        for (r, f), cell_name in zip(failures, where, strict=True):
            lines.append(
                f"- {r['name']} · seed {r['seed']} · {r['target']} · {cell_name}"
                + (f" (`{f['source']}`)" if f["source"] else "")
                + f": {f['message']}"
            )
    return "\n".join(lines) + "\n"


def seed_ranges(seeds):
    """Seeds as a short text: consecutive integers joined into ranges (``1-100, 2718``)."""
    spans = []
    for s in sorted({int(s) for s in seeds}):
        if spans and s == spans[-1][1] + 1:
            spans[-1][1] = s
        else:
            spans.append([s, s])
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in spans)


def parse_seeds(text):
    """The seeds a ``--seeds`` value names, in order: ``"1-3,2718"`` is [1, 2, 3, 2718].

    Raises ValueError for anything but comma-separated integers and ``first-last`` ranges.
    """
    seeds = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        first, dash, last = part.partition("-")
        if dash and (not first.strip() or int(last) < int(first)):
            raise ValueError(f"not a range of seeds: {part!r}")
        seeds += list(range(int(first), int(last) + 1)) if dash else [int(part)]
    return seeds


def parse(argv):
    """The command-line arguments."""
    parser = argparse.ArgumentParser(
        prog="python3 course.py matrix",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "notebooks", nargs="*", help="notebooks or glob patterns (default: notebooks/*.ipynb)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="the CI slice: every notebook with seed "
        f"{QUICK_SEED} on numpy, plus the {QUICK_CYTHON}* notebook on cython",
    )
    parser.add_argument(
        "--quick-cython",
        default=QUICK_CYTHON,
        metavar="PREFIX",
        help="file-name prefix of the notebook --quick also runs on cython",
    )
    parser.add_argument(
        "--seeds",
        default=",".join(map(str, FULL_SEEDS)),
        help="comma-separated seeds or ranges, e.g. 1-100,2718 (default: %(default)s)",
    )
    parser.add_argument("--targets", default="numpy,cython", help="comma-separated: numpy, cython")
    parser.add_argument(
        "--no-science",
        dest="science",
        action="store_false",
        help="leave out the science suite (tests/science with the same seeds and targets)",
    )
    parser.add_argument(
        "--jobs", type=int, default=None, help="runs in parallel (default 1; 2 with --quick)"
    )
    parser.add_argument(
        "--timeout", type=int, default=900, help="seconds per run (default %(default)s)"
    )
    parser.add_argument(
        "--out", default="output/matrix", help="directory for matrix.json and matrix.md"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep results from <out>/matrix.json whose notebook and labutils execute the same "
        "code (see fingerprint: comments, markdown and cell splits do not count) in the same "
        "environment (Python, Brian2, numpy, OS), run the rest (and every run that timed out)",
    )
    parser.add_argument(
        "--python", default=sys.executable, help="the Python that has the course installed"
    )
    args = parser.parse_args(argv)
    try:
        args.seeds = parse_seeds(args.seeds)
    except ValueError:
        parser.error(f"--seeds must be comma-separated integers or ranges, got {args.seeds!r}")
    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    if not args.seeds or any(s < 0 for s in args.seeds):
        parser.error("--seeds needs at least one non-negative integer")
    if not args.targets or any(t not in ("numpy", "cython") for t in args.targets):
        parser.error(f"--targets must be numpy and/or cython, got {args.targets}")
    if args.quick:
        args.science = False
    args.jobs = args.jobs or (2 if args.quick else 1)
    return args


def main(argv=None):
    """Run the matrix and write its reports; the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    jobs = plan(args)
    out = (ROOT / args.out) if not Path(args.out).is_absolute() else Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    command = "python3 course.py matrix " + " ".join(argv) if argv else "python3 course.py matrix"
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(
        f"matrix: {len(jobs)} runs, {args.jobs} at a time; results in {shown}",
        flush=True,
    )
    start = time.perf_counter()
    results = [None] * len(jobs)
    previous = {}
    if args.reuse and (out / "matrix.json").exists():
        old = json.loads((out / "matrix.json").read_text())
        for r in old["results"] if isinstance(old, dict) else old:
            if r and not says_nothing_of_the_code(r):
                key = (r["name"], str(r["seed"]), r["target"], r.get("fingerprint"))
                previous[(*key, r.get("environment"))] = r
    setup = environment(args.python)
    for job in jobs:
        job["fingerprint"] = fingerprint(job["path"])
        job["environment"] = setup

    def work(index):
        job = jobs[index]
        name = job["path"].name if job["kind"] == "notebook" else SCIENCE
        key = (name, str(job["seed"]), job["target"], job["fingerprint"], job["environment"])
        old = previous.get(key)
        result = dict(old, reused=True) if old else run_job_started(job, args.python, args.timeout)
        results[index] = result
        first = result["failed"][0]["message"] if result["failed"] else ""
        print(
            f"  {result['status']:>7}  {result['seconds']:6.1f}s  {result['name']}"
            f"  seed={result['seed']}  "
            f"{result['target']}{'  (reused)' if old else ''}  {first}",
            flush=True,
        )
        (out / "matrix.json").write_text(json.dumps([r for r in results if r], indent=1))
        return result

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(work, range(len(jobs))))
    wall = time.perf_counter() - start
    (out / "matrix.json").write_text(
        json.dumps(dict(command=command, wall_seconds=round(wall, 1), results=results), indent=1)
    )
    report = markdown(results, command, wall)
    (out / "matrix.md").write_text(report)
    print(report)
    return 0 if all(r["status"] == "pass" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
