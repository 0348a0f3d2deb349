"""Following the Brian2 objects an exercise cell made (this code runs inside the kernel).

In the instructor edition a notebook holds each exercise cell and, after it, its solution, and a
run executes both: the solution replaces the objects the exercise cell made, which were never run,
and Brian2 warns as it deletes each ("... is getting deleted, but was never included in a
network"). A student, who fills in the exercise cell, never leaves those behind. To excuse exactly
those warnings, tests/_notebook_kernel.py sends this file's text with a call of :func:`watch` to
the kernel around each exercise cell and after each later cell; the answer is left in
``sys.modules["_brian_labs_watch"].result`` for the request's user expression. Nothing enters the
notebook's namespace, and only weak references are kept.
"""

import sys
import types
import weakref


def watch(step):
    """Note the objects an exercise cell made (``"before"``, ``"after"`` it), or which died.

    ``result`` is, for ``"gone"``, the Brian2 names of the followed objects deleted since the
    last call (one entry per object), else an empty list.
    """
    state = sys.modules.setdefault("_brian_labs_watch", types.ModuleType("_brian_labs_watch"))
    state.result = []
    if (
        "brian2" not in sys.modules
    ):  # nothing made yet, and importing Brian2 here would change state
        return
    from brian2.core.base import BrianObject

    live = [obj for obj in (ref() for ref in list(BrianObject.__instances__())) if obj is not None]
    if step == "before":
        state.before = {id(obj): weakref.ref(obj) for obj in live}
    elif step == "after":
        before = getattr(state, "before", {})
        made = [obj for obj in live if before.get(id(obj), lambda: None)() is not obj]
        state.followed = getattr(state, "followed", []) + [(weakref.ref(o), o.name) for o in made]
    elif step == "gone":
        followed = getattr(state, "followed", [])
        state.result = [name for ref, name in followed if ref() is None]
        state.followed = [(ref, name) for ref, name in followed if ref() is not None]
    else:
        raise ValueError(f"step must be 'before', 'after' or 'gone', not {step!r}")
