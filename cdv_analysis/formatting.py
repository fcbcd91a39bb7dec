"""French formatting of figures, dates and phrases for the reports (via babel).

Every function returns ``"n.d."`` (non disponible) for a missing value, so a
report can print a table cell without checking it first. Spaces are babel's
own: a narrow no-break space (U+202F) between thousands and a no-break space
(U+00A0) before ``€`` and ``%``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd
from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, format_percent, parse_decimal

__all__ = [
    "LOCALE",
    "MISSING",
    "euros",
    "pourcent",
    "nombre",
    "variation",
    "ecart_points",
    "is_singular",
    "date_fr",
    "mois_fr",
    "pluriel",
    "liste_fr",
    "guillemets",
]

LOCALE = "fr_FR"
MISSING = "n.d."
_MINUS = "\u2212"  # babel prints a hyphen-minus; French typography wants the true minus
_NBSP = "\u00a0"

DateLike = date | datetime | str

# CLDR's own patterns, so that babel's exact spaces are kept; only the decimals change.
_FR = Locale.parse(LOCALE)
_CURRENCY = _FR.currency_formats["standard"].pattern
_PERCENT = _FR.percent_formats[None].pattern
_DECIMAL = _FR.decimal_formats[None].pattern


def _missing(value: object) -> bool:
    """None, NaN, NaT or pd.NA (a cell of a data frame may hold any of them)."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _with_decimals(pattern: str, decimals: int) -> str:
    """The locale's pattern with exactly ``decimals`` fraction digits."""
    fraction = "." + "0" * decimals if decimals > 0 else ""
    return re.sub(r"0(\.[0#]*)?", "0" + fraction, pattern, count=1)


def _sign(value: float, shown: str) -> str:
    """Sign to print before ``shown`` (the magnitude); none when it prints as zero."""
    if not re.search("[1-9]", shown):
        return ""
    return "+" if value > 0 else _MINUS


def _singular(shown: str) -> bool:
    """French rule: a printed magnitude below 2 (0, 1, 1,5) takes the singular."""
    return parse_decimal(shown, locale=LOCALE) < 2


def is_singular(n: float, decimals: int = 0) -> bool:
    """Whether ``n``, printed with ``decimals``, takes the singular in French (« 1 projet », « 1,5 point »).

    The one home of the French plural rule: what counts is the printed magnitude (below 2), so that
    1,96 printed « 2 » takes the plural.
    """
    return _singular(nombre(abs(n), decimals))


def euros(value: float | None, decimals: int = 0) -> str:
    """Amount in euros: ``4 734 927 €``, or ``4 734 927,00 €`` with ``decimals=2``."""
    if _missing(value):
        return MISSING
    return format_currency(
        value, "EUR", locale=LOCALE, format=_with_decimals(_CURRENCY, decimals), currency_digits=False
    )


def pourcent(points: float | None, decimals: int = 1) -> str:
    """Percentage given in points: ``68.3`` → ``68,3 %``."""
    if _missing(points):
        return MISSING
    return format_percent(points / 100, _with_decimals(_PERCENT, decimals), locale=LOCALE)


def nombre(value: float | None, decimals: int = 0) -> str:
    """Plain number: ``1 263``, or ``1,2`` with ``decimals=1``."""
    if _missing(value):
        return MISSING
    return format_decimal(value, _with_decimals(_DECIMAL, decimals), locale=LOCALE)


def variation(points: float | None, decimals: int = 1) -> str:
    """Signed percentage change: ``+47,0 %``, ``−3,5 %``, ``0,0 %``."""
    if _missing(points):
        return MISSING
    shown = pourcent(abs(points), decimals)
    return _sign(points, shown) + shown


def ecart_points(points: float | None, decimals: int = 0) -> str:
    """Signed gap in percentage points: ``+10 points``, ``−2 points``, ``+1 point``."""
    if _missing(points):
        return MISSING
    shown = nombre(abs(points), decimals)
    unit = "point" if _singular(shown) else "points"
    return f"{_sign(points, shown)}{shown} {unit}"


def _as_date(value: DateLike) -> date:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def date_fr(value: DateLike | None) -> str:
    """Long French date: ``27 juin 2023`` (from a date, a datetime or ``"2023-06-27"``)."""
    if _missing(value):
        return MISSING
    return format_date(_as_date(value), format="long", locale=LOCALE)


def mois_fr(value: DateLike | None) -> str:
    """Month and year: ``juin 2023``."""
    if _missing(value):
        return MISSING
    return format_skeleton("yMMMM", _as_date(value), locale=LOCALE)


def pluriel(n: float | None, singulier: str, pluriel: str | None = None) -> str:
    """Count and noun agreed in French: ``0 projet``, ``1 commune``, ``1 263 projets``.

    The default plural adds ``s`` unless the word already ends with ``s``, ``x`` or ``z``.
    """
    if _missing(n):
        return MISSING
    shown = nombre(n)
    if is_singular(n):
        return f"{shown} {singulier}"
    if pluriel is None:
        pluriel = singulier if singulier.endswith(("s", "x", "z")) else singulier + "s"
    return f"{shown} {pluriel}"


def liste_fr(items: Iterable[object] | None) -> str:
    """Enumeration: ``a``, ``a et b``, ``a, b et c``."""
    if _missing(items):
        return MISSING
    return format_list([str(item) for item in items], locale=LOCALE)


def guillemets(text: object) -> str:
    """French quotation: ``« text »`` with no-break spaces inside the guillemets."""
    if _missing(text):
        return MISSING
    return f"«{_NBSP}{text}{_NBSP}»"
