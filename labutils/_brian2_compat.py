"""The one place in labutils that touches Brian2's private names and undocumented internals.

:mod:`labutils.fast` (compiled explorers) needs a few things Brian2 offers no public API for: a
``cpp_standalone`` device of its own per model, the device's compile flags and project folder, its
cache of array values, the clock its generated network loop reads, the runtime device's
random-number buffers, the rule by which ``run()`` collects objects, the name of one log message,
and the caller's frame. Each function below says
what it relies on; ``tests/test_brian2_compat.py`` pins each of those behaviours on every Brian2
the course installs (2.9.0 on Python 3.11, 2.10.1 on 3.12, 2.11.0 on 3.13), so that a Brian2
upgrade that breaks one fails a test named after it, not a student's explorer.
"""

import contextlib
import logging
import sys
from pathlib import Path

import numpy as np
from brian2 import BrianObject
from brian2.devices.device import all_devices, reset_device, set_device
from brian2.units.fundamentalunits import fail_for_dimension_mismatch

# The logger of Brian2's warning "the name ... refers to a model variable and also exists in the
# run namespace" (Group.resolve; the message's name_suffix is "resolution_conflict").
RESOLUTION_CONFLICT_LOGGER = "brian2.groups.group.Group.resolve.resolution_conflict"
# The runtime device's buffers behind the Cython target's rand() and randn().
RANDOM_BUFFERS = ("rand_buffer", "randn_buffer")


def require_dimensions(value, unit, message):
    """Raise Brian2's ``DimensionMismatchError`` with ``message`` unless ``value`` has ``unit``'s.

    Relies on ``brian2.units.fundamentalunits.fail_for_dimension_mismatch(value, unit, message)``
    (not in that module's ``__all__``), which raises ``DimensionMismatchError`` whose text starts
    with ``message``.
    """
    fail_for_dimension_mismatch(value, unit, message)


def new_standalone_device():
    """A new ``cpp_standalone`` device, independent of Brian2's global one and of other models'.

    Relies on ``brian2.devices.cpp_standalone.device.CPPStandaloneDevice()`` being constructible
    without arguments, each instance keeping its own objects, code and arrays (Brian2's public
    ``set_device("cpp_standalone")`` always activates the one global instance).
    """
    from brian2.devices.cpp_standalone.device import CPPStandaloneDevice

    return CPPStandaloneDevice()


def activate(device):
    """Make ``device`` the active device; objects created afterwards belong to it.

    Relies on ``brian2.devices.device.set_device`` accepting a device instance (not only a name)
    with ``build_on_run=False`` (``run()`` only records the run; the model builds it later).
    """
    set_device(device, build_on_run=False)


def deactivate():
    """Switch back to the device active before :func:`activate` (the runtime device).

    Relies on ``brian2.devices.device.reset_device()`` restoring the previous device.
    """
    reset_device()


def runtime_device():
    """Brian2's runtime device (numpy and Cython targets), whatever device is active.

    Relies on ``brian2.devices.device.all_devices["runtime"]`` being that device.
    """
    return all_devices["runtime"]


def include_in_compilation(device, args):
    """Pass ``args`` (e.g. ``["-include/path/pch.h"]``) to the compiler of ``device``'s build.

    Relies on ``CPPStandaloneDevice.extra_compile_args``, a list the device's ``build`` adds to the
    compiler flags it writes into the generated makefile.
    """
    device.extra_compile_args = list(args)


def move_project(device, directory):
    """Tell ``device`` that its generated and compiled project now lives in ``directory``.

    Relies on ``CPPStandaloneDevice.project_dir``: ``device.run(run_args=...)`` writes the arrays
    of ``run_args`` into ``<project_dir>/static_arrays``, where the binary reads them.
    """
    device.project_dir = str(directory)


# Brian2 2.9's network.cpp reads the process's CPU clock (``std::clock()``, a system call) after
# every time step; 2.10 reads a std::chrono clock there (no system call). A steady clock instead.
STEADY_CLOCK = """#include <chrono>
// brian-labs: a std::chrono clock in std::clock()'s units, as in Brian2 2.10's network.cpp
static inline std::clock_t steady_clock_now()
{
    const auto now = std::chrono::steady_clock::now().time_since_epoch();
    return (std::clock_t) (std::chrono::duration<double>(now).count() * CLOCKS_PER_SEC);
}
"""


def read_a_steady_clock_per_step(project):
    """In the generated ``network.cpp`` of ``project`` (a folder), use 2.10's clock if it is 2.9's.

    Brian2 2.9's ``Network::run`` calls ``std::clock()`` after every time step to know the run's
    duration: a system call of ~0.4 µs, a third of the binary's time for a one-neuron model of
    4500 steps (it records that duration only, ``_last_run_time``). Brian2 2.10 reads
    ``std::chrono::high_resolution_clock`` instead; this swaps each ``std::clock()`` for a steady
    clock in the same units. Returns True if the file was changed. Relies on the generated
    ``network.cpp`` including ``<ctime>`` and calling ``std::clock()`` (2.9.0); a later Brian2's
    file has no ``std::clock()`` and is left alone.
    """
    network = Path(project) / "network.cpp"
    code = network.read_text()
    if "std::clock()" not in code or "#include <ctime>" not in code:
        return False
    code = code.replace("#include <ctime>", "#include <ctime>\n" + STEADY_CLOCK, 1)
    network.write_text(code.replace("std::clock()", "steady_clock_now()"))
    return True


