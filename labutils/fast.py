"""Fast explorers: compile a Brian2 model once, then re-run it in milliseconds with new parameters.

The notebook keeps the whole model visible; this module hides only the plumbing around Brian2's
``cpp_standalone`` device (where the build goes, switching the device back, compiler flags)::

    model = lu.StandaloneModel("05_lif_explorer", duration=1 * second, seed=SEED)
    with model.build():                       # objects created here are compiled once
        neuron = NeuronGroup(1, eqs, threshold="v > V_th", reset="v = E_L", method="euler")
        inputs = PoissonGroup(N_E, rates=5 * Hz)
        ...
        state_mon = StateMonitor(neuron, "v", record=0)

    def simulate(w_e=0.5, nu_e=5 * Hz):
        model.run(run_args={neuron.w_e: w_e, inputs.rates: nu_e})   # ~10-40 ms, no compilation
        return state_mon.t[:], state_mon.v[0]

Values changed through ``run_args`` must be model variables: a ``(shared, constant)`` parameter in
the equations (``w_e : 1 (shared, constant)``), a group's state variable, or a PoissonGroup's
``rates``. Constants taken from the notebook namespace (``E_L = -70*mV``) are frozen into the
compiled code.

Where no C++ compiler is available, or ``BRIAN_LABS_FAST=off`` is set, the same code runs on
Brian2's runtime device instead (the course target, numpy unless ``BRIAN_LABS_TARGET`` says
otherwise): each ``model.run`` restores the initial state, sets the values and simulates again, so
results have the same meaning (and, with a seed, the same noise on every re-run), only slower.
On the fallback a run can also stop early and go on later (:meth:`StandaloneModel.limited`): an
explorer shows the start of a run first and then the whole run, which is the same as one
uninterrupted run (the same steps, the same random numbers). Either way a model draws its random
numbers from a stream of its own: the notebook's next
``rand()`` or ``np.random`` draw is the same whether or not a model ran before it, and whether or
not a compiler was found.

Several kernels may build and run the same model at once (a copied notebook, the student and
instructor editions side by side, the tests during a demo): the build folder is named after the
model and a hash of everything that makes its binary, a file lock lets one process compile while
the others wait and reuse it, a finished build is never written again, and each model writes its
results to a folder of its own.
"""

import contextlib
import functools
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path

import brian2
import numpy as np
from brian2 import Network, Quantity, prefs, second, start_scope
from brian2 import seed as brian_seed
from filelock import FileLock, Timeout

from . import _brian2_compat as compat

CACHE_VARIABLE = "BRIAN_LABS_CACHE_DIR"
FAST_VARIABLE = "BRIAN_LABS_FAST"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")
# A cold build takes ~2-10 s; a process waiting longer than this for another's lock reports it.
LOCK_TIMEOUT_S = 600

# Chosen from measurements (docs/design-notes.md, "Compiler flags"). A cold build is ~23 C++ files
# that each spend ~0.4 s CPU parsing the same standard headers, whatever the -O level; a
# precompiled header of those (built once per cache, shared by all models) cuts a build's CPU time
# from ~12.8 s to ~7 s. Re-running the reference model's binary costs ~70 ms CPU with -O1 but ~140
# ms with -O2 and ~120 ms with -O3 (same build dir, 5 runs each). No -march=native: a build made on
# one machine (Binder's image build) may run on another CPU.
COMPILE_ARGS = ["-w", "-O1", "-std=c++11"]
MAKE_ARGS = ["-j2"]
USE_PCH = True
PCH_HEADERS = [
    "algorithm",
    "cassert",
    "climits",
    "cmath",
    "csignal",
    "cstdlib",
    "ctime",
    "fstream",
    "iostream",
    "iterator",
    "limits",
    "map",
    "random",
    "set",
    "string",
    "tuple",
    "utility",
    "vector",
]


