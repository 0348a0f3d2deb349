"""Conductance-based PSPs scale with the driving force.

An EPSP's peak is proportional to (E_e - V_rest) and an IPSP's to (E_i - V_rest), so the IPSP
vanishes at E_i and changes sign across it.

Theory (independent of the simulation): for a small conductance jump w (units of g_L) decaying with
tau_s, linearising tau_m dV/dt = E_L - V + g (E_syn - V) around V = E_L gives
    V - E_L = w (E_syn - E_L) tau_s / (tau_m - tau_s) (exp(-t/tau_m) - exp(-t/tau_s)),
peaking at t* = tau_m tau_s / (tau_m - tau_s) ln(tau_m / tau_s). The neglected term g (V - E_L) is
at most w times the PSP, so the relative error of the linear prediction is below w (+ O(dt/tau_s)
from Euler). Deterministic: no seed involved.
"""

import numpy as np
from brian2 import Network, NeuronGroup, SpikeGeneratorGroup, StateMonitor, Synapses, ms, mV

import labutils as lu

TAU_M, DT = 20 * ms, 0.1 * ms
W = 0.02  # peak conductance 2 % of g_L: small, so the linear theory holds to < 2 %
SPIKE_AT = 20 * ms


def linear_peak(w, e_syn, e_rest, tau_s):
    ratio = float(TAU_M / tau_s)
    t_peak = float(TAU_M) * float(tau_s) / (float(TAU_M) - float(tau_s)) * np.log(ratio)
    shape = np.exp(-t_peak / float(TAU_M)) - np.exp(-t_peak / float(tau_s))
    return w * (e_syn - e_rest) * float(tau_s) / (float(TAU_M) - float(tau_s)) * shape


def psp_peaks(rests, e_syn, tau_s):
    """One neuron per resting potential (E_L = V_rest), one input spike at 20 ms."""
    group = NeuronGroup(
        len(rests),
        """dv/dt = (E_L - v + g * (E_syn - v)) / tau_m : volt
                                      dg/dt = -g / tau_s : 1
                                      E_L : volt (constant)""",
        method="euler",
        dt=DT,
    )
    group.E_L = rests
    group.v = rests
    source = SpikeGeneratorGroup(1, [0], [SPIKE_AT], dt=DT)
    synapses = Synapses(source, group, on_pre="g += w", dt=DT)
    synapses.connect()
    monitor = StateMonitor(group, "v", record=True, dt=DT)
    Network(group, source, synapses, monitor).run(
        100 * ms, namespace=dict(E_syn=e_syn, tau_m=TAU_M, tau_s=tau_s, w=W)
    )
    return np.array(
        [
            float(lu.psp_amplitude(monitor, SPIKE_AT, 60 * ms, neuron=k) / mV)
            for k in range(len(rests))
        ]
    )


def test_epsp_amplitude_scales_with_the_driving_force(target):
    e_e, tau_e = 0 * mV, 5 * ms
    rests = np.array([-80, -70, -55, -40]) * mV
    peaks = psp_peaks(rests, e_e, tau_e)
    theory = np.array([linear_peak(W, 0.0, float(r / mV), tau_e) for r in rests])
    assert np.all(peaks > 0), f"EPSPs must be depolarising: {peaks} mV"
    relative = peaks / theory - 1
    assert np.all(np.abs(relative) < W + float(DT / tau_e)), (
        f"EPSP peaks {peaks} mV vs linear theory {theory} mV"
    )
    # with E_L = V_rest the whole response scales with (E_e - V_rest), so the ratio of two EPSPs is
    # the ratio of the driving forces exactly (e.g. -55 vs -70 mV: 55/70), nonlinearity included
    drive = np.asarray((e_e - rests) / mV)
    assert np.allclose(peaks / peaks[1], drive / drive[1], rtol=1e-9), (
        f"EPSP ratios {peaks / peaks[1]} vs driving-force ratios {drive / drive[1]}"
    )


def test_ipsp_reverses_at_the_inhibitory_reversal_potential(target):
    e_i, tau_i = -80 * mV, 10 * ms
    rests = np.array([-90, -85, -80, -70, -55]) * mV
    peaks = psp_peaks(rests, e_i, tau_i)
    theory = np.array([linear_peak(W, -80.0, float(r / mV), tau_i) for r in rests])
    assert peaks[0] > 0 and peaks[1] > 0, f"below E_i the IPSP depolarises: {peaks[:2]} mV"
    assert abs(peaks[2]) < 1e-9, f"at E_i the IPSP vanishes: {peaks[2]} mV"
    assert peaks[3] < 0 and peaks[4] < 0, f"above E_i the IPSP hyperpolarises: {peaks[3:]} mV"
    nonzero = np.arange(len(rests)) != 2
    relative = peaks[nonzero] / theory[nonzero] - 1
    assert np.all(np.abs(relative) < W + float(DT / tau_i)), (
        f"IPSP peaks {peaks} mV vs linear theory {theory} mV"
    )
