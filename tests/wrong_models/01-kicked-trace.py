# Sets x to the kick instead of adding it (x = kick, as section 1 set x = 1).
start_scope()
trace = NeuronGroup(1, "dx/dt = -x/tau_k : 1", method="exact")
trace.x = x_start
trace_mon = StateMonitor(trace, "x", record=True)
run(40 * ms)
trace.x = kick
run(40 * ms)
