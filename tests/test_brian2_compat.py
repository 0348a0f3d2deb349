"""What labutils relies on in Brian2's internals (labutils/_brian2_compat.py), one test each.

Each test pins one behaviour of the installed Brian2 that the adapter's docstrings name, so that a
Brian2 upgrade that changes it fails here, by name. CI runs this file on every Brian2 the course
installs (2.9.0 on Python 3.11, 2.10.1 on 3.12, 2.11.0 on 3.13).
"""

import gc
import logging
import os
import shutil

import numpy as np
import pytest
from brian2 import (
    DimensionMismatchError,
    Hz,
    Network,
    NeuronGroup,
    PoissonGroup,
    SpikeMonitor,
    StateMonitor,
    collect,
    get_device,
    ms,
    mV,
    prefs,
    second,
    start_scope,
)
from brian2 import seed as brian_seed

from labutils import _brian2_compat as compat
from labutils import fast

needs_compiler = pytest.mark.skipif(
    not fast.compiler_available(), reason="needs a C++ compiler and make"
)


@pytest.fixture
def standalone():
    """A new standalone device, active for the test; the runtime device again afterwards."""
    device = compat.new_standalone_device()
    compat.activate(device)
    start_scope()
    try:
        yield device
    finally:
        compat.deactivate()


def test_require_dimensions_raises_brians_error_with_the_message():
    compat.require_dimensions(2 * second, second, "a time")
    with pytest.raises(DimensionMismatchError, match=r"^a time"):
        compat.require_dimensions(2 * mV, second, "a time")


def test_each_new_standalone_device_is_its_own_and_the_runtime_device_comes_back():
    runtime = compat.runtime_device()
    assert get_device() is runtime and type(runtime).__name__ == "RuntimeDevice"
    first, second_device = compat.new_standalone_device(), compat.new_standalone_device()
    assert first is not second_device
    assert type(first).__name__ == "CPPStandaloneDevice"
    compat.activate(first)
    try:
        assert get_device() is first and not first.build_on_run
        start_scope()
        group = NeuronGroup(3, "v : 1")
        assert group.variables["v"] in first.array_cache
        assert not second_device.array_cache, "the other device saw the object"
    finally:
        compat.deactivate()
    assert get_device() is runtime


def test_the_devices_extra_compile_args_and_the_gcc_preference_reach_the_makefile(
    standalone, tmp_path
):
    group = NeuronGroup(1, "dv/dt = -v / (10*ms) : 1", method="exact")
    Network(group).run(1 * ms)
    compat.include_in_compilation(standalone, ["-DPINNED_BY_THE_DEVICE"])
    saved = prefs.codegen.cpp.extra_compile_args_gcc
    prefs.codegen.cpp.extra_compile_args_gcc = ["-DPINNED_BY_THE_PREFERENCE"]
    try:
        standalone.build(directory=str(tmp_path), compile=False, run=False, with_output=False)
    finally:
        prefs.codegen.cpp.extra_compile_args_gcc = saved
    makefile = (tmp_path / "makefile").read_text()
    assert "-DPINNED_BY_THE_DEVICE" in makefile and "-DPINNED_BY_THE_PREFERENCE" in makefile


def test_the_array_cache_holds_weak_owners_and_the_dead_ones_are_forgotten(standalone):
    kept = NeuronGroup(2, "v : 1")
    StateMonitor(kept, "v", record=0)  # not kept: garbage once collected
    gc.collect()

    def dead(variable):
        try:
            _ = variable.owner.name  # a dead weak proxy raises ReferenceError
        except ReferenceError:
            return True
        return False

    assert any(dead(variable) for variable in standalone.array_cache)
    compat.forget_collected_objects(standalone)
    assert standalone.array_cache and not any(dead(v) for v in standalone.array_cache)
    assert kept.variables["v"] in standalone.array_cache


@needs_compiler
def test_a_build_moved_to_another_folder_runs_there_with_its_run_args(standalone, tmp_path):
    """What StandaloneModel does: generate, compile, rename the folder, run with run_args."""
    group = NeuronGroup(3, "dv/dt = (drive - v) / (10*ms) : 1\ndrive : 1", method="exact")
    trace = StateMonitor(group, "v", record=True)
    Network(group, trace).run(5 * ms)
    header = fast.precompiled_header()
    if header is not None:
        compat.include_in_compilation(standalone, [f"-include{header}", "-Winvalid-pch"])
    staging, final = tmp_path / "staging", tmp_path / "final"
    standalone.build(directory=str(staging), compile=False, run=False, with_output=False)
    had_a_cpu_clock = "std::clock()" in (staging / "network.cpp").read_text()
    assert compat.read_a_steady_clock_per_step(staging) == had_a_cpu_clock
    assert "std::clock()" not in (staging / "network.cpp").read_text()
    assert not compat.read_a_steady_clock_per_step(staging), "a second call changes nothing"
    fast._make(staging)
    os.rename(staging, final)
    compat.move_project(standalone, final)
    drive = np.array([1.0, 2.0, 4.0])
    elsewhere = tmp_path / "memory" / "mine"  # results outside the project (results_folder)
    standalone.run(
        directory=str(final),
        results_directory=os.path.relpath(elsewhere, final),
        with_output=False,
        run_args={group.drive: drive},
    )
    # exact integration from v = 0 towards the drive, tau = 10 ms, last sample at 4.9 ms
    expected = drive * (1 - np.exp(-4.9 / 10))
    np.testing.assert_allclose(trace.v[:, -1], expected, rtol=1e-9)
    assert any((final / "static_arrays").iterdir()), "the run_args array went elsewhere"
    assert elsewhere.is_dir() and any(elsewhere.iterdir())


