# Wrong: N is the total number of sources of the PoissonGroup model, not the number per target
start_scope()
converted_targets = NeuronGroup(n_targets, membrane_eqs, method="exact")
converted_targets.v = E_L
converted_inputs = [
    PoissonInput(converted_targets, "v", N=n_targets * EXC_SOURCES, rate=EXC_RATE, weight=EXC_W),
    PoissonInput(converted_targets, "v", N=n_targets * INH_SOURCES, rate=INH_RATE, weight=INH_W),
]
converted_monitor = StateMonitor(converted_targets, "v", record=True)
Network(converted_targets, converted_monitor, *converted_inputs).run(200 * ms)
