"""Unit tests for labutils.check_answer: right answers pass (and say so), wrong values, units, shapes
and missing answers fail with a message that names the exercise."""
import numpy as np
import pytest
from brian2 import DimensionMismatchError, Hz, mV, ms, nS, pA

import labutils as lu


def test_right_answers_pass_and_print_a_confirmation(capsys):
    assert lu.check_answer("tau_m", 20 * ms, 20 * ms) is True
    assert capsys.readouterr().out == "tau_m: correct\n"
    assert lu.check_answer("rates", [10, 20, 30] * Hz, [10, 20, 30] * Hz)
    assert lu.check_answer("ratio", 0.5, 0.5)
    assert lu.check_answer("count", np.int64(3), 3)


def test_tolerances():
    assert lu.check_answer("v", -50.04 * mV, -50 * mV)  # within the default rtol of 1e-3
    with pytest.raises(AssertionError, match="v: .* is not right"):
        lu.check_answer("v", -50.1 * mV, -50 * mV)
    assert lu.check_answer("v", -51 * mV, -50 * mV, rtol=0, atol=1.5 * mV)
    with pytest.raises(AssertionError, match="is not right"):
        lu.check_answer("v", -52 * mV, -50 * mV, rtol=0, atol=1.5 * mV)
    assert lu.check_answer("fraction", 0.6, 0.5, rtol=0, atol=0.15)


def test_wrong_units_are_named():
    with pytest.raises(AssertionError, match=r"tau_m: has no units \(a plain number\), but the answer needs units of second \(e.g. ms\)"):
        lu.check_answer("tau_m", 0.02, 20 * ms)
    with pytest.raises(AssertionError, match=r"I_hold: has units of siemens \(e.g. nS\), but the answer needs units of ampere"):
        lu.check_answer("I_hold", 200 * nS, 200 * pA)
    with pytest.raises(AssertionError, match=r"ratio: has units of hertz \(e.g. Hz\), but the answer needs no units"):
        lu.check_answer("ratio", 5 * Hz, 5)


def test_missing_and_malformed_answers():
    for placeholder in (..., None):
        with pytest.raises(AssertionError, match="tau_m: no answer yet -- replace the ..."):
            lu.check_answer("tau_m", placeholder, 20 * ms)
    with pytest.raises(AssertionError, match="tau_m: the answer must be a number.*'twenty'"):
        lu.check_answer("tau_m", "twenty", 20 * ms)
    with pytest.raises(AssertionError, match="rates: expected shape \\(3,\\), got \\(2,\\)"):
        lu.check_answer("rates", [10, 20] * Hz, [10, 20, 30] * Hz)
    with pytest.raises(AssertionError, match="rates: expected shape \\(3,\\), got \\(\\)"):
        lu.check_answer("rates", 10 * Hz, [10, 10, 10] * Hz)  # one number is not three
    with pytest.raises(AssertionError, match="is not right"):
        lu.check_answer("v", np.nan * mV, -50 * mV)


def test_bad_tolerance_units_are_the_author_s_error():
    with pytest.raises(DimensionMismatchError, match=r"atol must have the units of expected \(units of second \(e.g. ms\)\), got 1. mV"):
        lu.check_answer("tau_m", 20 * ms, 20 * ms, atol=1 * mV)
    with pytest.raises(DimensionMismatchError, match="atol must have the units of expected.*got 0.001"):
        lu.check_answer("tau_m", 20 * ms, 20 * ms, atol=0.001)
