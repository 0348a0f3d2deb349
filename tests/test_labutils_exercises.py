"""Unit tests for labutils.exercises (the exercise checks) and tools/answer_key's recorder.

Right answers pass in any equivalent form, wrong or missing ones fail in one line with a hint and
never show the expected value, and the answer key stores no value in readable form.
"""

import json

import nbformat
import numpy as np
import pytest
from brian2 import DimensionMismatchError, Hz, ms, mV, nS, pA

import labutils as lu
from labutils import exercises
from tools import answer_key


@pytest.fixture
def key(tmp_path, monkeypatch):
    """Record ``answers`` as tools/answer_key.py would, then point labutils at that key.

    ``answers`` is ``{name: (value, sig, recompute)}``.
    """

    def make(answers, solution_cells=()):
        record_file = tmp_path / "records.json"
        for name, (value, sig, recompute) in answers.items():
            answer_key.record_answer(record_file, name, value, sig, recompute)
        nb = {
            "cells": [
                {"cell_type": "code", "source": s, "metadata": {"tags": ["solution"]}}
                for s in solution_cells
            ]
        }
        nb = nbformat.from_dict(nb)
        entries = answer_key.key_from_records(nb, json.loads(record_file.read_text()), {})
        (tmp_path / "answers").mkdir()
        (tmp_path / "answers" / "99_test.json").write_text(json.dumps(entries))
        monkeypatch.setattr(exercises, "ANSWER_DIR", tmp_path / "answers")
        exercises._answer_key.cache_clear()
        return entries

    yield make
    exercises._answer_key.cache_clear()


def test_the_key_holds_no_readable_value(key):
    entries = key({"factor_rate": (np.sqrt(2), 3, False), "nu_few": (1 * Hz, 2, False)})
    text = json.dumps(entries)
    assert "1.41" not in text and "1.0" not in text
    assert entries["nu_few"]["unit"] == "Hz" and len(entries["nu_few"]["digest"]) == 64


def test_equivalent_forms_of_a_right_answer_pass(key, capsys):
    key(
        {
            "factor_rate": (np.sqrt(2), 3, False),
            "closer_needs_fewer": (True, None, False),
            "n_needed": (np.array([9, 7, 4, 2]), None, False),
            "nu_few": (1 * Hz, 2, False),
            "prediction": ("higher", None, False),
            "fires": ({"a": True, "b": False}, None, False),
        }
    )
    capsys.readouterr()
    for form in (np.sqrt(2), 1.41, 1.414, np.float32(1.4142), np.array([1.41])):
        lu.check_answer("factor_rate", form, sig=3)
    lu.check_answer("closer_needs_fewer", np.all(np.diff([9, 7, 4]) < 0))  # numpy.bool_
    lu.check_answer("closer_needs_fewer", True)
    lu.check_answer("n_needed", [9, 7, 4, 2])
    lu.check_answer("n_needed", np.array([9.0, 7.0, 4.0, 2.0]))
    lu.check_answer("nu_few", 1000 * Hz / 1000, sig=2)
    lu.check_answer("prediction", " Higher ")
    lu.check_answer("fires", {"b": np.bool_(False), "a": True})
    assert capsys.readouterr().out.splitlines()[0] == "factor_rate: correct"


def test_a_wrong_answer_is_one_line_with_a_hint_and_no_expected_value(key):
    key(
        {
            "factor_rate": (np.sqrt(2), 3, False),
            "nu_few": (1 * Hz, 2, False),
            "n_needed": (np.array([9, 7, 4, 2]), None, False),
        }
    )
    with pytest.raises(lu.WrongAnswer) as caught:
        lu.check_answer("factor_rate", 1.42, sig=3, hint="put 2*nu_e into the formula")
    message = str(caught.value)
    assert message == (
        "factor_rate: not right yet (checked to 3 significant figures). "
        "Hint: put 2*nu_e into the formula"
    )
    assert caught.value._render_traceback_() == [f"WrongAnswer: {message}"]
    with pytest.raises(
        lu.WrongAnswer,
        match=r"^nu_few: has no units \(a plain number\), but the answer needs units of Hz.$",
    ):
        lu.check_answer("nu_few", 1, sig=2)
    with pytest.raises(lu.WrongAnswer, match=r"^n_needed: the answer needs 4 value\(s\), got 3."):
        lu.check_answer("n_needed", [9, 7, 4])
    with pytest.raises(lu.WrongAnswer, match=r"^n_needed: the answer is a whole number"):
        lu.check_answer("n_needed", [9, 7, 4, 2.5])
    with pytest.raises(lu.WrongAnswer, match=r"^n_needed: not right yet.$"):
        lu.check_answer("n_needed", [9, 7, 4, 3])
    with pytest.raises(lu.WrongAnswer, match="the answer must be a number"):
        lu.check_answer("factor_rate", "sqrt 2", sig=3)


