"""The registry of checks: every check, run for a territory (optionally one year)."""

from __future__ import annotations

from collections.abc import Callable

from ...ingest.load import Territory
from ...ingest.territory import memoized
from .findings import Finding
from .granularity import check_granularity
from .passages import (check_copied_tables, check_counts_against_listed_items, check_repeated_counts,
                       check_same_quantity_twice, check_shares_against_amounts, check_text_against_table)
from .totals import check_fund_totals, check_printed_growth, check_printed_shares, check_shares, check_totals

CHECKS: tuple[Callable[[Territory], list[Finding]], ...] = (
    check_totals,
    check_shares,
    check_printed_shares,
    check_text_against_table,
    check_copied_tables,
    check_repeated_counts,
    check_printed_growth,
    check_fund_totals,
    check_granularity,
    check_shares_against_amounts,
    check_counts_against_listed_items,
    check_same_quantity_twice,
)


def run_checks(territory: Territory, year: int | None = None) -> list[Finding]:
    """Every finding for a territory (optionally only those about one year or a period ending then).

    The checks read every year of the territory: in a report, they run once for all the territory's reports of
    the process (``memoized(every_year=True)``; findings are frozen, the list returned is the caller's own)."""
    findings = list(memoized(territory, ("checks",), lambda: tuple(f for check in CHECKS for f in check(territory)),
                             every_year=True))
    if year is not None:
        findings = [f for f in findings if not f.annee or str(year) in f.annee or f.annee.endswith(str(year))]
    return findings
