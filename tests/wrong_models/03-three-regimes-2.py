# Section 3's wiring copied: blocks of 100 inputs per neuron, while the weights follow the
# 200/80/20 blocks, so neuron 0 gets 100 inputs of 0.05 and neuron 1 a mix.
start_scope()
regime_inputs = PoissonGroup(np.sum(block_sizes), rate_all)
regime_neurons = NeuronGroup(
    len(block_sizes),
    lif_eqs,
    threshold="v > V_th",
    reset="v = E_L",
    refractory=t_ref,
    method="euler",
)
regime_neurons.v = E_L
target = np.repeat(np.arange(len(block_sizes)), block_sizes)  # 200 x 0, 80 x 1, 20 x 2
regime_syn = Synapses(regime_inputs, regime_neurons, "w : 1", on_pre="g_e += w")
regime_syn.connect(j="i // 100")
regime_syn.w = block_weights[target]
regime_mon = StateMonitor(regime_neurons, ["v", "g_e"], record=True)
run(regime_duration)
