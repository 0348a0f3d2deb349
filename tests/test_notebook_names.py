"""No notebook cell shadows a name that Brian2 gives the student.

``from brian2 import *`` provides units (``second``, ``ms``, ``Hz``), functions (``run``) and
classes; Brian2 also resolves some names inside equations and code strings (``dt``, ``t``, ``xi``,
``i``, ``N``, ...), where a notebook variable of the same name is a conflict it warns about. A
given-code or check cell that assigns such a name at the top level breaks the student's later code
(``0.05 * second`` raising a TypeError) or prints warnings the student did not cause (issue 23).
"""

import json
from pathlib import Path

import pytest
from _notebook_kernel import assigned_names

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# Resolved by Brian2 inside equations and code strings, before the notebook's namespace.
EQUATION_NAMES = {
    "dt",
    "t",
    "t_in_timesteps",
    "xi",
    "i",
    "j",
    "N",
    "N_incoming",
    "N_outgoing",
    "lastspike",
    "not_refractory",
}


NUMPY_WRAPPERS = "brian2.units.unitsafefunctions"  # numpy's trace, sign, ... made unit-aware


def brian2_star_names():
    """Brian2's own names that ``from brian2 import *`` provides (not numpy's or pylab's)."""
    from brian2 import Quantity

    namespace = {}
    exec("from brian2 import *", namespace)
    return {
        name
        for name, value in namespace.items()
        if not name.startswith("_")
        and (
            isinstance(value, Quantity)
            or (
                getattr(value, "__module__", None) is not None
                and value.__module__.startswith("brian2")
                and value.__module__ != NUMPY_WRAPPERS
            )
            or type(value).__module__.startswith("brian2")
        )
    }


def shadowing(path, forbidden):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = []
    for cell in cells:
        if cell["cell_type"] == "code":
            # imports are left out: ``import matplotlib.pyplot as plt`` binds what Brian2 gives too
            clash = assigned_names("".join(cell["source"]), imports=False) & forbidden
            found += [f"{path.name} cell {cell['id']}: {name}" for name in sorted(clash)]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_cell_shadows_a_brian2_name(path):
    found = shadowing(path, brian2_star_names() | EQUATION_NAMES)
    assert not found, "a top-level name that Brian2 provides or resolves:\n  " + "\n  ".join(found)


def test_the_scan_finds_a_shadowed_unit_and_an_equation_name(tmp_path):
    cells = [
        {"cell_type": "code", "id": "a", "source": "net, second, spikes = build()"},
        {"cell_type": "code", "id": "b", "source": "for dt in steps:\n    pass"},
        {"cell_type": "code", "id": "c", "source": "def f():\n    second = 1\n%time x = 1"},
        {"cell_type": "code", "id": "d", "source": "defaultclock.dt = 0.1 * ms\nimport time"},
    ]
    path = tmp_path / "99_test.ipynb"
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    forbidden = brian2_star_names() | EQUATION_NAMES
    assert shadowing(path, forbidden) == [
        "99_test.ipynb cell a: second",
        "99_test.ipynb cell b: dt",
    ]
    assert {"second", "ms", "Hz", "run", "NeuronGroup"} <= brian2_star_names()
