"""Noise in a differential equation.

`randn()` written inside dv/dt is a fresh number each time step that Euler multiplies by dt, so the
stationary SD of v shrinks like sqrt(dt); Brian2's white noise `xi` (units s^-1/2) is scaled by
sqrt(dt) and gives an SD that does not depend on dt.

Model: dv/dt = -v/tau + noise, tau = 10 ms, 4000 independent neurons started at v = 0 and run for
10 tau (the transient decays as exp(-20) in variance), then one snapshot: 4000 independent samples.
Exact discrete-time variances (Euler, a = 1 - dt/tau):
    randn(): dv = (-v/tau + s randn()/ms) dt   ->  var = (s dt/ms)^2 / (1 - a^2)
    xi:      dv = -v/tau dt + sigma sqrt(2/tau) xi dt  ->  var = sigma^2 (2 dt/tau) / (1 - a^2)
                                                          = sigma^2 / (1 - dt/(2 tau))
Standard error of a sample variance of n Gaussian samples: var sqrt(2/(n-1)).
"""

import numpy as np
from brian2 import Network, NeuronGroup, ms, mV
from brian2 import seed as brian_seed

from _science import Z, within

TAU, S, SIGMA, N = 10 * ms, 1 * mV, 1 * mV, 4000
DTS = [0.5 * ms, 0.1 * ms, 0.02 * ms]


def _snapshot_variances(equation, seed):
    brian_seed(seed)
    groups = [NeuronGroup(N, equation, method="euler", dt=dt) for dt in DTS]
    Network(*groups).run(10 * TAU, namespace={"tau": TAU, "s": S, "sigma": SIGMA})
    return np.array([np.var(np.asarray(g.v / mV), ddof=1) for g in groups])


def test_randn_inside_dvdt_makes_the_noise_depend_on_dt(target, seed):
    variances = _snapshot_variances("dv/dt = -v/tau + s*randn()/ms : volt", seed)
    for dt, var in zip(DTS, variances, strict=True):
        a = 1 - float(dt / TAU)
        expected = (float(S / mV) * float(dt / ms)) ** 2 / (1 - a**2)
        within(
            var,
            expected,
            Z * expected * np.sqrt(2 / (N - 1)),
            f"randn(): var of v (mV^2) at dt={dt}",
        )
    sd = np.sqrt(variances)
    # SD ratio between dt = 0.5 ms and 0.02 ms: about sqrt(25) = 5 (exactly 4.5 with the 1 - a^2
    # terms)
    assert sd[0] / sd[-1] > 4, f"SDs {sd} mV at dt = {DTS}: randn() noise should shrink with dt"


def test_xi_noise_does_not_depend_on_dt(target, seed):
    variances = _snapshot_variances("dv/dt = -v/tau + sigma*sqrt(2/tau)*xi : volt", seed)
    for dt, var in zip(DTS, variances, strict=True):
        expected = float(SIGMA / mV) ** 2 / (
            1 - float(dt / (2 * TAU))
        )  # sigma^2 up to 2.6 % at 0.5 ms
        within(
            var, expected, Z * expected * np.sqrt(2 / (N - 1)), f"xi: var of v (mV^2) at dt={dt}"
        )
        assert abs(expected / float(SIGMA / mV) ** 2 - 1) < float(dt / TAU)