def test_unanswered_says_fill_in_first_in_one_line():
    for placeholder in (..., None, {"a": True, "b": ...}, [1, ...]):
        with pytest.raises(lu.NotAnswered) as caught:
            lu.check_answer("nu_few", placeholder, sig=2)
        assert str(caught.value).startswith("nu_few: not answered yet -- fill in nu_few")
        assert len(caught.value._render_traceback_()) == 1
    with pytest.raises(lu.NotAnswered, match=r"^my_dt: not answered yet"):
        lu.require_answer("my_dt", ...)
    assert lu.require_answer("my_dt", 50 * ms) == 50 * ms
    with pytest.raises(TypeError, match="name must be the variable's name"):
        lu.require_answer(50 * ms, 50 * ms)


def test_an_answer_from_the_notebooks_own_data_is_recomputed(key):
    solution = "near = np.array([np.mean(v > 0.5) for v in data])\nprint(near)"
    key({"near": ([0.5, 0.25], 2, True)}, solution_cells=[solution])
    data = np.array([[0.1, 0.9, 0.8, 0.2], [0.0, 0.0, 0.0, 0.9]])
    namespace = {"np": np, "data": data}
    lu.check_answer("near", [0.5, 0.25], sig=2, namespace=namespace)
    lu.check_answer("near", [0.501, 0.2499], sig=2, namespace=namespace)
    with pytest.raises(lu.WrongAnswer, match=r"^near: not right yet"):
        lu.check_answer("near", [0.25, 0.25], sig=2, namespace=namespace)
    assert "near" not in namespace, "the solution runs on a copy of the namespace"
    with pytest.raises(ValueError, match="pass namespace=globals"):
        lu.check_answer("near", [0.5, 0.25], sig=2)


def test_recording_refuses_a_value_on_a_rounding_edge(tmp_path):
    with pytest.raises(ValueError, match="lies on a rounding edge at sig=1"):
        answer_key.record_answer(tmp_path / "r.json", "fraction", 0.25, 1, False)
    answer_key.record_answer(tmp_path / "r.json", "fraction", 0.25, 2, False)
    assert json.loads((tmp_path / "r.json").read_text())["fraction"]["sig"] == 2


def test_start_recording_replaces_the_key_lookup_of_check_answer(tmp_path, monkeypatch):
    monkeypatch.setattr(exercises, "_check_against_key", exercises._check_against_key)
    answer_key.start_recording(tmp_path / "r.json")
    lu.check_answer("made_up_name", 3 * Hz, sig=2)  # no key for it: recorded, not checked
    record = json.loads((tmp_path / "r.json").read_text())["made_up_name"]
    assert record["unit"] == "Hz" and record["kind"] == "number"


def test_author_errors_are_named(key):
    key({"factor_rate": (np.sqrt(2), 3, False)})
    with pytest.raises(ValueError, match="recorded with sig=3, this check asks for sig=2"):
        lu.check_answer("factor_rate", 1.4, sig=2)
    with pytest.raises(LookupError, match="no answer key for 'unknown'"):
        lu.check_answer("unknown", 1.4, sig=2)
    with pytest.raises(ValueError, match="sig must be a positive whole number"):
        lu.check_answer("factor_rate", 1.4, sig=0)


def test_every_answer_name_is_unique_in_the_course():
    exercises._answer_key.cache_clear()
    assert len(exercises._answer_key()) >= 20  # raises ValueError on a name in two files


# Checks against a value the check cell computes itself (e.g. from the student's own model)