def test_in_current_scope_is_brians_collect_rule():
    before = NeuronGroup(1, "v : 1")  # from an earlier scope: run() would leave it out
    start_scope()
    group = NeuronGroup(2, "v : 1")
    monitor = StateMonitor(group, "v", record=0)
    part = group[:1]  # a subgroup is never added to the magic network
    brians = {id(obj) for obj in collect()}
    ours = {id(obj) for obj in locals().values() if compat.in_current_scope(obj)}
    assert ours == brians == {id(group), id(monitor)}
    assert not compat.in_current_scope(before) and not compat.in_current_scope(part)
    assert not compat.in_current_scope("not a Brian object")


def conflict_warnings(name, value):
    """Brian2's resolution-conflict warnings while a model variable shadows ``name``."""
    heard = []

    class Recorder(logging.Handler):
        def emit(self, record):
            heard.append(record)

    recorder = Recorder()
    log = logging.getLogger(compat.RESOLUTION_CONFLICT_LOGGER)
    log.addHandler(recorder)
    try:
        start_scope()
        group = NeuronGroup(1, f"dv/dt = ({name} - v) / (10*ms) : volt\n{name} : volt (shared)")
        Network(group).run(0.1 * ms, namespace={name: value})
    finally:
        log.removeHandler(recorder)
    return heard


def test_the_resolution_conflict_warning_has_the_logger_the_adapter_silences():
    # Brian2 shows each exact message once per process: each case uses a name of its own
    heard = conflict_warnings("E_pinned_heard", -70 * mV)
    assert len(heard) == 1 and heard[0].levelno == logging.WARNING
    assert "E_pinned_heard" in heard[0].getMessage()
    with compat.resolution_conflicts_silenced():
        assert conflict_warnings("E_pinned_silenced", -70 * mV) == []
    assert logging.getLogger(compat.RESOLUTION_CONFLICT_LOGGER).level == logging.NOTSET


def test_caller_frame_is_the_frame_of_the_callers_caller():
    class Block:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.frame = compat.caller_frame()
            return False

    block_local = "visible"
    with Block() as block:
        assert block_local
    assert block.frame.f_locals["block_local"] == "visible"

    def inner():
        return compat.caller_frame(2)

    def middle():
        return inner()

    assert middle().f_locals["block_local"] == "visible"


def test_the_runtime_device_has_rand_and_randn_buffers_in_a_known_layout():
    device = compat.runtime_device()
    assert compat.random_buffer_names(device) == ["rand_buffer", "randn_buffer"]
    for name in compat.random_buffer_names(device):
        buffer, index = getattr(device, name), getattr(device, name + "_index")
        address = buffer.dtype.kind in "iu" and buffer.size == 1  # Brian2 2.9 and 2.10
        numbers = buffer.dtype == np.float64 and buffer.size > 1  # Brian2 2.11
        assert address or numbers, (name, buffer.dtype, buffer.shape)
        assert index.shape == (1,) and index.dtype.kind == "i"


def poisson_spikes(count=100):
    """A run that draws ``count`` x 20 numbers from rand() on the current target."""
    start_scope()
    inputs = PoissonGroup(count, rates=300 * Hz)
    spikes = SpikeMonitor(inputs)
    Network(inputs, spikes).run(2 * ms)
    return np.array(spikes.i[:]), np.array(spikes.t[:])


@pytest.fixture
def cython_target():
    """The Cython runtime target (where rand() reads the device's buffers), for one test."""
    if shutil.which(os.environ.get("CXX", "g++").split()[0]) is None:
        pytest.skip("needs a C++ compiler")
    saved = prefs.codegen.target
    prefs.codegen.target = "cython"
    try:
        yield
    finally:
        prefs.codegen.target = saved


def test_swapping_random_positions_keeps_the_notebooks_cython_draws(cython_target):
    """The fallback's own random stream, on the Cython target: the notebook's draws do not change.

    A run of the other stream draws 20 001 x 20 numbers (the buffers are refilled many times, not
    on a buffer boundary); then the notebook's next run must draw what it would have drawn without
    it, and the other stream, restarted with its seed, must repeat its own numbers.
    """
    device = compat.runtime_device()
    brian_seed(11)
    poisson_spikes()
    reference = poisson_spikes()
    assert compat.random_positions(device)["rand_buffer"][1] > 0, "rand() read no buffer"
    brian_seed(11)
    poisson_spikes()

    def other_stream(positions):
        """Draw from another stream (numpy seeded with 5) at ``positions``, then go back."""
        notebook = np.random.get_state(), compat.random_positions(device)  # noqa: NPY002
        np.random.seed(5)  # noqa: NPY002 (the other stream's generator, swapped in)
        compat.set_random_positions(device, positions)
        try:
            return poisson_spikes(20_001), compat.random_positions(device)
        finally:
            np.random.set_state(notebook[0])  # noqa: NPY002
            compat.set_random_positions(device, notebook[1])

    first, positions = other_stream(compat.empty_random_positions(device))
    after = poisson_spikes()
    for got, want in zip(after, reference, strict=True):
        np.testing.assert_array_equal(got, want)
    again, _ = other_stream(compat.restarted(positions))
    for got, want in zip(again, first, strict=True):
        np.testing.assert_array_equal(got, want)


def test_variable_key_names_a_views_group_and_variable():
    start_scope()
    group = NeuronGroup(2, "v : volt\nE_L : volt (shared, constant)", name="keyed")
    assert compat.variable_key(group.E_L) == ("keyed", "E_L")
    assert compat.variable_key(group.v) == compat.variable_key(group.v) == ("keyed", "v")
    assert hash(group.v) == hash(compat.variable_key(group.v))  # what the key stands in for
