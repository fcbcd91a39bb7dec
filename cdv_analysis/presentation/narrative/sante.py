"""Paragraphs of the health section."""

from __future__ import annotations

import pandas as pd

from ...rules.formatting import (
    euros,
    liste_fr,
    nombre,
    pluriel,
    variation,
)
from ...rules.stats import pct_change
from ._base import md, _pct, _sum_note, _year


def _change(start: float, end: float) -> str:
    if start > 0 and end >= start:
        return f"soit une multiplication par {nombre(end / start, 1)}"
    return f"soit {variation(pct_change(start, end))}" if start > 0 else ""


def health_paragraph(actions: pd.DataFrame, publics: pd.DataFrame | None = None) -> str:
    """Health actions and amounts over time (``indicators.health_actions``) and their publics."""
    if (actions is None or actions.empty) and (publics is None or publics.empty):
        return ""
    sentences = []
    series = (("actions", "Le nombre d'actions de santé financées", lambda v: pluriel(v, "action")),
              ("montant", "Le montant des actions de santé", euros))
    for column, noun, render in series:
        known = actions.dropna(subset=[column]) if actions is not None and column in actions else pd.DataFrame()
        if len(known) >= 2:
            first, last = known.iloc[0], known.iloc[-1]
            change = _change(float(first[column]), float(last[column]))
            sentences.append(f"{noun} passe de {render(first[column])} en {_year(first['annee'])} à "
                             f"{render(last[column])} en {_year(last['annee'])}" + (f", {change}." if change else "."))
        elif len(known) == 1:
            sentences.append(f"{noun} est de {render(known.iloc[0][column])} en {_year(known.iloc[0]['annee'])}.")
    if publics is not None and not publics.empty:
        shares = liste_fr(f"{md(row['public'])} ({_pct(row['part'])})" for _, row in publics.iterrows())
        # Only some publics are printed: their shares need not add up to 100 %.
        sentences.append(f"Parts des actions par public : {shares}."
                         + _sum_note(publics["part"].sum(), "Ces parts", complete=False))
    return " ".join(sentences)
