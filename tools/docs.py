#!/usr/bin/env python3
"""Rewrite every generated section of the docs from its data source.

    python3 course.py docs           # rewrite every generated section
    python3 course.py docs --check   # exit 1, naming the pages whose sections are out of date

A generated section is the text between a START and an END marker (tools/markers.py). Each has one
generator function, listed in SECTIONS with its page and data source:
- README.md, "Speed": the Run All and explorer figures of benchmarks/results.json (readme_speed);
- CONTRIBUTING.md: the explorer timings and the cold Run All times of the same file
  (explorer_table, cold_run_all);
- docs/instructor-guide.md: the stated times of the plans, from each notebook's header
  ("**Time** ≈ N min"): lab_plan, extension_plan, term_plan; the points per notebook of the
  nbgrader export (grading_points);
- docs/serving-a-class.md: the sizing tables, from benchmarks/classroom.json (tools/sizing.py);
- docs/seed-sweep.md: the recorded seed sweeps (tools/seed_sweep.py), and their one-line
  account in README.md and the instructor's guide (SWEEP-SUMMARY).
The prose outside the sections is free to change; tests/test_docs.py checks that regenerating
changes nothing, so a new measurement or a changed notebook time is written by this command, never
by hand.
"""

import argparse
import json
import math
import re
import sys
from pathlib import Path

from benchmarks import speed_docs
from tools import markers, nbgrader_export, seed_sweep, sizing

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
BENCHMARKS = ROOT / "benchmarks" / "results.json"


def markers_of(name):
    """The START and END markers of the generated section ``name`` (e.g. "SPEED")."""
    return f"<!-- {name}:START (python3 course.py docs) -->", f"<!-- {name}:END -->"


def section(name, lines):
    """The section ``name``: its markers around ``lines`` (a blank line after the start)."""
    start, end = markers_of(name)
    return "\n".join([start, "", *lines, end])


def course_notebooks():
    """The course's notebooks, in order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def whole(value):
    """``value`` rounded to the nearest integer, halves up (90.5 ms is 91 ms)."""
    return math.floor(value + 0.5)


# ---------------------------------------------------------------------------------------------
# README.md: the speed figures


def readme_speed(results):
    """The README's "Speed" paragraph (benchmarks/speed_docs.py), from results.json's figures."""
    return section(
        "SPEED",
        [
            speed_docs.readme_section(results),
            "",
            'How and why: `CONTRIBUTING.md`, "Fast explorers" and "Run All speed".',
            "",
        ],
    )


def guide_speed(results):
    """The instructor's guide's sentence on Run All and explorer times, from results.json."""
    return section("GUIDE-SPEED", [speed_docs.guide_section(results), ""])


# ---------------------------------------------------------------------------------------------
# CONTRIBUTING.md: the explorer timings and the cold Run All times

# Each course explorer of benchmarks/results.json as the table describes it (model, run, panels).
EXPLORERS = {
    "02_lif_spike_generator:explorer": "02 LIF + SpikeGeneratorGroup, 100 ms",
    "03_poisson_excitatory:explorer": "03 LIF + 100 Poisson inputs, 1 s",
    "04_poisson_inhibitory:explorer": "04 LIF + 100 inhibitory inputs, 1 s, 2 panels",
    "05_balanced_ei:explorer": "05 LIF + 800/200 E/I (per-step counts), 1 s, 2 panels",
    "06_izhikevich:explorer": "06 Izhikevich neuron, 5 sliders, 450 ms",
}


def explorer_table(results, notebooks):
    """The per-explorer timings (fast, numpy, warm Cython, ratio) of the course's explorers."""
    stems = {Path(name).stem for name in notebooks}
    keys = sorted(key for key in results["explorers"] if key.split(":")[0] in stems)
    unnamed = [key for key in keys if key not in EXPLORERS]
    if unnamed:
        raise ValueError(f"describe {unnamed} in tools/docs.py's EXPLORERS")
    lines = [
        "| explorer | fast (StandaloneModel) | numpy target | Cython, warm | fast vs numpy |",
        "|---|---|---|---|---|",
    ]
    for key in keys:
        row = results["explorers"][key]
        cython = "not measured" if row["cython_ms"] is None else f"{whole(row['cython_ms'])} ms"
        lines.append(
            f"| {EXPLORERS[key]} | {whole(row['median_ms'])} ms | {whole(row['numpy_ms'])} ms "
            f"| {cython} | {row['numpy_ms'] / row['median_ms']:.1f}× |"
        )
    return section("EXPLORER-TIMES", [*lines, ""])


