"""Santé: health actions and amounts over time, publics, working groups, context indicators.

Each function takes the report year (``annee``: the rows of that report's sources, ``of_report``; every row when
None) and keeps the ``source`` and ``section`` of its rows, so that a chart's source line names a document.
"""

from __future__ import annotations

import pandas as pd

from ...ingest.load import Territory
from ._common import blank, filled, of_report

__all__ = ["health_actions", "actions_by_public", "working_groups", "health_context"]

_WHERE = ["source", "section"]


def _health(territory: Territory, annee: int | str | None) -> pd.DataFrame:
    return of_report(territory, territory.table("sante"), annee)


def health_actions(territory: Territory, annee: int | str | None = None) -> pd.DataFrame:
    """Number of health actions and amounts financed, per year (single years only)."""
    table = _health(territory, annee)
    if table.empty:
        return pd.DataFrame(columns=["annee", "actions", "montant", *_WHERE])
    yearly = table[(table["annee_debut"] == table["annee_fin"]) & table["valeur"].notna()
                   & table["indicateur"].str.contains("action", case=False) & blank(table, "modalite")]
    # Actions financed by the contract, not actions the communes announce in interviews.
    financed = yearly[yearly["theme"].str.contains("actions", case=False)]
    yearly = financed if not financed.empty else yearly
    counts = yearly[yearly["unite"] == "nombre"].groupby("annee_debut")
    amounts = yearly[yearly["unite"].isin(["€", "euros"])].groupby("annee_debut")
    result = pd.concat({"actions": counts["valeur"].first(), "montant": amounts["valeur"].first()}, axis=1)
    # Where each year's figures were read: the count's row, else the amount's.
    where = counts[_WHERE].first().combine_first(amounts[_WHERE].first())
    result = result.join(where).reset_index(names="annee")
    result["annee"] = result["annee"].astype(int)
    return result.sort_values("annee").reset_index(drop=True)


def actions_by_public(territory: Territory, annee: int | str | None = None) -> pd.DataFrame:
    """Share of health actions by target public, as printed."""
    table = _health(territory, annee)
    if table.empty:
        return pd.DataFrame(columns=["public", "part", "part_publiee", *_WHERE])
    rows = table[table["indicateur"].str.contains("public", case=False) & filled(table, "modalite")
                 & table["valeur"].notna()]
    return pd.DataFrame({"public": rows["modalite"], "part": rows["valeur"], "part_publiee": rows["valeur_publiee"],
                         "source": rows["source"], "section": rows["section"]}).reset_index(drop=True)


def working_groups(territory: Territory, annee: int | str | None = None) -> pd.DataFrame:
    """Health working groups by instance and theme."""
    table = _health(territory, annee)
    if table.empty:
        return pd.DataFrame(columns=["groupe", "nombre", *_WHERE])
    rows = table[table["indicateur"].str.contains("groupes de travail", case=False) & filled(table, "modalite")
                 & table["valeur"].notna()]
    return pd.DataFrame({"groupe": rows["modalite"], "nombre": rows["valeur"].astype(int),
                         "source": rows["source"], "section": rows["section"]}).reset_index(drop=True)


_CONTEXT = ["annee", "perimetre", "indicateur", "modalite", "valeur", "valeur_publiee", "unite", *_WHERE]


def health_context(territory: Territory, annee: int | str | None = None) -> pd.DataFrame:
    """Health context indicators (territory against department or France); ``modalite`` tells apart the rows of
    one indicator (the 19 Centres de Soins, the 17 « CdS polyvalents » among them)."""
    table = _health(territory, annee)
    if table.empty:
        return pd.DataFrame(columns=_CONTEXT)
    rows = table[table["theme"].str.contains("contexte", case=False) & table["valeur"].notna()]
    return rows[_CONTEXT].reset_index(drop=True)
