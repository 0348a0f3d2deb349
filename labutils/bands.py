"""Acceptance bands for checks on random quantities, at a stated false-failure probability.

A check on a random quantity fails by chance with some probability; the course's rule is at most
``1e-5`` per check, so that a run of all ~300 checks fails by chance less than once in 300 seeds.
These helpers turn that probability into a band: exact tails for Poisson and binomial counts
(numpy and the standard library only), and the two-sided normal quantile for approximately normal
statistics (a mean over many samples).
"""

import math

import numpy as np
from brian2 import Hz, check_units, second

from ._validate import require_non_negative, show

DEFAULT_P_FAIL = 1e-5


def _require_p_fail(p_fail):
    if isinstance(p_fail, bool) or not isinstance(p_fail, (int, float)) or not 0 < p_fail < 1:
        raise ValueError(
            f"p_fail must be a probability between 0 and 1 (exclusive), got {show(p_fail)}"
        )


def _t_tail(z, dof):
    """P(|T| > z) for Student's t with ``dof`` degrees of freedom (numerical integration)."""
    # Substitute t = z / u, u in (0, 1]: the tail becomes a finite, smooth integral.
    u = np.linspace(1e-9, 1.0, 20001)
    t = z / u
    log_norm = math.lgamma((dof + 1) / 2) - math.lgamma(dof / 2) - 0.5 * math.log(dof * math.pi)
    density = np.exp(log_norm - (dof + 1) / 2 * np.log1p(t**2 / dof)) * z / u**2
    du = u[1] - u[0]
    return 2 * du * (density.sum() - (density[0] + density[-1]) / 2)  # trapezoid, both tails


def critical_z(p_fail=DEFAULT_P_FAIL, dof=None):
    """How many standard errors (dimensionless) a two-sided band must reach.

    A statistic falls outside the band with probability ``p_fail``.

    Normal statistic (``dof=None``): P(|Z| > z) = p_fail, about 4.42 for 1e-5 and 1.96 for 0.05.
    When the standard error is itself estimated from n samples, the ratio follows Student's t with
    ``dof`` = n - 1 degrees of freedom (a whole number >= 1) and the band is wider (5.1 SE for 40
    samples at 1e-5).
    """
    _require_p_fail(p_fail)
    if dof is None:

        def tail(z):
            return math.erfc(z / math.sqrt(2))

    elif isinstance(dof, bool) or not isinstance(dof, (int, np.integer)) or dof < 1:
        raise ValueError(
            f"dof must be a whole number >= 1 (or None for a normal statistic), got {show(dof)}"
        )
    else:

        def tail(z):
            return _t_tail(z, dof)

    low, high = 0.0, 1.0
    while tail(high) > p_fail:
        low, high = high, 2 * high
    for _ in range(60):  # bisection: the two-sided tail decreases with z
        middle = (low + high) / 2
        low, high = (middle, high) if tail(middle) > p_fail else (low, middle)
    return high


def normal_band(mean, sd, p_fail=DEFAULT_P_FAIL, dof=None):
    """Band ``(low, high)`` = mean -+ z sd that a normal statistic leaves with probability p_fail.

    The statistic has this ``mean`` and standard deviation ``sd``; the band is two-sided, z from
    :func:`critical_z`, Student's t with ``dof`` degrees of freedom when ``sd`` is estimated from
    dof + 1 samples.

    ``mean`` and ``sd`` may carry any unit (the same one); the band carries it too.
    """
    if np.any(np.asarray(sd) < 0):
        raise ValueError(f"sd must be non-negative, got {show(sd)}")
    half = critical_z(p_fail, dof) * sd
    return mean - half, mean + half


def _log_pmf_poisson(k, mean):
    if mean == 0:
        return np.where(k == 0, 0.0, -np.inf)
    return k * math.log(mean) - mean - np.array([math.lgamma(x + 1) for x in k])


def _exclusive_band(support, log_pmf, p_fail):
    """Tightest integer band with probability at most p_fail/2 in each tail.

    Largest ``low`` and smallest ``high`` with P(X <= low) <= p_fail/2 and P(X >= high) <=
    p_fail/2, for a distribution on the integers ``support``.
    """
    pmf = np.exp(log_pmf - np.max(log_pmf))
    pmf /= pmf.sum()
    lower_tail = np.cumsum(pmf)  # P(X <= k)
    upper_tail = np.cumsum(pmf[::-1])[::-1]  # P(X >= k)
    below = np.nonzero(lower_tail <= p_fail / 2)[0]
    above = np.nonzero(upper_tail <= p_fail / 2)[0]
    low = float(support[below[-1]]) if len(below) else float(support[0]) - 1
    high = float(support[above[0]]) if len(above) else float(support[-1]) + 1
    return low, high


@check_units(rate=Hz, duration=second)
def poisson_count_band(rate, duration, p_fail=DEFAULT_P_FAIL):
    """Expected spike count of a Poisson process, and the band a correct count stays in.

    The process fires at ``rate`` (Hz) over ``duration`` (s); a correct simulation's count leaves
    the band with probability at most ``p_fail``.

    Returns ``(mean, low, high)`` as floats (counts, no units): a count ``n`` passes when
    ``low < n < high``. Exact Poisson tails, each at most ``p_fail / 2``; ``low`` is -1 when even
    a count of 0 is not improbable enough to fail on.
    """
    require_non_negative(rate, "rate")
    require_non_negative(duration, "duration")
    _require_p_fail(p_fail)
    mean = float(rate * duration)
    reach = 50 * math.sqrt(mean) + 50  # beyond 50 SD (+50) the tails are far below 1e-100
    support = np.arange(max(0, math.floor(mean - reach)), math.ceil(mean + reach) + 1)
    low, high = _exclusive_band(support, _log_pmf_poisson(support, mean), p_fail)
    return mean, low, high


def binomial_count_band(n, p, p_fail=DEFAULT_P_FAIL):
    """Expected number of successes in independent trials, and the band a correct count stays in.

    ``n`` (a whole number) trials of probability ``p`` (dimensionless); a correct count leaves the
    band with probability at most ``p_fail``.

    Returns ``(mean, low, high)`` as floats: a count ``k`` passes when ``low < k < high``. Exact
    binomial tails, each at most ``p_fail / 2`` (``low`` = -1 or ``high`` = n + 1 when no count on
    that side is improbable enough).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be a non-negative whole number (no units), got {show(n)}")
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"p must be a probability between 0 and 1, got {show(p)}")
    _require_p_fail(p_fail)
    support = np.arange(n + 1)
    if p in (0, 1):
        log_pmf = np.where(support == (0 if p == 0 else n), 0.0, -np.inf)
    else:
        log_choose = np.array(
            [math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) for k in support]
        )
        log_pmf = log_choose + support * math.log(p) + (n - support) * math.log1p(-p)
    low, high = _exclusive_band(support, log_pmf, p_fail)
    return float(n * p), low, high
