"""Row selection shared by the indicator modules."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ...rules.clean import cell_text as text  # re-exported: the indicator modules read cells through it
from ...rules.harmonise import label, vocabulary

SUPPORT_PREFERENCE = {"tableau": 0, "graphique": 1, "texte": 2, "": 3}
# Perimeters (``champ``) of a « programmation » amount that « montant programmé » describes truly; any other
# (crédits obtenus, droit commun hors DSC et DPV, total des financements tous dispositifs…) is named by its champ.
_PROGRAMMED = {"", "programmation_contrat", "credits_specifiques_programmes", "droit_commun", "contribution_financeur",
               "enveloppe_dispositif"}


def measure_label(row: pd.Series) -> str:
    """What a printed figure measures, as a reader should read it: « montant programmé » only for an amount of
    the programmation; « crédits obtenus », « droit commun (hors DSC et DPV) », « total des financements politique
    de la ville (tous dispositifs) » for the sums that are not (issue 16: never relabelled « montant programmé »)."""
    measure, champ = text(row.get("mesure")), text(row.get("champ"))
    if measure == "programmation" and champ not in _PROGRAMMED:
        return vocabulary("champs").attributes.get(champ, {}).get("court", label("champs", champ))
    return label("mesures", measure)


def blank(frame: pd.DataFrame, *columns: str) -> pd.Series:
    """Rows where every one of ``columns`` is empty."""
    mask = pd.Series(True, index=frame.index)
    for column in columns:
        if column in frame.columns:
            mask &= frame[column].map(text) == ""
    return mask


def filled(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].map(text) != ""


def of_year(frame: pd.DataFrame, year: int | str) -> pd.DataFrame:
    """Rows about ``year`` (``2021``) or exactly about the period ``"2015-2022"``."""
    return frame[frame["annee"].astype(str) == str(year)]


def of_report(territory, frame: pd.DataFrame, year: int | str | None) -> pd.DataFrame:
    """Rows from the sources of the report of ``year`` (``annee_rapport``); every row when ``year`` is None.

    A source declaring no report year feeds every report, as before report years were declared.
    """
    if year is None or frame.empty:
        return frame
    undeclared = {sid for sid, meta in territory.sources.items() if not text(meta.get("annee_rapport"))}
    return frame[frame["source"].isin(territory.sources_of_report_year(year) | undeclared)]


def best_section(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """The printed table (section and support) that breaks down along ``key`` most completely.

    Ties go to a table over a chart over a sentence, then to the first in file order.
    """
    if frame.empty:
        return frame
    scored = []
    for (section, support), group in frame.groupby(["section", "support"], sort=False, dropna=False):
        scored.append((-group[key].nunique(), SUPPORT_PREFERENCE.get(text(support), 3), group.index.min(),
                       section, support))
    _, _, _, section, support = min(scored)
    return frame[(frame["section"] == section) & (frame["support"].map(text) == text(support))]


def most_printed(values: pd.Series) -> float | None:
    """The value printed most often (first printed on a tie)."""
    values = values.dropna()
    if values.empty:
        return None
    counts = values.value_counts(sort=False)
    return float(counts.idxmax())



@dataclass(frozen=True)
class Value:
    """A headline figure and where it comes from (raw table, source document and section)."""

    value: object
    source: str = ""
    section: str = ""


@dataclass(frozen=True)
class ColumnInfo:
    """What one column of an indicator table holds: an imported indicator's label, unit, theme and year."""

    label: str
    unit: str = ""
    theme: str = ""
    year: int | None = None


@dataclass
class Indicator:
    """An indicator: its table, the headline values a paragraph quotes (with provenance) and its sources.

    Values are looked up by key (``"total"``), never by their French label; they are written to the
    table's CSV. ``column_info`` describes the columns that are indicators of their own (one per imported
    INSEE indicator); ``context`` holds figures about the whole the table was drawn from (every funded
    action, every porteur, when the table keeps the first ones) that a paragraph needs and the CSV does not.
    """

    table: pd.DataFrame
    values: dict[str, Value] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    column_info: dict[str, ColumnInfo] = field(default_factory=dict)
    context: dict[str, object] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.table)

    @property
    def empty(self) -> bool:
        return self.table.empty

    def headline(self) -> dict[str, object]:
        """The headline figures that are known (the year and the method excluded)."""
        return {key: v.value for key, v in self.values.items()
                if key not in ("annee", "methode") and v.value is not None
                and not (pd.api.types.is_scalar(v.value) and pd.isna(v.value))}

    def get(self, key: str, default: object = None) -> object:
        """The plain value of a headline figure (``default`` when absent)."""
        entry = self.values.get(key)
        return default if entry is None else entry.value

    def to_frame(self) -> pd.DataFrame:
        """The table followed by one row per headline value (``chiffre_cle``, ``valeur``): what a CSV carries."""
        if not self.values:
            return self.table
        head = pd.DataFrame([{"chiffre_cle": key, "valeur": v.value, "source": v.source, "section": v.section}
                             for key, v in self.values.items()])
        table = self.table.reset_index() if self.table.index.name or isinstance(
            self.table.index, pd.MultiIndex) else self.table
        return pd.concat([table, head], ignore_index=True)


def unpack(result: Indicator | pd.DataFrame | None) -> tuple[pd.DataFrame | None, Indicator]:
    """(table, indicator) of an indicator result or of a bare table (no headline values)."""
    if isinstance(result, Indicator):
        return result.table, result
    return result, Indicator(result if result is not None else pd.DataFrame())
