"""What every check shares: the registry's breakdown of printed figures, the qualifiers' tolerance and
the small readers of a row (its breakdown, its key), for the checks of :mod:`cdv_analysis.analysis.checks`."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ...rules.clean import cell_text as _text
from ...rules.formatting import euros, nombre
from ...ingest.schemas import TABLES

# From the registry (schemas.TABLES): the tables whose figures a total and its parts break down,
# the columns that break a figure down (the rest of a row says what and where), their axes
# (a total splits along one or more axes), and the column holding each table's figure.
BREAKDOWN = {name: spec.breakdown for name, spec in TABLES.items() if spec.breakdown}
AXES = {column.name: column.axis for name in BREAKDOWN for column in TABLES[name].columns if column.axis}
VALUE = {name: TABLES[name].value_column for name in BREAKDOWN}


def _fmt(table: str, value: float) -> str:
    return euros(value) if TABLES[table].column(VALUE[table]).kind == "montant" else nombre(value)


def _row_keys(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    return frame[columns].apply(lambda column: column.map(_text)).agg("|".join, axis=1)


def _filled(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].map(_text) != ""


def _dims(row: pd.Series, columns: Iterable[str]) -> dict[str, str]:
    return {c: _text(row[c]) for c in columns if c in row and _text(row[c])}


def _single_year(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["annee_debut"] == frame["annee_fin"]]


def _readable(dims: dict[str, str]) -> dict[str, str]:
    """Breakdown values as a reader reads them: a pillar or porteur type by its label, not its code."""
    from ...rules.harmonise import label

    vocabularies = {"pilier": "piliers", "type_porteur": "types_porteur", "financeur": "financeurs"}
    return {c: label(vocabularies[c], v) if c in vocabularies else v for c, v in dims.items()}


def _tolerance(qualifier: object) -> float:
    from ...rules.harmonise import vocabulary

    attributes = vocabulary("qualificatifs").attributes.get(_text(qualifier) or "exact", {})
    return float(attributes.get("tolerance") or 0)


FUND_NAMES = {"fcs": {"fondsdecohesionsociale"},
              "fonds_de_concours": {"fondsdeconcours", "fondsdeconcourspolitiquedelaville"}}
