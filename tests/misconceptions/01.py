"""Notebook 01's misconception catalogue (see tests/test_modelling_exercises.py)."""

PRED = "x_predicted = np.exp(-(175 * ms - 100 * ms) / tau_2)"
SIM = "x_simulated = M_2.x[0][int(round(175 * ms / defaultclock.dt))]"
HALF = "t_half = M.t[after_set][M.x[0][after_set] <= 0.5][0] - t_set"

CASES = {
    "Exercise 1": [
        (
            "wrong",
            "decay from t = 0",
            [(PRED, "x_predicted = np.exp(-175 * ms / tau_2)")],
            "x_predicted: not right",
        ),
        (
            "wrong",
            "the section's tau",
            [(PRED, "x_predicted = np.exp(-75 * ms / tau)")],
            "x_predicted: not right",
        ),
        (
            "wrong",
            "index in ms, not steps",
            [(SIM, "x_simulated = M_2.x[0][175]")],
            "x_simulated: not right",
        ),
        ("wrong", "the last sample", [(SIM, "x_simulated = M_2.x[0][-1]")], "x_simulated: not"),
        ("right", "numbers", [(PRED, "x_predicted = np.exp(-1.5)")], None),
        (
            "right",
            "nearest sample",
            [(SIM, "x_simulated = M_2.x[0][np.argmin(np.abs(M_2.t - 175 * ms))]")],
            None,
        ),
        ("right", "float32", [(PRED, PRED + "\nx_predicted = np.float32(x_predicted)")], None),
    ],
    "Exercise 2": [
        ("wrong", "t_set not subtracted", [(HALF, HALF.replace(" - t_set", ""))], "t_half: not"),
        (
            "wrong",
            "a plain number in ms",
            [(HALF, HALF + "\nt_half = t_half / ms")],
            "has no units",
        ),
        (
            "wrong",
            "the theory, not the measurement",
            [(HALF, "t_half = tau")],
            "t_half: not right",
        ),
        (
            "right",
            "in seconds",
            [(HALF, HALF + "\nt_half = float(t_half / second) * second")],
            None,
        ),
        (
            "right",
            "first index",
            [(HALF, "k = np.argmax((M.t >= t_set) & (M.x[0] <= 0.5))\nt_half = M.t[k] - t_set")],
            None,
        ),
    ],
    "Exercise 3": [
        ("wrong", "no kick", [("trace.x += kick  # add to the current value\n", "")], "kick"),
        (
            "wrong",
            "one run of 80 ms",
            [
                (
                    "run(40 * ms)\ntrace.x += kick  # add to the current value\nrun(40 * ms)",
                    "trace.x += kick\nrun(80 * ms)",
                )
            ],
            None,
        ),
        (
            "wrong",
            "no run()",
            [
                (
                    "run(40 * ms)\ntrace.x += kick  # add to the current value\nrun(40 * ms)",
                    "trace.x += kick",
                )
            ],
            "recorded nothing",
        ),
        ("right", "euler", [('method="exact"', 'method="euler"')], None),
        ("right", "record=[0]", [("record=True", "record=[0]")], None),
        ("right", "x = x + kick", [("trace.x += kick", "trace.x = trace.x + kick")], None),
    ],
}
