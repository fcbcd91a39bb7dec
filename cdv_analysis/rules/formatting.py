"""French formatting of figures, dates and phrases for the reports (via babel): the one home of the number rules.

Every function returns ``"n.d."`` (non disponible) for a missing value, so a
report can print a table cell without checking it first. Spaces are babel's
own: a narrow no-break space (U+202F) between thousands and a no-break space
(U+00A0) before ``€`` and ``%``, so that a figure never wraps.

The rules, decided here once and used by the text templates, the narrative, the
charts and the coverage search:

- a figure written from a value has **0 decimals if whole, else 1** (:func:`decimales`):
  ``80 %``, ``42,1 %``, ``1 263``, ``12,5`` — pass ``decimals=None`` to :func:`nombre` or
  :func:`pourcent`, or use :func:`chiffre`;
- a compact amount (chart axes, labels inside bars) is ``1,6 M€``, ``717,3 k€``, ``200 k€``,
  ``950 €`` (:func:`euros_compact`);
- a value as printed in a source stays as printed, only its spaces made unbreakable
  (:func:`tel_qu_imprime`);
- a date is written in French, ``27 septembre 2022`` (:func:`date_fr`, :func:`date_ou_texte`).
"""

from __future__ import annotations

import functools
import numbers
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime

import pandas as pd
from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.numbers import format_compact_decimal, format_currency, format_decimal, format_percent, parse_decimal

