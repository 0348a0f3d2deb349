# Wrong: the inhibitory weight lost its sign (abs(INH_W)): both inputs excite
start_scope()
converted_targets = NeuronGroup(n_targets, membrane_eqs, method="exact")
converted_targets.v = E_L
converted_inputs = [
    PoissonInput(converted_targets, "v", N=EXC_SOURCES, rate=EXC_RATE, weight=EXC_W),
    PoissonInput(converted_targets, "v", N=INH_SOURCES, rate=INH_RATE, weight=abs(INH_W)),
]
converted_monitor = StateMonitor(converted_targets, "v", record=True)
Network(converted_targets, converted_monitor, *converted_inputs).run(200 * ms)
