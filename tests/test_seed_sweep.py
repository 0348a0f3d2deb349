"""docs/seed-sweep.md is generated from the recorded sweeps, which cover what the page claims."""

import json
from pathlib import Path

import pytest

from tools import matrix, seed_sweep

ROOT = Path(__file__).resolve().parents[1]

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
RECORDED = sorted(seed_sweep.recorded().items())


def test_the_page_is_what_the_recorded_results_give():
    assert seed_sweep.main(["--check"]) == 0, "run python3 course.py seed-sweep"


def test_the_page_names_no_folder_of_the_machine_that_ran_the_sweep():
    command = "python3 course.py matrix --seeds 1-100 --out /work/cache/sweep/numpy --reuse"
    assert seed_sweep.shown_command(command, "numpy") == (
        "python3 course.py matrix --seeds 1-100 --out output/sweep-numpy --reuse"
    )
    assert seed_sweep.shown_command("m --out=/tmp/x", "cython") == "m --out=output/sweep-cython"
    page = seed_sweep.DOC.read_text(encoding="utf-8")
    assert "/work/" not in page and "/tmp/" not in page and "/home/" not in page


def test_every_brian2_version_the_locks_install_has_a_section():
    versions = seed_sweep.installed_brian2()
    assert {"2.9.0", "2.10.1", "2.11.0"} <= set(versions)
    assert versions["2.9.0"] == ["3.11"]
    page = seed_sweep.DOC.read_text(encoding="utf-8")
    for version, pythons in versions.items():
        assert f"## Brian2 {version} (the lock for Python {', '.join(pythons)})" in page


@pytest.mark.parametrize("key", [key for key, _ in RECORDED], ids="-".join)
def test_each_sweep_ran_every_notebook_under_each_of_its_seeds_and_passed(key):
    brian2, target = key
    run = seed_sweep.load(dict(RECORDED)[key])
    ran = {(r["name"], r["seed"]): r for r in run["results"]}
    assert {r["target"] for r in run["results"]} == {target}
    assert seed_sweep.brian2_of(run["results"], key) == brian2
    seeds = sorted({r["seed"] for r in run["results"]})
    missing = [(n, s) for n in NOTEBOOKS for s in seeds if (n, s) not in ran]
    assert not missing, f"{key}: not in the sweep: {missing[:5]} ..."
    failed = [(n, s) for (n, s), r in ran.items() if r["status"] != "pass"]
    assert not failed, f"{key}: the page and README say how many failed; fix {failed}"


def matrix_run(folder, results):
    """A finished matrix run's matrix.json in ``folder``."""
    folder.mkdir()
    run = dict(command="python3 course.py matrix --seeds 1-2", wall_seconds=3.0, results=results)
    (folder / "matrix.json").write_text(json.dumps(run))
    return folder


def result(seed, target="numpy", brian2="2.9.0", name="00_units.ipynb", fingerprint="f"):
    return dict(
        kind="notebook", name=name, seed=seed, target=target, fingerprint=fingerprint,
        environment=f"Python 3.x, Brian2 {brian2}, numpy 2.x, Linux", status="pass", seconds=2.0,
        tests=3, skipped=0, failed=[], returncode=0, failures=0, errors=0,
    )  # fmt: skip


@pytest.fixture
def recorded_here(tmp_path, monkeypatch):
    """The sweep's records in ``tmp_path``, one course notebook (00) in ``tmp_path/notebooks``."""
    monkeypatch.setattr(seed_sweep, "RESULTS", tmp_path)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "00_units.ipynb").write_bytes(
        (ROOT / "notebooks" / "00_units.ipynb").read_bytes()
    )
    monkeypatch.setattr(seed_sweep, "NOTEBOOKS", notebooks)
    return tmp_path


