# Still conductance-based (section 4's eqs_free): the mean matches, but this is not the
# current-based model.
start_scope()
w_e_cur = w_e
w_i_cur = w_i
calibrated = NeuronGroup(n_current, eqs_free, method="euler")
calibrated.v = E_L
calibrated.weight_e = w_e_cur
calibrated.weight_i = w_i_cur
calibrated.rate_e = nu_e
calibrated.rate_i = nu_i
calibrated.run_regularly(free_drive, when="synapses")
calibrated_mon = StateMonitor(calibrated, "v", record=True)
run(current_duration)
