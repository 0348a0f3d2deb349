"""The course as Google Colab runs it: Colab's own packages, the setup cell, every notebook.

    python3 course.py colab                      # both runtimes, both editions, every notebook
    python3 course.py colab --runtime current    # one runtime ("current" or "2026.07")
    python3 course.py colab 03 05                # only these notebooks (both editions)
    python3 course.py colab --baseline           # also the same notebooks in the course's .venv

For each Colab runtime (requirements/colab/<runtime>.txt: Python 3.13 "current", Python 3.12
"2026.07"), in a fresh virtual environment ``.venv-colab-<runtime>``:

1. install exactly the versions Colab publishes (numpy, scipy, sympy, matplotlib, IPython,
   ipykernel, ipywidgets 7, jupyter_client, traitlets, Cython, setuptools, pyparsing, nbclient and
   everything they depend on), and a stand-in ``google.colab`` module, the one thing the setup cell
   looks for;
2. copy the repository's files (tracked and new, as GitHub would serve them after a push) to a
   temporary folder, with the student edition written there by tools/student_edition.py, and point
   the setup cell at it (``BRIAN_LABS_COLAB_SOURCE``) instead of GitHub;
3. ``pip freeze`` before; execute every notebook of both editions in its own kernel, the first
   one's setup cell installing the course as on Colab (Brian2 from the package index, labutils from
   the copy); move every explorer's sliders (benchmarks/run.py's probe: the median update time is
   the explorer latency); ``pip freeze`` after. It fails on any cell error (outside cells tagged
   ``raises-exception``), a setup cell that did not say what it did, an explorer that failed, or a
   package installed before whose version changed or that disappeared. Notebook 01 (``--cython``)
   runs again on Brian2's Cython target, with Colab's Cython.

Results: a table, and benchmarks/out/colab.json. The compiled explorers use g++, as on Colab.
"""

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNTIMES = {"current": "3.13", "2026.07": "3.12"}  # runtime -> its Python (requirements/colab/)
OUT = ROOT / "benchmarks" / "out"
STAND_IN = '"""Stand-in for google.colab (tools/colab_runtime.py): it only exists."""\n'
SETUP_SAYS = "Colab: Brian2 "  # the first words of the setup cell's one line


def requirements(runtime):
    """The pins of a Colab runtime: requirements/colab/<runtime>.txt."""
    return ROOT / "requirements" / "colab" / f"{runtime}.txt"


