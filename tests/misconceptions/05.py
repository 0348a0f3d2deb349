"""Notebook 05's misconception catalogue (see tests/test_modelling_exercises.py)."""

G_E = "g_e_needed = (V_th - E_L + g_i_bar * (V_th - E_i)) / (E_e - V_th)  # 5.2"
NU_E = "nu_e_threshold = g_e_needed / (N_e * w_e * tau_e)  # 13 Hz"
G_I = "g_i_balance = (E_L - V_th + g_e_bar * (E_e - V_th)) / (V_th - E_i)  # 6"
W_I = "w_i_balance = g_i_balance / (N_i * nu_i * tau_i)  # 0.3"
CUR = "w_e_cur = w_e * (E_e - V_bar_cond) / (E_e - E_L)"

CASES = {
    "Exercise 1": [
        (
            "wrong",
            "inhibition left out",
            [(G_E, "g_e_needed = (V_th - E_L) / (E_e - V_th)")],
            "g_e_needed: not right",
        ),
        (
            "wrong",
            "a plain rate",
            [(NU_E, NU_E + "\nnu_e_threshold = nu_e_threshold / Hz")],
            "has no units",
        ),
        (
            "wrong",
            "tau_e left out",
            [(NU_E, "nu_e_threshold = g_e_needed / (N_e * w_e)")],
            "has no units",
        ),
        ("right", "kHz", [(NU_E, NU_E + "\nnu_e_threshold = nu_e_threshold / kHz * kHz")], None),
        ("right", "float32", [(G_E, G_E + "\ng_e_needed = np.float32(g_e_needed)")], None),
    ],
    "Exercise 2": [
        (
            "wrong",
            "driving force sign",
            [(G_I, "g_i_balance = (E_L - V_th + g_e_bar * (E_e - V_th)) / (E_i - V_th)")],
            "g_i_balance: not",
        ),
        (
            "wrong",
            "weight from g_e",
            [(W_I, "w_i_balance = g_e_bar / (N_i * nu_i * tau_i)")],
            "w_i_balance: not right",
        ),
        ("right", "float32", [(W_I, W_I + "\nw_i_balance = np.float32(w_i_balance)")], None),
        (
            "right",
            "rearranged",
            [(G_I, "g_i_balance = (g_e_bar * (E_e - V_th) - (V_th - E_L)) / (V_th - E_i)")],
            None,
        ),
    ],
    "Exercise 3": [
        ("wrong", "no run()", [("run(current_duration)\n", "")], "recorded nothing"),
        (
            "right",
            "exact method (the equations are linear)",
            [
                (
                    'calibrated = NeuronGroup(n_current, eqs_rest_force, method="euler")',
                    'calibrated = NeuronGroup(n_current, eqs_rest_force, method="exact")',
                )
            ],
            None,
        ),
        ("right", "float32 weights", [(CUR, CUR + "\nw_e_cur = np.float32(w_e_cur)")], None),
    ],
}