__all__ = [
    "LOCALE",
    "MISSING",
    "decimales",
    "chiffre",
    "euros",
    "euros_compact",
    "pourcent",
    "nombre",
    "variation",
    "ecart_points",
    "is_singular",
    "date_fr",
    "date_ou_texte",
    "tel_qu_imprime",
    "taille_fichier",
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


def _remembered(function: Callable[..., str]) -> Callable[..., str]:
    """``function`` remembering its last few thousand results: charts format the same tick values at every
    draw, tables the same figures in every report. Keyed on the arguments and their types (``1`` is not
    ``1.0`` for babel); a zero (signed or not) or an unhashable argument is formatted afresh."""
    cached = functools.lru_cache(maxsize=8192, typed=True)(function)

    @functools.wraps(function)
    def remembered(*args, **kwargs) -> str:
        if any(_zero(value) for value in (*args, *kwargs.values())):
            return function(*args, **kwargs)  # -0.0 equals 0.0 as a key, but may not print as it
        try:
            return cached(*args, **kwargs)
        except TypeError:
            return function(*args, **kwargs)

    return remembered


def _zero(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, int) and value == 0


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


def decimales(value: float) -> int:
    """The report's precision for a figure written from a value: 0 decimals if whole, else 1 (``80 %``, ``42,1 %``)."""
    return 0 if float(value).is_integer() else 1


def _precision(value: float, decimals: int | None) -> int:
    return decimales(value) if decimals is None else decimals


def is_singular(n: float, decimals: int = 0) -> bool:
    """Whether ``n``, printed with ``decimals``, takes the singular in French (« 1 projet », « 1,5 point »).

    The one home of the French plural rule: what counts is the printed magnitude (below 2), so that
    1,96 printed « 2 » takes the plural.
    """
    return _singular(nombre(abs(n), decimals))


@_remembered
def euros(value: float | None, decimals: int = 0) -> str:
    """Amount in euros: ``4 734 927 €``, or ``4 734 927,00 €`` with ``decimals=2``."""
    if _missing(value):
        return MISSING
    return format_currency(
        value, "EUR", locale=LOCALE, format=_with_decimals(_CURRENCY, decimals), currency_digits=False
    )


_COMPACT_UNIT = re.compile(r"\s*([^\d\s,.\u2212-]+)$")  # babel's compact suffix (k, M, Md), if any


@_remembered
def euros_compact(value: float | None) -> str:
    """Amount rounded to its magnitude, the unit attached to it: ``1,6 M€``, ``717,3 k€``, ``200 k€``, ``950 €``."""
    if _missing(value):
        return MISSING
    shown = format_compact_decimal(abs(value), locale=LOCALE, fraction_digits=1)
    unit = _COMPACT_UNIT.search(shown)
    number = shown[:unit.start()] if unit else shown
    sign = _sign(value, number) if value < 0 else ""
    return f"{sign}{number}{_NBSP}{unit.group(1)}€" if unit else f"{sign}{number}{_NBSP}€"


@_remembered
def pourcent(points: float | None, decimals: int | None = 1) -> str:
    """Percentage given in points: ``68.3`` → ``68,3 %``; ``decimals=None``: the report's rule (``80 %``, ``42,1 %``)."""
    if _missing(points):
        return MISSING
    return format_percent(points / 100, _with_decimals(_PERCENT, _precision(points, decimals)), locale=LOCALE)


@_remembered
def nombre(value: float | None, decimals: int | None = 0) -> str:
    """Plain number: ``1 263``, or ``1,2`` with ``decimals=1``; ``decimals=None``: the report's rule (``12``, ``12,5``)."""
    if _missing(value):
        return MISSING
    return format_decimal(value, _with_decimals(_DECIMAL, _precision(value, decimals)), locale=LOCALE)


def chiffre(value: float | None, unite: str = "") -> str:
    """A figure of a table with a ``unite`` column, at the report's precision: ``42,1 %`` for ``%``, else ``1 263``.

    The unit other than ``%`` is not written (it is in the column header or the sentence).
    """
    return pourcent(value, None) if unite == "%" else nombre(value, None)


_SPACE_IN_NUMBER = re.compile(r"(?<=\d)[ \u00a0](?=\d{3}(?!\d))")
_SPACE_BEFORE_UNIT = re.compile(r"(?<=\d) (?=[%€])")


def tel_qu_imprime(text: object) -> str:
    """A value as a source printed it (``44.5%``, ``1 077€``), unchanged but for its spaces, made unbreakable.

    A thousands space becomes a narrow no-break space, a space before ``%`` or ``€`` a no-break space,
    so that the printed figure never wraps; nothing else is touched (the page marks it as printed).
    """
    if _missing(text):
        return ""
    return _SPACE_BEFORE_UNIT.sub(_NBSP, _SPACE_IN_NUMBER.sub("\u202f", str(text)))


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


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def date_ou_texte(value: object) -> str:
    """A date cell: an ISO date (``2022-09-27``) written in French, anything else (``2022``, ``juin 2023``) as is."""
    if _missing(value):
        return ""
    if isinstance(value, (date, datetime)):
        return date_fr(value)
    text = str(value).strip()
    return date_fr(text) if _ISO_DATE.match(text) else text


def mois_fr(value: DateLike | None) -> str:
    """Month and year: ``juin 2023``."""
    if _missing(value):
        return MISSING
    return format_skeleton("yMMMM", _as_date(value), locale=LOCALE)


def taille_fichier(size: int | None, limite: int | None = None, *, binaire: bool = False) -> str:
    """A file size in French units, the one rule for every size the package writes.

    A download: ``850 o``, ``2,1 ko``, ``1,3 Mo`` (1 ko = 1 000 octets, one decimal). ``binaire``: the
    units of the declared limits, which are powers of two (1 ko = 1 024 octets): ``100 Mo``, ``1,5 Mo``,
    ``600 octets``, a decimal only under 10; with ``limite``, a size that would read as the limit is
    written in octets (a file of 1 048 591 octets is not « 1 Mo » beside « au plus 1 Mo »).
    """
    if _missing(size):
        return MISSING
    if not binaire:
        for unit, scale in (("Mo", 1e6), ("ko", 1e3)):
            if size >= scale:
                return f"{nombre(size / scale, 1)}{_NBSP}{unit}"
        return f"{nombre(size)}{_NBSP}o"
    for unit, scale in (("Go", 2**30), ("Mo", 2**20), ("ko", 2**10)):
        if size >= scale:
            value = size / scale
            text = f"{nombre(value, 0 if value >= 10 or value.is_integer() else 1)}{_NBSP}{unit}"
            if limite is not None and text in (taille_fichier(limite, binaire=True),
                                               taille_fichier(limite, binaire=True).replace(_NBSP, f",0{_NBSP}")):
                break
            return text
    return f"{nombre(size)} octets"


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
