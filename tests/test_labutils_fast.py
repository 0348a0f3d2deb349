"""Unit tests for labutils.fast.StandaloneModel.

validation, the cache location, the runtime fallback and (where a compiler exists) the
cpp_standalone build that re-runs with new values.
"""

import gc
import json
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest
from brian2 import (
    Hz,
    NeuronGroup,
    PoissonGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    ms,
    mV,
    run,
    second,
    start_scope,
)
from brian2.devices.device import get_device, runtime_device

from labutils import fast
from labutils.fast import StandaloneModel

TAU = 10 * ms
EQS = """
dv/dt = (drive - v) / TAU : 1
dg/dt = -g / (5*ms) : 1
drive : 1 (shared, constant)
"""


def build_small(model):
    """A leaky unit driven by a shared constant, plus a seeded Poisson input into g."""
    with model.build():
        unit = NeuronGroup(1, EQS, method="exact")
        inputs = PoissonGroup(20, rates=50 * Hz)
        syn = Synapses(inputs, unit, on_pre="g_post += 1")
        syn.connect()
        trace = StateMonitor(unit, ["v", "g"], record=0)
        spikes = SpikeMonitor(inputs)
    return unit, inputs, syn, trace, spikes


def runtime_still_works():
    start_scope()
    group = NeuronGroup(1, "dv/dt = -v / (10*ms) : 1", method="exact")
    group.v = 1
    run(10 * ms)
    return float(group.v[0])


def test_prepare_in_background_does_nothing_when_fast_is_off(monkeypatch):
    monkeypatch.setenv("BRIAN_LABS_FAST", "off")
    monkeypatch.setattr(fast, "_background", None)
    assert fast.prepare_in_background() is None and fast._background is None


def test_concurrent_callers_share_one_header_build(monkeypatch, tmp_path):
    """The background thread and an explorer's build may ask at the same time: one compiler run."""
    if not fast.compiler_available() or fast.precompiled_header() is None:
        pytest.skip("no GCC: no precompiled header")
    monkeypatch.setenv("BRIAN_LABS_CACHE_DIR", str(tmp_path))
    builds, real_run = [], fast.subprocess.run

    def counting_run(command, *args, **kwargs):
        if "c++-header" in command:
            builds.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(fast.subprocess, "run", counting_run)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(fast.precompiled_header()))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(builds) == 1, f"{len(builds)} compiler runs for one header"
    assert (
        len(results) == 3 and len(set(results)) == 1 and results[0].with_suffix(".h.gch").exists()
    )


@pytest.mark.parametrize("name", ["", "has space", "../escape", 3, "/abs"])
def test_rejects_bad_names(name):
    with pytest.raises(ValueError, match="name"):
        StandaloneModel(name, duration=1 * second)


def test_rejects_durations_without_time_units():
    with pytest.raises(TypeError, match="duration"):
        StandaloneModel("m", duration=1.0)
    with pytest.raises(Exception, match="duration"):
        StandaloneModel("m", duration=5 * mV)
    with pytest.raises(ValueError, match="duration"):
        StandaloneModel("m", duration=-1 * second)


@pytest.mark.parametrize("seed", [-1, 1.5, "3", True])
def test_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match="seed"):
        StandaloneModel("m", duration=1 * second, seed=seed)


