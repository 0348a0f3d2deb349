"""Notebook 02's misconception catalogue (see tests/test_modelling_exercises.py)."""

PRED = "amp_55_predicted = amp_70 * (E_e - (-55 * mV)) / (E_e - (-70 * mV))"
NEED = "n_needed = np.array([n_inputs[row][0] for row in fired])  # first n that fired"
LIN = "n_linear = (V_th - E_L_tested) / single"
CLOSER = "closer_needs_fewer = True"
INH = 'inh_syn = Synapses(inh_source, ei_neuron, "w : 1", on_pre="g_i += w")'

CASES = {
    "Exercise 1": [
        (
            "wrong",
            "ratio upside down",
            [(PRED, "amp_55_predicted = amp_70 * (E_e + 70 * mV) / (E_e + 55 * mV)")],
            "amp_55_predicted: not",
        ),
        ("wrong", "unchanged", [(PRED, "amp_55_predicted = amp_70")], "amp_55_predicted: not"),
        (
            "wrong",
            "a plain number",
            [(PRED, PRED + "\namp_55_predicted = amp_55_predicted / mV")],
            "has no units",
        ),
        (
            "right",
            "rearranged",
            [(PRED, "amp_55_predicted = amp_70 * (E_e + 55 * mV) / (E_e + 70 * mV)")],
            None,
        ),
        (
            "right",
            "in volt",
            [(PRED, PRED + "\namp_55_predicted = float(amp_55_predicted / volt) * volt")],
            None,
        ),
    ],
    "Exercise 2": [
        (
            "wrong",
            "closer needs more",
            [(CLOSER, "closer_needs_fewer = False")],
            "closer_needs_fewer: not right",
        ),
        ("wrong", "yes as text", [(CLOSER, 'closer_needs_fewer = "yes"')], "True or False"),
        ("wrong", "rounded up", [(LIN, LIN + "\nn_linear = np.ceil(n_linear)")], "n_linear: not"),
        (
            "wrong",
            "one row left out",
            [(NEED, NEED + "\nn_needed = n_needed[:-1]")],
            "needs 4 value(s)",
        ),
        (
            "wrong",
            "index, not count",
            [(NEED, "n_needed = np.array([np.argmax(row) for row in fired])")],
            "n_needed: not right",
        ),
        (
            "right",
            "lists and numpy bool",
            [
                (NEED, NEED + "\nn_needed = list(n_needed)"),
                (CLOSER, "closer_needs_fewer = np.bool_(True)"),
            ],
            None,
        ),
        ("right", "argmax + 1", [(NEED, "n_needed = np.argmax(fired, axis=1) + 1")], None),
    ],
    "Exercise 3": [
        (
            "wrong",
            "no connect() for the inhibition",
            [("inh_syn.connect()\n", "")],
            "inh_syn has no synapses",
        ),
        (
            "wrong",
            "a voltage jump",
            [(INH, INH.replace("g_i += w", "v -= w*mV"))],
            "g_i should jump by w_i",
        ),
        ("right", "rk2", [('method="euler"', 'method="rk2"')], None),
        ("right", "_post suffix", [(INH, INH.replace("g_i += w", "g_i_post += w"))], None),
    ],
}
