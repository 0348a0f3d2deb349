# Wrong: the envelope alternates every 100 ms ([1, 0]), so a second stimulus falls in each silence
start_scope()
protocol_envelope = TimedArray([1, 0] * PROTOCOL_CYCLES, dt=PROTOCOL_STIM)
protocol_neurons = NeuronGroup(
    PROTOCOL_N,
    "rate = PROTOCOL_REST_RATE + (PROTOCOL_STIM_RATE - PROTOCOL_REST_RATE)"
    "*protocol_envelope(t) : Hz",
    threshold="rand() < rate*dt",
)
protocol_spikes = SpikeMonitor(protocol_neurons)
run(PROTOCOL_CYCLES * (PROTOCOL_STIM + PROTOCOL_SILENCE))
