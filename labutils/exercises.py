"""Answer checks for exercise cells.

A one-line message for a missing, mis-dimensioned or wrong answer, and an answer key that keeps the
expected values out of the notebooks.

The answer key (``labutils/answers/<notebook>.json``) is written by ``tools/answer_key.py``, which
runs the instructor's notebook and records what each solution assigns. For a number it stores a
salted SHA-256 digest of the value rounded to the precision the exercise states, never the value
itself. That hides the answer from someone reading the notebook or the file, but it is not secret:
a rounded number has few possible values, so a determined student can find it by trying them all.
"""

import base64
import contextlib
import functools
import hashlib
import io
import json
import os
from pathlib import Path

import numpy as np
from brian2 import DimensionMismatchError, get_dimensions
from brian2.units.fundamentalunits import DIMENSIONLESS, get_unit

from ._validate import _dims, describe_units

ANSWER_DIR = Path(__file__).with_name("answers")
RECORD_VARIABLE = "BRIAN_LABS_RECORD_ANSWERS"  # set by tools/answer_key.py while it records


class _BriefError(AssertionError):
    """An AssertionError that IPython shows as one line instead of a traceback."""

    def _render_traceback_(self):  # IPython's hook for exceptions that render themselves
        return [f"{type(self).__name__}: {self}"]


class NotAnswered(_BriefError):
    """The exercise cell still holds its ``...`` placeholder."""


class WrongAnswer(_BriefError):
    """The answer does not match; the message gives a hint, never the expected value."""


