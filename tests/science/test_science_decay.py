"""Exponential decay dx/dt = -x/tau (the course's first model).

The 'exact' method reproduces exp(-t/tau) to rounding error; forward Euler's global error is
proportional to dt, with the predicted constant. Deterministic: no seed involved.
"""

import numpy as np
from brian2 import Network, NeuronGroup, StateMonitor, ms

TAU = 20 * ms
E5 = np.exp(-5.0)  # x(100 ms) / x(0) = exp(-100 ms / 20 ms)


def test_exact_method_matches_the_exponential_in_the_original_protocol(target):
    """With x = 0 for 100 ms, x stays exactly 0 (a fixed point).

    After x = 1 it decays as exp(-(t-100 ms)/tau).
    """
    group = NeuronGroup(1, "dx/dt = -x/tau : 1", method="exact", dt=0.1 * ms)
    monitor = StateMonitor(group, "x", record=0)
    net = Network(group, monitor)
    net.run(100 * ms, namespace={"tau": TAU})
    group.x = 1
    net.run(100 * ms, namespace={"tau": TAU})
    t, x = monitor.t, monitor.x[0]
    before = t < 100 * ms
    assert np.all(x[before] == 0), "x moved although it started at its fixed point 0"
    expected = np.exp(-np.asarray((t[~before] - 100 * ms) / TAU))
    # 1000 multiplications by exp(-dt/tau), each with relative rounding ~1e-16
    assert np.max(np.abs(x[~before] - expected)) < 1e-12, (
        "exact integration departs from exp(-t/tau)"
    )
    assert abs(group.x[0] - E5) < 1e-12, f"x(200 ms) = {group.x[0]}, expected e^-5 = {E5:.6f}"


def test_euler_error_is_first_order_in_dt(target):
    """Euler's error at T = 100 ms is first order in dt, with the predicted constant.

    Euler gives x_n = (1 - dt/tau)^n, so at T = 100 ms the error is e^(-T/tau) T dt / (2 tau^2) to
    leading order; the next term changes it by a factor 1 - 1.25 dt/tau (< 1 % for dt <= 0.2 ms).
    Halving dt halves the error (ratio 2 up to the same O(dt/tau) correction).
    """
    T = 100 * ms
    dts = [0.2 * ms, 0.1 * ms, 0.05 * ms, 0.025 * ms]
    euler = [NeuronGroup(1, "dx/dt = -x/tau : 1", method="euler", dt=dt) for dt in dts]
    exact = NeuronGroup(1, "dx/dt = -x/tau : 1", method="exact", dt=0.2 * ms)
    for group in [*euler, exact]:
        group.x = 1
    Network(*euler, exact).run(T, namespace={"tau": TAU})
    errors = np.array([E5 - g.x[0] for g in euler])
    predicted = np.array([E5 * float(T * dt / (2 * TAU**2)) for dt in dts])
    assert np.all(errors > 0), "Euler undershoots a decaying exponential"
    relative = errors / predicted - 1
    assert np.all(np.abs(relative) < 0.02), f"Euler errors {errors} vs leading-order {predicted}"
    ratios = errors[:-1] / errors[1:]
    assert np.all(np.abs(ratios - 2) < 0.05), (
        f"error ratios {ratios} when halving dt (first order: 2)"
    )
    assert abs(exact.x[0] - E5) < 1e-6 * errors[-1], "'exact' should beat Euler at any dt"
