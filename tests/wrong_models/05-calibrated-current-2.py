# Calibrated at the threshold V_th instead of at the conductance-based mean V_bar_cond.
start_scope()
w_e_cur = w_e * (E_e - V_th) / (E_e - E_L)
w_i_cur = w_i * (E_i - V_th) / (E_i - E_L)
calibrated = NeuronGroup(n_current, eqs_current, method="euler")
calibrated.v = E_L
calibrated.weight_e = w_e_cur
calibrated.weight_i = w_i_cur
calibrated.rate_e = nu_e
calibrated.rate_i = nu_i
calibrated.run_regularly(free_drive, when="synapses")
calibrated_mon = StateMonitor(calibrated, "v", record=True)
run(current_duration)
