"""Notebook 08's misconception catalogue (see tests/test_modelling_exercises.py)."""

TABLE = "my_table = np.array([[10, 20, 30], [40, 50, 60]]) * Hz"
POISSON_GROUP = """start_scope()
protocol_envelope = TimedArray([1, 0, 0] * PROTOCOL_CYCLES, dt=PROTOCOL_STIM)
protocol_neurons = PoissonGroup(
    PROTOCOL_N,
    rates="PROTOCOL_REST_RATE + (PROTOCOL_STIM_RATE - PROTOCOL_REST_RATE)*protocol_envelope(t)",
)
protocol_spikes = SpikeMonitor(protocol_neurons)
run(PROTOCOL_CYCLES * (PROTOCOL_STIM + PROTOCOL_SILENCE))
"""
EX2 = "envelope_values = {}\nenvelope_dt = {}\n"

CASES = {
    "Exercise 1": [
        (
            "wrong",
            "transposed",
            [(TABLE, TABLE + "\nmy_table = my_table.T")],
            "my_table: Brian2 could not run it",
        ),
        (
            "wrong",
            "rows of 25 ms",
            [("my_dt = 50 * ms", "my_dt = 25 * ms")],
            "rates at 25 ms: not right",
        ),
        ("wrong", "no units", [("my_dt = 50 * ms", "my_dt = 50")], "my_table:"),
        (
            "wrong",
            "one row",
            [(TABLE, "my_table = np.array([[10, 20, 30]]) * Hz")],
            "rates at 75 ms: not right",
        ),
        (
            "right",
            "float32 in kHz",
            [
                (
                    TABLE,
                    "my_table = np.array([[10, 20, 30], [40, 50, 60]], "
                    "dtype=np.float32) / 1000 * kHz",
                )
            ],
            None,
        ),
        ("right", "seconds", [("my_dt = 50 * ms", "my_dt = 0.05 * second")], None),
    ],
    "Exercise 2": [
        ("wrong", "alternating", EX2.format("[1, 0] * 4", "50 * ms"), "envelope over 400 ms: not"),
        ("wrong", "one cycle only", EX2.format("[1, 0, 0, 0]", "50 * ms"), "envelope over 400"),
        (
            "wrong",
            "rows of the cycle",
            EX2.format("[1, 0, 0, 0] * 2", "200 * ms"),
            "envelope over",
        ),
        ("wrong", "no units", EX2.format("[1, 0, 0, 0] * 2", "50"), "envelope_values:"),
        (
            "right",
            "array, seconds",
            EX2.format("np.array([1, 0, 0, 0] * 2)", "0.05 * second"),
            None,
        ),
        ("right", "finer rows", EX2.format("[1, 1, 0, 0, 0, 0, 0, 0] * 2", "25 * ms"), None),
    ],
    "Exercise 3": [
        ("wrong", "a quarter", "my_fraction = 0.25\n", "my_fraction: not right"),
        ("wrong", "percent", "my_fraction = 50\n", "my_fraction: not right"),
        ("right", "computed", "my_fraction = (E_L + 40 * mV - V_TH) / (40 * mV)\n", None),
        ("right", "float32", "my_fraction = np.float32(0.5)\n", None),
    ],
    "Exercise 4": [
        (
            "wrong",
            "no run()",
            [("run(PROTOCOL_CYCLES * (PROTOCOL_STIM + PROTOCOL_SILENCE))\n", "")],
            "run the whole protocol",
        ),
        ("right", "a PoissonGroup", POISSON_GROUP, None),
        (
            "right",
            "envelope rows of 50 ms",
            [
                (
                    "[1, 0, 0] * PROTOCOL_CYCLES, dt=PROTOCOL_STIM",
                    "[1, 1, 0, 0, 0, 0] * PROTOCOL_CYCLES, dt=PROTOCOL_STIM / 2",
                )
            ],
            None,
        ),
    ],
}
