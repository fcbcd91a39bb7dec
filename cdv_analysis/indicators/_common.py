"""Row selection shared by the indicator modules."""

from __future__ import annotations

import pandas as pd

from ..clean import cell_text as text  # re-exported: the indicator modules read cells through it

SUPPORT_PREFERENCE = {"tableau": 0, "graphique": 1, "texte": 2, "": 3}


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