def cold_run_all(results, notebooks):
    """Each notebook's cold Run All time, in seconds, on one line."""
    times = " · ".join(
        f"{name[:2]} {results['notebooks'][name]['cold_s']:.1f}" for name in sorted(notebooks)
    )
    return section(
        "COLD-RUN-ALL", [f"Cold Run All (`benchmarks/results.json`, seconds): {times}.", ""]
    )


# ---------------------------------------------------------------------------------------------
# docs/instructor-guide.md: the plans' stated times and the points per notebook

# The names the plans give the notebooks (shorter than some notebooks' titles).
TITLES = {
    "00": "Physical units",
    "01": "A simple decay equation",
    "02": "LIF neuron with a SpikeGeneratorGroup",
    "03": "Poisson excitatory inputs",
    "04": "Poisson inhibitory inputs",
    "05": "Balanced E/I inputs",
    "06": "Izhikevich neurons and network",
    "07": "PoissonInput vs PoissonGroup",
    "08": "TimedArray protocols",
    "09": "A layered network step by step",
    "10": "Troubleshooting checklist",
}
SESSION_MIN = 180  # one lab
# One 3-hour lab: (slot, notebook or None for the break, what happens in the session).
LAB_PLAN = [
    ("before the lab", "00", "homework (students read it and do its two exercises)"),
    ("0:00-0:30", "01", "students work; 5-min demo of the Euler error at start"),
    ("0:30-1:15", "02", "demo of the explorer, then exercises 1-2"),
    ("1:15-1:25", None, "break"),
    ("1:25-2:10", "03", "demo, then exercises 1-2"),
    ("2:10-2:25", "04", "live demo only (15 min); exercise as homework"),
    ("2:25-3:00", "05", "sections 1-3 and exercise 1 (35 min); the rest as homework"),
]
# The extensions: (notebook, when it fits).
EXTENSION_PLAN = [
    ("06", "a session of its own (the network and the explorer)"),
    ("07", "after 04"),
    ("08", "after 03"),
    ("09", "a project session, after 08"),
    ("10", "any time after 09; its exercises suit an exam"),
]
# A term: (session, [(notebook, what of it)], homework).
TERM_PLAN = [
    (1, [("01", ""), ("02", " (sections 1-3)")], "00 before the session; the rest of 02"),
    (2, [("03", ""), ("04", " (demo and exercise 1)")], "04 exercise 2"),
    (3, [("05", "")], "its exercise 3"),
    (4, [("06", "")], "exercise 4"),
    (5, [("07", ""), ("08", "")], "08 exercise 4"),
    (6, [("09", "")], "10 as self-study or as the exam"),
]


def stated_minutes(paths):
    """{"NN": the minutes notebook NN's header states ("**Time** ≈ N min")}, for ``paths``."""
    minutes = {}
    for path in paths:
        header = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
        match = re.search(r"\*\*Time\*\* ≈ (\d+) min", header)
        if not match:
            raise ValueError(f"{path.name}: no '**Time** ≈ N min' in its first cell")
        minutes[path.name[:2]] = int(match.group(1))
    return minutes


def named(number):
    """A notebook as the plans name it: "03 · Poisson excitatory inputs"."""
    return f"{number} · {TITLES[number]}"


def lab_plan(minutes):
    """The 3-hour lab: the core notebooks' total and the session plan with stated times."""
    core = sum(m for number, m in minutes.items() if number <= "05")
    if core <= 2 * SESSION_MIN:
        raise ValueError(
            f"00-05 state {core} min, no longer over twice a {SESSION_MIN}-min session: the "
            "guide's plan (and its text) assumes they do not fit; revise LAB_PLAN"
        )
    lines = [
        "The times are those stated in each notebook's header (re-estimated with each notebook's "
        "modelling",
        f"exercise and open questions); they add up to {core} min for 00-05, well over twice a "
        f"{SESSION_MIN}-min session.",
        f"The plan below fits {SESSION_MIN} min by setting 00 as preparation, demonstrating 04, "
        "and leaving the",
        "modelling exercises and the second half of 05 as homework.",
        "",
        "| slot | notebook | stated time | in the session |",
        "|---|---|---|---|",
    ]
    for slot, number, note in LAB_PLAN:
        if number is None:
            lines.append(f"| {slot} | {note} | | |")
        else:
            lines.append(f"| {slot} | {named(number)} | {minutes[number]} min | {note} |")
    return section("LAB-PLAN", [*lines, ""])


