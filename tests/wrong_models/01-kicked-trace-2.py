# Copies section 1's equation: the time constant is tau (20 ms), not tau_k.
start_scope()
trace = NeuronGroup(1, "dx/dt = -x/tau : 1", method="exact")
trace.x = x_start
trace_mon = StateMonitor(trace, "x", record=True)
run(40 * ms)
trace.x += kick
run(40 * ms)
