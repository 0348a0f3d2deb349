"""Notebook 07's misconception catalogue (see tests/test_modelling_exercises.py)."""

MEAN = "predicted_mean = E_L + 400 * 5 * Hz * 0.2 * mV * tau_m"
SD = "predicted_sd = np.sqrt(400 * 5 * Hz * (0.2 * mV) ** 2 * tau_m / 2)"
INPUT = 'exercise_input = PoissonInput(exercise_targets, "v", N=400, rate=5 * Hz, weight=0.2 * mV)'
SINGLE = (
    'single_input = PoissonInput(single, "v", N=n_per_target, rate=forum_rate, '
    "weight=forum_weight)"
)
EXC = 'PoissonInput(converted_targets, "v", N=EXC_SOURCES, rate=EXC_RATE, weight=EXC_W)'
INH = 'PoissonInput(converted_targets, "v", N=INH_SOURCES, rate=INH_RATE, weight=INH_W)'
EX3 = """start_scope()
converted_targets = NeuronGroup(n_targets, membrane_eqs, method="exact")
converted_targets.v = E_L
converted_inputs = {inputs}
converted_monitor = StateMonitor(converted_targets, "v", record=True)
if isinstance(converted_inputs, PoissonInput):  # one input given without the list around it
    converted_inputs = [converted_inputs]
if converted_inputs is not Ellipsis:
    Network(converted_targets, converted_monitor, *converted_inputs).run(200 * ms)
"""

CASES = {
    "Exercise 1": [
        ("wrong", "the shift without E_L", [(MEAN, MEAN.replace("E_L + ", ""))], "predicted_mean"),
        ("wrong", "a plain number", [(MEAN, "predicted_mean = -66.0")], "has no units"),
        ("wrong", "SD without the 1/2", [(SD, SD.replace(" / 2)", ")"))], "predicted_sd"),
        ("wrong", "the variance", [(SD, SD.replace("np.sqrt", ""))], "units of"),
        (
            "wrong",
            "w off by 1000",
            [(MEAN, MEAN.replace("0.2 * mV", "0.2 * mV / 1000"))],
            "not right",
        ),
        (
            "wrong",
            "right prediction, N = 100",
            [(INPUT, INPUT.replace("400", "100"))],
            "misses your prediction",
        ),
        (
            "wrong",
            "weight in volt",
            [(INPUT, INPUT.replace("0.2 * mV", "0.2 * volt"))],
            "misses your prediction",
        ),
        ("wrong", "input left out", [(INPUT, "exercise_input = ...")], "not answered yet"),
        ("wrong", "no run()", [("run(200 * ms)\n", "")], "recorded nothing"),
        (
            "right",
            "from lu.shot_noise_stats",
            [
                (
                    MEAN,
                    "predicted_mean = E_L + lu.shot_noise_stats(400, 5 * Hz, 0.2 * mV, tau_m)[0]",
                ),
                (SD, "predicted_sd = lu.shot_noise_stats(400, 5 * Hz, 0.2 * mV, tau_m)[1]"),
            ],
            None,
        ),
        (
            "right",
            "other units",
            [
                (
                    MEAN,
                    "predicted_mean = (E_L + 400 * 5 * Hz * 0.2 * mV * tau_m) / volt * 1000 * mV",
                ),
                (
                    INPUT,
                    INPUT.replace(
                        "rate=5 * Hz, weight=0.2 * mV", "rate=0.005 * kHz, weight=0.0002 * volt"
                    ),
                ),
            ],
            None,
        ),
        (
            "right",
            "float32 quantity",
            [(SD, SD + "\npredicted_sd = np.float32(predicted_sd / mV) * mV")],
            None,
        ),
    ],
    "Exercise 2": [
        (
            "wrong",
            "N = number of neurons",
            [("n_per_target = 1", "n_per_target = 3")],
            "n_per_target: not right yet",
        ),
        (
            "wrong",
            "right N, single_input N = 3",
            [(SINGLE, SINGLE.replace("N=n_per_target", "N=3"))],
            "differs between the loop and single_input",
        ),
        (
            "wrong",
            "onto the looped group",
            [(SINGLE, SINGLE.replace("(single,", "(looped,"))],
            "onto the group single",
        ),
        (
            "wrong",
            "a list like the loop",
            [
                (
                    SINGLE,
                    SINGLE.replace(
                        'single_input = PoissonInput(single, "v",',
                        'single_input = [PoissonInput(single[k : k + 1], "v",',
                    ).replace("weight=forum_weight)", "weight=forum_weight) for k in range(3)]"),
                )
            ],
            "onto the group single",
        ),
        ("wrong", "text", [("n_per_target = 1", 'n_per_target = "1"')], "must be a number"),
        ("right", "a float", [("n_per_target = 1", "n_per_target = 1.0")], None),
        ("right", "numpy int", [("n_per_target = 1", "n_per_target = np.int64(1)")], None),
        (
            "right",
            "other units",
            [
                (
                    SINGLE,
                    SINGLE.replace(
                        "rate=forum_rate, weight=forum_weight",
                        "rate=0.15 * kHz, weight=0.0005 * volt",
                    ),
                )
            ],
            None,
        ),
    ],
    "Exercise 3": [
        ("wrong", "one bare PoissonInput", EX3.format(inputs=EXC), "mean of V is off"),
        (
            "wrong",
            "not PoissonInputs",
            EX3.format(inputs="[EXC_RATE, INH_RATE]"),
            "should be a list of PoissonInputs",
        ),
        ("right", "a tuple", EX3.format(inputs=f"({EXC}, {INH})"), None),
        (
            "right",
            "excitation split in two",
            EX3.format(
                inputs="[{}, {}, {}]".format(
                    EXC.replace("N=EXC_SOURCES", "N=EXC_SOURCES // 2"),
                    EXC.replace("N=EXC_SOURCES", "N=EXC_SOURCES - EXC_SOURCES // 2"),
                    INH,
                )
            ),
            None,
        ),
    ],
}