def cache_dir():
    """Directory for the course's build caches (a :class:`pathlib.Path`, not created here).

    ``$BRIAN_LABS_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/brian-labs``, else
    ``~/.cache/brian-labs``. Standalone builds go to its ``standalone/<name>-<hash>`` subfolders.
    """
    explicit = os.environ.get(CACHE_VARIABLE, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "brian-labs"


def compiler_available():
    """True when a C++ compiler and ``make`` are on the PATH (what the standalone device needs).

    ``BRIAN_LABS_FAST=off`` (or ``0``/``no``/``false``) makes this return False, forcing the
    runtime fallback, e.g. to test it in CI.
    """
    if os.environ.get(FAST_VARIABLE, "").strip().lower() in ("off", "0", "no", "false"):
        return False
    if sys.platform.startswith("win"):
        # MSVC builds work in Brian2, but the course does not test them: use the fallback
        return False
    compiler = os.environ.get("CXX", "").split()
    compilers = ([compiler[0]] if compiler else []) + ["c++", "g++", "clang++"]
    return shutil.which("make") is not None and any(shutil.which(c) for c in compilers)


def _compiler_command():
    """The C++ compiler Brian2's makefile calls: ``$CXX`` (make's variable), else ``g++``."""
    return (os.environ.get("CXX", "").split() or ["g++"])[0]


@functools.lru_cache(maxsize=8)
def _compiler_version(compiler):
    """``compiler --version`` (its first lines name the compiler and its version), or ``""``."""
    try:
        return subprocess.run(
            [compiler, "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _lock(path):
    """A lock shared by threads and processes.

    A ``filelock`` lock: the OS releases it if a process dies.
    """
    return FileLock(str(path), timeout=LOCK_TIMEOUT_S)


_background = None


def prepare_in_background():
    """Start building :func:`precompiled_header` in a daemon thread, once per session.

    Return the thread (None when there is nothing to do: no compiler, or ``BRIAN_LABS_FAST=off``).

    :func:`labutils.prepare_session` calls it in every notebook's setup cell. On a cold cache the
    header takes ~1.1 s of one core; built while the notebook's first cells run, it is ready when
    an explorer's ``model.build()`` needs it (which waits for the thread rather than building
    twice).
    """
    global _background
    if not (USE_PCH and compiler_available()):
        return None
    if _background is None:
        _background = threading.Thread(
            target=precompiled_header, name="brian-labs-pch", daemon=True
        )
        _background.start()
    return _background


def precompiled_header(compile_args=None):
    """Path of a precompiled header of the C++ standard headers Brian2's generated code includes.

    None where it cannot be made (a compiler other than GCC, a path with spaces, a failed compile).

    Built once per compiler and flag set in ``cache_dir()/pch/<hash>/`` (about 40 MB, ~1.5 s) and
    shared by every model; GCC checks that a ``.gch`` matches the flags and otherwise reads the
    plain header, so a stale file costs time, never correctness.
    """
    args = list(COMPILE_ARGS if compile_args is None else compile_args)
    compiler = _compiler_command()
    version = _compiler_version(compiler)
    if "Free Software Foundation" not in version:  # clang (e.g. macOS "g++") uses another format
        return None
    key = hashlib.sha256("\n".join([version, *args, *PCH_HEADERS]).encode()).hexdigest()[:16]
    folder = cache_dir() / "pch" / key
    header = folder / "course_pch.h"
    if re.search(r"\s", str(header)):
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # One build per cache, also across kernels: the others wait for it and reuse it.
        with _lock(folder / "build.lock"):
            return _build_header(compiler, args, folder, header)
    except (OSError, Timeout):
        return None


def _build_header(compiler, args, folder, header):
    gch = folder / "course_pch.h.gch"
    if gch.exists() and header.exists():
        return header
    try:
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            source = Path(tmp) / "course_pch.h"
            source.write_text("".join(f"#include <{name}>\n" for name in PCH_HEADERS))
            built = Path(tmp) / "course_pch.h.gch"
            subprocess.run(
                [compiler, "-x", "c++-header", *args, str(source), "-o", str(built)],
                check=True,
                capture_output=True,
                timeout=300,
            )
            # atomic renames: a compiler reading these files never sees half of one
            os.replace(source, header)
            os.replace(built, gch)
    except (OSError, subprocess.SubprocessError):
        return None
    return header


class StandaloneModel:
    """A Brian2 model compiled once with the ``cpp_standalone`` device and re-run with new values.

    Parameters
    ----------
    name : str
        Name of the model in the course, e.g. ``"05_lif_explorer"`` (letters, digits, ``_ . -``).
        It starts the build folder's name, ``<name>-<hash>``.
    duration : Quantity
        Simulated time of every run, in units of time (e.g. ``1 * second``).
    seed : int or None
        Seed of the model's random numbers. With a seed every run uses the same noise realisation,
        so a slider change shows the effect of the parameter alone. ``None``: fresh noise on every
        run.
    directory : str or Path, optional
        Folder holding the builds, instead of ``cache_dir()/standalone``.

    The build folder is ``<directory>/<name>-<hash>``, the hash covering everything that makes the
    binary: the generated code and makefile (so the model, the compiler flags and the paths they
    name), the Brian2 version and the compiler's ``--version``. Several processes may build and run
    the same model at once: one compiles (under a file lock) while the others wait and reuse its
    binary, which is never written again, and each model writes its results to a folder of its own
    (in :func:`results_folder`; removed when the model is garbage-collected or the process
    exits).

    Attributes: ``standalone`` (False when the runtime fallback is in use), ``directory`` (the
    build folder, once built), ``results_directory`` (this model's results folder), ``compiled``
    (True if this process compiled the binary, False if it reused one), ``build_s`` (seconds the
    build took), ``run_s`` (seconds of the last :meth:`run`), ``simulated`` (the simulated time
    the monitors hold after the last run: ``duration``, or less inside :meth:`limited`),
    ``resumed`` (True if the last run went on from where a limited run stopped: it simulated only
    the rest, and ``run_s`` is the time of the rest).
    """

    def __init__(self, name, duration, seed=None, directory=None):
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise ValueError(
                f"name must be a short string of letters, digits, '_', '.', '-' "
                f"(it names the build folder), got {name!r}"
            )
        if not isinstance(duration, Quantity):
            raise TypeError(f"duration must be a time with units, e.g. 1*second, got {duration!r}")
        compat.require_dimensions(duration, second, "duration must be a time, e.g. 1*second")
        if not float(duration) > 0:
            raise ValueError(f"duration must be positive, got {duration!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
        self.name, self.duration, self.seed = name, duration, seed
        self.builds = Path(directory) if directory is not None else cache_dir() / "standalone"
        self.directory = self.results_directory = self.compiled = None
        self.standalone = compiler_available()
        self.build_s, self.run_s, self.simulated, self.resumed = None, None, None, False
        self._limit = None  # inside limited(): the simulated time a fallback run stops at
        self._partial = None  # (run_args, time reached) of a fallback run that stopped early
        self._built, self._building = False, False
        self._device = self._network = self._namespace = None
        self._random = None if self.standalone else _OwnRandomNumbers(seed)

    # -- building ---------------------------------------------------------------------------------
    def build(self):
        """Context manager: the Brian2 objects created inside the ``with`` block form the model.

        On leaving the block the objects are collected (like ``run()`` would), simulated for
        ``duration`` and compiled (or an identical earlier build is reused); then the device is
        switched back, so the notebook's later cells simulate as usual. Constants from the notebook
        are read at this point; a model variable with the name of a notebook constant (``E_L : volt
        (shared, constant)`` as a slider next to ``E_L = -70*mV``) takes precedence, without
        Brian2's name-conflict warning. Random numbers drawn in the block (``connect(p=...)``, ``v
        = 'rand()*mV'``) come from the model's own stream, not the notebook's.
        """
        if self._built or self._building:
            raise RuntimeError(
                f"model {self.name!r} is already built; make a new StandaloneModel "
                "to build another"
            )
        return _BuildContext(self)

    def _enter(self):
        self._building = True
        self._start = time.perf_counter()
        if self.standalone:
            # one device per model: models stay independent
            self._device = compat.new_standalone_device()
            header = precompiled_header() if USE_PCH else None
            if header is not None:
                compat.include_in_compilation(self._device, [f"-include{header}", "-Winvalid-pch"])
            compat.activate(self._device)
        else:
            self._random.activate()
        start_scope()
        if self.standalone and self.seed is not None:
            brian_seed(self.seed)  # on the standalone device: compiled into the binary

    def _exit(self, frame, failed):
        try:
            if failed:
                return
            namespace = dict(frame.f_globals)
            namespace.update(frame.f_locals)
            # the constants Brian2 may look up; not the models, which Brian2 keeps referring to
            self._namespace = {
                key: value
                for key, value in namespace.items()
                if not isinstance(value, StandaloneModel)
            }
            objects = [obj for obj in _objects_in(self._namespace)]
            if not objects:
                raise RuntimeError("no Brian2 objects were created inside `with model.build():`")
            network_name = f"fast_{self.name.replace('-', '_').replace('.', '_')}"
            self._network = Network(objects, name=network_name)
            if self.standalone:
                with compat.resolution_conflicts_silenced():
                    self._network.run(self.duration, namespace=self._namespace)
                self._compile()
            else:
                self._network.store("fast_initial")
            self._built = True
            self.build_s = time.perf_counter() - self._start
        finally:
            self._building = False
            if self.standalone:
                compat.deactivate()
            else:
                self._random.deactivate()

    def _compile(self):
        """Generate the code in a private folder, then move it to ``<name>-<hash>`` and compile it.

        Unless a process already did: this happens under a lock, so only one compiles.
        """
        self.builds.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{self.name}-", dir=self.builds))
        try:
            saved = prefs.codegen.cpp.extra_compile_args_gcc
            prefs.codegen.cpp.extra_compile_args_gcc = list(COMPILE_ARGS)  # into the makefile
            try:
                self._device.build(
                    directory=str(staging), compile=False, run=False, with_output=False
                )
            finally:
                prefs.codegen.cpp.extra_compile_args_gcc = saved
            compat.read_a_steady_clock_per_step(staging)  # Brian2 2.9: a system call per step
            final = self.builds / f"{self.name}-{_build_key(staging)}"
            try:
                with _lock(final.with_name(final.name + ".lock")):
                    self.compiled = not (final / "main").exists()
                    if self.compiled:
                        _make(staging)
                        shutil.rmtree(final, ignore_errors=True)  # an incomplete folder, if any
                        os.rename(staging, final)  # atomic: others see a complete build or none
            except Timeout:
                raise RuntimeError(
                    f"waited {LOCK_TIMEOUT_S} s for another process to build "
                    f"{final}; if none is running, delete {final}.lock"
                ) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self.directory = final
        compat.move_project(self._device, final)  # Brian2 writes run_args arrays there
        results = results_folder(final)
        _remove_results_of_ended_processes(results)
        own = Path(tempfile.mkdtemp(prefix=f"{_HOST}-{os.getpid()}-", dir=results))
        self.results_directory = own
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(own), True)

    # -- running ----------------------------------------------------------------------------------
    def run(self, run_args=None):
        """Simulate ``duration`` again with new values.

        The model's monitors then hold the new results.

        ``run_args`` maps model variables to values, as Brian2's ``device.run(run_args=...)`` does:
        ``{neuron.w_e: 0.5, inputs.rates: 8*Hz}``. Returns the wall-clock seconds the run took.
        The notebook's random state (numpy's and Brian2's) is the same after the run as before.
        """
        if not self._built:
            raise RuntimeError(
                f"model {self.name!r} is not built: create its objects inside "
                "`with model.build():` first"
            )
        run_args = {} if run_args is None else run_args
        if not isinstance(run_args, dict):
            raise TypeError(
                f"run_args must be a dict {{group.variable: value}}, got {type(run_args).__name__}"
            )
        start = time.perf_counter()
        if not self.standalone:
            self._run_fallback(run_args)
        else:
            compat.forget_collected_objects(self._device)
            self._device.run(
                directory=str(self.directory),
                results_directory=os.path.relpath(self.results_directory, self.directory),
                with_output=False,
                run_args=run_args,
            )
            self.simulated = self.duration
        self.run_s = time.perf_counter() - start
        return self.run_s

    def _run_fallback(self, run_args):
        """Simulate on the runtime device: from the start, or on from where a limited run ended."""
        stop = self.duration if self._limit is None else min(self._limit, self.duration)
        partial, self._partial = self._partial, None
        resume = partial is not None and _same_values(partial[0], run_args) and partial[1] < stop
        if not resume:
            # Not restore(..., restore_random_state=True): Brian2 2.9's Cython runtime keeps the
            # *address* of its random-number buffer in the stored state; once that buffer has
            # been refilled, restoring the address frees it twice ("munmap_chunk(): invalid
            # pointer", bus errors). _OwnRandomNumbers never hands Brian2 a freed buffer.
            self._network.restore("fast_initial")
        reached = partial[1] if resume else 0 * second
        self.simulated, self.resumed = None, resume  # simulated: once the run below has finished
        self._random.activate(restart=not resume)
        try:
            if not resume:
                for view, value in run_args.items():
                    view[:] = value
            with compat.resolution_conflicts_silenced():
                self._network.run(stop - reached, namespace=self._namespace)
        finally:
            self._random.deactivate()
        self.simulated = stop
        if stop < self.duration:
            self._partial = (dict(run_args), stop)

    @contextlib.contextmanager
    def limited(self, simulated):
        """Context manager: a fallback :meth:`run` inside it simulates only its first part.

        ``simulated`` is a time (e.g. ``250*ms``), at most ``duration``. A later :meth:`run` with
        the same ``run_args`` (outside the block, or inside one with a longer limit) goes on from
        where this one stopped instead of starting again, and its monitors then hold the same
        values as one uninterrupted run (the same time steps and random numbers); a run with other
        values starts from the beginning. The compiled model (``standalone``) always runs the whole
        ``duration``. An explorer uses this on the fallback to show the start of a run quickly.
        """
        if not isinstance(simulated, Quantity):
            raise TypeError(f"simulated must be a time with units, e.g. 250*ms, got {simulated!r}")
        compat.require_dimensions(simulated, second, "simulated must be a time, e.g. 250*ms")
        if not 0 < float(simulated) <= float(self.duration):
            raise ValueError(
                f"simulated must be positive and at most the duration ({self.duration!r}), "
                f"got {simulated!r}"
            )
        previous, self._limit = self._limit, simulated
        try:
            yield self
        finally:
            self._limit = previous

    def __repr__(self):
        """The model's name, duration, mode and whether it is built."""
        mode = "cpp_standalone" if self.standalone else "runtime fallback"
        return (
            f"StandaloneModel({self.name!r}, duration={self.duration!r}, {mode}, "
            f"built={self._built})"
        )


# A folder in memory (tmpfs) on Linux: where models write their results if it can be used.
MEMORY_FOLDER = Path("/dev/shm")
# Leave it alone when less than this is free (Docker gives a container 64 MB by default).
MEMORY_FOLDER_LEAST_FREE = 16 * 2**20


def results_folder(build):
    """The folder (a :class:`pathlib.Path`, created) holding each model's results folder.

    A run rewrites every result file of its model (~40 small files for a one-neuron model): on a
    disk (ext4) that costs ~2 ms a run, a third of a small model's run, where a folder in memory
    costs nothing. So ``/dev/shm/brian-labs-<uid>`` (:data:`MEMORY_FOLDER`) where it can be used
    (Linux, writable, at least :data:`MEMORY_FOLDER_LEAST_FREE` bytes free, a folder of this user);
    else ``<build>/results``, beside the binary ``build``.
    """
    try:
        memory = MEMORY_FOLDER / f"brian-labs-{os.getuid()}"
        space = os.statvfs(MEMORY_FOLDER)
        if space.f_bavail * space.f_frsize >= MEMORY_FOLDER_LEAST_FREE:
            memory.mkdir(mode=0o700, exist_ok=True)
            if memory.stat().st_uid == os.getuid() and os.access(memory, os.W_OK):
                return memory
    except (AttributeError, OSError):  # no os.getuid or os.statvfs (Windows), no /dev/shm
        pass
    folder = Path(build) / "results"
    folder.mkdir(exist_ok=True)
    return folder


def _same_values(first, second):
    """True if two ``run_args`` dicts set the same variables to the same values, units included."""
    if len(first) != len(second):
        return False
    values = {compat.variable_key(view): value for view, value in first.items()}
    for view, value in second.items():
        key = compat.variable_key(view)
        if key not in values:
            return False
        other = values[key]
        same_unit = brian2.get_dimensions(other) is brian2.get_dimensions(value)
        if not (same_unit and np.array_equal(np.asarray(other), np.asarray(value))):
            return False
    return True


def _build_key(folder):
    """Hash of what makes the binary: every generated file, the Brian2 version, the compiler."""
    digest = hashlib.sha256()
    compiler = _compiler_command()
    for part in (brian2.__version__, compiler, _compiler_version(compiler), sys.platform):
        digest.update(part.encode() + b"\0")
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and relative.parts[0] != "results":
            digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


_HOST = re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname())[:40] or "host"


def _remove_results_of_ended_processes(results):
    """Delete the results folders of this host's processes that have ended.

    The folders are named ``<host>-<pid>-...``; a kernel that was killed leaves its folder behind.
    Other hosts' folders (a shared home) are left alone: their processes cannot be checked from
    here.
    """
    for folder in results.glob(f"{_HOST}-*-*"):
        pid = folder.name[len(_HOST) + 1 :].split("-", 1)[0]
        if pid.isdigit() and not _process_exists(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, owned by someone else
        return True
    return True


def _make(folder):
    """Compile the generated project in ``folder`` as Brian2 does on Unix (``make`` there)."""
    command = [prefs.devices.cpp_standalone.make_cmd_unix, *MAKE_ARGS]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(
            f"compiling the model failed ({' '.join(command)} in {folder}):\n{done.stderr[-3000:]}"
        )


class _OwnRandomNumbers:
    """The random numbers of a fallback model, kept apart from the notebook's.

    On the runtime device Brian2 draws from numpy's global generator; the Cython target draws
    from buffers of 20 000 numbers refilled from it (the runtime device's random-number buffers,
    see :mod:`labutils._brian2_compat`). :meth:`activate` saves the notebook's generator state and
    buffer positions and installs the model's own; :meth:`deactivate` saves the model's and puts
    the notebook's back. With a seed, every activation starts the model's stream anew (the same
    noise on every run).
    """

    def __init__(self, seed):
        self.seed = seed
        self.device = compat.runtime_device()
        self.numpy_state = np.random.RandomState(seed).get_state()
        self.positions = compat.empty_random_positions(self.device)  # nothing drawn yet
        self.saved = None

    def _current(self):
        return (
            np.random.get_state(),  # noqa: NPY002 (the notebook's global generator, saved)
            compat.random_positions(self.device),
        )

    def _install(self, numpy_state, positions):
        np.random.set_state(numpy_state)  # noqa: NPY002 (the notebook's generator, restored)
        compat.set_random_positions(self.device, positions)

    def activate(self, restart=True):
        """Install the model's stream; ``restart=False`` goes on where it stopped (a resumed run).

        With ``restart=True`` and a seed, the stream starts anew.
        """
        self.saved = self._current()
        if restart and self.seed is not None:  # index 0: the next draw refills the model's buffer
            self.numpy_state = np.random.RandomState(self.seed).get_state()
            self.positions = compat.restarted(self.positions)
        self._install(self.numpy_state, self.positions)

    def deactivate(self):
        self.numpy_state, self.positions = self._current()
        self._install(*self.saved)
        self.saved = None


class _BuildContext:
    def __init__(self, model):
        self.model = model

    def __enter__(self):
        self.model._enter()
        return self.model

    def __exit__(self, kind, value, traceback):
        self.model._exit(compat.caller_frame(), failed=kind is not None)
        return False


def _objects_in(namespace):
    """The Brian objects a ``run()`` in this namespace would simulate.

    Found by Brian2's ``collect`` rule.
    """
    seen = set()
    for value in namespace.values():
        if id(value) not in seen and compat.in_current_scope(value):
            seen.add(id(value))
            yield value
