"""Input checks shared by labutils: every failure names the argument and what was expected."""
import numpy as np
from brian2 import DimensionMismatchError, Quantity, get_dimensions
from brian2.units.fundamentalunits import DIMENSIONLESS


def _unit_name(unit):
    return "dimensionless" if get_dimensions(unit) is DIMENSIONLESS else str(unit)


def require_unit(value, unit, name):
    """Raise DimensionMismatchError unless ``value`` has the dimensions of ``unit``."""
    if get_dimensions(value) is not get_dimensions(unit):
        raise DimensionMismatchError(
            f"{name} must have the units of {_unit_name(unit)}, got {value!r}"
        )
    return value


def require_non_negative(value, name):
    if np.any(np.asarray(value) < 0):
        raise ValueError(f"{name} must be non-negative, got {value!r}")
    return value


def require_positive(value, name):
    if np.any(np.asarray(value) <= 0):
        raise ValueError(f"{name} must be positive, got {value!r}")
    return value


def require_monitor(monitor, kind, name="monitor"):
    """Check that ``monitor`` is a Brian2 monitor of class ``kind`` (e.g. SpikeMonitor)."""
    if not isinstance(monitor, kind):
        raise TypeError(f"{name} must be a {kind.__name__}, got {type(monitor).__name__}")
    return monitor


def require_recorded(state_monitor, variable, name="state_monitor"):
    """Check that a StateMonitor recorded ``variable`` and holds at least one sample."""
    if variable not in state_monitor.record_variables:
        raise ValueError(
            f"{name} did not record {variable!r}; it recorded {sorted(state_monitor.record_variables)}"
        )
    if len(state_monitor.t) == 0:
        raise ValueError(f"{name} is empty: run the simulation before analysing or plotting it")
    return state_monitor


def as_quantity(value):
    return value if isinstance(value, Quantity) else Quantity(value)