def test_right_answers_pass_and_print_a_confirmation(capsys):
    assert lu.check_answer("tau_m", 20 * ms, 20 * ms) is None  # a check cell shows no value
    assert capsys.readouterr().out == "tau_m: correct\n"
    lu.check_answer("rates", [10, 20, 30] * Hz, [10, 20, 30] * Hz)
    lu.check_answer("ratio", 0.5, 0.5)
    lu.check_answer("count", np.int64(3), 3)


def test_tolerances():
    lu.check_answer("v", -50.04 * mV, -50 * mV)  # within the default rtol of 1e-3
    with pytest.raises(lu.WrongAnswer, match=r"^v: not right yet.$"):
        lu.check_answer("v", -50.1 * mV, -50 * mV)
    lu.check_answer("v", -51 * mV, -50 * mV, rtol=0, atol=1.5 * mV)
    with pytest.raises(AssertionError, match=r"not right yet. Hint: look at E_L"):
        lu.check_answer("v", -52 * mV, -50 * mV, rtol=0, atol=1.5 * mV, hint="look at E_L")
    lu.check_answer("fraction", 0.6, 0.5, rtol=0, atol=0.15)


def test_wrong_units_are_named():
    with pytest.raises(
        AssertionError,
        match=(
            r"tau_m: has no units \(a plain number\),"
            r" but the answer needs units of second \(e.g. ms\)"
        ),
    ):
        lu.check_answer("tau_m", 0.02, 20 * ms)
    with pytest.raises(
        AssertionError,
        match=r"I_hold: has units of siemens \(e.g. nS\), but the answer needs units of ampere",
    ):
        lu.check_answer("I_hold", 200 * nS, 200 * pA)
    with pytest.raises(
        AssertionError,
        match=r"ratio: has units of hertz \(e.g. Hz\), but the answer needs no units",
    ):
        lu.check_answer("ratio", 5 * Hz, 5)


@pytest.mark.parametrize(
    "answer, named",
    [
        (4 * mV**2, "volt^2"),  # a variance for a standard deviation
        (2 * mV / ms, "volt/second"),  # Brian2: pA/pF
        (mV * ms, "volt*second"),  # Brian2: Wb
        (mV**2 / pA, "volt^2/ampere"),  # Brian2: m^4 kg^2 s^-6 A^-3
        (1 / (mV * ms), "1/(volt*second)"),
        (pA * ms, "ampere*second"),
        (ms**2, "second^2"),
    ],
)
def test_units_without_a_familiar_name_are_named_in_volt_ampere_and_second(answer, named):
    with pytest.raises(AssertionError) as raised:
        lu.check_answer("sigma_V", answer, 2 * mV)
    assert str(raised.value).startswith(f"sigma_V: has units of {named}, but the answer needs")


def test_missing_and_malformed_answers():
    for placeholder in (..., None):
        with pytest.raises(lu.NotAnswered, match="tau_m: not answered yet -- fill in tau_m"):
            lu.check_answer("tau_m", placeholder, 20 * ms)
    with pytest.raises(AssertionError, match=r"tau_m: the answer must be a number.*'twenty'"):
        lu.check_answer("tau_m", "twenty", 20 * ms)
    with pytest.raises(
        AssertionError, match="rates: the answer needs shape \\(3,\\), got \\(2,\\)"
    ):
        lu.check_answer("rates", [10, 20] * Hz, [10, 20, 30] * Hz)
    with pytest.raises(AssertionError, match="rates: the answer needs shape \\(3,\\), got \\(\\)"):
        lu.check_answer("rates", 10 * Hz, [10, 10, 10] * Hz)  # one number is not three
    with pytest.raises(AssertionError, match="not right yet"):
        lu.check_answer("v", np.nan * mV, -50 * mV)


def test_bad_tolerance_units_are_the_author_s_error():
    with pytest.raises(
        DimensionMismatchError,
        match=r"atol must have the units of expected \(units of second \(e.g. ms\)\), got 1. mV",
    ):
        lu.check_answer("tau_m", 20 * ms, 20 * ms, atol=1 * mV)
    with pytest.raises(
        DimensionMismatchError, match=r"atol must have the units of expected.*got 0.001"
    ):
        lu.check_answer("tau_m", 20 * ms, 20 * ms, atol=0.001)


