# The inhibitory synapse raises g_e instead of g_i: "inhibition" through the excitatory channel.
start_scope()
inh_source = SpikeGeneratorGroup(1, [0], [20] * ms)
exc_source = SpikeGeneratorGroup(1, [0], [70] * ms)
ei_eqs = """
dv/dt = (E_L - v + g_e*(E_e - v) + g_i*(E_i - v)) / tau_m : volt (unless refractory)
dg_e/dt = -g_e / tau_e : 1
dg_i/dt = -g_i / tau_i : 1
"""
ei_neuron = NeuronGroup(
    1, ei_eqs, threshold="v > V_th", reset="v = E_L", refractory=t_ref, method="euler"
)
ei_neuron.v = E_L
inh_syn = Synapses(inh_source, ei_neuron, "w : 1", on_pre="g_e += w")
inh_syn.connect()
inh_syn.w = w_i
exc_syn = Synapses(exc_source, ei_neuron, "w : 1", on_pre="g_e += w")
exc_syn.connect()
exc_syn.w = w_e
ei_mon = StateMonitor(ei_neuron, ["v", "g_e", "g_i"], record=True)
run(100 * ms)
