"""Notebook 00's misconception catalogue (see tests/test_modelling_exercises.py)."""

EX1 = "tau_m = {}\nI_hold = {}\n"
EX2 = "eqs_fixed = {!r}\n"
RIGHT_EQS = "dv/dt = (E_L - v + I_hold / g_L) / tau_m : volt"

CASES = {
    "Exercise 1": [
        ("wrong", "product, not ratio", EX1.format("C_m * g_L", "g_L * 20 * mV"), "has units of"),
        ("wrong", "a plain number", EX1.format("20", "g_L * 20 * mV"), "has no units"),
        ("wrong", "off by 1000", EX1.format("20 * second", "g_L * 20 * mV"), "tau_m: not right"),
        ("wrong", "the mV left out", EX1.format("C_m / g_L", "g_L * 20"), "units of S,"),
        ("wrong", "Ohm's law upside down", EX1.format("C_m / g_L", "20 * mV / g_L"), "has units"),
        (
            "wrong",
            "rest instead of 20 mV",
            EX1.format("C_m / g_L", "g_L * 70 * mV"),
            "I_hold: not",
        ),
        ("right", "literal values", EX1.format("20 * ms", "200 * pA"), None),
        ("right", "other units", EX1.format("0.02 * second", "0.2 * nA"), None),
        ("right", "float32", EX1.format("np.float32(20) * ms", "g_L * (20 * mV)"), None),
    ],
    "Exercise 2": [
        (
            "wrong",
            "a current added to a voltage",
            EX2.format("dv/dt = (E_L - v + I_hold) / tau_m : volt"),
            "units do not match",
        ),
        (
            "wrong",
            "dimensionless v",
            EX2.format("dv/dt = (E_L - v + I_hold / g_L) / tau_m : 1"),
            "eqs_fixed:",
        ),
        (
            "wrong",
            "sign of the current",
            EX2.format("dv/dt = (E_L - v - I_hold / g_L) / tau_m : volt"),
            "v after 200 ms: not right",
        ),
        ("wrong", "not a string", "eqs_fixed = 20 * mV\n", "Brian2 could not run it"),
        (
            "wrong",
            "Exercise 1's 20 mV written in, not the current",
            EX2.format("dv/dt = (E_L - v + 20 * mV) / tau_m : volt"),
            "v after 200 ms: not right",
        ),
        (
            "right",
            "with R = 1/g_L, as the text writes it",
            EX2.format("dv/dt = (E_L - v + R * I_hold) / tau_m : volt"),
            None,
        ),
        (
            "right",
            "the current through the capacitance",
            EX2.format("dv/dt = (E_L - v) / tau_m + I_hold / C_m : volt"),
            None,
        ),
        (
            "right",
            "the current term outside",
            EX2.format("dv/dt = (E_L - v) / tau_m + I_hold / (g_L * tau_m) : volt"),
            None,
        ),
        (
            "right",
            "currents",
            EX2.format("dv/dt = (g_L * (E_L - v) + I_hold) / (g_L * tau_m) : volt"),
            None,
        ),
        ("right", "with a comment", EX2.format(RIGHT_EQS + "  # membrane potential"), None),
    ],
}
