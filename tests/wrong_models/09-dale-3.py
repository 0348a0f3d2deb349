# Wrong: each half of the interneurons inhibits its own output population
start_scope()
defaultclock.dt = DT
dale_parts = add_memory(build_input(circle), W_RECURRENT)
output = dale_parts["neurons"][OUTPUT]
to_output = Synapses(dale_parts["neurons"][MEMORY], output, "w : 1", on_pre="g_exc_post += w")
to_output.connect()
to_output.w = "W_MEMORY_OUT * (CROSSTALK + (1 - CROSSTALK)*int(i // N_POP == j // N_POP))"
dale_parts["to_output"] = to_output
interneurons = NeuronGroup(
    2 * N_INTER,
    neuron_eqs,
    threshold="v > V_TH",
    reset="v = V_RESET",
    refractory=REFRACTORY,
    method="euler",
)
interneurons.v = "E_L + rand()*(V_TH - E_L)"
to_interneurons = Synapses(output, interneurons, "w : 1", on_pre="g_exc_post += w")
to_interneurons.connect(condition="i // N_POP == j // N_INTER")
to_interneurons.w = 0.1
from_interneurons = Synapses(interneurons, output, "w : 1", on_pre="g_inh_post += w")
from_interneurons.connect(condition="i // N_INTER == j // N_POP")
from_interneurons.w = 0.1