# Behavioural checks of modelling exercises: require_answers, expect, simulating, passed


def test_require_answers_names_every_missing_answer():
    with pytest.raises(
        lu.NotAnswered, match=r"^neuron, w_i: not answered yet -- fill in neuron, w_i"
    ):
        lu.require_answers(neuron=..., w_i=None, tau=3)
    with pytest.raises(lu.NotAnswered) as caught:
        lu.require_answers(neuron=..., w_i=None)
    assert "your cell set" not in str(caught.value)
    assert lu.require_answers(neuron=object(), w_i=0) is None  # 0 is an answer


def test_require_answers_says_a_cell_may_have_stopped_before_the_others():
    # a student's cell set neuron, then raised before it set w_i and monitor
    with pytest.raises(lu.NotAnswered) as caught:
        lu.require_answers(neuron=object(), w_i=..., monitor=...)
    assert str(caught.value) == (
        "w_i, monitor: not answered yet -- fill in w_i, monitor in the exercise cell (replace the "
        "...), run it, then run this check (your cell set neuron: if it stopped at an error after "
        "that, fix the error first)"
    )
    with pytest.raises(lu.NotAnswered, match=r"^weights: not answered yet"):
        lu.require_answers(weights=[0.1, ...])  # the same "unanswered" as check_answer's
    with pytest.raises(TypeError, match="needs the answers"):
        lu.require_answers()


def test_every_failure_is_an_exercise_error_shown_as_one_line():
    for error in (lu.NotAnswered("a: not answered yet"), lu.WrongAnswer("look at g_i")):
        assert isinstance(error, lu.ExerciseError) and isinstance(error, AssertionError)
        assert error._render_traceback_() == [f"{type(error).__name__}: {error}"]


def test_expect_accepts_numpy_bools_and_arrays():
    assert lu.expect(np.bool_(True), "x") is None
    assert lu.expect(np.array([True, True]), "x") is None
    with pytest.raises(lu.WrongAnswer, match=r"^look at g_i$"):
        lu.expect(np.array([True, False]), "look at g_i")
    with pytest.raises(lu.WrongAnswer):
        lu.expect(False, "look at g_i")


def test_expect_rejects_what_is_not_a_condition():
    for hint in ("", "two\nlines"):
        with pytest.raises(TypeError, match="hint"):
            lu.expect(True, hint)
    with pytest.raises(TypeError, match="array of bools"):
        lu.expect(np.array([]), "empty")
    with pytest.raises(TypeError, match="array of bools"):
        lu.expect(object(), "an object")


def test_passed_prints_one_line(capsys):
    lu.passed("Exercise 2")
    assert capsys.readouterr().out == "Exercise 2: your model behaves as it should\n"
    with pytest.raises(TypeError):
        lu.passed("")


def test_require_answers_names_why_a_brian2_model_cannot_have_run():
    from brian2 import NeuronGroup, SpikeGeneratorGroup, StateMonitor, Synapses, start_scope

    start_scope()
    linear = NeuronGroup(1, "dv/dt = -v / (10*ms) : volt", method="exact")
    nonlinear = NeuronGroup(
        1,
        "dv/dt = (-v + g*(-80*mV - v)) / (10*ms) : volt\ndg/dt = -g / (5*ms) : 1",
        method="exact",
    )
    unconnected = Synapses(SpikeGeneratorGroup(1, [0], [1] * ms), linear, on_pre="v_post += 1*mV")
    with pytest.raises(lu.WrongAnswer, match=r"^syn has no synapses: call syn.connect\(\)"):
        lu.require_answers(syn=unconnected)
    with pytest.raises(
        lu.WrongAnswer,
        match=r"^neuron: Brian2 cannot integrate its equations with method='exact' "
        r"\(UnsupportedEquationsException: .*\); method='euler'",
    ):
        lu.require_answers(neuron=nonlinear, mon=StateMonitor(nonlinear, "v", record=True))
    with pytest.raises(lu.WrongAnswer, match=r"^mon recorded nothing: call run\(...\)"):
        lu.require_answers(neuron=linear, mon=StateMonitor(linear, "v", record=True))


