"""Answer checks for exercise cells: a clear message for a missing, mis-dimensioned or wrong answer."""
import numpy as np
from brian2 import DimensionMismatchError, get_dimensions

from ._validate import _dims, describe_units


def check_answer(name, answer, expected, rtol=1e-3, atol=0):
    """Raise AssertionError unless ``answer`` equals ``expected`` within ``rtol``/``atol``.

    Works for numbers, arrays and Brian2 Quantities (units must match: 20*ms is not 0.02).
    ``rtol`` is relative (no units); ``atol`` carries the units of ``expected`` (e.g. ``atol=1*mV``;
    a plain number only if ``expected`` has no units, or 0). An array answer must have the shape of
    ``expected``. Prints a short confirmation when the answer is right.
    """
    if answer is Ellipsis or answer is None:
        raise AssertionError(f"{name}: no answer yet -- replace the ... in the exercise cell")
    if _dims(expected) is None:
        raise TypeError(f"expected must be a number, an array or a Quantity, got {type(expected).__name__}")
    if _dims(atol) is None or not (get_dimensions(atol) is get_dimensions(expected) or np.all(np.asarray(atol) == 0)):
        raise DimensionMismatchError(f"atol must have the units of expected ({describe_units(expected)}), "
                                     f"got {atol!s}")
    if _dims(answer) is None:
        raise AssertionError(f"{name}: the answer must be a number (with units if it is a physical "
                             f"quantity), got {type(answer).__name__} {answer!r}")
    if get_dimensions(answer) is not get_dimensions(expected):
        raise AssertionError(f"{name}: has {describe_units(answer)}, but the answer needs "
                             f"{describe_units(expected)}")
    a = np.asarray(answer, dtype=float)
    e = np.asarray(expected, dtype=float)
    tolerance = np.asarray(atol, dtype=float)
    if a.shape != e.shape and not (a.size == 1 and e.size == 1):
        raise AssertionError(f"{name}: expected shape {e.shape}, got {a.shape}")
    if not np.allclose(a, e, rtol=rtol, atol=tolerance):
        raise AssertionError(f"{name}: {answer!r} is not right -- have another look")
    print(f"{name}: correct")
    return True
