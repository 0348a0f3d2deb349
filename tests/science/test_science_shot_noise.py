"""Shot noise: Campbell's theorem, and PoissonInput against PoissonGroup + Synapses.

Campbell's theorem for a synaptic conductance driven by Poisson inputs, and the equivalence of
PoissonInput with PoissonGroup + Synapses for the membrane potential.

Campbell (N independent Poisson inputs at rate nu, each spike adds w, decay time constant tau):
    mean = N nu w tau,    variance = N nu w^2 tau / 2.
Brian2 works in steps of dt: per step the conductance is multiplied by a = exp(-dt/tau) and
receives w K, K ~ Binomial(N, nu dt). Its recorded stationary moments are exactly
    mean = N nu dt w / (1 - a),    variance = N nu dt (1 - nu dt) w^2 / (1 - a^2),
which differ from Campbell's by a factor 1 + O(dt/tau) (1 % and 2 % at dt = 0.1 ms, tau = 5 ms).
The simulation is tested against the discrete law with statistical tolerances, the discrete law
against Campbell within dt/tau-sized terms, and labutils.shot_noise_stats against Campbell exactly.
"""

import numpy as np
import pytest
from brian2 import (
    Hz,
    Network,
    NeuronGroup,
    PoissonGroup,
    PoissonInput,
    StateMonitor,
    Synapses,
    ms,
    mV,
    nS,
    second,
)
from brian2 import (
    seed as brian_seed,
)

import labutils as lu

from _science import Z, se_of_mean, within

N_IN, RATE, W, TAU = 100, 10 * Hz, 0.5 * nS, 5 * ms
DT, T, SKIP = 0.1 * ms, 0.5 * second, 50 * ms  # skip 10 tau of transient from g = 0


def campbell(n, rate, w, tau):
    """Independent of labutils: mean and variance of shot noise."""
    return n * rate * w * tau, n * rate * w**2 * tau / 2


def expected_window_variance(variance, a, n):
    """E[sample variance] (ddof 0) of n consecutive samples of a stationary AR(1) process.

    With lag-1 correlation a: variance (1 - (1 + 2 sum_k (1 - k/n) a^k) / n).
    """
    k = np.arange(1, n)
    return variance * (1 - (1 + 2 * np.sum((1 - k / n) * a**k)) / n)


def test_shot_noise_stats_is_campbell():
    for n, rate, w, tau in [
        (N_IN, RATE, W, TAU),
        (800, 3 * Hz, 0.1, 10 * ms),
        (1, 100 * Hz, 2 * nS, 1 * ms),
    ]:
        mean, sd = lu.shot_noise_stats(n, rate, w, tau)
        m, v = campbell(n, rate, w, tau)
        assert np.allclose(float(mean / m), 1) and np.allclose(float(sd**2 / v), 1), (
            n,
            rate,
            w,
            tau,
        )


