"""docs/seed-sweep.md is generated from the recorded sweeps, which cover what the page claims."""

import json
from pathlib import Path

import pytest

from tools import seed_sweep

ROOT = Path(__file__).resolve().parents[1]

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CLAIMED_SEEDS = {"numpy": range(1, 101), "cython": range(1, 21)}  # the page's title and README


def test_the_page_is_what_the_recorded_results_give():
    assert seed_sweep.main(["--check"]) == 0, "run python3 tools/seed_sweep.py"


@pytest.mark.parametrize("target", sorted(CLAIMED_SEEDS))
def test_each_sweep_ran_every_notebook_under_every_claimed_seed_and_passed(target):
    run = json.loads(seed_sweep.results_path(target).read_text(encoding="utf-8"))
    ran = {(r["name"], r["seed"]): r for r in run["results"] if r["target"] == target}
    missing = [(n, s) for n in NOTEBOOKS for s in CLAIMED_SEEDS[target] if (n, s) not in ran]
    assert not missing, f"{target}: not in the sweep: {missing[:5]} ..."
    failed = [(n, s) for (n, s), r in ran.items() if r["status"] != "pass"]
    assert not failed, f"{target}: the page and README say no check failed, but {failed} did"


def matrix_run(folder, results):
    """A finished matrix run's matrix.json in ``folder``."""
    folder.mkdir()
    run = dict(command="python3 course.py matrix --seeds 1-2", wall_seconds=3.0, results=results)
    (folder / "matrix.json").write_text(json.dumps(run))
    return folder


def result(seed, target="numpy"):
    return dict(
        kind="notebook", name="00_units.ipynb", seed=seed, target=target, fingerprint="f",
        environment="Python 3.x", status="pass", seconds=2.0, tests=3, skipped=0, failed=[],
        returncode=0, failures=0, errors=0,
    )  # fmt: skip


def test_record_keeps_the_fields_the_report_reads_one_result_per_line(tmp_path, monkeypatch):
    monkeypatch.setattr(seed_sweep, "RESULTS", tmp_path)
    path = seed_sweep.record(matrix_run(tmp_path / "out", [result(1), result(2)]))
    assert path == tmp_path / "seed-sweep-numpy.json"
    lines = path.read_text().splitlines()
    assert len(lines) == 4  # header, two results, closing
    recorded = json.loads(path.read_text())
    assert recorded["command"] == "python3 course.py matrix --seeds 1-2"
    assert [r["seed"] for r in recorded["results"]] == [1, 2]
    assert "returncode" not in recorded["results"][0]
    assert recorded["results"][0]["environment"] == "Python 3.x"
    section = seed_sweep.render()
    assert "## numpy target (no compiler)" in section and "2 runs, 2 passed, 0 failed" in section


def test_record_refuses_unfinished_and_mixed_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(seed_sweep, "RESULTS", tmp_path)
    with pytest.raises(SystemExit, match="unfinished"):
        unfinished = tmp_path / "a"
        unfinished.mkdir()
        (unfinished / "matrix.json").write_text(json.dumps([result(1)]))  # written while running
        seed_sweep.record(unfinished)
    with pytest.raises(SystemExit, match="mixes targets"):
        seed_sweep.record(matrix_run(tmp_path / "b", [result(1), result(1, "cython")]))
    with pytest.raises(SystemExit, match=r"no .*matrix\.json"):
        seed_sweep.record(tmp_path / "nowhere")
