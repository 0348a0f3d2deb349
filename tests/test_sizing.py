"""docs/serving-a-class.md's sizing tables are generated from benchmarks/classroom.json."""

import json
import re
from pathlib import Path

import pytest

from tools import markers, sizing

ROOT = Path(__file__).resolve().parents[1]

RESULTS = json.loads(sizing.RESULTS.read_text())


def test_the_documents_section_is_what_the_json_gives():
    assert (
        markers.rewrite(sizing.DOC.read_text(), sizing.render(RESULTS), sizing.START, sizing.END)
        == sizing.DOC.read_text()
    ), "run python3 tools/sizing.py"


def table_rows(text, header_start):
    """The rows of the markdown table whose header starts with ``header_start``, as cell lists."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_measured_table_has_every_run_with_its_own_figures():
    rows = table_rows(sizing.DOC.read_text(), "| N | cache |")
    assert len(rows) == len(RESULTS["runs"])
    for row, run in zip(rows, RESULTS["runs"], strict=True):
        records = [r for r in run["records"] if r["fault"] is None]
        lab = sorted(x for r in records for x in r["lab_latencies_s"])
        assert row[0] == str(run["students"]) and row[1] == run["cache"]
        if lab:  # recomputed here from the raw latencies, not from the summary
            median = lab[round(0.5 * (len(lab) - 1))]
            assert row[2].split(" / ")[0] == f"{median:.2f}"
        assert row[4] == f"{len(lab)} / {sum(len(r['demo_latencies_s']) for r in records)}"
        assert row[7] == str(sum(len(r["errors"]) for r in records))
        assert row[8] == str(len(run["records"]) - len(records))


def test_every_class_size_was_measured_within_the_time_budget():
    measured = {(run["students"], run["cache"]) for run in RESULTS["runs"]}
    assert {(n, "cold") for n in (1, 5, 10, 20)} <= measured, RESULTS.get("skipped_for_time")
    assert RESULTS["duration_s"] <= 20 * 60


def test_the_load_test_listened_on_loopback_only():
    for run in RESULTS["runs"]:
        assert run["listeners"]["listening"] >= 2 * run["students"], run["listeners"]
        assert run["listeners"]["exposed"] == [], run["listeners"]


def test_sizing_follows_the_stated_assumptions():
    costs = dict(cpu_move_s=0.1, cpu_run_all_s=6.0, cpu_server_s=3.0, mb=350.0, peak_mb=500.0)
    s = sizing.sizing(costs, 100)
    # demo: max(100 * 0.1 / 2 s, 100 * (3 + 6) / 60 s) = 15 cores, plus one for the hub and system
    assert s["demo_cores"] == 15 + sizing.OS_CORES
    # lab: 100 * (0.1 / 20 + 6 / 600) / 0.7 = 2.14 -> 3 cores, plus one
    assert s["lab_cores"] == 3 + sizing.OS_CORES
    assert s["demo_gb"] == -(-(100 * 500 + sizing.HUB_MB) // 1024)
    assert s["lab_gb"] == -(-(100 * 350 + sizing.HUB_MB) // 1024)


@pytest.mark.parametrize("cache", ["cold", "prebuilt"])
def test_sizing_grows_with_the_class(cache):
    costs = sizing.costs(RESULTS, cache)
    if costs is None:
        pytest.skip(f"no {cache} run in benchmarks/classroom.json")
    sizes = [sizing.sizing(costs, n) for n in sizing.CLASS_SIZES]
    for key in ("demo_cores", "lab_cores", "demo_gb", "lab_gb"):
        values = [s[key] for s in sizes]
        assert values == sorted(values) and values[0] < values[-1], (key, values)
    text = sizing.DOC.read_text()
    assert re.search(rf"\*\*Sizing, {cache} cache\*\*", text)
