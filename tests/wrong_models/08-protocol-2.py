# Wrong: no background, the neurons are silent during the silences
start_scope()
protocol_envelope = TimedArray([1, 0, 0] * PROTOCOL_CYCLES, dt=PROTOCOL_STIM)
protocol_neurons = PoissonGroup(PROTOCOL_N, rates="PROTOCOL_STIM_RATE*protocol_envelope(t)")
protocol_spikes = SpikeMonitor(protocol_neurons)
run(PROTOCOL_CYCLES * (PROTOCOL_STIM + PROTOCOL_SILENCE))