def test_simulating_turns_an_error_of_the_student_model_into_one_line():
    from brian2 import Network, NeuronGroup, SpikeGeneratorGroup, Synapses, start_scope

    start_scope()
    target = NeuronGroup(1, "dv/dt = -v / (10*ms) : volt\ng : 1", method="exact")
    source = SpikeGeneratorGroup(1, [0], [1] * ms)
    with pytest.raises(lu.WrongAnswer) as caught:
        with lu.simulating("my_on_pre"):
            syn = Synapses(source, target, on_pre="v_post += 1")  # volt += a plain number
            syn.connect()
            Network(source, target, syn).run(2 * ms)
    assert str(caught.value).startswith("my_on_pre: the units do not match (")
    assert "\n" not in str(caught.value) and caught.value.__suppress_context__
    with pytest.raises(lu.WrongAnswer, match=r"^my_on_pre: Synapses without connect\(\)"):
        with lu.simulating("my_on_pre"):
            Network(source, target, Synapses(source, target, on_pre="g_post += 1")).run(2 * ms)
    with pytest.raises(lu.WrongAnswer, match=r"^my_on_pre: Brian2 could not run it \("):
        with lu.simulating("my_on_pre"):
            syn = Synapses(source, target, on_pre="h_post += 1")  # no such variable
            syn.connect()
            Network(source, target, syn).run(2 * ms)
    with pytest.raises(lu.WrongAnswer, match=r"^a hint$"):  # the check's own verdicts pass through
        with lu.simulating("my_on_pre"):
            lu.expect(False, "a hint")


def test_chosen_among_judges_every_candidate_in_any_form():
    candidates = [0.02, 0.05, 0.3]
    for form in ([0.3], [np.float32(0.3)], [0.1 * 3], {0.3}, (0.3,), np.array([0.3])):
        assert list(lu.chosen_among("p", form, candidates)) == [False, False, True], form
    assert list(lu.chosen_among("p", [0.05, 0.3], candidates)) == [False, True, True]
    assert list(lu.chosen_among("p", [], candidates)) == [False, False, False]
    with pytest.raises(lu.WrongAnswer, match=r"^p: 0.1 is not one of the candidates"):
        lu.chosen_among("p", [0.1], candidates)
    for not_a_list in (0.3, "0.3", {"w": 0.3}):
        with pytest.raises(lu.WrongAnswer, match=r"^p: the answer is a list of the candidates"):
            lu.chosen_among("p", not_a_list, candidates)
    with pytest.raises(lu.NotAnswered):
        lu.chosen_among("p", ..., candidates)


def test_a_set_is_the_same_answer_as_a_sorted_list(key):
    key({"picked": ([2, 5], None, False)})
    lu.check_answer("picked", {5, 2})
    lu.check_answer("picked", (2, 5))


def test_unconnected_synapses_are_named_before_the_answers_their_error_left_blank():
    from brian2 import NeuronGroup, SpikeGeneratorGroup, Synapses, start_scope

    start_scope()
    target = NeuronGroup(1, "dv/dt = -v / (10*ms) : volt", method="exact")
    syn = Synapses(SpikeGeneratorGroup(1, [0], [1] * ms), target, on_pre="v_post += 1*mV")
    with pytest.raises(lu.WrongAnswer, match=r"^syn has no synapses"):
        lu.require_answers(syn=syn, monitor=...)  # the cell stopped before the monitor


# A Brian2 error in the student's own cell: one line, when the notebook asks for it


def brian2_error(code):
    """The error Brian2 raises for ``code`` (run in a fresh scope with brian2's names)."""
    import brian2

    namespace = {name: getattr(brian2, name) for name in dir(brian2) if not name.startswith("_")}
    brian2.start_scope()
    with pytest.raises(Exception) as caught:
        exec(code, namespace)
    return caught.value


