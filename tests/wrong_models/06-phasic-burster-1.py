# Wrong: the chattering class's c and d (0.02/ms, 0.2, -50 mV, 2 mV): bursts that repeat
start_scope()
burster = NeuronGroup(
    1, izhikevich_eqs, threshold="v >= 30*mV", reset="v = c; u += d", method="euler", dt=0.1 * ms
)
burster.a, burster.b, burster.c, burster.d = 0.02 / ms, 0.2, -50 * mV, 2 * mV
burster.I_step = 10 * mV
burster.v = -64 * mV
burster.u = "b*v"
burster_state = StateMonitor(burster, "v", record=0)
burster_spikes = SpikeMonitor(burster)
run(duration)
