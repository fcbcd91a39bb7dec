"""Participation des habitants: figures, opinions of the conseils citoyens, qualitative statements."""

from __future__ import annotations

import pandas as pd

from ...rules.harmonise import labels
from ...ingest.load import Territory
from ._common import of_report

__all__ = ["participation_figures", "council_opinions", "statements", "NATURE_LABELS"]

NATURE_LABELS = labels("natures")  # vocabulaires/natures.yml


def participation_figures(territory: Territory, annee: int | str | None = None) -> pd.DataFrame:
    """The participation figures of the report of ``annee`` (its sources' rows; every row when None), each with
    the title of the document it was read in (``document``)."""
    table = of_report(territory, territory.table("participation"), annee)
    table = table.assign(document=table["source"].map(territory.source_title))
    return table[["annee", "perimetre", "theme", "indicateur", "modalite", "valeur", "valeur_publiee", "unite",
                  "source", "section", "document"]].reset_index(drop=True)


def council_opinions(territory: Territory, annee: int | str | None = None) -> pd.DataFrame:
    """Opinions of residents and conseils citoyens: the questionnaire items of the participation section
    (the ``conseils_citoyens`` and ``habitants`` surveys, or items an import put there), with their counts."""
    items = of_report(territory, territory.table("enquetes"), annee)
    rows = items[(items["volet"] == "participation") & (items["groupe"] == "")]
    return rows[["enquete", "question", "modalite", "pourcentage", "pourcentage_publie", "effectif", "n_repondants",
                 "source", "section"]].reset_index(drop=True)


def statements(territory: Territory, acteur: str | None = None, nature: str | None = None,
               theme: str | None = None, annee: int | str | None = None) -> pd.DataFrame:
    """Qualitative statements, filtered; the text is exactly as printed in the source."""
    table = territory.table("qualitatif")
    if acteur:
        table = table[table["acteur"] == acteur]
    if nature:
        table = table[table["nature"] == nature]
    if theme:
        table = table[table["theme"].str.contains(theme, case=False, regex=False)]
    if annee is not None:
        table = table[(table["annee"] == "") | (table["annee_fin"] == int(str(annee)[-4:]))]
    table = table.assign(titre_source=table["source"].map(territory.source_title))
    return table[["id", "annee", "acteur", "nature", "theme", "numero", "rattache_a", "texte", "source",
                  "titre_source", "section"]].reset_index(drop=True)
