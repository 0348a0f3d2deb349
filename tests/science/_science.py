"""Statistics shared by the science tests.

Theory is computed here from first principles, never with labutils, so that labutils is checked
against it rather than trusted.
"""

import numpy as np

# Every statistical tolerance is Z standard errors. For a normally distributed estimate the chance
# of a |deviation| > 5 SE is 5.7e-7 per check, so the suite holds for any seed in practice.
Z = 5.0


def se_of_mean(values):
    """Standard error of the mean of independent samples (e.g. one value per neuron)."""
    values = np.asarray(values, dtype=float)
    return float(np.std(values, ddof=1) / np.sqrt(len(values)))


def within(measured, expected, tolerance, what):
    """Assert |measured - expected| <= tolerance with a message giving all three."""
    assert abs(measured - expected) <= tolerance, (
        f"{what}: measured {measured:.6g}, expected {expected:.6g} +- {tolerance:.3g}"
    )