def forget_collected_objects(device):
    """Drop ``device``'s cached arrays of objects that no longer exist.

    An object created in a build block without a name (``StateMonitor(neuron, 'v', record=0)``
    on its own line) is not part of the model, as with ``run()``, and is garbage-collected; Brian2
    2.9's ``device.run`` would then fail with "ReferenceError: weakly-referenced object no longer
    exists". Relies on ``CPPStandaloneDevice.array_cache``, a dict whose keys are Brian2
    ``Variable`` objects with an ``owner`` that is a weak proxy of the object they belong to.
    """
    for variable in list(device.array_cache):
        try:
            _ = variable.owner.name  # a dead weak proxy raises ReferenceError
        except ReferenceError:
            del device.array_cache[variable]


def variable_key(view):
    """``(group name, variable name)`` of a ``VariableView`` such as ``neuron.E_L``.

    A run_args key; views compare element-wise (``==`` gives an array), so they are told apart by
    this key. Relies on ``VariableView.group_name`` and ``VariableView.name`` (the names its
    ``repr`` and ``hash`` use).
    """
    return (view.group_name, view.name)


def in_current_scope(obj):
    """True if ``run()`` here would simulate ``obj``: Brian2's ``collect`` rule.

    A :class:`BrianObject` that is added to the "magic" network and was created after the last
    ``start_scope()``. Relies on ``BrianObject.add_to_magic_network`` and on the private
    ``BrianObject._scope_key`` (each object's) and ``BrianObject._scope_current_key`` (raised by
    ``start_scope()``), which is how ``brian2.core.magic.collect`` decides.
    """
    return (
        isinstance(obj, BrianObject)
        and obj.add_to_magic_network
        and obj._scope_key == BrianObject._scope_current_key
    )


@contextlib.contextmanager
def resolution_conflicts_silenced():
    """Silence Brian2's "internal variable ... also exists in the run namespace" warning.

    A slider parameter such as ``E_L : volt (shared, constant)`` deliberately shadows the
    notebook's constant ``E_L`` (Brian2 uses the model variable, as intended). Other warnings still
    show. Relies on the warning's logger name, :data:`RESOLUTION_CONFLICT_LOGGER`.
    """
    log = logging.getLogger(RESOLUTION_CONFLICT_LOGGER)
    previous = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(previous)


def caller_frame(depth=1):
    """The frame ``depth`` levels above the function calling this one (1: that function's caller).

    How ``run()`` finds the notebook's names, and how a build block does too. Relies on CPython's
    ``sys._getframe`` (as Brian2's own ``get_local_namespace`` does).
    """
    return sys._getframe(depth + 1)


# -- the runtime device's random numbers ----------------------------------------------------------
# The Cython target draws rand() and randn() from buffers of 20 000 numbers, refilled from numpy's
# global generator when their index (``rand_buffer_index[0]``) wraps to 0. Two layouts:
# - Brian2 2.9 and 2.10: ``device.rand_buffer`` is a 1-element integer array holding the *address*
#   of the current buffer, which the generated code frees and replaces on each refill;
# - Brian2 2.11: ``device.rand_buffer`` *is* the buffer (20 000 floats), refilled in place.
# A position is (buffer, index): the address (an int; 0 for none yet) or a copy of the numbers
# (None for none yet), and the index of the next number.


def random_buffer_names(device):
    """The names of ``device``'s random-number buffers that have an index (``*_index``).

    Relies on the runtime device's ``rand_buffer``/``randn_buffer`` and their ``*_index`` arrays,
    read by the Cython target's ``rand()`` and ``randn()``.
    """
    return [
        name
        for name in RANDOM_BUFFERS
        if hasattr(device, name) and hasattr(device, name + "_index")
    ]


def _holds_address(buffer):
    return buffer.dtype.kind in "iu" and buffer.size == 1


def empty_random_positions(device):
    """Positions of a stream that has drawn nothing yet: its next draw fills its buffer."""
    return {name: (None, 0) for name in random_buffer_names(device)}


def restarted(positions):
    """``positions`` with every index at 0: the next draw refills the buffer from numpy.

    With an address layout the refill frees the buffer at that address (it must be this stream's).
    """
    return {name: (buffer, 0) for name, (buffer, _) in positions.items()}


def random_positions(device):
    """The current position of each of ``device``'s random-number buffers.

    Relies on the buffer layouts above: an address (2.9, 2.10) or the numbers (2.11), and an index.
    """
    positions = {}
    for name in random_buffer_names(device):
        buffer = getattr(device, name)
        index = int(getattr(device, name + "_index")[0])
        positions[name] = (int(buffer[0]) if _holds_address(buffer) else np.array(buffer), index)
    return positions


def set_random_positions(device, positions):
    """Make ``device`` draw from ``positions`` (from :func:`random_positions` or the like).

    An address is written back as it was (a buffer is only ever freed by Brian2's own refill, of
    the stream that owns it, so no address is freed twice); numbers are copied into the device's
    own buffer, which the generated code refers to.
    """
    for name, (content, index) in positions.items():
        buffer = getattr(device, name)
        if _holds_address(buffer):
            buffer[0] = 0 if content is None else content
        elif content is not None:
            buffer[:] = content
        getattr(device, name + "_index")[0] = index
