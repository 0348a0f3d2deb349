"""What a fast explorer's first build costs on a cold cache, phase by phase.

    python3 course.py python benchmarks/build.py

Builds a one-neuron LIF model with 1000 Poisson inputs drawn per time step (notebook 05's explorer
model) with ``lu.StandaloneModel`` into an empty cache and prints the wall time of the precompiled
header, of Brian2's code generation, of ``make`` and of three re-runs.
"""
import os
import tempfile
import time

os.environ["BRIAN_LABS_CACHE_DIR"] = tempfile.mkdtemp(prefix="brian-labs-build-")
os.environ.setdefault("BRIAN_LABS_FAST", "on")

from brian2 import Hz, NeuronGroup, SpikeMonitor, StateMonitor, mV, ms, second  # noqa: E402
from brian2.devices.cpp_standalone.device import CPPStandaloneDevice  # noqa: E402

import labutils as lu  # noqa: E402
from labutils import fast  # noqa: E402

phases = {}


def timed(name, function):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            phases[name] = phases.get(name, 0) + time.perf_counter() - start
    return wrapper


CPPStandaloneDevice.compile_source = timed("make", CPPStandaloneDevice.compile_source)
CPPStandaloneDevice.build = timed("device.build (code generation + make)", CPPStandaloneDevice.build)

E_L, E_e, V_th, tau_m, tau_e, N_e = -70 * mV, 0 * mV, -50 * mV, 20 * ms, 5 * ms, 1000
eqs = """
dv/dt = (E_L - v + g_e*(E_e - v)) / tau_m : volt (unless refractory)
dg_e/dt = -g_e / tau_e : 1
w_e : 1 (shared, constant)
nu_e : Hz (shared, constant)
"""


def main():
    if not fast.compiler_available():
        raise SystemExit("no C++ compiler: nothing to measure")
    start = time.perf_counter()
    fast.precompiled_header()
    phases["precompiled header"] = time.perf_counter() - start
    model = lu.StandaloneModel("bench_build", duration=1 * second, seed=1)
    with model.build():
        neuron = NeuronGroup(1, eqs, threshold="v > V_th", reset="v = E_L", refractory=2 * ms,
                             method="euler")
        neuron.v = E_L
        neuron.run_regularly("g_e += w_e * poisson(N_e * nu_e * dt)", when="synapses")
        state = StateMonitor(neuron, ["v", "g_e"], record=0)  # noqa: F841 (named: part of the model)
        spikes = SpikeMonitor(neuron)  # noqa: F841
    phases["whole `with model.build()` block"] = model.build_s
    for name, seconds in phases.items():
        print(f"{name:40s} {seconds:6.2f} s")
    files = len(list(model.directory.glob("**/*.cpp")))
    runs = [model.run({neuron.w_e: 0.01 * k, neuron.nu_e: 5 * k * Hz}) for k in (1, 2, 3)]
    print(f"{files} C++ files; re-runs: {', '.join(f'{1000 * r:.0f} ms' for r in runs)}")


if __name__ == "__main__":
    main()
