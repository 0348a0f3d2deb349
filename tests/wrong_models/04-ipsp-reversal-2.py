# Holding current with the wrong sign: the neurons drift away from V_test.
start_scope()
rev_source = SpikeGeneratorGroup(1, [0], [t_spike])
rev_eqs = """
dv/dt = (E_L - v + I_hold/g_L + g_rev*(E_rev - v)) / tau_m : volt (unless refractory)
dg_rev/dt = -g_rev / tau_i : 1
I_hold : amp (constant)
"""
rev_neuron = NeuronGroup(
    len(V_test), rev_eqs, threshold="v > V_th", reset="v = E_L", refractory=t_ref, method="euler"
)
rev_neuron.I_hold = g_L * (E_L - V_test)
rev_neuron.v = V_test
rev_syn = Synapses(rev_source, rev_neuron, on_pre="g_rev_post += w_i")
rev_syn.connect()
rev_mon = StateMonitor(rev_neuron, "v", record=True)
run(100 * ms)
