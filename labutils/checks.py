"""Behavioural checks for modelling exercises: one clean line for a missing or wrong model.

A modelling exercise is judged by what the student's model *does*, not by its text. Its check cell
reads::

    lu.require_answers(inh_synapses=inh_synapses, neuron=neuron)   # "fill in ... first"
    lu.expect(np.all(state.g_i[0] >= 0), "g_i went negative: inhibition increases a conductance")
    lu.passed("Exercise 2")

A failure raises :class:`ExerciseError`, which IPython shows as one line (no traceback through
labutils), and which nbval and nbgrader count as a failed cell.
"""

import numpy as np

from . import exercises


class ExerciseError(AssertionError):
    """A missing or wrong exercise answer; shown in a notebook as one line without a traceback."""

    def _render_traceback_(self):
        # IPython calls this instead of printing the traceback.
        return [f"\x1b[31m{type(self).__name__}\x1b[0m: {self}"]


class NotAnswered(ExerciseError, exercises.NotAnswered):
    """A modelling exercise's placeholders are still ``...``.

    Both an :class:`ExerciseError` and the course's :class:`labutils.exercises.NotAnswered`, which
    the unanswered run of the student edition expects.
    """


def require_answers(**answers):
    """Raise :class:`NotAnswered` (an ExerciseError) naming every answer still ``...`` or ``None``.

    Call it first in a check cell with the names the exercise asks for, e.g.
    ``require_answers(inh_synapses=inh_synapses)``. Returns None when all are filled in.
    """
    if not answers:
        raise TypeError(
            "require_answers needs the answers to check, e.g. require_answers(w_e=w_e)"
        )
    missing = [name for name, value in answers.items() if value is Ellipsis or value is None]
    if missing:
        names = ", ".join(missing)
        raise NotAnswered(f"not answered yet: fill in {names} in the exercise cell, then run it")


def expect(condition, hint):
    """Raise :class:`ExerciseError` with ``hint`` unless ``condition`` holds.

    ``condition`` may be a bool, a numpy bool or an array (then every element must be true); an
    empty array does not count as true. ``hint`` (a non-empty str) says what to look at, never the
    expected value.
    """
    if not isinstance(hint, str) or not hint:
        raise TypeError("expect needs a hint (a non-empty str) saying what to look at")
    values = np.asarray(condition)
    if values.dtype == object or values.size == 0:
        raise TypeError(
            f"expect needs a bool or an array of bools, got {type(condition).__name__}"
        )
    if not np.all(values):
        raise ExerciseError(hint)


def passed(name):
    """Print a one-line confirmation that the exercise ``name`` (a str) is solved."""
    if not isinstance(name, str) or not name:
        raise TypeError("passed needs the exercise's name, e.g. passed('Exercise 2')")
    print(f"{name}: your model behaves as it should")