@pytest.mark.parametrize("path", ["PoissonInput", "PoissonGroup+Synapses"])
def test_conductance_mean_and_variance_follow_campbell(target, seed, path):
    brian_seed(seed)
    m_targets = 100
    group = NeuronGroup(m_targets, "dg/dt = -g/tau : siemens", method="exact", dt=DT)
    if path == "PoissonInput":
        inputs = [PoissonInput(group, "g", N_IN, RATE, weight="w")]
    else:
        sources = PoissonGroup(N_IN * m_targets, RATE, dt=DT)
        synapses = Synapses(sources, group, on_pre="g += w", dt=DT)
        synapses.connect(i=np.arange(N_IN * m_targets), j=np.arange(N_IN * m_targets) // N_IN)
        inputs = [sources, synapses]
    monitor = StateMonitor(group, "g", record=True, dt=DT)
    Network(group, monitor, *inputs).run(T, namespace={"tau": TAU, "w": W})

    stats = [lu.membrane_stats(monitor, "g", k, start=SKIP) for k in range(m_targets)]
    means = np.array([float(m / nS) for m, _ in stats])
    variances = np.array([float(s / nS) ** 2 for _, s in stats])
    n_samples = int(np.sum(monitor.t >= SKIP))

    a = float(np.exp(-DT / TAU))
    p = float(RATE * DT)
    discrete_mean = N_IN * p * float(W / nS) / (1 - a)
    discrete_var = N_IN * p * (1 - p) * float(W / nS) ** 2 / (1 - a**2)
    camp_mean, camp_var = campbell(N_IN, RATE, W, TAU)
    camp_mean, camp_var = float(camp_mean / nS), float(camp_var / nS**2)
    lu_mean, lu_sd = lu.shot_noise_stats(N_IN, RATE, W, TAU)

    # the discrete law is Campbell's up to terms of order dt/tau
    assert abs(discrete_mean / camp_mean - 1) < float(DT / TAU)
    assert abs(discrete_var / camp_var - 1) < 2 * float(DT / TAU)
    assert np.isclose(float(lu_mean / nS), camp_mean) and np.isclose(
        float(lu_sd / nS) ** 2, camp_var
    )
    # per-neuron estimates are independent across neurons: their spread gives the standard error
    within(means.mean(), discrete_mean, Z * se_of_mean(means), f"{path}: mean conductance (nS)")
    within(
        variances.mean(),
        expected_window_variance(discrete_var, a, n_samples),
        Z * se_of_mean(variances),
        f"{path}: conductance variance (nS^2)",
    )


def test_poisson_input_and_poisson_group_give_the_same_membrane(target, seed):
    """PoissonInput and PoissonGroup + Synapses give the same free membrane.

    The original lab's LIF with 100 excitatory inputs at 5 Hz, w_e = 0.1 (units of g_L), without
    threshold (the free membrane): PoissonInput and 100 PoissonGroup sources + Synapses per neuron
    give the same mean and SD of V (two-sample test on independent per-neuron estimates).
    """
    brian_seed(seed)
    m_targets, n_e = 50, 100
    eqs = """dv/dt = (E_L - v + g_e * (E_e - v)) / tau_m : volt
             dg_e/dt = -g_e / tau_e : 1"""
    namespace = dict(E_L=-70 * mV, E_e=0 * mV, tau_m=20 * ms, tau_e=5 * ms, w_e=0.1)
    a = NeuronGroup(m_targets, eqs, method="euler", dt=DT)
    b = NeuronGroup(m_targets, eqs, method="euler", dt=DT)
    a.v = b.v = -70 * mV
    pin = PoissonInput(a, "g_e", n_e, 5 * Hz, weight="w_e")
    sources = PoissonGroup(n_e * m_targets, 5 * Hz, dt=DT)
    synapses = Synapses(sources, b, on_pre="g_e += w_e", dt=DT)
    synapses.connect(i=np.arange(n_e * m_targets), j=np.arange(n_e * m_targets) // n_e)
    mon_a = StateMonitor(a, "v", record=True, dt=DT)
    mon_b = StateMonitor(b, "v", record=True, dt=DT)
    Network(a, b, pin, sources, synapses, mon_a, mon_b).run(1 * second, namespace=namespace)

    def per_neuron(monitor):
        stats = [lu.membrane_stats(monitor, "v", k, start=100 * ms) for k in range(m_targets)]
        return (
            np.array([float(m / mV) for m, _ in stats]),
            np.array([float(s / mV) for _, s in stats]),
        )

    mean_a, sd_a = per_neuron(mon_a)
    mean_b, sd_b = per_neuron(mon_b)
    within(
        mean_a.mean(),
        mean_b.mean(),
        Z * np.hypot(se_of_mean(mean_a), se_of_mean(mean_b)),
        "mean V (mV), PoissonInput vs PoissonGroup",
    )
    within(
        sd_a.mean(),
        sd_b.mean(),
        Z * np.hypot(se_of_mean(sd_a), se_of_mean(sd_b)),
        "SD of V (mV), PoissonInput vs PoissonGroup",
    )
    print(
        f"mean V {mean_a.mean():.2f} / {mean_b.mean():.2f} mV,"
        f" SD {sd_a.mean():.2f} / {sd_b.mean():.2f} mV"
    )
