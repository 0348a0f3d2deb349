"""Notebook 09's misconception catalogue (see tests/test_modelling_exercises.py)."""

EX1 = "my_inhibition = {on_pre!r}\nmy_w_lateral = {w}\n"
EX2 = "my_persistent = {}\n"

CASES = {
    "Exercise 1": [
        # the mistakes the text names: the colleague's sign, and lowering the excitation instead
        ("wrong", "g_inh -= w", EX1.format(on_pre="g_inh_post -= w", w=0.1), "went negative"),
        ("wrong", "g_exc -= w", EX1.format(on_pre="g_exc_post -= w", w=0.1), "went negative"),
        ("wrong", "voltage jump", EX1.format(on_pre="v_post -= w*mV", w=0.1), "g_inh never rose"),
        ("wrong", "excites", EX1.format(on_pre="g_exc_post += w", w=0.1), "g_inh never rose"),
        ("wrong", "negative w", EX1.format(on_pre="g_inh_post += w", w=-0.1), "be positive"),
        (
            "wrong",
            "w with units",
            EX1.format(on_pre="g_inh_post += w", w="0.1*mV"),
            "plain number",
        ),
        (
            "wrong",
            "units in on_pre",
            EX1.format(on_pre="g_inh_post += w*nS", w=0.1),
            "units do not",
        ),
        ("wrong", "too weak", EX1.format(on_pre="g_inh_post += w", w=0.0001), "not silenced"),
        (
            "wrong",
            "not a string",
            'my_inhibition = ["g_inh_post += w"]\nmy_w_lateral = 0.1\n',
            "on_pre string",
        ),
        (
            "wrong",
            "unknown variable",
            EX1.format(on_pre="g_i_post += w", w=0.1),
            "Brian2 could not run it",
        ),
        (
            "right",
            "float32 weight",
            EX1.format(on_pre="g_inh_post += w", w="np.float32(0.1)"),
            None,
        ),
        ("right", "int weight", EX1.format(on_pre="g_inh_post += w", w=1), None),
        ("right", "no _post suffix", EX1.format(on_pre="g_inh += w", w=0.1), None),
        ("right", "written out", EX1.format(on_pre="g_inh_post = g_inh_post + w", w=0.3), None),
        (
            "right",
            "dimensionless Quantity",
            EX1.format(on_pre="g_inh_post += w", w="0.1*mV/mV"),
            None,
        ),
    ],
    "Exercise 2": [
        ("wrong", "a partly right list", EX2.format("[0.05, 0.3]"), "not right yet"),
        ("wrong", "all candidates", EX2.format("candidates"), "not right yet"),
        ("wrong", "the smallest only", EX2.format("[0.02]"), "not right yet"),
        ("wrong", "empty", EX2.format("[]"), "not right yet"),
        ("wrong", "one number, no list", EX2.format("0.3"), "a list of the candidates"),
        ("wrong", "text", EX2.format("'0.3'"), "a list of the candidates"),
        ("wrong", "not a candidate", EX2.format("[0.1]"), "not one of the candidates"),
        ("wrong", "with units", EX2.format("[0.3 * mV]"), "not one of the candidates"),
        ("right", "list", EX2.format("[0.3]"), None),
        ("right", "float32", EX2.format("[np.float32(0.3)]"), None),
        ("right", "computed", EX2.format("[0.1 * 3]"), None),
        ("right", "set", EX2.format("{0.3}"), None),
        ("right", "tuple", EX2.format("(0.3,)"), None),
        ("right", "array", EX2.format("np.array([0.3])"), None),
        ("right", "filtered", EX2.format("[w for w in candidates if w > 0.1]"), None),
    ],
    "Exercise 3": [
        (
            "wrong",
            "no connect()",
            [('from_interneurons.connect(condition="i // N_INTER != j // N_POP")', "None")],
            "from_interneurons has no synapses",
        ),
        (
            "wrong",
            "exact method for conductance equations",
            [('    method="euler",\n)\ninterneurons.v', '    method="exact",\n)\ninterneurons.v')],
            "cannot integrate",
        ),
        (
            "wrong",
            "negative inhibitory weight on g_exc",
            [
                (
                    'on_pre="g_inh_post += w")\nfrom_interneurons.connect',
                    'on_pre="g_exc_post += w")\nfrom_interneurons.connect',
                ),
                ("from_interneurons.w = 0.1", "from_interneurons.w = -0.1"),
            ],
            "interneuron makes an excitatory synapse",
        ),
        (
            "wrong",
            "interneurons never reached",
            [("to_interneurons.w = 0.1", "to_interneurons.w = 0")],
            "the interneurons never fire",
        ),
        (
            "right",
            "connections as index arrays",
            [
                (
                    'to_interneurons.connect(condition="i // N_POP == j // N_INTER")',
                    "sources = np.repeat(np.arange(2 * N_POP), N_INTER)\n"
                    "to_interneurons.connect(\n"
                    "    i=sources, j=(sources // N_POP) * N_INTER + np.tile(np.arange(N_INTER), "
                    "2 * N_POP)\n)",
                )
            ],
            None,
        ),
        (
            "right",
            "interneurons start at rest, stronger inhibition",
            [
                ('interneurons.v = "E_L + rand()*(V_TH - E_L)"', "interneurons.v = E_L"),
                ("from_interneurons.w = 0.1", "from_interneurons.w = 0.3"),
            ],
            None,
        ),
    ],
}
