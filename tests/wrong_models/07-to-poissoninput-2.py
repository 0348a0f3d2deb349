# Wrong: only the excitatory sources were converted; the inhibitory ones are missing
start_scope()
converted_targets = NeuronGroup(n_targets, membrane_eqs, method="exact")
converted_targets.v = E_L
converted_inputs = [
    PoissonInput(converted_targets, "v", N=EXC_SOURCES, rate=EXC_RATE, weight=EXC_W)
]
converted_monitor = StateMonitor(converted_targets, "v", record=True)
Network(converted_targets, converted_monitor, *converted_inputs).run(200 * ms)