def test_record_keeps_the_fields_the_report_reads_one_result_per_line(recorded_here):
    path = seed_sweep.record(matrix_run(recorded_here / "out", [result(1), result(2)]))
    assert path == recorded_here / "seed-sweep-numpy-brian2-2.9.0.json"
    lines = path.read_text().splitlines()
    assert len(lines) == 4  # header, two results, closing
    recorded = json.loads(path.read_text())
    assert recorded["command"] == "python3 course.py matrix --seeds 1-2"
    assert [r["seed"] for r in recorded["results"]] == [1, 2]
    assert "returncode" not in recorded["results"][0]
    assert "Brian2 2.9.0" in recorded["results"][0]["environment"]
    section = seed_sweep.render()
    assert "## Brian2 2.9.0 (the lock for Python 3.11)" in section
    assert "### numpy target (no compiler)" in section and "2 runs, 2 passed, 0 failed" in section
    assert "## Brian2 2.11.0 (the lock for Python 3.13, 3.14)\n\nNot swept yet." in section


def test_record_refuses_unfinished_mixed_and_unknown_runs(recorded_here):
    with pytest.raises(SystemExit, match="unfinished"):
        unfinished = recorded_here / "a"
        unfinished.mkdir()
        (unfinished / "matrix.json").write_text(json.dumps([result(1)]))  # written while running
        seed_sweep.record(unfinished)
    with pytest.raises(SystemExit, match="mixes targets"):
        seed_sweep.record(matrix_run(recorded_here / "b", [result(1), result(1, "cython")]))
    with pytest.raises(SystemExit, match="one version per sweep"):
        seed_sweep.record(matrix_run(recorded_here / "c", [result(1), result(2, brian2="2.11.0")]))
    with pytest.raises(SystemExit, match=r"no .*matrix\.json"):
        seed_sweep.record(recorded_here / "nowhere")


def test_a_sweep_vouches_only_for_the_code_it_ran(recorded_here):
    current = matrix.fingerprint((seed_sweep.NOTEBOOKS / "00_units.ipynb").resolve())
    seed_sweep.record(matrix_run(recorded_here / "now", [result(1, fingerprint=current)]))
    seed_sweep.record(
        matrix_run(recorded_here / "old", [result(1, "numpy", "2.11.0", fingerprint="0ld")])
    )
    section = seed_sweep.render()
    assert "Every notebook's current code is the code this sweep ran" in section
    assert "**Changed since this sweep** (1 notebooks" in section and "00_units." in section
    assert seed_sweep.summary() == (
        "Brian2 2.9.0: 1 seeds on numpy (no check failed); Brian2 2.10.1: not swept yet; "
        "Brian2 2.11.0: 1 seeds on numpy (no check failed; "
        "the code of 1 of 1 notebooks changed since)"
    )


def test_the_readme_and_the_guide_quote_the_summary():
    summary = seed_sweep.summary()
    for page in (ROOT / "README.md", ROOT / "docs" / "instructor-guide.md"):
        assert summary in page.read_text(encoding="utf-8"), page.name


def test_the_fingerprint_is_the_same_on_every_supported_python(tmp_path):
    """Sweeps run on 3.11, 3.12 and 3.13 are compared with the code the page is rendered from.

    3.12 splits an f-string into tokens (PEP 701) and numbers tokens differently; 3.12 and 3.13
    add and omit empty syntax-tree fields. The expected values were computed on 3.11; CI runs
    this file on every supported Python.
    """
    tokens = matrix.code_tokens('x = f"a{b!r:>{w}} {{c}}" + f"""q\n{z}"""  # note\n')
    assert tokens == [
        "NAME:x", "OP:=", 'STRING:f"a{b!r:>{w}} {{c}}"', "OP:+", 'STRING:f"""q\n{z}"""',
        "NEWLINE:\n",
    ]  # fmt: skip
    module = tmp_path / "m.py"
    module.write_text('def f(x, *, k=1):\n    """Doc."""\n    return f"{x}" if k else None\n')
    assert matrix.python_program(module) == (
        "Module(body=[FunctionDef(name='f', args=arguments(args=[arg(arg='x')], "
        "kwonlyargs=[arg(arg='k')], kw_defaults=[Constant(value=1)]), "
        "body=[Return(value=IfExp(test=Name(id='k', ctx=Load()), "
        "body=JoinedStr(values=[FormattedValue(value=Name(id='x', ctx=Load()), conversion=-1)]), "
        "orelse=Constant(value=None)))])])"
    )
    # a nested format spec: 3.12 and later end it with an empty string (labutils/settings.py)
    module.write_text('print(f"{key:<{width}}  {value}")\n')
    assert matrix.python_program(module) == (
        "Module(body=[Expr(value=Call(func=Name(id='print', ctx=Load()), args=[JoinedStr(values=["
        "FormattedValue(value=Name(id='key', ctx=Load()), conversion=-1, format_spec=JoinedStr("
        "values=[Constant(value='<'), FormattedValue(value=Name(id='width', ctx=Load()), "
        "conversion=-1)])), Constant(value='  '), FormattedValue(value=Name(id='value', "
        "ctx=Load()), conversion=-1)])]))])"
    )