def extension_plan(minutes):
    """The extension notebooks with their stated times, their total and the whole course's."""
    lines = ["| notebook | stated time | fits |", "|---|---|---|"]
    for number, fits in EXTENSION_PLAN:
        lines.append(f"| {named(number)} | {minutes[number]} min | {fits} |")
    extensions = sum(m for number, m in minutes.items() if number >= "06")
    whole = sum(minutes.values())
    if whole <= 2 * SESSION_MIN:
        raise ValueError(
            f"the course states {whole} min: two 3-hour labs hold it; revise the text"
        )
    lines += [
        "",
        f"The five extension notebooks state {extensions} min together, and the whole course "
        f"{whole} min: more than two",
        "3-hour labs can hold.",
        "",
    ]
    return section("EXTENSIONS", lines)


def term_plan(minutes):
    """Six 2-hour sessions, each with its notebooks' stated times."""
    lines = ["| session | notebooks | stated time | homework |", "|---|---|---|---|"]
    for session, parts, homework in TERM_PLAN:
        notebooks = ", ".join(named(number) + what for number, what in parts)
        stated = " + ".join(str(minutes[number]) for number, _ in parts)
        lines.append(f"| {session} | {notebooks} | {stated} min | {homework} |")
    return section("TERM-PLAN", [*lines, ""])


def grading_points(paths):
    """The points of each notebook's nbgrader assignment (tools/nbgrader_export.py), as a table."""
    return nbgrader_export.points_table(paths)


# ---------------------------------------------------------------------------------------------
# Every section, with its page


def sections():
    """``[(page, start, end, section text)]`` of every generated section, freshly generated."""
    paths = course_notebooks()
    minutes = stated_minutes(paths)
    results = json.loads(BENCHMARKS.read_text(encoding="utf-8"))
    guide = ROOT / "docs" / "instructor-guide.md"
    names = [p.name for p in paths]
    made = [
        (ROOT / "README.md", "SPEED", readme_speed(results)),
        (ROOT / "CONTRIBUTING.md", "EXPLORER-TIMES", explorer_table(results, names)),
        (ROOT / "CONTRIBUTING.md", "COLD-RUN-ALL", cold_run_all(results, names)),
        (guide, "LAB-PLAN", lab_plan(minutes)),
        (guide, "EXTENSIONS", extension_plan(minutes)),
        (guide, "TERM-PLAN", term_plan(minutes)),
        (guide, "POINTS", grading_points(paths)),
        (guide, "GUIDE-SPEED", guide_speed(results)),
    ]
    found = [(page, *markers_of(name), text) for page, name, text in made]
    found.append(
        (
            sizing.DOC,
            sizing.START,
            sizing.END,
            sizing.render(json.loads(sizing.RESULTS.read_text())),
        )
    )
    found.append((seed_sweep.DOC, seed_sweep.START, seed_sweep.END, seed_sweep.render()))
    sweep_start, sweep_end = markers_of("SWEEP-SUMMARY")
    sweep_summary = sweep_start + seed_sweep.summary() + sweep_end
    for page in (ROOT / "README.md", guide):
        found.append((page, sweep_start, sweep_end, sweep_summary))
    return found


def regenerated():
    """``{page: (current text, text with every generated section rewritten)}``."""
    pages = {}
    for page, start, end, text in sections():
        current = page.read_text(encoding="utf-8")
        updated = pages.get(page, (current, current))[1]
        pages[page] = (current, markers.rewrite(updated, text, start, end))
    return pages


def main(argv=None):
    """Rewrite the generated sections, or with ``--check`` name the stale pages; exit status."""
    parser = argparse.ArgumentParser(
        prog="python3 course.py docs", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--check", action="store_true", help="only say what is out of date")
    check = parser.parse_args(argv).check
    pages = regenerated()
    stale = [page for page, (current, updated) in pages.items() if updated != current]
    for page in stale:
        shown = page.relative_to(ROOT)
        if check:
            print(f"{shown}: a generated section is out of date: run python3 course.py docs")
        else:
            page.write_text(pages[page][1], encoding="utf-8")
            print(f"rewrote {shown}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
