"""Notebook 04's misconception catalogue (see tests/test_modelling_exercises.py)."""

MANY = "nu_many = g_bar / (N_i * w_many * tau_i)  # 25 Hz"
FEW = "nu_few = g_bar / (N_i * w_few * tau_i)  # 1 Hz"
METHOD = 'refractory=t_ref, method="euler"'

CASES = {
    "Exercise 1": [
        ("wrong", "a plain number", [(MANY, "nu_many = 25")], "has no units"),
        (
            "wrong",
            "off by 1000",
            [(MANY, MANY + "\nnu_many = nu_many / 1000")],
            "nu_many: not right",
        ),
        ("wrong", "swapped", [(MANY, "nu_many = g_bar / (N_i * w_few * tau_i)")], "nu_many: not"),
        ("wrong", "tau_i left out", [(FEW, "nu_few = g_bar / (N_i * w_few)")], "has no units"),
        ("wrong", "inverted", [(FEW, "nu_few = N_i * w_few * tau_i / g_bar")], "has units of s,"),
        (
            "right",
            "literal values",
            [(MANY, "nu_many = 25 * Hz"), (FEW, "nu_few = 1 / second")],
            None,
        ),
        (
            "right",
            "kHz and float32",
            [
                (MANY, "nu_many = 0.025 * kHz"),
                (FEW, FEW + "\nnu_few = np.float32(nu_few / Hz) * Hz"),
            ],
            None,
        ),
    ],
    "Exercise 2": [
        (
            "wrong",
            "method='exact' (nonlinear)",
            [(METHOD, 'refractory=t_ref, method="exact"')],
            "cannot integrate its equations with method='exact'",
            "BrianObjectException: Brian2 cannot integrate the equations with the method given",
        ),
        (
            "wrong",
            "no connect()",
            [("rev_syn.connect()\n", "")],
            "rev_syn has no synapses",
            "BrianObjectException: Synapses without connect(): call .connect() before run()",
        ),
        (
            "wrong",
            "a current where a voltage belongs (units)",
            [("(E_L - v + I_hold/g_L + ", "(E_L - v + I_hold + ")],
            "rev_mon recorded nothing",
            "BrianObjectException: the units do not match (DimensionMismatchError: ",
        ),
        ("wrong", "no run()", [("run(100 * ms)\n", "")], "rev_mon recorded nothing"),
        (
            "wrong",
            "a voltage jump, not a conductance",
            [('on_pre="g_rev_post += w_i"', 'on_pre="v_post -= w_i * mV"')],
            "should depolarise",
        ),
        (
            "wrong",
            "only one neuron",
            [
                ("    len(V_test), rev_eqs,", "    1, rev_eqs,"),
                ("g_L * (V_test - E_L)", "g_L * (V_test[0] - E_L)"),
                ("rev_neuron.v = V_test\n", "rev_neuron.v = V_test[0]\n"),
            ],
            "one neuron per entry of V_test",
        ),
        # the cell stops at I_hold (three values for one neuron): rev_syn and rev_mon are still
        # the exercise cell's placeholders, whatever an earlier attempt had made of them, and the
        # check says the cell may have stopped at an error
        (
            "wrong",
            "only one neuron, held at three potentials",
            [("    len(V_test), rev_eqs,", "    1, rev_eqs,")],
            "rev_syn, rev_mon: not answered yet -- fill in rev_syn, rev_mon in the exercise cell "
            "(replace the ...), run it, then run this check (your cell set rev_neuron: if it "
            "stopped at an error after that, fix the error first)",
            # the cell's own error, raised inside Brian2: one line naming the statement
            "ValueError: could not broadcast input array from shape (3,) into shape (1,) (from "
            "`rev_neuron.I_hold = g_L * (V_test - E_L)`",
        ),
        ("right", "rk4", [(METHOD, 'refractory=t_ref, method="rk4"')], None),
        (
            "right",
            "exponential_euler",
            [(METHOD, 'refractory=t_ref, method="exponential_euler"')],
            None,
        ),
        (
            "right",
            "a synaptic weight variable",
            [
                (
                    'rev_syn = Synapses(rev_source, rev_neuron, on_pre="g_rev_post += w_i")\n'
                    "rev_syn.connect()",
                    'rev_syn = Synapses(rev_source, rev_neuron, "w : 1", on_pre="g_rev += w")\n'
                    "rev_syn.connect()\nrev_syn.w = w_i",
                )
            ],
            None,
        ),
    ],
}
