"""Input checks shared by labutils: every failure names the argument and what was expected."""

import numbers

import numpy as np
from brian2 import DimensionMismatchError, Quantity, get_dimensions
from brian2.units.fundamentalunits import DIMENSIONLESS, get_unit

_FRIENDLY = {  # unit names as students know them, with the unit they usually type
    "s": "second (e.g. ms)",
    "V": "volt (e.g. mV)",
    "Hz": "hertz (e.g. Hz)",
    "S": "siemens (e.g. nS)",
    "A": "ampere (e.g. pA)",
    "F": "farad (e.g. pF)",
    "ohm": "ohm (e.g. Mohm)",
}


def _dims(value):
    try:
        return get_dimensions(value)
    except TypeError:
        return None


def describe_units(value):
    """How error messages name the units of ``value`` (a unit, a Quantity, a number or an array).

    ``"units of second (e.g. ms)"``, ``"units of volt^2"`` (a unit without a familiar name, in
    volt, ampere and second), ``"no units (a plain number)"``, or ``"a number, not str"`` for
    something that has no units at all.
    """
    dims = _dims(value)
    if dims is None:
        return f"a number, not {type(value).__name__}"
    if dims is DIMENSIONLESS:
        return "no units (a plain number)"
    name = str(get_unit(dims))
    return f"units of {_FRIENDLY.get(name) or _in_volt_ampere_second(dims) or name}"


def _in_volt_ampere_second(dims):
    """``dims`` as powers of volt, ampere and second (``"volt^2/ampere"``), or None.

    For units without a name students know: Brian2 calls mV*ms "Wb" and mV**2/pA
    "m^4 kg^2 s^-6 A^-3". Electrical units hold kilogram and metre as kg m^2 (a volt is
    kg m^2 s^-3 A^-1), so ``volt^k`` takes those and ampere and second the rest; None for other
    dimensions (a length alone, a temperature).
    """
    powers = {base: dims.get_dimension(base) for base in ("m", "kg", "s", "A", "K", "mol", "cd")}
    volts = powers["kg"]
    if powers["m"] != 2 * volts or powers["K"] or powers["mol"] or powers["cd"]:
        return None
    parts = {"volt": volts, "ampere": powers["A"] + volts, "second": powers["s"] + 3 * volts}

    def product(signs):
        names = [
            name + (f"^{abs(power):g}" if abs(power) != 1 else "")
            for name, power in parts.items()
            if power and (power > 0) == signs
        ]
        return "*".join(names)

    above, below = product(True), product(False)
    if not below:
        return above
    return f"{above or '1'}/{below if below.count('*') == 0 else f'({below})'}"


def show(value):
    """A short text for ``value`` in error messages: ``-5. Hz`` rather than ``-5. * hertz``."""
    if isinstance(value, Quantity):
        return str(value)
    return repr(value)


def require_unit(value, unit, name):
    """Raise DimensionMismatchError unless ``value`` has the dimensions of ``unit``.

    ``unit`` may be a unit (``second``) or any Quantity with the wanted dimensions.
    """
    dims = _dims(value)
    if dims is None or dims is not get_dimensions(unit):
        raise DimensionMismatchError(f"{name} must have {describe_units(unit)}, got {show(value)}")
    return value


def require_non_negative(value, name):
    if np.any(np.isnan(np.asarray(value, dtype=float))) or np.any(np.asarray(value) < 0):
        raise ValueError(f"{name} must be non-negative, got {show(value)}")
    return value


def require_positive(value, name):
    if np.any(np.isnan(np.asarray(value, dtype=float))) or np.any(np.asarray(value) <= 0):
        raise ValueError(f"{name} must be positive, got {show(value)}")
    return value


def require_monitor(monitor, kind, name="monitor"):
    """Check that ``monitor`` is a Brian2 monitor of class ``kind`` (e.g. SpikeMonitor)."""
    if not isinstance(monitor, kind):
        raise TypeError(f"{name} must be a {kind.__name__}, got {type(monitor).__name__}")
    return monitor


def require_run(monitor, name="monitor"):
    """Check that ``monitor`` has been part of a run (a SpikeMonitor cannot tell otherwise)."""
    if getattr(monitor, "_network", None) is None:
        raise ValueError(f"{name} is empty: run the simulation before analysing or plotting it")
    return monitor


def require_recorded(state_monitor, variable, name="state_monitor"):
    """Check that a StateMonitor recorded ``variable`` and holds at least one sample."""
    if variable not in state_monitor.record_variables:
        raise ValueError(
            f"{name} did not record {variable!r};"
            f" it recorded {sorted(state_monitor.record_variables)}"
        )
    if len(state_monitor.t) == 0:
        raise ValueError(f"{name} is empty: run the simulation before analysing or plotting it")
    return state_monitor


def recorded_row(state_monitor, neuron, name="state_monitor"):
    """Row of ``state_monitor``'s arrays that holds neuron index ``neuron``.

    ``neuron`` is a neuron's index in its group, as in ``StateMonitor(G, 'v', record=[3])`` ->
    ``neuron=3``.
    """
    if isinstance(neuron, bool) or not isinstance(neuron, numbers.Integral):
        raise TypeError(f"neuron must be an integer neuron index, got {neuron!r}")
    recorded = np.asarray(state_monitor.record).ravel()
    rows = np.flatnonzero(recorded == neuron)
    if len(rows) == 0:
        shown = recorded if len(recorded) <= 10 else f"{recorded[:10]} ..."
        raise ValueError(
            f"neuron {neuron} was not recorded by {name}; it recorded neurons {shown}"
        )
    return int(rows[0])
