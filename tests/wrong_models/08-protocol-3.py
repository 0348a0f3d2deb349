# Wrong: one row per phase but every row held for dt = 200 ms, so each stimulus lasts 200 ms
start_scope()
protocol_envelope = TimedArray([1, 0] * PROTOCOL_CYCLES, dt=PROTOCOL_SILENCE)
protocol_neurons = PoissonGroup(
    PROTOCOL_N,
    rates="PROTOCOL_REST_RATE + (PROTOCOL_STIM_RATE - PROTOCOL_REST_RATE)*protocol_envelope(t)",
)
protocol_spikes = SpikeMonitor(protocol_neurons)
run(PROTOCOL_CYCLES * (PROTOCOL_STIM + PROTOCOL_SILENCE))
