"""Statistics for checking and commenting printed figures.

Confidence intervals for the proportions the reports print, a GRIM-style test of
whether a printed percentage can come from a group of ``n`` people, and growth rates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from statistics import NormalDist

from .clean import parse_pourcentage

__all__ = [
    "wilson_interval",
    "decimals_of",
    "compatible_counts",
    "is_possible",
    "plausible_n",
    "fits",
    "fitting_n",
    "pct_change",
    "rounding_tolerance",
    "cagr",
    "share",
]

Percentage = str | float

# Slack for the binary representation of 100·k/n, far below any printed decimal.
_EPSILON = 1e-9


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval (without continuity correction) of ``successes / n``.

    Bounds are proportions in [0, 1].
    """
    if n <= 0:
        raise ValueError(f"l'effectif doit être positif (reçu {n})")
    if not 0 <= successes <= n:
        raise ValueError(f"le nombre de succès doit être compris entre 0 et {n} (reçu {successes})")
    if not 0 < confidence < 1:
        raise ValueError(f"le niveau de confiance doit être compris entre 0 et 1 (reçu {confidence})")
    # The closed form (Wilson 1927), with the normal quantile of the standard library: the same bounds as
    # scipy's ``binomtest(...).proportion_ci(method="wilson")`` (tests compare them), without loading
    # scipy.stats in every kernel (about 1 s of processor each).
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p, z2 = successes / n, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # At 0 and n the bound is exactly 0 or 1 (the formula's two terms are then equal): no rounding below it.
    return (0.0 if successes == 0 else max(0.0, centre - half)), (1.0 if successes == n else min(1.0, centre + half))


def rounding_tolerance(*decimals: int) -> float:
    """How far a value may be from what its printed form says, through rounding alone: half a unit of the
    last printed decimal (``rounding_tolerance(1)`` is 0,05), summed over several printed figures.

    The one home of the rounding slack of every check: 42,1 % stands for any value in [42,05 ; 42,15].
    """
    return sum(0.5 * 10 ** -places for places in decimals) + _EPSILON


def decimals_of(printed: str) -> int:
    """Number of decimals of a printed number: ``"42,1 %"`` → 1, ``"50 %"`` → 0."""
    fraction = re.search(r"[,.](\d+)\D*$", printed.strip())
    return len(fraction.group(1)) if fraction else 0


def _value_and_decimals(percentage: Percentage, decimals: int | None) -> tuple[float, int]:
    if isinstance(percentage, str):
        value = parse_pourcentage(percentage)
        return value, decimals_of(percentage) if decimals is None else decimals
    if decimals is None:
        raise ValueError("préciser le nombre de décimales imprimées d'un pourcentage numérique")
    return float(percentage), decimals


def _counts(value: float, decimals: int, n: int) -> list[int]:
    tolerance = rounding_tolerance(decimals)
    return [k for k in range(n + 1) if abs(100 * k / n - value) <= tolerance]


def compatible_counts(percentage: Percentage, n: int, decimals: int | None = None) -> list[int]:
    """Whole counts ``k`` out of ``n`` whose percentage prints as ``percentage``.

    ``percentage`` is a printed string (``"42,1 %"``, decimals inferred) or a number
    of points with its printed ``decimals``. Any rounding convention is accepted.
    An empty list means no group of ``n`` can give this percentage (GRIM test).
    """
    if n <= 0:
        raise ValueError(f"l'effectif doit être positif (reçu {n})")
    return _counts(*_value_and_decimals(percentage, decimals), n)


def is_possible(percentage: Percentage, n: int, decimals: int | None = None) -> bool:
    """Whether some whole count out of ``n`` prints as ``percentage``."""
    return bool(compatible_counts(percentage, n, decimals))


def plausible_n(
    percentages: Iterable[Percentage],
    decimals: int | None = None,
    n_min: int = 1,
    n_max: int = 500,
) -> list[int]:
    """Group sizes in ``n_min..n_max`` compatible with every printed percentage."""
    parsed = [_value_and_decimals(p, decimals) for p in percentages]
    return [
        n
        for n in range(max(n_min, 1), n_max + 1)
        if all(_counts(value, places, n) for value, places in parsed)
    ]


def fits(percentage: Percentage, qualifier: str, k: int, n: int, tolerance: float = 0.0,
         decimals: int | None = None) -> bool:
    """Whether ``k`` out of ``n`` agrees with a printed percentage of this qualifier.

    ``exact``: prints as the percentage (any rounding); ``approche``: within ``tolerance`` (relative)
    or the rounding; ``minimum`` (« plus de 60 % »): at least the value; ``maximum`` (« jusqu'à »,
    « moins de »): at most the value.
    """
    value, places = _value_and_decimals(percentage, decimals)
    share = 100 * k / n
    rounding = rounding_tolerance(places)
    if qualifier == "minimum":
        return share >= value - rounding
    if qualifier == "maximum":
        return share <= value + rounding
    if qualifier == "approche":
        return abs(share - value) <= max(rounding, abs(value) * tolerance)
    return abs(share - value) <= rounding


def fitting_n(printed: Iterable[tuple[Percentage, str, float]], n_max: int, n_min: int = 1) -> list[int]:
    """Numbers of respondents ``n`` (``n_min``..``n_max``) for which every printed value of ONE question
    comes from some whole count: ``printed`` holds (percentage, qualifier, tolerance) triples."""
    # Each printed value is read once (not once per n and k): the same figures, parsed n_max² times fewer.
    values = [(*_value_and_decimals(p, None), q, t) for p, q, t in printed]
    return [n for n in range(max(n_min, 1), n_max + 1)
            if all(any(fits(v, q, k, n, t, places) for k in range(n + 1)) for v, places, q, t in values)]


def pct_change(old: float, new: float) -> float:
    """Change from ``old`` to ``new`` in percentage points: 3,9 M → 5,76 M gives 47,69."""
    if old <= 0:
        raise ValueError(f"la valeur de départ doit être strictement positive (reçu {old})")
    return (new - old) / old * 100


def cagr(old: float, new: float, years: float) -> float:
    """Compound annual growth rate, in percent, from ``old`` to ``new`` over ``years``."""
    if old <= 0:
        raise ValueError(f"la valeur de départ doit être strictement positive (reçu {old})")
    if years <= 0:
        raise ValueError(f"la durée doit être strictement positive (reçu {years})")
    if new < 0:
        raise ValueError(f"la valeur d'arrivée ne peut pas être négative (reçu {new})")
    return ((new / old) ** (1 / years) - 1) * 100


def share(part: float, whole: float) -> float:
    """``part`` as percentage points of ``whole``; NaN when ``whole`` is zero."""
    if whole == 0:
        return math.nan
    return part / whole * 100
