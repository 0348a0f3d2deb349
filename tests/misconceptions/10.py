"""Notebook 10's misconception catalogue (see tests/test_modelling_exercises.py)."""

EX1 = "my_on_pre = {!r}\nmy_v_start = {}\nmy_w = {}\n"
EX2 = "noisy_eqs = {!r}\n"
BACKGROUND = 'background = PoissonInput(cells, "g_inh", N_INH, RATE_INH, weight=W_INH)'

CASES = {
    "Exercise 1": [
        (
            "wrong",
            "overwrite kept",
            EX1.format("v_post = w", "E_L", "8 * mV"),
            "fire exactly once",
        ),
        (
            "wrong",
            "v starts at 0 V",
            EX1.format("v_post += w", "0 * mV", "8 * mV"),
            "fires before the input arrives",
        ),
        ("wrong", "too strong", EX1.format("v_post += w", "E_L", "12 * mV"), "third input spike"),
        ("wrong", "too weak", EX1.format("v_post += w", "E_L", "5 * mV"), "fire exactly once"),
        ("wrong", "w without units", EX1.format("v_post += w", "E_L", "8"), "units do not match"),
        (
            "right",
            "volt and float",
            EX1.format("v_post += w", "-0.07 * volt", "0.0075 * volt"),
            None,
        ),
        ("right", "no _post suffix", EX1.format("v += w", "E_L", "8 * mV"), None),
    ],
    "Exercise 2": [
        (
            "wrong",
            "the given randn()",
            EX2.format("dv/dt = (E_L - v) / TAU_M + SIGMA*randn()/ms : volt"),
            "SD at dt = 0.5 ms: not right",
        ),
        (
            "wrong",
            "xi without its scale",
            EX2.format("dv/dt = (E_L - v) / TAU_M + SIGMA*xi : volt"),
            "noisy_eqs: the units do not match",
        ),
        (
            "wrong",
            "sqrt(TAU_M) upside down",
            EX2.format("dv/dt = (E_L - v) / TAU_M + SIGMA*sqrt(2*TAU_M)*xi/TAU_M**2 : volt"),
            "units do not match",
        ),
        (
            "right",
            "inside the bracket",
            EX2.format("dv/dt = (E_L - v + SIGMA*sqrt(2*TAU_M)*xi) / TAU_M : volt"),
            None,
        ),
        (
            "right",
            "a named noise",
            EX2.format("dv/dt = (E_L - v) / TAU_M + SIGMA*sqrt(2/TAU_M)*xi_1 : volt"),
            None,
        ),
    ],
    "Exercise 3": [
        (
            "right",
            "input named, weight in other form",
            [(BACKGROUND, BACKGROUND.replace("weight=W_INH", "weight=abs(-W_INH)"))],
            None,
        ),
        (
            "right",
            "np.transpose, seconds",
            [
                (
                    "drive = TimedArray(drive_table.T, dt=50 * ms)",
                    "drive = TimedArray(np.transpose(drive_table), dt=0.05 * second)",
                )
            ],
            None,
        ),
    ],
}