def test_cache_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIAN_LABS_CACHE_DIR", str(tmp_path / "explicit"))
    assert fast.cache_dir() == tmp_path / "explicit"
    assert StandaloneModel("abc", 1 * second).builds == tmp_path / "explicit" / "standalone"
    monkeypatch.delenv("BRIAN_LABS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert fast.cache_dir() == tmp_path / "xdg" / "brian-labs"


def test_fast_off_forces_the_fallback(monkeypatch):
    monkeypatch.setenv("BRIAN_LABS_FAST", "off")
    assert not fast.compiler_available()
    assert not StandaloneModel("m", 1 * second).standalone


def test_run_before_build_and_bad_run_args_are_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIAN_LABS_FAST", "off")
    model = StandaloneModel("m", 20 * ms, seed=1, directory=tmp_path)
    with pytest.raises(RuntimeError, match="not built"):
        model.run()
    unit, *_ = build_small(model)
    with pytest.raises(TypeError, match="run_args"):
        model.run([(unit.drive, 1)])
    with pytest.raises(RuntimeError, match="already built"):
        model.build()


def test_error_inside_build_switches_the_device_back(tmp_path):
    model = StandaloneModel("broken", 20 * ms, directory=tmp_path)
    with pytest.raises(ZeroDivisionError):
        with model.build():
            NeuronGroup(1, "v : 1")
            raise ZeroDivisionError("an error inside the build block")
    assert get_device() is runtime_device
    assert runtime_still_works() == pytest.approx(np.exp(-1), rel=1e-3)


def test_empty_build_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIAN_LABS_FAST", "off")
    model = StandaloneModel("empty", 20 * ms, directory=tmp_path)
    with pytest.raises(RuntimeError, match="no Brian2 objects"):
        with model.build():
            pass


def check_reruns(model):
    """Shared behaviour of both modes: new values take effect, the same values repeat exactly."""
    unit, inputs, _syn, trace, spikes = build_small(model)
    assert get_device() is runtime_device, "the build must switch back to the runtime device"
    model.run(run_args={unit.drive: 1.0})
    v1, g1 = trace.v[0].copy(), trace.g[0].copy()
    n1 = spikes.num_spikes
    # 20 ms with tau 10 ms: v relaxes to 1 - exp(-2) of the drive (exact integration)
    assert v1[-1] == pytest.approx(1 - np.exp(-(20 * ms - 0.1 * ms) / TAU), rel=1e-3)
    model.run(run_args={unit.drive: 0.5})
    assert trace.v[0][-1] == pytest.approx(v1[-1] / 2, rel=1e-6)
    model.run(run_args={unit.drive: 1.0, inputs.rates: 0 * Hz})
    assert spikes.num_spikes == 0 and np.all(trace.g[0] == 0)
    model.run(run_args={unit.drive: 1.0})
    np.testing.assert_array_equal(trace.v[0], v1)
    np.testing.assert_array_equal(trace.g[0], g1)  # seeded: the same noise on every re-run
    assert spikes.num_spikes == n1 > 0
    assert model.run_s > 0 and model.build_s > 0
    assert runtime_still_works() == pytest.approx(np.exp(-1), rel=1e-3)


def test_runtime_fallback_reruns_with_new_values(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIAN_LABS_FAST", "off")
    model = StandaloneModel("fallback", 20 * ms, seed=3, directory=tmp_path)
    check_reruns(model)
    assert not any(tmp_path.iterdir()), "the fallback must not write a build"


def test_runtime_fallback_never_restores_the_random_state(monkeypatch, tmp_path):
    """The fallback never restores Brian2's random state; its noise still repeats.

    Brian2 2.9's Cython runtime stores the address of its random-number buffer with the random
    state; restoring it after the buffer moved frees that buffer twice (docs/design-notes.md: the
    kernel aborts). The fallback swaps in a stream of its own instead; its noise must still repeat
    exactly.
    """
    monkeypatch.setenv("BRIAN_LABS_FAST", "off")
    calls, restore = [], fast.Network.restore

    def recording_restore(self, name="default", filename=None, restore_random_state=False):
        calls.append(restore_random_state)
        return restore(self, name, filename, restore_random_state=restore_random_state)

    monkeypatch.setattr(fast.Network, "restore", recording_restore)
    model = StandaloneModel("fallback_seed", 20 * ms, seed=3, directory=tmp_path)
    unit, _inputs, _syn, trace, _spikes = build_small(model)
    model.run(run_args={unit.drive: 1.0})
    first = trace.g[0].copy()
    # the notebook drawing random numbers between two slider moves (its global generator)
    np.random.rand(1000)  # noqa: NPY002
    model.run(run_args={unit.drive: 1.0})
    assert calls == [False, False]
    np.testing.assert_array_equal(trace.g[0], first)
    assert first.max() > 0


@pytest.mark.skipif(not fast.compiler_available(), reason="needs a C++ compiler and make")
def test_standalone_build_reruns_with_new_values_and_models_stay_independent(tmp_path):
    first = StandaloneModel("first", 20 * ms, seed=3, directory=tmp_path / "first")
    assert first.standalone
    check_reruns(first)
    assert first.directory.parent == tmp_path / "first" and first.directory.name.startswith(
        "first-"
    )
    assert (first.directory / "main").exists() and first.compiled
    assert first.results_directory.parent == fast.results_folder(first.directory)
    # a second model in the same session gets its own device: the first one keeps working
    second_model = StandaloneModel("second", 10 * ms, seed=4, directory=tmp_path / "second")
    with second_model.build():
        other = NeuronGroup(
            1, "dv/dt = (drive - v) / TAU : 1\ndrive : 1 (shared, constant)", method="exact"
        )
        other_trace = StateMonitor(other, "v", record=0)
    second_model.run(run_args={other.drive: 2.0})
    assert len(other_trace.t) == 100
    assert other_trace.v[0][-1] == pytest.approx(2 * (1 - np.exp(-(9.9 * ms) / TAU)), rel=1e-3)


def test_an_unnamed_object_in_the_build_block_is_left_out_without_breaking_runs(tmp_path):
    """As with run(), an object not kept in a variable is not part of the model.

    It must not make later runs fail with Brian2's "weakly-referenced object no longer exists".
    """
    if not fast.compiler_available():
        pytest.skip("no C++ compiler")
    model = StandaloneModel("unnamed", 10 * ms, directory=tmp_path / "unnamed")
    with model.build():
        unit = NeuronGroup(
            1, "dv/dt = (drive - v) / TAU : 1\ndrive : 1 (shared, constant)", method="exact"
        )
        StateMonitor(unit, "v", record=0)  # not kept: garbage once the block ends
        kept = StateMonitor(unit, "v", record=0)
    gc.collect()
    model.run(run_args={unit.drive: 1.0})
    model.run(run_args={unit.drive: 2.0})
    assert kept.v[0][-1] == pytest.approx(2 * (1 - np.exp(-(9.9 * ms) / TAU)), rel=1e-3)


needs_compiler = pytest.mark.skipif(not fast.compiler_available(), reason="needs a C++ compiler")


@needs_compiler
def test_the_build_folder_follows_the_flags_and_a_models_results_go_with_it(tmp_path, monkeypatch):
    """The same model with other compiler flags gets its own build folder.

    (The same model built again in a fresh process reuses the folder:
    test_processes_build_and_run_the_same_model_at_once; within one process Brian2 numbers the
    names of the new objects, so the code differs.)
    """

    def leaky(flags=None):
        """Build and run a model; return what is left of it once it is garbage."""
        if flags is not None:
            monkeypatch.setattr(fast, "COMPILE_ARGS", flags)
        model = StandaloneModel("same", 10 * ms, seed=1, directory=tmp_path)
        with model.build():
            unit = NeuronGroup(
                1, "dv/dt = (drive - v) / TAU : 1\ndrive : 1 (shared, constant)", method="exact"
            )
            trace = StateMonitor(unit, "v", record=0)
        model.run(run_args={unit.drive: 1.0})
        left = model.directory, model.compiled, model.results_directory, trace.v[0][-1]
        del model, unit, trace
        gc.collect()
        return left

    folder, compiled, results, v_first = leaky()
    assert compiled and results.parent == fast.results_folder(folder)
    assert not results.exists(), "a model's results folder goes with the model"
    folder_flags, compiled_flags, _, v_flags = leaky(flags=[*fast.COMPILE_ARGS, "-DLABUTILS_TEST"])
    assert folder_flags != folder and compiled_flags and v_flags == v_first
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == sorted(
        [folder.name, folder_flags.name]
    ), "no staging folder is left behind"


CHILD = textwrap.dedent("""
    import json, sys
    import numpy as np
    from brian2 import Hz, NeuronGroup, PoissonGroup, SpikeMonitor, StateMonitor, Synapses, ms
    from labutils.fast import StandaloneModel

    TAU = 10 * ms
    drive, rate = float(sys.argv[1]), float(sys.argv[2]) * Hz
    model = StandaloneModel("shared", 20 * ms, seed=5)
    with model.build():
        unit = NeuronGroup(1, '''dv/dt = (drive - v) / TAU : 1
                                 dg/dt = -g / (5*ms) : 1
                                 drive : 1 (shared, constant)''', method="exact")
        inputs = PoissonGroup(20, rates=50 * Hz)
        syn = Synapses(inputs, unit, on_pre="g_post += 1")
        syn.connect()
        trace = StateMonitor(unit, ["v", "g"], record=0)
        spikes = SpikeMonitor(inputs)
    runs = {}
    for k in range(40):  # alternate two settings: another run's files would show as a mismatch
        values = (drive, rate) if k % 2 else (drive / 2, rate / 2)
        model.run(run_args={unit.drive: values[0], inputs.rates: values[1]})
        now = (trace.v[0][-1], trace.g[0].copy(), spikes.num_spikes)
        first = runs.setdefault(k % 2, now)
        assert now[0] == first[0] and np.array_equal(now[1], first[1]) and now[2] == first[2], k
    print(json.dumps(dict(compiled=model.compiled, folder=str(model.directory),
                          v_last=float(runs[1][0]), g_sum=float(np.sum(runs[1][1])),
                          spikes=int(runs[1][2]), results=str(model.results_directory))))
""")


@needs_compiler
def test_processes_build_and_run_the_same_model_at_once(tmp_path):
    """Three processes start on an empty cache.

    One compiles (the others wait and reuse its binary), each runs with its own values and reads
    only its own results.
    """
    env = dict(os.environ, BRIAN_LABS_CACHE_DIR=str(tmp_path))
    settings = [(0.5, 40), (1.0, 80), (2.0, 160)]  # (drive, input rate in Hz) per process
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(drive), str(rate)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for drive, rate in settings
    ]
    outputs = [child.communicate(timeout=600) for child in children]
    for child, (_, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err[-3000:]
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert [r["compiled"] for r in reports].count(True) == 1, reports
    assert len({r["folder"] for r in reports}) == 1 and len({r["results"] for r in reports}) == 3
    for (drive, _), report in zip(settings, reports, strict=True):
        # exact integration: v relaxes towards the drive with tau = 10 ms, sampled up to 19.9 ms
        expected = drive * (1 - np.exp(-(20 * ms - 0.1 * ms) / TAU))
        assert report["v_last"] == pytest.approx(expected, rel=1e-6)
    # One seed, so the same rand() per input and step: a PoissonGroup spikes where rand() <
    # rate*dt, so the spikes at a rate are a subset of those at a higher one (deterministic). 160
    # Hz adds about 20*200*(0.016 - 0.004) = 48 spikes to 40 Hz: none at all has probability e^-48.
    counts = [r["spikes"] for r in reports]
    assert counts[0] < counts[2] and counts[0] <= counts[1] <= counts[2], counts
    builds = [p.name for p in tmp_path.joinpath("standalone").iterdir() if p.is_dir()]
    assert builds == [reports[0]["folder"].rsplit("/", 1)[1]], f"left-over folders: {builds}"
    left = [r["results"] for r in reports if os.path.exists(r["results"])]
    assert not left, f"each process removes its results folder when it exits: {left}"


def next_draws():
    """What the notebook draws next.

    From numpy's generator and from Brian2's rand() on the current target.
    """
    start_scope()
    group = NeuronGroup(5, "x : 1")
    group.x = "rand()"
    return np.random.rand(3), np.array(group.x[:])  # noqa: NPY002 (the notebook's generator)


def draws_after_a_model(tmp_path, fast_mode, seed):
    os.environ["BRIAN_LABS_FAST"] = fast_mode
    try:
        from brian2 import seed as brian_seed

        brian_seed(11)
        np.random.rand(7)  # noqa: NPY002 (the notebook's earlier cells)
        model = StandaloneModel("draws", 20 * ms, seed=seed, directory=tmp_path)
        unit, _inputs, _syn, _trace, _spikes = build_small(model)
        model.run(run_args={unit.drive: 1.0})
        model.run(run_args={unit.drive: 0.5})
        return model.standalone, next_draws()
    finally:
        del os.environ["BRIAN_LABS_FAST"]


@pytest.mark.parametrize("seed", [3, None])
def test_a_model_leaves_the_notebooks_next_draws_unchanged(tmp_path, seed):
    from brian2 import seed as brian_seed

    brian_seed(11)
    np.random.rand(7)  # noqa: NPY002 (the notebook's earlier cells)
    reference = next_draws()
    modes = ["off"] + (["on"] if fast.compiler_available() else [])
    for mode in modes:
        standalone, draws = draws_after_a_model(tmp_path / mode, mode, seed)
        assert standalone == (mode == "on")
        np.testing.assert_array_equal(draws[0], reference[0], err_msg=f"numpy, fast={mode}")
        np.testing.assert_array_equal(draws[1], reference[1], err_msg=f"rand(), fast={mode}")


def test_fallback_without_a_seed_draws_fresh_noise_on_every_run(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIAN_LABS_FAST", "off")
    model = StandaloneModel("unseeded", 20 * ms, directory=tmp_path)
    unit, _inputs, _syn, trace, _spikes = build_small(model)
    model.run(run_args={unit.drive: 1.0})
    first = trace.g[0].copy()
    model.run(run_args={unit.drive: 1.0})
    # 20 inputs at 50 Hz for 20 ms: ~20 input spikes per run; two runs with identical spike
    # trains at 0.1 ms resolution have probability far below 1e-5
    assert not np.array_equal(trace.g[0], first)


def test_results_go_to_a_folder_in_memory_where_there_is_one(monkeypatch, tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(fast, "MEMORY_FOLDER", memory)
    if not hasattr(os, "statvfs"):  # Windows: always beside the build
        assert fast.results_folder(build) == build / "results"
        return
    own = memory / f"brian-labs-{os.getuid()}"
    assert fast.results_folder(build) == own and own.is_dir()
    assert own.stat().st_mode & 0o777 == 0o700, "other users cannot read a user's results"
    monkeypatch.setattr(fast, "MEMORY_FOLDER_LEAST_FREE", 2**62)  # (nearly) full: on the disk
    assert fast.results_folder(build) == build / "results" and (build / "results").is_dir()
    monkeypatch.setattr(fast, "MEMORY_FOLDER", tmp_path / "none")  # no /dev/shm (macOS)
    assert fast.results_folder(build) == build / "results"


def test_results_of_ended_processes_are_removed(tmp_path):
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    stale = tmp_path / f"{fast._HOST}-{ended}-abc"
    alive = tmp_path / f"{fast._HOST}-{os.getpid()}-abc"
    other_host = tmp_path / f"elsewhere-{ended}-abc"
    for folder in (stale, alive, other_host):
        folder.mkdir()
    fast._remove_results_of_ended_processes(tmp_path)
    assert not stale.exists() and alive.exists() and other_host.exists()


def test_a_limited_fallback_run_stops_early_and_goes_on_as_one_run(monkeypatch, tmp_path):
    """limited(): the start of a run first; the same values then go on, as if never stopped."""
    monkeypatch.setenv("BRIAN_LABS_FAST", "off")
    model = StandaloneModel("limited", 20 * ms, seed=3, directory=tmp_path)
    unit, inputs, _syn, trace, spikes = build_small(model)
    model.run(run_args={unit.drive: 1.0})
    whole = trace.v[0].copy(), trace.g[0].copy(), spikes.t[:].copy()
    assert model.simulated == 20 * ms and whole[1].max() > 0 and not model.resumed
    with model.limited(5 * ms):
        model.run(run_args={unit.drive: 1.0})
    assert model.simulated == 5 * ms and len(trace.t) == 50 and not model.resumed
    np.testing.assert_array_equal(trace.g[0], whole[1][:50])
    np.random.rand(100)  # noqa: NPY002 (the notebook draws in between: not the model's stream)
    model.run(run_args={unit.drive: 1.0})  # goes on from 5 ms
    assert model.simulated == 20 * ms and len(trace.t) == 200 and model.resumed
    for now, then in zip((trace.v[0], trace.g[0], spikes.t[:]), whole, strict=True):
        np.testing.assert_array_equal(now, then)
    # other values start again from 0; and a stopped run is not continued twice
    with model.limited(5 * ms):
        model.run(run_args={unit.drive: 0.5})
    model.run(run_args={unit.drive: 1.0, inputs.rates: 50 * Hz})
    assert not model.resumed
    assert len(trace.t) == 200 and trace.v[0][-1] == pytest.approx(whole[0][-1], rel=1e-6)
    np.testing.assert_array_equal(trace.g[0], whole[1])


def test_limited_checks_its_time_and_leaves_the_compiled_model_whole(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIAN_LABS_FAST", "off")
    model = StandaloneModel("limits", 20 * ms, directory=tmp_path)
    with pytest.raises(TypeError, match="time with units"):
        with model.limited(5):
            pass
    with pytest.raises(ValueError, match="at most the duration"):
        with model.limited(30 * ms):
            pass
    if fast.compiler_available():
        monkeypatch.delenv("BRIAN_LABS_FAST")
        compiled = StandaloneModel("limits_compiled", 20 * ms, seed=3, directory=tmp_path)
        unit, _inputs, _syn, trace, _spikes = build_small(compiled)
        with compiled.limited(5 * ms):
            compiled.run(run_args={unit.drive: 1.0})
        assert compiled.simulated == 20 * ms and len(trace.t) == 200
