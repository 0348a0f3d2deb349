"""Notebook 03's misconception catalogue (see tests/test_modelling_exercises.py)."""

RATE, WEIGHT = "factor_rate = np.sqrt(2)", "factor_weight = 2.0"
SD = "sd_g_predicted = np.sqrt(N_e * nu_regime * w_regime**2 * tau_e / 2)"
CLOSER = "closer_regime = 0 if near_threshold[0] > near_threshold[2] else 2"
NEAR = (
    "near_threshold = np.array([np.mean(M_reg.v[k][keep] > V_th - 2 * mV) for k in range(n_reg)])"
)

CASES = {
    "Exercise 1": [
        ("wrong", "rate factor 2", [(RATE, "factor_rate = 2")], "factor_rate: not right"),
        (
            "wrong",
            "weight factor sqrt 2",
            [(WEIGHT, "factor_weight = np.sqrt(2)")],
            "factor_weight: not right",
        ),
        ("wrong", "SD without the 1/2", [(SD, SD.replace(" / 2)", ")"))], "sd_g_predicted: not"),
        ("wrong", "the variance", [(SD, SD.replace("np.sqrt", ""))], "sd_g_predicted: not"),
        (
            "right",
            "rounded and int",
            [(RATE, "factor_rate = 1.41"), (WEIGHT, "factor_weight = 2")],
            None,
        ),
        ("right", "power and float32", [(RATE, "factor_rate = np.float32(2**0.5)")], None),
    ],
    "Exercise 2": [
        ("wrong", "the other regime", [(CLOSER, "closer_regime = 0")], "closer_regime: not right"),
        ("wrong", "the middle regime", [(CLOSER, "closer_regime = 1")], "0 (many weak) or 2"),
        (
            "wrong",
            "percent",
            [(NEAR, NEAR + "\nnear_threshold = 100 * near_threshold")],
            "near_threshold: not right",
        ),
        ("wrong", "a name", [(CLOSER, 'closer_regime = "few strong"')], "0 (many weak) or 2"),
        (
            "right",
            "numpy int and a list",
            [
                (CLOSER, "closer_regime = np.int64(2)"),
                (NEAR, NEAR + "\nnear_threshold = list(near_threshold)"),
            ],
            None,
        ),
        ("right", "float", [(CLOSER, "closer_regime = 2.0")], None),
    ],
    "Exercise 3": [
        ("wrong", "no run()", [("run(regime_duration)\n", "")], "recorded nothing"),
        (
            "wrong",
            "a voltage added to a conductance (units)",
            [('on_pre="g_e += w"', 'on_pre="g_e += w * mV"')],
            "recorded nothing",
            "BrianObjectException: the units do not match (DimensionMismatchError: ",
        ),
        (
            "wrong",
            "one weight for all",
            [("regime_syn.w = block_weights[target]", "regime_syn.w = block_weights[0]")],
            "mean g_e is off",
        ),
        (
            "right",
            "rate in kHz",
            [
                (
                    "PoissonGroup(np.sum(block_sizes), rate_all)",
                    "PoissonGroup(np.sum(block_sizes), 0.005 * kHz)",
                )
            ],
            None,
        ),
        (
            "right",
            "weights as a list",
            [
                (
                    "regime_syn.w = block_weights[target]",
                    "regime_syn.w = list(block_weights[target])",
                )
            ],
            None,
        ),
    ],
}
