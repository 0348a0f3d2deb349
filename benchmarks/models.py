"""The benchmark's reference model: the course's single LIF neuron driven by Poisson inputs
(notebooks 03/05), written three ways: plain runtime (numpy / Cython) and as a StandaloneModel."""
from brian2 import (Hz, NeuronGroup, PoissonGroup, SpikeMonitor, StateMonitor, Synapses, ms, mV,
                    second, defaultclock, run, start_scope)

taum, E_L, V_th, V_reset, t_ref = 20 * ms, -70 * mV, -50 * mV, -70 * mV, 5 * ms
E_e, E_i, tau_e, tau_i = 0 * mV, -80 * mV, 5 * ms, 10 * ms
EQS = """
dv/dt = (E_L - v + g_e * (E_e - v) + g_i * (E_i - v)) / taum : volt (unless refractory)
dg_e/dt = -g_e / tau_e : 1
dg_i/dt = -g_i / tau_i : 1
w_e : 1 (shared, constant)
w_i : 1 (shared, constant)
"""
N_E, N_I = 800, 200
DURATION = 1 * second


def make_objects(nu_e=5 * Hz, nu_i=5 * Hz, w_e=0.05, w_i=0.1):
    neuron = NeuronGroup(1, EQS, threshold="v > V_th", reset="v = V_reset", refractory=t_ref,
                         method="euler")
    neuron.v = E_L
    neuron.w_e, neuron.w_i = w_e, w_i
    exc = PoissonGroup(N_E, rates=nu_e)
    inh = PoissonGroup(N_I, rates=nu_i)
    syn_e = Synapses(exc, neuron, on_pre="g_e_post += w_e_post")
    syn_e.connect()
    syn_i = Synapses(inh, neuron, on_pre="g_i_post += w_i_post")
    syn_i.connect()
    state_mon = StateMonitor(neuron, "v", record=0)
    spike_mon = SpikeMonitor(neuron)
    return dict(neuron=neuron, exc=exc, inh=inh, syn_e=syn_e, syn_i=syn_i, state_mon=state_mon,
                spike_mon=spike_mon)


def plain_simulate(w_e=0.05, nu_e=5 * Hz):
    """The runtime way: build and run the whole model on each call (what a plain explorer does)."""
    start_scope()
    defaultclock.dt = 0.1 * ms
    objs = make_objects(nu_e=nu_e, w_e=w_e)
    from brian2 import Network
    net = Network(*objs.values())
    net.run(DURATION, namespace=globals())
    return objs["state_mon"].t[:], objs["state_mon"].v[0], objs["spike_mon"].t[:]
