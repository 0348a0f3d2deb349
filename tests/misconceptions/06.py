"""Notebook 06's misconception catalogue (see tests/test_modelling_exercises.py)."""

PRED, POS = 'prediction = "higher"', 'positive_w_inh = "1*mV * rand()"'
ANSWER = "print(answer)"
FIRES = 'prediction_fires = {"thalamo-cortical": True, "regular spiking": False}'
COUNT = "int(np.sum(rebound_trains[k] >= t_off))"

CASES = {
    "Exercise 1": [
        ("wrong", "lower", [(PRED, 'prediction = "lower"')], "prediction: not right"),
        (
            "wrong",
            "still negative",
            [(POS, 'positive_w_inh = "-1*mV * rand()"')],
            "not positive yet",
        ),
        ("wrong", "True instead of a word", [(PRED, "prediction = True")], "a text in quotes"),
        ("right", "capitalised", [(PRED, 'prediction = " Higher"')], None),
        ("right", "another positive expression", [(POS, 'positive_w_inh = "rand()*mV"')], None),
    ],
    "Exercise 2": [
        (
            "wrong",
            "another class",
            [(ANSWER, "answer = [c for c in candidates if c != _hidden][0]")],
            "is not right",
        ),
        ("wrong", "not a class", [(ANSWER, 'answer = "bursting"')], "should be one of"),
        ("wrong", "an index", [(ANSWER, "answer = candidates.index(answer)")], "should be one of"),
        ("right", "capitals and spaces", [(ANSWER, 'answer = " " + answer.title() + " "')], None),
    ],
    "Exercise 3": [
        (
            "wrong",
            "neither fires",
            [(FIRES, FIRES.replace("True", "False"))],
            "prediction_fires: not right",
        ),
        (
            "wrong",
            "all spikes counted",
            [(COUNT, "int(np.sum(rebound_trains[k] < t_off))")],
            "spikes_after_release: not right",
        ),
        (
            "wrong",
            "a key left out",
            [(FIRES, 'prediction_fires = {"thalamo-cortical": True}')],
            "prediction_fires: not right",
        ),
        (
            "right",
            "numpy values, other key order",
            [
                (
                    FIRES,
                    'prediction_fires = {"regular spiking": np.bool_(False), '
                    '"thalamo-cortical": np.bool_(True)}',
                ),
                (COUNT, "np.int64(np.sum(rebound_trains[k] >= t_off))"),
            ],
            None,
        ),
    ],
    "Exercise 4": [
        ("wrong", "no run()", [("run(duration)\n", "")], "recorded nothing"),
        (
            "right",
            "record every neuron",
            [('StateMonitor(burster, "v", record=0)', 'StateMonitor(burster, "v", record=True)')],
            None,
        ),
        (
            "right",
            "u at rest written out",
            [('burster.u = "b*v"', "burster.u = 0.25 * -64 * mV")],
            None,
        ),
    ],
}
