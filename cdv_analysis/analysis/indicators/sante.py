"""Santé: health actions and amounts over time, publics, working groups, context indicators."""

from __future__ import annotations

import pandas as pd

from ...ingest.load import Territory
from ._common import blank, filled

__all__ = ["health_actions", "actions_by_public", "working_groups", "health_context"]


def _health(territory: Territory) -> pd.DataFrame:
    return territory.table("sante")


def health_actions(territory: Territory) -> pd.DataFrame:
    """Number of health actions and amounts financed, per year (single years only)."""
    table = _health(territory)
    if table.empty:
        return pd.DataFrame(columns=["annee", "actions", "montant"])
    yearly = table[(table["annee_debut"] == table["annee_fin"]) & table["valeur"].notna()
                   & table["indicateur"].str.contains("action", case=False) & blank(table, "modalite")]
    # Actions financed by the contract, not actions the communes announce in interviews.
    financed = yearly[yearly["theme"].str.contains("actions", case=False)]
    yearly = financed if not financed.empty else yearly
    counts = yearly[yearly["unite"] == "nombre"].groupby("annee_debut")["valeur"].first()
    amounts = yearly[yearly["unite"].isin(["€", "euros"])].groupby("annee_debut")["valeur"].first()
    result = pd.concat({"actions": counts, "montant": amounts}, axis=1).reset_index(names="annee")
    result["annee"] = result["annee"].astype(int)
    return result.sort_values("annee").reset_index(drop=True)


def actions_by_public(territory: Territory) -> pd.DataFrame:
    """Share of health actions by target public, as printed."""
    table = _health(territory)
    if table.empty:
        return pd.DataFrame(columns=["public", "part", "part_publiee"])
    rows = table[table["indicateur"].str.contains("public", case=False) & filled(table, "modalite")
                 & table["valeur"].notna()]
    return pd.DataFrame({"public": rows["modalite"], "part": rows["valeur"],
                         "part_publiee": rows["valeur_publiee"]}).reset_index(drop=True)


def working_groups(territory: Territory) -> pd.DataFrame:
    """Health working groups by instance and theme."""
    table = _health(territory)
    if table.empty:
        return pd.DataFrame(columns=["groupe", "nombre"])
    rows = table[table["indicateur"].str.contains("groupes de travail", case=False) & filled(table, "modalite")
                 & table["valeur"].notna()]
    return pd.DataFrame({"groupe": rows["modalite"], "nombre": rows["valeur"].astype(int)}).reset_index(drop=True)


def health_context(territory: Territory) -> pd.DataFrame:
    """Health context indicators (territory against department or France)."""
    table = _health(territory)
    if table.empty:
        return pd.DataFrame(columns=["annee", "perimetre", "indicateur", "modalite", "valeur", "valeur_publiee", "unite"])
    rows = table[table["theme"].str.contains("contexte", case=False) & table["valeur"].notna()]
    return rows[["annee", "perimetre", "indicateur", "modalite", "valeur", "valeur_publiee", "unite"]].reset_index(drop=True)
