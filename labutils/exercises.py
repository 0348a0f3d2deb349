"""Exercise checks: one module, one error style, one line per failure.

Every failure is an :class:`ExerciseError` that IPython shows as one line (``NotAnswered: ...`` or
``WrongAnswer: ...``), without a traceback through labutils or Brian2; nbval and nbgrader count it
as a failed cell. A check cell uses:

- :func:`check_answer` for a value: against the course's answer key, or against a value the check
  computes itself;
- :func:`require_answers` / :func:`require_answer` first, for the names the exercise asks for
  ("not answered yet" while a placeholder ``...`` is left, saying which answers the cell did set
  when some are: it may have stopped at an error; Brian2 objects are also looked at: a
  group whose integration method cannot solve its equations, ``Synapses`` without ``connect()``, a
  monitor that never ran);
- :func:`expect` for what the student's model does, :func:`simulating` around code that runs the
  student's model (a Brian2 error becomes one line naming the cause), :func:`passed` at the end.

A notebook that asks for it in its setup cell (:func:`short_brian2_errors`) also sees a Brian2
error raised by the student's own cell as one line naming the cause (``%tb`` shows Brian2's full
traceback); the same rephrasing serves the checks.

The answer key (``labutils/answers/<notebook>.json``) is written by ``tools/answer_key.py``. For a
number it stores a salted SHA-256 digest of the value rounded to the precision the exercise states,
never the value itself. That hides the answer from someone reading the notebook or the file, but it
is not secret: a rounded number has few possible values, so a determined student can find it by
trying them all. An answer that depends on the student's own simulation (``"kind": "recompute"``,
e.g. 03's ``near_threshold``) cannot be stored as a digest: its record holds the solution's code,
base64-encoded, which the check runs on the student's data: hidden from a glance, not from a
student who decodes it. A graded term therefore withholds the key: ``course.py publish`` replaces
the record of each graded answer, and every record holding code, by ``WITHHELD_RECORD``, and
nbgrader grades with the full key.
"""

import base64
import contextlib
import functools
import hashlib
import io
import json
from pathlib import Path

import numpy as np
from brian2 import DimensionMismatchError, get_dimensions
from brian2.units.fundamentalunits import DIMENSIONLESS, get_unit

from ._validate import _dims, describe_units

ANSWER_DIR = Path(__file__).with_name("answers")


class ExerciseError(AssertionError):
    """A missing or wrong exercise answer; shown in a notebook as one line without a traceback."""

    def _render_traceback_(self):  # IPython calls this instead of printing the traceback
        return [f"{type(self).__name__}: {self}"]


class NotAnswered(ExerciseError):
    """The exercise cell still holds its ``...`` placeholder."""


class WrongAnswer(ExerciseError):
    """The answer is wrong; the message says what to look at, never the expected value."""


def _one_line(text):
    return " ".join(str(text).split())


