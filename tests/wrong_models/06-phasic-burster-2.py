# Wrong: u is left at 0 mV instead of b*v: the neuron starts far from rest
start_scope()
burster = NeuronGroup(
    1, izhikevich_eqs, threshold="v >= 30*mV", reset="v = c; u += d", method="euler", dt=0.1 * ms
)
burster.a, burster.b, burster.c, burster.d = 0.02 / ms, 0.25, -55 * mV, 0.05 * mV
burster.I_step = 0.6 * mV
burster.v = -64 * mV
burster_state = StateMonitor(burster, "v", record=0)
burster_spikes = SpikeMonitor(burster)
run(duration)