def test_a_kernel_that_never_started_counts_as_a_timeout_not_a_failed_check():
    started_late = "RuntimeError: Kernel didn't respond in 60 seconds\nclient.py:211: RuntimeError"
    assert matrix.kernel_did_not_start(dict(failures=0, errors=41), started_late)
    assert matrix.kernel_did_not_start(
        dict(failures=0, errors=1), "RuntimeError: Kernel died before replying to kernel_info"
    )
    # a check that failed is a failure, whatever else the output says
    assert not matrix.kernel_did_not_start(dict(failures=1, errors=40), started_late)
    assert not matrix.kernel_did_not_start(dict(failures=0, errors=1), "AssertionError: 3 != 4")


def job_results(*messages):
    """run_job's results, in turn: a pass for None, else a run that failed with that message."""
    results = iter(messages)

    def run_job(job, python, timeout):
        message = next(results)
        failed = [] if message is None else [dict(cell="?", test="?", message=message)]
        status = "pass" if message is None else "timeout"
        return dict(name="01_decay.ipynb", status=status, failed=failed)

    return run_job


def test_a_job_whose_kernel_did_not_start_runs_again(monkeypatch):
    not_started = matrix.KERNEL_NOT_STARTED
    monkeypatch.setattr(matrix, "run_job", job_results(not_started, None))
    result = matrix.run_job_started({}, "python3", 900)
    assert (result["status"], result["kernel_starts"]) == ("pass", 2)
    monkeypatch.setattr(matrix, "run_job", job_results(*[not_started] * matrix.KERNEL_ATTEMPTS))
    result = matrix.run_job_started({}, "python3", 900)
    assert (result["status"], result["kernel_starts"]) == ("timeout", matrix.KERNEL_ATTEMPTS)
    # any other outcome is the job's verdict: it does not run again
    monkeypatch.setattr(matrix, "run_job", job_results("no result within 900 s", None))
    assert matrix.run_job_started({}, "python3", 900)["kernel_starts"] == 1


def test_the_report_adds_run_times_alike_on_every_python():
    # 15.2 + 7.1 + 4.7 is 26.999999999999996 by sum() before Python 3.12, which adds floats with
    # compensation since: 0.4 min against 0.5, and a page generated on one Python differed from
    # the same records on another (the recorded 2.9.0 sweep: 154.7 min on 3.11, 154.8 on 3.12)
    results = [
        dict(
            kind="notebook",
            name="01_decay.ipynb",
            target="numpy",
            seed=seed,
            status="pass",
            seconds=seconds,
            failed=[],
        )
        for seed, seconds in enumerate([15.2, 7.1, 4.7], start=1)
    ]
    assert "0.5 min of run time" in matrix.markdown(results, "matrix", wall=60)


def test_reuse_runs_again_what_says_nothing_of_the_code():
    def result(status, failures, errors):
        return dict(status=status, tests=41, failures=failures, errors=errors)

    assert matrix.says_nothing_of_the_code(result("timeout", 0, 0))
    assert matrix.says_nothing_of_the_code(result("fail", 0, 41))  # the kernel never started
    assert not matrix.says_nothing_of_the_code(result("fail", 1, 0))  # a check failed
    assert not matrix.says_nothing_of_the_code(result("fail", 1, 3))
    assert not matrix.says_nothing_of_the_code(result("pass", 0, 0))