def _unanswered(value):
    """The one definition of "unanswered": ``...`` or None, also inside a dict, list or tuple."""
    if value is Ellipsis or value is None:
        return True
    if isinstance(value, dict):
        return any(_unanswered(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_unanswered(v) for v in value)
    return False


def _not_answered(names, answered=()):
    """NotAnswered for ``names``; ``answered``: the other answers, which the cell did set."""
    names = ", ".join(names)
    # some answers set, others not: the student's cell may have stopped at an error between them
    stopped = (
        f" (your cell set {', '.join(answered)}: if it stopped at an error after that, fix the "
        "error first)"
        if answered
        else ""
    )
    return NotAnswered(
        f"{names}: not answered yet -- fill in {names} in the exercise cell "
        f"(replace the ...), run it, then run this check{stopped}"
    )


def require_answer(name, answer):
    """Raise NotAnswered (one line: "fill in ``name`` first") while ``answer`` is unanswered.

    ``...`` or None, also as an entry of a dict, list or tuple, is unanswered. Returns ``answer``.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be the variable's name as a string, got {name!r}")
    if _unanswered(answer):
        raise _not_answered([name])
    return answer


def require_answers(**answers):
    """Raise NotAnswered naming every answer still unanswered, then look at the Brian2 objects.

    Call it first in a check cell with the names the exercise asks for, e.g.
    ``require_answers(inh_synapses=inh_synapses, neuron=neuron)``. A Brian2 object among the
    answers that cannot have worked raises WrongAnswer naming the cause: a group whose ``method``
    cannot integrate its equations, ``Synapses`` that never called ``connect()``, a
    ``StateMonitor`` that recorded nothing (no ``run()``). Returns None.
    """
    if not answers:
        raise TypeError(
            "require_answers needs the answers to check, e.g. require_answers(w_e=w_e)"
        )
    missing = [name for name, value in answers.items() if _unanswered(value)]
    given = {name: value for name, value in answers.items() if name not in missing}
    _diagnose_synapses(given)  # first: an error there stops the cell before later answers
    if missing:
        raise _not_answered(missing, answered=list(given))
    _diagnose_runs(given)


def _diagnose_synapses(answers):
    from brian2 import Synapses

    for name, value in answers.items():
        if isinstance(value, Synapses) and len(value) == 0:
            raise WrongAnswer(
                f"{name} has no synapses: call {name}.connect() (e.g. {name}.connect() for all "
                "pairs) before run()"
            )


def _diagnose_runs(answers):
    from brian2 import NeuronGroup, StateMonitor

    silent = [n for n, v in answers.items() if isinstance(v, StateMonitor) and len(v.t) == 0]
    if not silent:
        return
    for name, value in answers.items():
        if isinstance(value, NeuronGroup):
            problem = _integration_problem(value)
            if problem:
                raise WrongAnswer(f"{name}: {problem}")
    raise WrongAnswer(
        f"{silent[0]} recorded nothing: call run(...) after creating it (did run() fail or was "
        "it left out?)"
    )


def _integration_problem(group):
    """A one-line reason why Brian2 cannot integrate ``group``'s equations, or None."""
    from brian2.stateupdaters.base import StateUpdateMethod

    method = group.method_choice
    try:
        StateUpdateMethod.apply_stateupdater(
            group.equations, group.variables, method, group_name=group.name
        )
    except Exception as error:
        return (
            f"Brian2 cannot integrate its equations with method={method!r} ({_cause(error)}); "
            "method='euler' integrates any of the course's equations"
        )
    return None


def _innermost(error):
    while error.__cause__ is not None:
        error = error.__cause__
    return error


def _cause(error):
    """The first line of the innermost error Brian2 raised, e.g. "TypeError: ... 'connect'"."""
    inner = _innermost(error)
    text = str(inner).strip().splitlines()
    first = text[0] if text else ""
    return _one_line(f"{type(inner).__name__}: {first}")


@contextlib.contextmanager
def simulating(what):
    """Turn an error raised while a check builds or runs the student's model into one line.

    ``what`` (a str) names the answer being simulated, e.g. ``"my_inhibition"``. Use as
    ``with lu.simulating("my_inhibition"): ...`` around the check's own simulation: any error
    (a Brian2 error from the student's equations or ``on_pre`` code, a unit mismatch) becomes a
    WrongAnswer naming its cause; an ExerciseError passes through unchanged.
    """
    if not isinstance(what, str) or not what:
        raise TypeError("simulating needs the answer's name, e.g. simulating('my_inhibition')")
    try:
        yield
    except ExerciseError:
        raise
    except Exception as error:
        raise WrongAnswer(f"{what}: {_rephrased(error)}") from None


def _rephrased(error, unknown="Brian2 could not run it ({cause})"):
    """One line naming the cause of an error raised by the student's model, and what to try.

    ``unknown`` words an error of no kind the course knows; ``{cause}`` is Brian2's first line.
    """
    inner = _innermost(error)
    if type(inner).__name__ == "UnsupportedEquationsException":
        return (
            f"Brian2 cannot integrate the equations with the method given ({_cause(error)}); "
            "method='euler' integrates any of the course's equations"
        )
    if isinstance(inner, TypeError) and "'connect'" in str(inner):
        return "Synapses without connect(): call .connect() before run()"
    if isinstance(inner, DimensionMismatchError):
        return f"the units do not match ({_cause(error)})"
    return unknown.format(cause=_cause(error))


def _brian2_errors():
    """The exception types Brian2 raises for a model it cannot build or run."""
    from brian2.core.base import BrianObjectException
    from brian2.core.magic import MagicError
    from brian2.equations.equations import EquationError
    from brian2.stateupdaters.base import UnsupportedEquationsException

    return (
        BrianObjectException,
        DimensionMismatchError,
        EquationError,
        MagicError,
        UnsupportedEquationsException,
    )


FULL_TRACEBACK = "(%tb shows Brian2's full traceback)"
# Python's errors that Brian2 lets through from a student's statement (a value of the wrong shape
# or type assigned to a variable, an unknown attribute): one line when raised inside Brian2.
RAISED_THROUGH_BRIAN2 = (
    AttributeError,
    IndexError,
    KeyError,
    NotImplementedError,
    RuntimeError,
    TypeError,
    ValueError,
)


def _brian2_root():
    import brian2

    return str(Path(brian2.__file__).resolve().parent)


def _student_line(tb):
    """Where a traceback ``tb`` entered Brian2 from the notebook: '`code`, line N', or None.

    The frame before the first frame inside Brian2's package; None if no frame is inside it.
    """
    import linecache

    root, caller = _brian2_root(), None
    while tb is not None:
        code = tb.tb_frame.f_code
        if str(Path(code.co_filename).resolve()).startswith(root):
            if caller is None:
                return ""
            filename, lineno = caller
            text = _one_line(linecache.getline(filename, lineno))
            return f"`{text}`, line {lineno}" if text else f"line {lineno}"
        caller = (code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return None


def _brian2_error_line(error):
    """The one line a notebook shows for a Brian2 ``error`` (an exception): cause, what to try.

    E.g. ``"BrianObjectException: Synapses without connect(): call .connect() before run() (%tb
    shows Brian2's full traceback)"``: the rephrasing :func:`simulating` uses for an error Brian2
    wrapped (raised while it prepared or ran an object), else the error's own first line.
    """
    if not isinstance(error, BaseException):
        raise TypeError(f"error must be an exception, got {type(error).__name__}")
    if _innermost(error) is error:  # not wrapped: Python's own last line
        text = _one_line((str(error).strip().splitlines() or [""])[0])
    else:
        text = _rephrased(error, unknown="{cause}")
    return f"{type(error).__name__}: {text} {FULL_TRACEBACK}"


def _show_one_line(shell, etype, value, tb, tb_offset=None):
    """IPython's custom exception handler: show ``value`` in one line (short_brian2_errors).

    A Brian2 error, or one of :data:`RAISED_THROUGH_BRIAN2` raised inside Brian2 (then the line
    also says which statement of the cell it came from), is shown in one line; any other error
    as IPython shows it. IPython's own showtraceback shows it (so the cell fails as any error
    does, and sys.last_value is kept for ``%tb``); the one line is lent to the exception only for
    that call.
    """
    where = _student_line(tb)
    if not isinstance(value, _brian2_errors()) and where is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
        return
    line = _brian2_error_line(value)
    if where:
        line = line.replace(FULL_TRACEBACK, f"(from {where}; {FULL_TRACEBACK[1:]}")
    value._render_traceback_ = lambda: [line]
    try:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    finally:
        del value._render_traceback_


def short_brian2_errors():
    """Show a Brian2 error raised in a notebook cell as one line naming its cause and what to try.

    Call it in a notebook's setup cell: it registers an IPython custom exception handler
    (``set_custom_exc``) for Brian2's errors (a model Brian2 cannot build or run: an integration
    method that cannot solve the equations, ``Synapses`` without ``connect()``, units that do not
    match, ...) and for Python's errors raised inside Brian2 (e.g. three values assigned to a
    group of one neuron: the line names the cell's statement). The cell still fails, as any
    error does (nbval, nbgrader and "Run All" stop there); ``%tb`` shows Brian2's full traceback.
    It replaces any other custom exception handler of the session. Outside IPython it does
    nothing. Returns None.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc(_brian2_errors() + RAISED_THROUGH_BRIAN2, _show_one_line)
    return None


def expect(condition, hint):
    """Raise :class:`WrongAnswer` with ``hint`` unless ``condition`` holds.

    ``condition`` may be a bool, a numpy bool or an array (then every element must be true); an
    empty array does not count as true. ``hint`` (a non-empty, one-line str) says what is wrong and
    what to look at, never the expected value.
    """
    if not isinstance(hint, str) or not hint or "\n" in hint:
        raise TypeError("expect needs a hint (a non-empty, one-line str) saying what to look at")
    values = np.asarray(condition)
    if values.dtype == object or values.size == 0:
        raise TypeError(
            f"expect needs a bool or an array of bools, got {type(condition).__name__}"
        )
    if not np.all(values):
        raise WrongAnswer(hint)


def passed(name):
    """Print a one-line confirmation that the exercise ``name`` (a str) is solved."""
    if not isinstance(name, str) or not name:
        raise TypeError("passed needs the exercise's name, e.g. passed('Exercise 2')")
    print(f"{name}: your model behaves as it should")


def chosen_among(name, answer, candidates, rtol=1e-6):
    """Which of ``candidates`` the answer ``answer`` (the variable ``name``) holds: bools.

    ``answer`` is a collection of numbers (list, tuple, set or array; numpy float32, ints and
    computed values alike) picked from ``candidates`` (a list of plain numbers). A value matches
    a candidate within the relative precision ``rtol``; the result has one bool per candidate, so
    a check judges every candidate the exercise offers. Raises NotAnswered while unanswered, and
    WrongAnswer when ``answer`` is not a collection of numbers or holds a value that is not a
    candidate.
    """
    require_answer(name, answer)
    offered = np.asarray(candidates, dtype=float)
    collection = isinstance(answer, (set, frozenset)) or (
        isinstance(answer, (list, tuple, np.ndarray)) and np.ndim(answer) >= 1
    )
    if not collection:
        raise WrongAnswer(
            f"{name}: the answer is a list of the candidates that qualify "
            f"(an empty list [] if none), got {type(answer).__name__} {answer!r}"
        )
    try:
        values = np.asarray(list(answer), dtype=float).ravel()
    except (TypeError, ValueError):
        raise WrongAnswer(
            f"{name}: the answer is a list of numbers taken from candidates, got {answer!r}"
        ) from None
    matches = np.isclose(values[:, None], offered[None, :], rtol=rtol, atol=0)
    strangers = values[~matches.any(axis=1)]
    if strangers.size:
        raise WrongAnswer(
            f"{name}: {strangers[0]:g} is not one of the candidates: pick values from candidates"
        )
    return matches.any(axis=0)


def _wrong(name, text, hint):
    return WrongAnswer(f"{name}: {text}" + (f" Hint: {hint}" if hint else ""))


def _as_values(answer):
    """A set, frozenset or list/tuple of numbers as a numpy array (sets sorted); else unchanged."""
    if isinstance(answer, (set, frozenset)):
        try:
            return np.sort(np.asarray(list(answer), dtype=float))
        except (TypeError, ValueError):
            return answer
    return answer


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
    answer = _as_values(answer)
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


def _key_entry(name, sig):
    """The answer key's record for ``name``: the one place a check reads the key.

    Raises LookupError when the key has no record (the author's error: record the key) and
    ValueError when the record was made with another precision than ``sig``.
    """
    try:
        record = _answer_key()[name]
    except KeyError:
        raise LookupError(
            f"no answer key for {name!r}: run python3 course.py answer-key for its notebook"
        ) from None
    if "sig" in record and record["sig"] != sig:  # (a record withheld for grading has none)
        raise ValueError(
            f"the answer key for {name!r} was recorded with sig={record['sig']}, "
            f"this check asks for sig={sig}: run python3 course.py answer-key again"
        )
    return record


def _recomputed(name, record, namespace):
    """The expected answer for this notebook's own data: the stored solution run on a copy."""
    code = record.get("code")
    if not code:
        raise LookupError(
            f"the answer key for {name!r} holds no solution code; "
            "run python3 course.py answer-key for its notebook"
        )
    scratch = dict(namespace)
    with contextlib.redirect_stdout(io.StringIO()):
        exec(base64.b64decode(code).decode(), scratch)
    return scratch[name]


def _check_against_key(name, answer, sig, hint, namespace):
    """Judge ``answer`` against the key (tools/answer_key.py swaps this for its recorder)."""
    kind, unit, shape, text = _canonical(name, answer, sig, hint)
    record = _key_entry(name, sig)
    if _withheld_for_grading(name, record):
        return
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
    answer = _as_values(answer)
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


def check_answer(
    name, answer, expected=None, *, sig=None, rtol=1e-3, atol=0, hint=None, namespace=None
):
    """Check the exercise variable ``name`` (a string) holding ``answer``; print "name: correct".

    Unanswered (``...`` or None, also inside a dict or list): raises NotAnswered. Wrong: raises
    WrongAnswer with ``hint``; neither message shows the expected value, and IPython shows both
    as one line. Returns None (a check cell shows no value).

    Without ``expected`` the answer is compared with the course's answer key:
    numbers, arrays and Quantities rounded to ``sig`` significant figures (``sig=None``: whole
    numbers, compared exactly; units must match; a list, tuple, array and set are the same answer,
    a set taken in increasing order), True or False (``numpy.bool_`` too), text (case and spacing
    ignored) and dicts of these. ``namespace=globals()`` marks an answer computed from the
    notebook's own random data: it is compared, to ``sig`` significant figures, with the stored
    solution run on that data.

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
