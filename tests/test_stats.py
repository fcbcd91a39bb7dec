"""Confidence intervals, GRIM granularity test and growth rates."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

from cdv_analysis.rules.stats import (
    cagr,
    compatible_counts,
    decimals_of,
    is_possible,
    pct_change,
    plausible_n,
    share,
    wilson_interval,
)


@st.composite
def count_and_total(draw: st.DrawFn) -> tuple[int, int]:
    n = draw(st.integers(1, 500))
    return draw(st.integers(0, n)), n


# ---------------------------------------------------------------------------
# Wilson


@pytest.mark.parametrize(
    "successes, n, expected",
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, table I, method 3.
        (81, 263, (0.2553, 0.3662)),
        (15, 148, (0.0624, 0.1605)),
        (0, 20, (0.0, 0.1611)),
        (1, 29, (0.0061, 0.1718)),
    ],
)
def test_wilson_matches_newcombe(successes: int, n: int, expected: tuple[float, float]) -> None:
    low, high = wilson_interval(successes, n)
    assert (round(low, 4), round(high, 4)) == expected


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_closed_form_matches_scipy(confidence: float) -> None:
    from scipy.stats import binomtest

    for n in (1, 2, 3, 5, 12, 37, 263, 1000):
        for successes in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            expected = binomtest(successes, n).proportion_ci(confidence, method="wilson")
            assert wilson_interval(successes, n, confidence) == pytest.approx((expected.low, expected.high),
                                                                              abs=1e-12), (successes, n)


def test_wilson_wider_at_higher_confidence() -> None:
    low95, high95 = wilson_interval(81, 263)
    low99, high99 = wilson_interval(81, 263, confidence=0.99)
    assert low99 < low95 and high99 > high95


@pytest.mark.parametrize("successes, n", [(1, 0), (0, -3), (-1, 10), (11, 10)])
def test_wilson_rejects_impossible_counts(successes: int, n: int) -> None:
    with pytest.raises(ValueError):
        wilson_interval(successes, n)


@given(count_and_total())
def test_wilson_contains_proportion_within_unit_interval(kn: tuple[int, int]) -> None:
    k, n = kn
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


@given(count_and_total(), st.integers(2, 20))
def test_wilson_narrows_with_larger_sample(kn: tuple[int, int], factor: int) -> None:
    k, n = kn
    low, high = wilson_interval(k, n)
    big_low, big_high = wilson_interval(k * factor, n * factor)
    assert big_high - big_low < high - low


# ---------------------------------------------------------------------------
# GRIM


@pytest.mark.parametrize("printed, expected", [("42,1 %", 1), ("50 %", 0), ("9,50", 2), ("44.5%", 1)])
def test_decimals_of(printed: str, expected: int) -> None:
    assert decimals_of(printed) == expected


@pytest.mark.parametrize(
    "printed, n, expected",
    [
        ("42,1 %", 19, [8]),
        ("63,7 %", 19, []),
        ("63,2 %", 19, [12]),
        ("50 %", 19, []),
        ("30 %", 70, [21]),
        ("0 %", 5, [0]),
        ("100 %", 5, [5]),
    ],
)
def test_compatible_counts(printed: str, n: int, expected: list[int]) -> None:
    assert compatible_counts(printed, n) == expected
    assert is_possible(printed, n) is bool(expected)


def test_compatible_counts_with_number_and_decimals() -> None:
    assert compatible_counts(42.1, 19, decimals=1) == [8]
    # Printed without decimals, 42 % out of 19 allows 8 (42,1 %) only.
    assert compatible_counts(42.0, 19, decimals=0) == [8]


def test_compatible_counts_accepts_both_rounding_directions() -> None:
    # 1/8 = 12,5 %: printed 12 % (half-even) or 13 % (half-up) are both honest.
    assert compatible_counts("12 %", 8) == [1]
    assert compatible_counts("13 %", 8) == [1]


def test_numeric_percentage_needs_decimals() -> None:
    with pytest.raises(ValueError):
        compatible_counts(42.1, 19)


def test_compatible_counts_rejects_empty_group() -> None:
    with pytest.raises(ValueError):
        compatible_counts("50 %", 0)


@given(count_and_total())
def test_any_rounded_percentage_is_compatible(kn: tuple[int, int]) -> None:
    k, n = kn
    printed = f"{round(100 * k / n, 1):.1f}".replace(".", ",") + " %"
    assert is_possible(printed, n)
    assert k in compatible_counts(printed, n)


def test_plausible_n() -> None:
    sizes = plausible_n(["66,7 %", "72,2 %", "55,6 %"])
    assert 18 in sizes
    assert 19 not in sizes
    assert all(1 <= n <= 500 for n in sizes)


def test_plausible_n_with_numbers_and_bounds() -> None:
    assert plausible_n([50.0, 25.0], decimals=0, n_min=1, n_max=8) == [4, 8]


# ---------------------------------------------------------------------------
# Growth and shares


def test_pct_change() -> None:
    assert pct_change(3_900_000, 5_760_000) == pytest.approx(47.69, abs=0.01)
    assert pct_change(200, 150) == pytest.approx(-25.0)


def test_cagr() -> None:
    assert cagr(3_900_000, 5_760_000, 6) == pytest.approx(6.72, abs=0.01)
    assert cagr(100, 121, 2) == pytest.approx(10.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: pct_change(0, 10),
        lambda: pct_change(-5, 10),
        lambda: cagr(0, 10, 3),
        lambda: cagr(10, 20, 0),
        lambda: cagr(10, 20, -1),
    ],
)
def test_growth_rejects_invalid_start_or_duration(call) -> None:
    with pytest.raises(ValueError):
        call()


def test_share() -> None:
    assert share(1, 4) == 25.0
    assert math.isnan(share(3, 0))
    assert math.isnan(share(math.nan, 4))


def test_rounding_tolerance_is_half_a_unit_of_the_last_printed_decimal() -> None:
    from cdv_analysis.rules.stats import rounding_tolerance

    assert rounding_tolerance(0) == pytest.approx(0.5)
    assert rounding_tolerance(1) == pytest.approx(0.05)
    # Three shares printed « 33,3 % », « 33,3 % », « 33 % » may add up to anything within 0,05 + 0,05 + 0,5.
    assert rounding_tolerance(1, 1, 0) == pytest.approx(0.6)
    # 42,1 % stands for [42,05 ; 42,15]: 8 of 19 (42,105…) prints so, 9 of 19 (47,4) does not.
    assert abs(100 * 8 / 19 - 42.1) <= rounding_tolerance(1) < abs(100 * 9 / 19 - 42.1)
