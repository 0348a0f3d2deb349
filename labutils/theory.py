"""Theory the notebooks compare simulations with.

Shot noise (Campbell's theorem), with units in and units out. Bands for random counts and
statistics are in :mod:`labutils.bands`.
"""

import numbers

import numpy as np
from brian2 import Hz, check_units, second

from ._validate import require_non_negative, require_positive, show


@check_units(rate=Hz, tau=second)
def shot_noise_stats(n_inputs, rate, weight, tau):
    """Mean and SD of a shot-noise variable driven by independent Poisson inputs.

    ``n_inputs`` (a count) inputs at ``rate`` (Hz), each spike adding ``weight`` and decaying with
    time constant ``tau`` (s).

    Campbell's theorem: mean = N nu w tau, variance = N nu w**2 tau / 2. ``weight`` may carry any
    unit (e.g. nS or a dimensionless conductance in units of g_L) and may be negative; the mean
    and SD carry the same unit.
    """
    if (
        isinstance(n_inputs, bool)
        or not isinstance(n_inputs, numbers.Real)
        or int(n_inputs) != n_inputs
        or n_inputs < 0
    ):
        raise ValueError(
            f"n_inputs must be a non-negative whole number (no units), got {show(n_inputs)}"
        )
    require_non_negative(rate, "rate")
    require_positive(tau, "tau")
    mean = n_inputs * rate * weight * tau
    variance = n_inputs * rate * weight**2 * tau / 2
    return mean, np.sqrt(variance)
