"""Column kinds as pandera checks: each kind's element test and French expectation, the schema of the columns a
file has (:func:`raw_schema`), and an empty table of a type (:func:`empty_frame`).

Raw cells are validated as printed strings (they are parsed afterwards, in ``load``), so that every failure
can name the file, line, column and value."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable, Iterator, Mapping

from typing import TYPE_CHECKING

import pandas as pd

from ...rules.clean import ParseError, parse_figure, parse_montant, parse_nombre, parse_pourcentage
from ...rules.harmonise import COOPERATION_LEVELS, vocabulary
from .registry import QUALIFICATIFS, TABLES
from .specs import ColumnSpec

if TYPE_CHECKING:
    import pandera.pandas as pa


@dataclass
class ValidationContext:
    """What a territory declares that its tables must agree with."""

    sources: frozenset[str] = frozenset()
    pillar_aliases: Mapping[str, str] = field(default_factory=dict)
    financer_aliases: Mapping[str, str] = field(default_factory=dict)


_YEAR_RE = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")


def year_span(value: str) -> tuple[int, int] | None:
    """(first, last) year of « 2021 » or « 2015-2022 »; None when the cell is not a year or period."""
    match = _YEAR_RE.match((value or "").strip())
    if not match:
        return None
    start = int(match.group(1))
    return start, int(match.group(2) or start)


def _is_year(value: str) -> bool:
    span = year_span(value)
    return span is not None and 1990 <= span[0] <= span[1] <= 2100


def _parses(parser: Callable[[str], float], minimum: float | None = None,
            maximum: float | None = None, integral: bool = False) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        try:
            number = parser(value)
        except ParseError:
            return False
        if minimum is not None and number < minimum:
            return False
        if maximum is not None and number > maximum:
            return False
        return not integral or float(number).is_integer()

    return check


def _expectation(spec: ColumnSpec, context: ValidationContext) -> tuple[Callable[[str], bool], str]:
    """The element check of a column and its French expectation."""
    kind = spec.kind
    if kind == "annee":
        return _is_year, "une année (« 2021 ») ou une période (« 2015-2022 »)"
    if kind == "montant":
        return _parses(parse_montant), "un montant en euros (ex. « 4 734 927,00 € » ou « 1 712 989 »)"
    if kind == "pourcentage":
        return _parses(parse_pourcentage), "un pourcentage (ex. « 68,3 » ou « 42,1 % »)"
    if kind == "nombre":
        return _parses(parse_nombre, minimum=0), "un nombre positif (ex. « 1 263 »)"
    if kind == "entier":
        return _parses(parse_nombre, minimum=0, integral=True), "un nombre entier positif (ex. « 132 »)"
    if kind == "niveau":
        levels = {str(level) for level in COOPERATION_LEVELS}
        return (lambda v: v.strip() in levels), f"un niveau de coopération de 1 à {len(levels)}"
    if kind == "valeur":
        return _parses(lambda v: parse_figure(v).valeur), "une valeur chiffrée (ex. « 43 % », « 1 077 € », « 2 595 »)"
    if kind == "code":
        return (lambda v: re.fullmatch(r"[a-z0-9][a-z0-9_\-]*", v.strip()) is not None), \
            "un identifiant en minuscules sans espace (ex. « fcs », « r21-a1 »)"
    if kind == "choix":
        return (lambda v: v.strip() in spec.choices), "une de ces valeurs : " + ", ".join(spec.choices)
    if kind == "qualificatif":
        words = vocabulary("qualificatifs")
        return (lambda v: words.code(v) is not None), (
            "un qualificatif : " + ", ".join(QUALIFICATIFS) + " ou les mots imprimés (« près de », « environ », "
            "« plus de », « jusqu'à », « moins de »…)")
    if kind == "source":
        declared = context.sources
        return (lambda v: v.strip() in declared), (
            "une source déclarée dans territoire.yml (" + ", ".join(sorted(declared)) + ")"
            if declared else "une source déclarée dans territoire.yml (aucune n'est déclarée)"
        )
    if kind == "pilier":
        pillars = vocabulary("piliers")
        return (lambda v: pillars.code(v, context.pillar_aliases) is not None), (
            "un pilier connu (" + pillars.examples(5)
            + ") ou un alias déclaré sous « libelles: piliers: » dans territoire.yml"
        )
    if kind == "financeur":
        financers = vocabulary("financeurs")
        return (lambda v: financers.code(v, context.financer_aliases) is not None), (
            "un financeur connu (" + financers.examples(5)
            + "…) ou un alias déclaré sous « libelles: financeurs: » dans territoire.yml"
        )
    return (lambda v: True), "du texte"


def _column_tests(table: str, present_columns: Iterable[str],
                  context: ValidationContext) -> Iterator[tuple[ColumnSpec, Callable[[str], bool] | None, str]]:
    """Each column of ``table`` a file has, with its element test (None for free text) and its French expectation."""
    present = set(present_columns)
    for spec in TABLES[table].columns:
        if spec.name in present:
            test, expected = _expectation(spec, context)
            yield spec, (None if spec.kind == "texte" else test), expected


def raw_schema(table: str, present_columns: Iterable[str], context: ValidationContext) -> pa.DataFrameSchema:
    """Pandera schema of the columns of ``table`` that a file actually has.

    Missing required columns are reported before validation (``load``), so a
    file missing one column still has its other columns checked.
    pandera is imported here only: a folder whose cells all pass :func:`schema_holds` never needs it.
    """
    import pandera.pandas as pa

    columns: dict[str, pa.Column] = {}
    for spec, test, expected in _column_tests(table, present_columns, context):
        checks = []
        if not spec.nullable:
            checks.append(pa.Check(lambda s: s.str.strip() != "", error="une valeur (cellule obligatoire)"))
        if test is not None:
            checks.append(pa.Check(lambda v, test=test: v.strip() == "" or test(v), element_wise=True, error=expected))
        columns[spec.name] = pa.Column(str, checks=checks, nullable=False, coerce=False)
    return pa.DataFrameSchema(columns, strict=False, name=table)


def schema_holds(table: str, frame: pd.DataFrame, present_columns: Iterable[str], context: ValidationContext) -> bool:
    """True when every cell of the present columns passes :func:`raw_schema`'s checks (the same tests), so that
    pandera would report nothing: a string, filled when required, accepted by its kind.

    Each distinct cell is tested once: a national open-data file repeats the same amounts, themes and sources.
    False when in doubt (a cell that is not a string, a column of another dtype, a repeated header): pandera then says what is wrong.
    """
    if not frame.columns.is_unique:
        return False
    for spec, test, _ in _column_tests(table, present_columns, context):
        column = frame[spec.name]
        if not (column.dtype == object or isinstance(column.dtype, pd.StringDtype)):
            return False
        cells = column.tolist()
        if not all(type(cell) is str for cell in cells):
            return False
        distinct = set(cells)
        try:
            if not spec.nullable and any(not cell.strip() for cell in distinct):
                return False
            if test is not None and not all(test(cell) for cell in distinct if cell.strip()):
                return False
        except Exception:  # noqa: BLE001 — a test that fails to run: pandera reports it as it always did
            return False
    return True


def empty_frame(table: str) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in TABLES[table].column_names})
