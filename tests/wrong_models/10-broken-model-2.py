# Wrong: table transposed and input named, but the inhibitory weight is still negative
start_scope()
drive = TimedArray(drive_table.T, dt=50 * ms)
cells = NeuronGroup(
    3,
    """dv/dt = (E_L - v + drive(t, i) + g_inh*(E_INH - v)) / TAU_M : volt
                          dg_inh/dt = -g_inh / TAU_I : 1""",
    threshold="v > V_TH",
    reset="v = E_L",
    method="euler",
)
cells.v = E_L
background = PoissonInput(cells, "g_inh", N_INH, RATE_INH, weight=-W_INH)
cell_state, cell_spikes = StateMonitor(cells, "v", record=True), SpikeMonitor(cells)
run(200 * ms)
fixed_state, fixed_spikes = cell_state, cell_spikes