def find_python(version):
    """A Python ``version`` (e.g. '3.13') on this machine; exits with a message if none."""
    from tools import other_pythons

    candidates = [sys.executable, *(path for path, _ in other_pythons.other_pythons())]
    for path in candidates:
        found = subprocess.run(
            [path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        if found.stdout.strip() == version:
            return path
    raise SystemExit(f"colab: no Python {version} on this machine (Colab's runtime needs it)")


def make_environment(runtime, log):
    """A fresh ``.venv-colab-<runtime>`` holding Colab's pins and the stand-in; its Python."""
    venv = ROOT / f".venv-colab-{runtime}"
    shutil.rmtree(venv, ignore_errors=True)
    base = find_python(RUNTIMES[runtime])
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pins = ["-r", str(requirements(runtime))]
    installer = [sys.executable, "-m", "uv", "pip", "install", "--python", str(python)]
    with open(log, "a", encoding="utf-8") as stream:
        if subprocess.call([*installer, *pins], stdout=stream, stderr=subprocess.STDOUT) != 0:
            raise SystemExit(f"colab: installing {requirements(runtime).name} failed, see {log}")
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    colab = Path(purelib) / "google" / "colab"
    colab.mkdir(parents=True)
    (colab / "__init__.py").write_text(STAND_IN)
    return python


def repository_copy(destination):
    """``destination``, holding the repository's files and the student edition written from them.

    The files are those git tracks and new ones it does not ignore, as in the working tree.
    """
    from tools import student_edition

    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    notebooks = sorted((destination / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    shutil.rmtree(destination / "student", ignore_errors=True)
    student_edition.write_edition(destination / "student", notebooks, log=lambda _: None)
    return destination


def chosen(copy, words):
    """The notebooks of both editions in ``copy`` whose names contain one of ``words`` (all)."""
    paths = [
        *sorted((copy / "notebooks").glob("[0-9][0-9]_*.ipynb")),
        *sorted((copy / "student").glob("[0-9][0-9]_*.ipynb")),
    ]
    return [p for p in paths if not words or any(w in p.name for w in words)]


def cython_chosen(path, words):
    """Whether the notebook at ``path`` runs again on the Cython target (``words``: its names)."""
    return any(word and path.name.startswith(word) for word in words)


# ---------------------------------------------------------------------------------------------
# Inside the Colab-like environment (run by its Python, from the repository copy)


def freeze():
    """{name: version} of every installed distribution (``pip freeze --all``)."""
    text = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all"], capture_output=True, text=True
    ).stdout
    pins = {}
    for line in text.splitlines():
        name, _, version = line.partition("==") if "==" in line else line.partition(" @ ")
        pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def changed_packages(before, after):
    """Packages of ``before`` whose version changed or that are gone, as 'name: a -> b' lines."""
    return [
        f"{name}: {version} -> {after.get(name, 'removed')}"
        for name, version in sorted(before.items())
        if after.get(name) != version
    ]


def run_notebooks(paths, changes, target="numpy", colab=True):
    """Execute the notebooks and move their explorers on a Brian2 target; (results, failures).

    ``colab``: whether this is the Colab-like environment, where the setup cell must say what it
    did; elsewhere it must print nothing.
    """
    import nbformat

    from benchmarks import run as bench

    os.environ["BRIAN_LABS_TARGET"] = target  # the kernels started below inherit it
    results, failures = {}, []
    for path in paths:
        label = f"{path.parent.name}/{path.name}" + ("" if target == "numpy" else f" ({target})")
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        seconds, explorers, errors = bench.run_notebook(nb, path, changes, 1)
        wall = time.perf_counter() - start
        setup = [c for c in nb.cells if c.get("id") == "colab-setup"]
        said = "".join(
            o.get("text", "") for c in setup for o in c.get("outputs", []) if "text" in o
        )
        if not setup or (SETUP_SAYS not in said if colab else said):
            errors.append(f"the setup cell printed {said!r} (on Colab: one line, else nothing)")
        explorers.pop("__cpu_s__", None)
        results[label] = {
            "run_all_s": round(seconds, 2),
            "wall_s": round(wall, 2),
            "setup": said.strip(),
            "explorers_ms": {k: round(v["total_ms"], 1) for k, v in explorers.items()},
            "simulate_draw_ms": {
                k: [round(v["simulate_ms"], 1), round(v["draw_ms"], 1)]
                for k, v in explorers.items()
            },
        }
        failures += [f"{label}: {e}" for e in errors]
        mark = "FAIL" if errors else "ok"
        shown = ", ".join(f"{k} {v:.0f} ms" for k, v in results[label]["explorers_ms"].items())
        print(f"   {mark:4} {label:48} {seconds:6.1f} s  {shown}", flush=True)
        for error in errors:
            print(f"        {error}", flush=True)
    return results, failures


def inside(argv):
    """In the Colab-like environment: ``freeze OUT`` or ``run OUT CHANGES TARGET PATH...``.

    Writes JSON to OUT: the installed versions, or the notebooks' results and failures.
    """
    what, out = argv[0], Path(argv[1])
    if what == "freeze":
        out.write_text(json.dumps(freeze()))
        return 0
    changes, target, paths = int(argv[2]), argv[3], [Path(p) for p in argv[4:]]
    results, failures = run_notebooks(paths, changes, target)
    out.write_text(json.dumps({"notebooks": results, "failures": failures}))
    return 1 if failures else 0


# ---------------------------------------------------------------------------------------------


def reports(started, runtime):
    """The merged reports of runs started together, read once every one of them has ended.

    ``started``: (process, report path) pairs. A run that ended without its report fails the
    runtime (SystemExit), but only after the others ended: they work in the same temporary copy,
    which goes with the runtime, so stopping early would break them too.
    """
    for process, _ in started:
        process.wait()
    missing = [f"exit status {process.returncode}" for process, out in started if not out.exists()]
    if missing:
        raise SystemExit(
            f"colab: {len(missing)} of {len(started)} runs in {runtime!r} ended before their "
            f"report ({', '.join(missing)}); see their output above"
        )
    merged = {"notebooks": {}, "failures": []}
    for _, out in started:
        found = json.loads(out.read_text())
        merged["notebooks"].update(found["notebooks"])
        merged["failures"] += found["failures"]
    return merged


def test_runtime(runtime, words, changes, cython, jobs, log):
    """Make the runtime's environment and run the notebooks there; its results (a dict).

    The first notebook runs alone (its setup cell installs the course), the others in ``jobs``
    parallel processes, then those chosen by ``cython`` on the Cython target.
    """
    print(f"== Colab runtime {runtime!r} (Python {RUNTIMES[runtime]})", flush=True)
    start = time.perf_counter()
    python = make_environment(runtime, log)
    made = time.perf_counter() - start
    print(f"   environment made in {made:.0f} s ({requirements(runtime).name})", flush=True)
    with tempfile.TemporaryDirectory(prefix="brian-labs-colab-") as tmp:
        copy = repository_copy(Path(tmp) / "brian-labs")
        # PYDEVD_...: ipykernel 6.17's debugger would warn about frozen modules in every kernel
        env = dict(os.environ, BRIAN_LABS_COLAB_SOURCE=copy.as_uri())
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        for name in ("BRIAN_LABS_VENV", "VIRTUAL_ENV", "PYTHONPATH"):
            env.pop(name, None)
        outputs = (Path(tmp) / f"out-{i}.json" for i in itertools.count())
        processes = []

        def start_inside(*arguments):
            out = next(outputs)
            command = [python, "-m", "tools.colab_runtime", "--inside", arguments[0], str(out)]
            processes.append(subprocess.Popen([*command, *arguments[1:]], cwd=copy, env=env))
            return processes[-1], out

        def freeze_now():
            process, out = start_inside("freeze")
            process.wait()
            return json.loads(out.read_text())

        def run(target, group):
            return start_inside("run", str(changes), target, *map(str, group))

        paths = chosen(copy, words)
        on_cython = [p for p in paths if p.parent.name == "notebooks" and cython_chosen(p, cython)]
        groups = [group for i in range(jobs) if (group := paths[1 + i :: jobs])]
        try:
            before = freeze_now()
            # the first notebook alone: its setup cell installs the course
            results = reports([run("numpy", paths[:1])], runtime)
            for result in results["notebooks"].values():
                print(f"   the setup cell said: {result['setup']}", flush=True)
            parts = [reports([run("numpy", group) for group in groups], runtime)]
            parts += [reports([run("cython", on_cython)], runtime)] if on_cython else []
            after = freeze_now()
        finally:  # no run outlives the copy it works in (interrupted, or a run without report)
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    for part in parts:
        results["notebooks"].update(part["notebooks"])
        results["failures"] += part["failures"]
    results["failures"] += [f"pip freeze: {line}" for line in changed_packages(before, after)]
    results["added"] = sorted(f"{name}=={after[name]}" for name in after.keys() - before.keys())
    results["environment_s"] = round(made, 1)
    print(f"   added by the setup cell: {', '.join(results['added']) or 'nothing'}")
    return results


def baseline(words, changes):
    """The same notebooks and explorer moves in the course's own environment (this Python)."""
    print(f"== the course's environment (Python {sys.version.split()[0]})", flush=True)
    with tempfile.TemporaryDirectory(prefix="brian-labs-colab-") as tmp:
        copy = repository_copy(Path(tmp) / "brian-labs")
        paths = [p for p in chosen(copy, words) if p.parent.name == "notebooks"]
        results, failures = run_notebooks(paths, changes, colab=False)
    return {"notebooks": results, "failures": failures}


def summary(report):
    """Median explorer latency per environment, printed; the medians in ms."""
    medians = {}
    for name, results in report.items():
        values = [v for r in results["notebooks"].values() for v in r["explorers_ms"].values()]
        if values:
            medians[name] = statistics.median(values)
            print(f"   {name:20} explorer median {medians[name]:.0f} ms over {len(values)}")
    return medians


def main(argv=None):
    """Test the chosen Colab runtimes; the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--inside"]:
        return inside(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("words", nargs="*", help="only notebooks whose name contains one of these")
    parser.add_argument("--runtime", choices=[*RUNTIMES, "all"], default="all")
    parser.add_argument("--changes", type=int, default=5, help="slider moves per explorer")
    parser.add_argument("--baseline", action="store_true", help="also the course's environment")
    parser.add_argument(
        "--jobs", type=int, default=1, help="notebooks run at once (1 for latency figures)"
    )
    parser.add_argument(
        "--cython",
        default="01",
        help="notebooks (comma-separated name starts) run again on the Cython target (01)",
    )
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / "colab-install.log"
    log.write_text("")
    runtimes = list(RUNTIMES) if args.runtime == "all" else [args.runtime]
    cython = args.cython.split(",")
    report = {
        f"colab {r}": test_runtime(r, args.words, args.changes, cython, args.jobs, log)
        for r in runtimes
    }
    if args.baseline:
        report["course .venv"] = baseline(args.words, args.changes)
    print("== explorer latency (simulate + draw, median of every explorer's moves)")
    summary(report)
    (OUT / "colab.json").write_text(json.dumps(report, indent=1) + "\n")
    failures = [f"[{name}] {f}" for name, r in report.items() for f in r["failures"]]
    if failures:
        print("FAILURES:\n  " + "\n  ".join(failures))
        return 1
    print(f"colab: every notebook ran in {', '.join(runtimes)}; Colab's packages unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