def test_a_brian2_error_line_names_the_cause_and_what_to_try():
    line = exercises._brian2_error_line
    nonlinear = brian2_error(
        "G = NeuronGroup(1, 'dv/dt = (-v + v**2/mV) / (10*ms) : volt', method='exact')\nrun(1*ms)"
    )
    assert line(nonlinear).startswith(
        "BrianObjectException: Brian2 cannot integrate the equations with the method given "
        "(UnsupportedEquationsException: "
    )
    assert "method='euler' integrates" in line(nonlinear)
    unconnected = brian2_error(
        "P = SpikeGeneratorGroup(1, [0], [1]*ms)\nG = NeuronGroup(1, 'v : volt')\n"
        "S = Synapses(P, G, on_pre='v += 1*mV')\nrun(1*ms)"
    )
    assert line(unconnected) == (
        "BrianObjectException: Synapses without connect(): call .connect() before run() "
        "(%tb shows Brian2's full traceback)"
    )
    units = brian2_error("G = NeuronGroup(1, 'dv/dt = -v : volt')\nrun(1*ms)")
    assert line(units).startswith(
        "BrianObjectException: the units do not match (DimensionMismatchError: "
    )
    unknown = brian2_error("G = NeuronGroup(1, 'dv/dt = -v / tau_x : volt')\nrun(1*ms)")
    assert line(unknown).startswith('BrianObjectException: KeyError: \'The identifier "tau_x"')
    plain = brian2_error("1 * nA + 5 * mV")
    assert line(plain) == (
        "DimensionMismatchError: Cannot calculate 1. nA add 5. mV, the units do not match "
        "(units are A and V). (%tb shows Brian2's full traceback)"
    )
    for error in (nonlinear, unconnected, units, unknown, plain):
        assert "\n" not in line(error)
    with pytest.raises(TypeError, match="must be an exception"):
        line("not an error")


def test_short_brian2_errors_does_nothing_outside_ipython():
    from IPython import get_ipython

    assert get_ipython() is None  # pytest is no IPython session
    assert lu.short_brian2_errors() is None


IPYTHON_SESSION = """
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_cell("from brian2 import *; import labutils as lu; prefs.codegen.target = 'numpy'")
before = shell.run_cell("G = NeuronGroup(1, 'dv/dt = -v : volt'); run(1*ms)")
shell.run_cell("lu.short_brian2_errors()")
print("@@@")
after = shell.run_cell("start_scope(); G = NeuronGroup(1, 'dv/dt = -v : volt'); run(1*ms)")
print("@@@")
shell.run_cell("%tb")
print("@@@")
other = shell.run_cell("1/0")
print("@@@")
shape = shell.run_cell("G1 = NeuronGroup(1, 'v : volt')\\nG1.v = [1, 2, 3] * mV")
print("@@@")
mine = shell.run_cell("[1, 2][5]")
print("@@@", type(before.error_in_exec).__name__, type(after.error_in_exec).__name__,
      type(other.error_in_exec).__name__, type(shape.error_in_exec).__name__,
      type(mine.error_in_exec).__name__)
"""


def test_short_brian2_errors_shows_a_brian2_error_of_a_cell_in_one_line_and_it_still_fails():
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", IPYTHON_SESSION], capture_output=True, text=True, timeout=300
    )
    before, after, full, other, shape, mine, outcome = run.stdout.split("@@@")
    assert "Traceback" in before  # until the notebook asks, IPython shows the whole traceback
    (line,) = after.strip().splitlines()  # (Brian2's wording differs between versions)
    assert line.startswith("BrianObjectException: the units do not match (DimensionMismatchError")
    assert line.endswith("line 1; %tb shows Brian2's full traceback)")  # and names the statement
    assert "ZeroDivisionError" in other and "Traceback" in other  # other errors: unchanged
    assert "Traceback" in full and "DimensionMismatchError" in full  # %tb: the whole story
    # Python's error raised inside Brian2 by the cell's statement: one line naming the statement
    (line,) = shape.strip().splitlines()
    assert line.startswith("ValueError: ") and "`G1.v = [1, 2, 3] * mV`, line 2" in line, line
    assert line.endswith("%tb shows Brian2's full traceback)")
    assert "IndexError" in mine and "Traceback" in mine  # the student's own error: unchanged
    assert outcome.split() == [
        "BrianObjectException",
        "BrianObjectException",
        "ZeroDivisionError",
        "ValueError",
        "IndexError",
    ]