def _unanswered(value):
    if value is Ellipsis or value is None:
        return True
    if isinstance(value, dict):
        return any(_unanswered(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_unanswered(v) for v in value)
    return False


def require_answer(name, answer):
    """Raise NotAnswered (one line: "fill in ``name`` first") while ``answer`` is ``...`` or None.

    Dicts, lists and tuples count as unanswered while any entry is. Returns ``answer``.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be the variable's name as a string, got {name!r}")
    if _unanswered(answer):
        raise NotAnswered(
            f"{name}: not answered yet -- fill in {name} in the exercise cell "
            "(replace the ...), run it, then run this check"
        )
    return answer


def _wrong(name, text, hint):
    return WrongAnswer(f"{name}: {text}" + (f" Hint: {hint}" if hint else ""))


def _canonical(name, answer, sig, hint):
    """(kind, unit, shape, text): ``text`` is the normalised answer that the key hashes."""
    if isinstance(answer, (bool, np.bool_)):
        return "bool", None, None, f"bool:{bool(answer)}"
    if isinstance(answer, str):
        return "text", None, None, "text:" + " ".join(answer.lower().split())
    if isinstance(answer, dict):
        parts = [
            f"{key!s}={_canonical(name, answer[key], sig, hint)[3]}"
            for key in sorted(answer, key=str)
        ]
        return "mapping", None, None, "mapping:" + ";".join(parts)
    dims = _dims(answer)
    if dims is None:
        raise _wrong(
            name, f"{_KIND_NEEDED['number']}, got {type(answer).__name__} {answer!r}.", hint
        )
    unit = "1" if dims is DIMENSIONLESS else str(get_unit(dims))
    if np.asarray(answer).dtype == bool:
        flags = np.asarray(answer)
        return "bool", None, list(flags.shape), "bools:" + ",".join(map(str, flags.ravel()))
    values = np.asarray(answer, dtype=float)
    if not np.all(np.isfinite(values)):
        raise _wrong(name, "the answer is not a finite number.", hint)
    if sig is None:
        if not np.all(values == np.round(values)):
            raise _wrong(name, "the answer is a whole number (a count).", hint)
        text = ",".join(str(int(v)) for v in values.ravel())
    else:
        text = ",".join(f"{v:.{sig - 1}e}" for v in values.ravel() + 0.0)  # + 0.0: no "-0"
    return "number", unit, list(values.shape), f"number[{unit}]:{text}"


_KIND_NEEDED = {
    "number": "the answer must be a number (with units if it is a physical quantity)",
    "bool": "the answer is True or False",
    "text": "the answer is a text in quotes, e.g. 'lower'",
    "mapping": "the answer is a dict with the keys the exercise cell gives",
}


def _digest(salt, name, text):
    return hashlib.sha256(f"{salt}|{name}|{text}".encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def _answer_key():
    key = {}
    for path in sorted(ANSWER_DIR.glob("*.json")):
        for name, record in json.loads(path.read_text(encoding="utf-8")).items():
            if name in key:
                raise ValueError(
                    f"answer {name!r} is in two answer files: {key[name]['file']} "
                    f"and {path.name}; names must be unique in the course"
                )
            key[name] = dict(record, file=path.name)
    return key


def _record(name, answer, kind, unit, shape, text, sig, recompute):
    """Tools/answer_key.py's recording mode: store the normalised solution, do not check it."""
    if kind == "number" and sig is not None and not recompute:
        for nudge in (1 - 1e-6, 1 + 1e-6):  # a value on a rounding edge would reject right answers
            nudged = _canonical(name, np.asarray(answer, dtype=float) * nudge, sig, None)[3]
            if nudged.split(":", 1)[1] != text.split(":", 1)[1]:
                raise ValueError(
                    f"{name} = {answer!r} lies on a rounding edge at sig={sig}: "
                    "ask for another number of significant figures"
                )
    path = Path(os.environ[RECORD_VARIABLE])
    records = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    records[name] = {
        "kind": "recompute" if recompute else kind,
        "unit": unit,
        "shape": shape,
        "sig": sig,
        "text": text,
    }
    path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    print(f"{name}: recorded")
    return True


def _recomputed(name, record, namespace):
    """The expected answer for this notebook's own data: the stored solution run on a copy."""
    code = record.get("code")
    if not code:
        raise LookupError(
            f"the answer key for {name!r} holds no solution code; "
            "run tools/answer_key.py for its notebook"
        )
    scratch = dict(namespace)
    with contextlib.redirect_stdout(io.StringIO()):
        exec(base64.b64decode(code).decode(), scratch)
    return scratch[name]


def _check_against_key(name, answer, sig, hint, namespace):
    kind, unit, shape, text = _canonical(name, answer, sig, hint)
    if os.environ.get(RECORD_VARIABLE):
        return _record(name, answer, kind, unit, shape, text, sig, namespace is not None)
    try:
        record = _answer_key()[name]
    except KeyError:
        raise LookupError(
            f"no answer key for {name!r}: run tools/answer_key.py for its notebook"
        ) from None
    if _withheld_for_grading(name, record):
        return True
    if record["sig"] != sig:
        raise ValueError(
            f"the answer key for {name!r} was recorded with sig={record['sig']}, "
            f"this check asks for sig={sig}: run tools/answer_key.py again"
        )
    if record["kind"] == "recompute":
        if namespace is None:
            raise ValueError(
                f"{name!r} is checked against the notebook's own data: pass namespace=globals()"
            )
        expected = _recomputed(name, record, namespace)
        return _compare(name, answer, expected, rtol=0.5 * 10.0 ** (1 - sig), atol=0, hint=hint)
    if kind != record["kind"]:
        raise _wrong(
            name, _KIND_NEEDED[record["kind"]] + f", got {type(answer).__name__} {answer!r}.", hint
        )
    if record["unit"] is not None and unit != record["unit"]:
        needs = (
            "no units (a plain number)" if record["unit"] == "1" else f"units of {record['unit']}"
        )
        has = "no units (a plain number)" if unit in ("1", None) else f"units of {unit}"
        raise _wrong(name, f"has {has}, but the answer needs {needs}.", hint)
    if (
        record["shape"] is not None
        and shape is not None
        and (int(np.prod(shape)) != int(np.prod(record["shape"])))
    ):  # (3,) and (1, 3) are alike
        raise _wrong(
            name,
            f"the answer needs {int(np.prod(record['shape']))} value(s), "
            f"got {int(np.prod(shape))}.",
            hint,
        )
    if _digest(record["salt"], name, text) != record["digest"]:
        precision = f" (checked to {sig} significant figures)" if sig else ""
        raise _wrong(name, f"not right yet{precision}.", hint)
    print(f"{name}: correct")
    return True


# A graded term -------------------------------------------------------------------------------
# The student-only course that `course.py publish` writes keeps the answer key of a graded answer
# with the instructor: its record there is only WITHHELD_RECORD. The check then records nothing and
# says so in one line, and the answer is graded from the submitted notebook by nbgrader, whose
# environment has the full key.
WITHHELD_RECORD = {"withheld": "graded"}


def _withheld_for_grading(name, record):
    """Whether the key of ``name`` is withheld for a graded term; if so, prints one line."""
    if record.get("withheld") != WITHHELD_RECORD["withheld"]:
        return False
    print(f"{name}: recorded for grading (this term's answer key stays with the instructor)")
    return True


def _compare(name, answer, expected, rtol, atol, hint):
    if _dims(expected) is None:
        raise TypeError(
            f"expected must be a number, an array or a Quantity, got {type(expected).__name__}"
        )
    if _dims(atol) is None or not (
        get_dimensions(atol) is get_dimensions(expected) or np.all(np.asarray(atol) == 0)
    ):
        raise DimensionMismatchError(
            f"atol must have the units of expected ({describe_units(expected)}), got {atol!s}"
        )
    if _dims(answer) is None:
        raise _wrong(
            name,
            f"the answer must be a number (with units if it is a physical "
            f"quantity), got {type(answer).__name__} {answer!r}.",
            hint,
        )
    if get_dimensions(answer) is not get_dimensions(expected):
        raise _wrong(
            name,
            f"has {describe_units(answer)}, but the answer needs {describe_units(expected)}.",
            hint,
        )
    a = np.asarray(answer, dtype=float)
    e = np.asarray(expected, dtype=float)
    if a.shape != e.shape and not (a.size == 1 and e.size == 1):
        raise _wrong(name, f"the answer needs shape {e.shape}, got {a.shape}.", hint)
    if not np.allclose(a, e, rtol=rtol, atol=np.asarray(atol, dtype=float)):
        raise _wrong(name, "not right yet.", hint)
    print(f"{name}: correct")
    return True


def check_answer(
    name, answer, expected=None, *, sig=None, rtol=1e-3, atol=0, hint=None, namespace=None
):
    """Check the exercise variable ``name`` (a string) holding ``answer``; print "name: correct".

    Unanswered (``...`` or None, also inside a dict or list): raises NotAnswered. Wrong: raises
    WrongAnswer with ``hint``; neither message shows the expected value, and IPython shows both
    as one line.

    Without ``expected`` the answer is compared with the course's answer key:
    numbers, arrays and Quantities rounded to ``sig`` significant figures (``sig=None``: whole
    numbers, compared exactly; units must match, an array and a list are the same answer), True
    or False (``numpy.bool_`` too), text (case and spacing ignored) and dicts of these.
    ``namespace=globals()`` marks an answer computed from the notebook's own random data: it is
    compared, to ``sig`` significant figures, with the stored solution run on that data.

    With ``expected`` (a value the check itself computes, e.g. from a simulation of the student's
    model) the answer must match it within ``rtol`` (relative) and ``atol`` (in the units of
    ``expected``; a plain number only if ``expected`` has none, or 0).
    """
    require_answer(name, answer)
    if sig is not None and (not isinstance(sig, (int, np.integer)) or sig < 1):
        raise ValueError(
            f"sig must be a positive whole number of significant figures, got {sig!r}"
        )
    if expected is None:
        return _check_against_key(name, answer, sig, hint, namespace)
    return _compare(name, answer, expected, rtol, atol, hint)
