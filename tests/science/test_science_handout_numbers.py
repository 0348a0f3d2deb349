"""The membrane statistics the course quotes for the handout's simulations 2 and 3 (each measured once,
one neuron for 1 s), re-measured on 20 independent neurons per configuration, all in one network.

LIF: tau_m dV/dt = E_L - V + g (E_syn - V), tau_s dg/dt = -g, threshold -50 mV, reset E_L = -70 mV,
refractory 5 ms; 100 Poisson inputs (PoissonInput) each adding w (units of g_L).
Quoted (mean +- SD of V):
  sim 2 fixed (connect()): 5 Hz, w_e 0.1            -> -56.8 +- 3.0 mV
  sim 2 as written (1 input connected): 5 Hz, 0.1   -> -69.8 +- 0.5 mV, no output spikes
  equal mean drive: 25 Hz, w_e 0.02                 -> SD 1.8 mV, no spikes
                    1 Hz,  w_e 0.5                  -> SD 4.9 mV, about 6 spikes/s
  sim 3 fixed (inhibition, E_i -80 mV, tau_i 10 ms): 5 Hz, w_i 0.1 -> -73.2 +- 0.6 mV
A single 1-s run scatters around the ensemble value with the per-neuron SD s, so a quoted value must lie
within Z sqrt(SE^2 + s^2) of our ensemble mean (SE = s / sqrt(20))."""
import numpy as np
from brian2 import (Hz, Network, NeuronGroup, PoissonInput, SpikeMonitor, StateMonitor, mV, ms, second,
                    seed as brian_seed)

import labutils as lu
from _science import Z, se_of_mean, within

M = 20
#        name                n_inputs rate    w     E_syn      tau_s    quoted mean, quoted SD, quoted rate
CONFIGS = [("sim2 fixed",       100,  5 * Hz, 0.1,  0 * mV,   5 * ms,  -56.8, 3.0, None),
           ("sim2 as written",    1,  5 * Hz, 0.1,  0 * mV,   5 * ms,  -69.8, 0.5, 0.0),
           ("25 Hz, w 0.02",    100, 25 * Hz, 0.02, 0 * mV,   5 * ms,  None,  1.8, 0.0),
           ("1 Hz, w 0.5",      100,  1 * Hz, 0.5,  0 * mV,   5 * ms,  None,  4.9, 6.0),
           ("sim3 fixed",       100,  5 * Hz, 0.1, -80 * mV, 10 * ms,  -73.2, 0.6, None)]


def test_quoted_handout_membrane_statistics(target, seed):
    brian_seed(seed)
    group = NeuronGroup(M * len(CONFIGS), """dv/dt = (E_L - v + g * (E_syn - v)) / tau_m : volt (unless refractory)
                                             dg/dt = -g / tau_s : 1
                                             E_syn : volt (constant)
                                             tau_s : second (constant)
                                             w : 1 (constant)""",
                        threshold="v > V_th", reset="v = E_L", refractory=5 * ms, method="euler", dt=0.1 * ms)
    group.v = -70 * mV
    inputs = []
    for k, (_, n, rate, w, e_syn, tau_s, *_quoted) in enumerate(CONFIGS):
        part = group[k * M:(k + 1) * M]
        part.E_syn, part.tau_s, part.w = e_syn, tau_s, w
        inputs.append(PoissonInput(part, "g", n, rate, weight="w"))
    spikes = SpikeMonitor(group)
    state = StateMonitor(group, "v", record=True)
    Network(group, spikes, state, *inputs).run(1 * second, namespace=dict(
        E_L=-70 * mV, tau_m=20 * ms, V_th=-50 * mV))
    rates_all = np.asarray(lu.firing_rates(spikes) / Hz)
    for k, (name, *_, q_mean, q_sd, q_rate) in enumerate(CONFIGS):
        stats = [lu.membrane_stats(state, "v", j) for j in range(k * M, (k + 1) * M)]
        means = np.array([float(m / mV) for m, _ in stats])
        sds = np.array([float(s / mV) for _, s in stats])
        rates = rates_all[k * M:(k + 1) * M]
        print(f"{name:16s} V {means.mean():7.2f} +- {sds.mean():.2f} mV, rate {rates.mean():.1f} Hz")
        if q_mean is not None:
            within(means.mean(), q_mean, Z * np.hypot(se_of_mean(means), np.std(means, ddof=1)) + 0.05,
                   f"{name}: mean V (mV)")
        within(sds.mean(), q_sd, Z * np.hypot(se_of_mean(sds), np.std(sds, ddof=1)) + 0.05,
               f"{name}: SD of V (mV)")
        if q_rate == 0.0:  # 'no spikes': the threshold lies more than 3 SD above the mean
            assert (-50 - means.mean()) / sds.mean() > 3, f"{name}: threshold within 3 SD of the mean V"
        elif q_rate is not None:
            within(rates.mean(), q_rate, Z * np.hypot(se_of_mean(rates), np.std(rates, ddof=1)) + 0.5,
                   f"{name}: output rate (Hz)")
