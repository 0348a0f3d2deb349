"""The numbers the docs quote are generated into them (tools/docs.py), never typed by hand."""

import json

import pytest

from tools import docs


def test_regenerating_the_docs_changes_nothing():
    stale = [
        page.name for page, (current, updated) in docs.regenerated().items() if updated != current
    ]
    assert not stale, f"{stale}: run python3 course.py docs"


def test_every_notebook_is_in_a_plan_once():
    planned = [number for _slot, number, _note in docs.LAB_PLAN if number] + [
        number for number, _fits in docs.EXTENSION_PLAN
    ]
    numbers = [path.name[:2] for path in docs.course_notebooks()]
    assert sorted(planned) == numbers
    assert set(docs.TITLES) == set(numbers)


def results(cold, explorers):
    return {
        "notebooks": {name: {"cold_s": s} for name, s in cold.items()},
        "explorers": {
            key: {"median_ms": median, "numpy_ms": numpy, "cython_ms": 1.0}
            for key, (median, numpy) in explorers.items()
        },
    }


def test_speed_sections_quote_the_course_explorers_and_change_with_the_results():
    measured = {
        "measured": {"date": "2026-12-06", "load_average": 0.4, "cores": 2},
        "notebooks": {"02_a.ipynb": {"cold_s": 2.4}, "06_izhikevich.ipynb": {"cold_s": 21.6}},
        "explorers": {
            "02_a:explorer": {"median_ms": 67.4, "draw_ms": 20.0, "numpy_ms": 134.8},
            "example_explorer:explorer": {"median_ms": 5.0, "draw_ms": 1.0, "numpy_ms": 500.0},
        },
        "browser": {},
    }
    text = docs.readme_speed(measured)
    start, end = docs.markers_of("SPEED")
    assert text.startswith(start) and text.endswith(end)
    flat = " ".join(text.split())
    assert "shows a new figure 67 ms after a slider moves" in flat  # example_explorer left out
    assert "2.0× faster" in flat
    guide = docs.guide_speed(measured)
    assert guide.startswith(docs.markers_of("GUIDE-SPEED")[0]) and "update 67 ms" in guide
    measured["explorers"]["02_a:explorer"]["median_ms"] = 200.0
    assert "200 ms after a slider" in " ".join(docs.readme_speed(measured).split())


def test_explorer_table_says_when_cython_was_not_measured():
    timings = results(
        {"04_poisson_inhibitory.ipynb": 6.6}, {"04_poisson_inhibitory:explorer": (90.5, 810.5)}
    )
    timings["explorers"]["04_poisson_inhibitory:explorer"]["cython_ms"] = None
    table = docs.explorer_table(timings, ["04_poisson_inhibitory.ipynb"])
    assert "| 91 ms | 811 ms | not measured | 9.0× |" in table


def notebook(tmp_path, name, header):
    path = tmp_path / name
    path.write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": [header]}]}))
    return path


def test_stated_minutes_come_from_each_notebooks_header(tmp_path):
    paths = [
        notebook(tmp_path, "00_a.ipynb", "# A\n**Time** ≈ 25 min · **Level** easy"),
        notebook(tmp_path, "01_b.ipynb", "# B\n**Time** ≈ 50 min"),
    ]
    assert docs.stated_minutes(paths) == {"00": 25, "01": 50}
    with pytest.raises(ValueError, match=r"02_c\.ipynb"):
        docs.stated_minutes([notebook(tmp_path, "02_c.ipynb", "# C\nno time")])


def minutes(each):
    return {f"{n:02d}": each for n in range(11)}


def test_plans_add_the_stated_times():
    text = docs.lab_plan(minutes(80))
    assert "they add up to 480 min for 00-05" in text
    assert "| 0:00-0:30 | 01 · A simple decay equation | 80 min |" in text
    assert "state 400 min together, and the whole course 880 min" in docs.extension_plan(
        minutes(80)
    )
    assert "| 80 + 80 min |" in docs.term_plan(minutes(80))


def test_the_lab_plan_refuses_a_claim_that_no_longer_holds():
    with pytest.raises(ValueError, match="revise LAB_PLAN"):
        docs.lab_plan(minutes(30))  # 00-05 would fit in two sessions


def test_explorer_table_rounds_halves_up_and_wants_every_course_explorer_described():
    timings = results(
        {"04_poisson_inhibitory.ipynb": 6.6}, {"04_poisson_inhibitory:explorer": (90.5, 810.5)}
    )
    table = docs.explorer_table(timings, ["04_poisson_inhibitory.ipynb"])
    assert (
        "| 04 LIF + 100 inhibitory inputs, 1 s, 2 panels | 91 ms | 811 ms | 1 ms | 9.0× |" in table
    )
    undescribed = results({"11_new.ipynb": 1.0}, {"11_new:explorer": (50.0, 100.0)})
    with pytest.raises(ValueError, match="describe"):
        docs.explorer_table(undescribed, ["11_new.ipynb"])


def test_cold_run_all_lists_every_notebook_in_order():
    timings = results({"01_b.ipynb": 2.44, "00_a.ipynb": 3.24}, {})
    assert "seconds): 00 3.2 · 01 2.4." in docs.cold_run_all(timings, ["01_b.ipynb", "00_a.ipynb"])
