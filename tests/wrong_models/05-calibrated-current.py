# Not calibrated: section 5's weights (w_e, w_i) with the fixed driving forces E - E_L.
start_scope()
w_e_cur = w_e
w_i_cur = w_i
calibrated = NeuronGroup(n_current, eqs_current, method="euler")
calibrated.v = E_L
calibrated.weight_e = w_e_cur
calibrated.weight_i = w_i_cur
calibrated.rate_e = nu_e
calibrated.rate_i = nu_i
calibrated.run_regularly(free_drive, when="synapses")
calibrated_mon = StateMonitor(calibrated, "v", record=True)
run(current_duration)
