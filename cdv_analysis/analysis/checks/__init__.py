"""Consistency checks of the published figures.

The source reports contain mistakes of their own: totals that are not the sum
of their parts, shares that do not add up, percentages that no whole number of
respondents can produce, a text that contradicts its table, a table copied from
the previous year. Each check returns :class:`Finding` records; they are
warnings about the sources, never errors in the data (which are transcribed
exactly as printed).

One module per kind of check: ``totals`` (a figure against the figures it is
made of), ``granularity`` (GRIM test of survey percentages), ``passages`` (the
same figure in two passages or two years), ``registry`` (every check, run for a
territory); ``findings`` holds the :class:`Finding` record.
"""

from __future__ import annotations

# The registry-derived maps, the severities and the registry stay importable from here (explicit re-exports).
from ._common import AXES as AXES, BREAKDOWN as BREAKDOWN, FUND_NAMES as FUND_NAMES, VALUE as VALUE
from .findings import INFO as INFO, WARNING as WARNING, Finding, findings_frame
from .granularity import check_granularity
from .passages import (
    INDICATOR_TABLES as INDICATOR_TABLES,
    check_copied_tables,
    check_counts_against_listed_items,
    check_repeated_counts,
    check_same_quantity_twice,
    check_shares_against_amounts,
    check_text_against_table,
)
from .registry import CHECKS as CHECKS, run_checks
from .totals import check_fund_totals, check_printed_growth, check_printed_shares, check_shares, check_totals

__all__ = [
    "Finding",
    "run_checks",
    "check_totals",
    "check_shares",
    "check_printed_shares",
    "check_granularity",
    "check_text_against_table",
    "check_copied_tables",
    "check_repeated_counts",
    "check_printed_growth",
    "check_fund_totals",
    "check_shares_against_amounts",
    "check_counts_against_listed_items",
    "check_same_quantity_twice",
    "findings_frame",
]
