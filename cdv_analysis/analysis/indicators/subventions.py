"""Subsidised actions one by one (e.g. imported from ANCT's open data): themes, pillars, porteurs."""

from __future__ import annotations

import pandas as pd

from ...rules.harmonise import labels, pillar_label, pillar_order
from ...ingest.load import Territory
from ._common import Indicator, of_year, text

__all__ = ["funded_actions", "actions_by", "largest_porteurs", "health_actions_anct", "PORTEUR_TYPES"]

PORTEUR_TYPES = {**labels("types_porteur"), "": "type non précisé"}  # vocabulaires/types_porteur.yml


def funded_actions(territory: Territory, year: int | str, dispositif: str = "anct") -> pd.DataFrame:
    """Action rows of one funding scheme (by default the ANCT subsidies) with an amount."""
    actions = of_year(territory.table("actions"), year)
    return actions[(actions["dispositif"] == dispositif) & actions["montant"].notna()].reset_index(drop=True)


def actions_by(territory: Territory, year: int | str, by: str, dispositif: str = "anct") -> Indicator:
    """Number of actions and amount by ``thematique``, ``pilier`` or ``type_porteur``, largest first.

    ``context``: the ``total`` amount and the number of ``actions`` of the scheme that year.
    """
    actions = funded_actions(territory, year, dispositif)
    columns = [by, "libelle", "actions", "montant", "part"]
    if actions.empty:
        return Indicator(pd.DataFrame(columns=columns))
    keys = actions[by].map(text)
    table = (actions.assign(_key=keys).groupby("_key")
             .agg(actions=("intitule", "size"), montant=("montant", "sum")).reset_index().rename(columns={"_key": by}))
    if by == "pilier":
        table["libelle"] = table[by].map(lambda c: pillar_label(c) if c else "pilier non déterminé")
        table = table.assign(_ordre=table[by].map(lambda c: pillar_order(c) if c else 99)).sort_values("_ordre")
        table = table.drop(columns="_ordre")
    else:
        labels = PORTEUR_TYPES if by == "type_porteur" else {}
        table["libelle"] = table[by].map(lambda v: labels.get(v, v or "non précisé"))
        table = table.sort_values("montant", ascending=False)
    table["montant"] = table["montant"].astype(float)
    table["part"] = 100 * table["montant"] / table["montant"].sum()
    return Indicator(table[columns].reset_index(drop=True), sources=(actions["source"].iloc[0],),
                     context={"total": float(actions["montant"].sum()), "actions": len(actions)})


def largest_porteurs(territory: Territory, year: int | str, top: int = 10, dispositif: str = "anct") -> Indicator:
    """The porteurs receiving the most, with their number of actions and share of the total.

    ``context``: the number of ``porteurs`` and the ``total`` amount, all porteurs included.
    """
    actions = funded_actions(territory, year, dispositif)
    if actions.empty:
        return Indicator(pd.DataFrame(columns=["porteur", "type_porteur", "actions", "montant", "part"]))
    grouped = (actions.groupby("porteur_cle")
               .agg(porteur=("porteur", "first"), type_porteur=("type_porteur", "first"),
                    actions=("intitule", "size"), montant=("montant", "sum"))
               .sort_values("montant", ascending=False).reset_index(drop=True))
    grouped["montant"] = grouped["montant"].astype(float)
    grouped["part"] = 100 * grouped["montant"] / float(actions["montant"].sum())
    return Indicator(grouped.head(top), context={"porteurs": len(grouped), "total": float(actions["montant"].sum())})


def health_actions_anct(territory: Territory, year: int | str, dispositif: str = "anct") -> Indicator:
    """Subsidised actions whose theme or sub-theme is about health (« santé », « accès aux soins »).

    ``context``: the ``total`` amount of every action of the scheme that year.
    """
    actions = funded_actions(territory, year, dispositif)
    columns = ["thematique", "axe", "porteur", "intitule", "montant"]
    if actions.empty:
        return Indicator(pd.DataFrame(columns=columns))
    about = (actions["thematique"].map(text) + " " + actions["axe"].map(text)).str.lower()
    health = actions[about.str.contains(r"sant[ée]|soins|m[ée]dical", regex=True)]
    table = health[columns].sort_values("montant", ascending=False).reset_index(drop=True)
    table["montant"] = table["montant"].astype(float)
    return Indicator(table, sources=(actions["source"].iloc[0],), context={"total": float(actions["montant"].sum())})
