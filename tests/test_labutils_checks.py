"""Unit tests for labutils.checks: behavioural exercise checks fail with one clean line."""

import numpy as np
import pytest

import labutils as lu
from labutils.checks import ExerciseError


def test_require_answers_names_every_missing_answer():
    with pytest.raises(ExerciseError, match="fill in neuron, w_i in the exercise cell"):
        lu.require_answers(neuron=..., w_i=None, tau=3)
    assert lu.require_answers(neuron=object(), w_i=0) is None  # 0 is an answer
    with pytest.raises(TypeError, match="needs the answers"):
        lu.require_answers()


def test_a_missing_answer_is_both_an_exercise_error_and_not_answered():
    with pytest.raises(ExerciseError) as caught:
        lu.require_answers(neuron=...)
    assert isinstance(caught.value, lu.NotAnswered)  # what the unanswered student run expects
    assert type(caught.value).__name__ == "NotAnswered"
    assert len(caught.value._render_traceback_()) == 1


def test_expect_accepts_numpy_bools_and_arrays():
    assert lu.expect(np.bool_(True), "x") is None
    assert lu.expect(np.array([True, True]), "x") is None
    with pytest.raises(ExerciseError, match=r"^look at g_i$"):
        lu.expect(np.array([True, False]), "look at g_i")
    with pytest.raises(ExerciseError):
        lu.expect(False, "look at g_i")


def test_expect_rejects_what_is_not_a_condition():
    with pytest.raises(TypeError, match="hint"):
        lu.expect(True, "")
    with pytest.raises(TypeError, match="array of bools"):
        lu.expect(np.array([]), "empty")
    with pytest.raises(TypeError, match="array of bools"):
        lu.expect(object(), "an object")


def test_an_exercise_error_renders_as_one_line_and_is_an_assertion():
    error = ExerciseError("not answered yet: fill in w")
    assert isinstance(error, AssertionError)
    lines = error._render_traceback_()
    assert len(lines) == 1 and "ExerciseError" in lines[0] and "fill in w" in lines[0]


def test_passed_prints_one_line(capsys):
    lu.passed("Exercise 2")
    assert capsys.readouterr().out == "Exercise 2: your model behaves as it should\n"
    with pytest.raises(TypeError):
        lu.passed("")
