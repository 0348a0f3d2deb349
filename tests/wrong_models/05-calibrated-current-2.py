# Calibrated at the threshold V_th instead of at the conductance-based mean V_bar_cond.
start_scope()
eqs_rest_force = """
dv/dt = (E_L - v + g_e*(E_e - E_L) + g_i*(E_i - E_L)) / tau_m : volt
dg_e/dt = -g_e / tau_e : 1
dg_i/dt = -g_i / tau_i : 1
weight_e : 1 (constant)
weight_i : 1 (constant)
rate_e : Hz (constant)
rate_i : Hz (constant)
"""
w_e_cur = w_e * (E_e - V_th) / (E_e - E_L)
w_i_cur = w_i * (E_i - V_th) / (E_i - E_L)
calibrated = NeuronGroup(n_current, eqs_rest_force, method="euler")
calibrated.v = E_L
calibrated.weight_e = w_e_cur
calibrated.weight_i = w_i_cur
calibrated.rate_e = nu_e
calibrated.rate_i = nu_i
calibrated.run_regularly(free_drive, when="synapses")
calibrated_mon = StateMonitor(calibrated, "v", record=True)
run(current_duration)
