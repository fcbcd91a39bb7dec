"""Programmation computed from the territory's own actions (table ``programmation``, one row per action × financer).

Everything is added up from the actions: by pillar, financer, kind of credit,
porteur type, QPV and commune, the largest porteurs, the change from the previous
year, and the full list of actions. « Crédits spécifiques » never include droit
commun: a financer's kind of credit comes from the vocabulary
(``vocabulaires/programmation.yml``, ``financeurs.yml``), and a financer of no
declared kind is shown as « type non précisé ». Actions whose status says they
were not retained (refused, postponed, cancelled) are listed, never added up.
"""

from __future__ import annotations

import re

import pandas as pd

from ...rules.harmonise import label, pillar_label, pillar_order, vocabulary
from ...ingest.load import Territory
from ...rules.stats import pct_change
from ._common import Indicator, Value, of_year, text

__all__ = ["own_credit_kind", "own_credit_kinds", "own_rows", "own_actions", "has_own_programmation", "own_by", "own_by_place", "own_top_porteurs",
           "own_change", "own_actions_annex", "own_totals", "CREDIT_LABELS", "NOT_RETAINED"]

NOT_RETAINED = re.compile(r"refus|rejet|ajourn|annul|abandon|irrecevable|non\s+retenu|sans\s+suite", re.I)
CREDIT_LABELS = {"specifique": "crédits spécifiques", "droit_commun": "droit commun", "": "type non précisé"}
_ACTION_KEY = ["source", "section", "dossier", "intitule"]
_SECTION = "programmation du territoire, somme des actions"


def own_rows(territory: Territory, year: int | str, retained: bool = True) -> pd.DataFrame:
    """The programmation rows of ``year`` (of retained actions only, by default)."""
    rows = of_year(territory.table("programmation"), year)
    if retained and not rows.empty:
        rows = rows[~rows["statut"].map(text).str.contains(NOT_RETAINED)]
    return rows.assign(montant=rows["montant"].astype("Float64").fillna(0.0)) if not rows.empty else rows


def has_own_programmation(territory: Territory, year: int | str) -> bool:
    return not own_rows(territory, year, retained=False).empty


def own_actions(territory: Territory, year: int | str, retained: bool = True) -> pd.DataFrame:
    """One row per action: its description, total amount and one ``montant_<financeur>`` column per financer."""
    rows = own_rows(territory, year, retained)
    if rows.empty:
        return pd.DataFrame(columns=["dossier", "porteur", "type_porteur", "intitule", "pilier", "thematique", "qpv",
                                     "commune", "statut", "montant", "source", "section"])
    described = rows.drop_duplicates(_ACTION_KEY).set_index(_ACTION_KEY)
    totals = rows.groupby(_ACTION_KEY, sort=False)["montant"].sum()
    actions = described[["porteur", "porteur_cle", "type_porteur", "pilier", "thematique", "qpv", "commune_publiee",
                         "statut", "cout_total"]].rename(columns={"commune_publiee": "commune"})
    actions["montant"] = totals.astype(float)
    financers = [c for c in vocabulary("financeurs").labels if c in set(rows["financeur"].dropna())]
    by_financer = rows[rows["financeur"].notna()].pivot_table(index=_ACTION_KEY, columns="financeur", values="montant",
                                                              aggfunc="sum")
    for code in financers:
        actions[f"montant_{code}"] = by_financer[code].reindex(actions.index).fillna(0.0).astype(float)
    return actions.reset_index()


def own_credit_kind(financer: object) -> str:
    """A financer's kind of credit: ``specifique``, ``droit_commun``, or empty when no vocabulary declares it."""
    from ...importers.programmation import sheet_vocabulary

    return sheet_vocabulary(None)[0].credit_type(str(financer)) if text(financer) else ""


def own_credit_kinds(rows: pd.DataFrame) -> pd.Series:
    """The kind of credit of each row: as written by the import, else from the vocabulary."""
    written = rows["type_credit"].map(text)
    return written.where(written != "", rows["financeur"].map(own_credit_kind))


def own_by(territory: Territory, year: int | str, by: str) -> Indicator:
    """Actions and amounts by ``pilier``, ``financeur``, ``type_credit``, ``type_porteur`` or ``thematique``.

    A financer's or a kind of credit's count is the number of actions it finances.
    """
    rows = own_rows(territory, year)
    columns = [by, "libelle", "actions", "montant", "part"]
    if rows.empty:
        return Indicator(pd.DataFrame(columns=columns))
    rows = rows.assign(type_credit=own_credit_kinds(rows),
                       _action=rows[_ACTION_KEY].astype(str).agg("\x1f".join, axis=1))
    keys = rows[by].map(text)
    table = (rows.assign(_key=keys).groupby("_key", sort=False)
             .agg(actions=("_action", "nunique"), montant=("montant", "sum"))
             .reset_index().rename(columns={"_key": by}))
    table["montant"] = table["montant"].astype(float)
    if by == "pilier":
        table["libelle"] = table[by].map(lambda c: pillar_label(c) if c else "pilier non précisé")
        table = table.assign(_o=table[by].map(lambda c: pillar_order(c) if c else 99)).sort_values("_o").drop(
            columns="_o")
    elif by == "financeur":
        table["libelle"] = table[by].map(lambda c: vocabulary("financeurs").label(c) if c else "financeur non précisé")
        table = table.sort_values("montant", ascending=False, kind="stable")
    elif by == "type_credit":
        table["libelle"] = table[by].map(CREDIT_LABELS)
        table = table.assign(_o=table[by].map({"specifique": 0, "droit_commun": 1, "": 2})).sort_values("_o").drop(
            columns="_o")
    elif by == "type_porteur":
        table["libelle"] = table[by].map(lambda c: label("types_porteur", c) if c else "type non précisé")
        table = table.sort_values("montant", ascending=False, kind="stable")
    else:
        table["libelle"] = table[by].map(lambda v: v or "non précisé")
        table = table.sort_values("montant", ascending=False, kind="stable")
    total = float(rows["montant"].sum())
    table["part"] = 100 * table["montant"] / total if total else float("nan")
    table = table[columns].reset_index(drop=True)
    return Indicator(table, {"annee": Value(str(year)), "total": Value(total, _sources(rows), _SECTION),
                             "actions": Value(len(own_actions(territory, year)), _sources(rows), _SECTION)},
                     tuple(dict.fromkeys(rows["source"])))


def _sources(rows: pd.DataFrame) -> str:
    return "; ".join(dict.fromkeys(rows["source"].map(text)))


def own_by_place(territory: Territory, year: int | str, by: str) -> Indicator:
    """Actions and amounts by QPV (``qpv``) or commune (``commune``).

    An action on several places counts in each: the amounts of the places add up to
    more than the programmation (value ``multi``: such actions; ``total``: the programmation).
    """
    actions = own_actions(territory, year)
    columns = [by, "actions", "montant", "part_programmation"]
    if actions.empty:
        return Indicator(pd.DataFrame(columns=columns))
    places = actions.assign(_lieu=actions[by].map(lambda v: [p.strip() for p in re.split(r"\s*;\s*", text(v))
                                                             if p.strip()] or ["non précisé"]))
    multi = int((places["_lieu"].map(len) > 1).sum())
    exploded = places.explode("_lieu")
    table = (exploded.groupby("_lieu").agg(actions=("intitule", "size"), montant=("montant", "sum"))
             .reset_index().rename(columns={"_lieu": by}).sort_values(["montant", by], ascending=[False, True]))
    total = float(actions["montant"].sum())
    table["montant"] = table["montant"].astype(float)
    table["part_programmation"] = 100 * table["montant"] / total if total else float("nan")
    return Indicator(table[columns].reset_index(drop=True),
                     {"annee": Value(str(year)), "total": Value(total), "multi": Value(multi)})


def own_top_porteurs(territory: Territory, year: int | str, top: int = 10) -> Indicator:
    """The porteurs receiving the most, with their number of actions and share of the programmation."""
    actions = own_actions(territory, year)
    columns = ["porteur", "type_porteur", "actions", "montant", "part"]
    if actions.empty:
        return Indicator(pd.DataFrame(columns=columns))
    grouped = (actions.groupby("porteur_cle").agg(porteur=("porteur", "first"), type_porteur=("type_porteur", "first"),
                                                  actions=("intitule", "size"), montant=("montant", "sum"))
               .sort_values(["montant", "porteur"], ascending=[False, True]).reset_index(drop=True))
    total = float(actions["montant"].sum())
    grouped["montant"] = grouped["montant"].astype(float)
    grouped["part"] = 100 * grouped["montant"] / total if total else float("nan")
    grouped["type_porteur"] = grouped["type_porteur"].map(lambda c: label("types_porteur", c) if c else "")
    return Indicator(grouped[columns].head(top), {"annee": Value(str(year)), "porteurs": Value(len(grouped)),
                                                   "total": Value(total)})


def own_change(territory: Territory, year: int | str, by: str) -> Indicator:
    """Change by ``pilier`` or ``financeur`` from the previous year of programmation (none: an empty table)."""
    columns = [by, "libelle", "montant_precedent", "montant", "variation", "variation_pct"]
    years = sorted({int(y) for y in territory.table("programmation")["annee_debut"].dropna()})
    previous = [y for y in years if y < int(str(year)[-4:])]
    if not previous or not has_own_programmation(territory, year):
        return Indicator(pd.DataFrame(columns=columns))
    before = own_by(territory, previous[-1], by).table.set_index(by)
    now = own_by(territory, year, by).table.set_index(by)
    keys = list(dict.fromkeys([*now.index, *before.index]))
    table = pd.DataFrame({by: keys})
    table["libelle"] = [now["libelle"].get(k, before["libelle"].get(k)) for k in keys]
    table["montant_precedent"] = [float(before["montant"].get(k, 0.0)) for k in keys]
    table["montant"] = [float(now["montant"].get(k, 0.0)) for k in keys]
    table["variation"] = table["montant"] - table["montant_precedent"]
    table["variation_pct"] = [pct_change(b, n) if b else float("nan")
                              for b, n in zip(table["montant_precedent"], table["montant"])]
    return Indicator(table[columns], {"annee": Value(str(year)), "annee_precedente": Value(previous[-1])})


def own_actions_annex(territory: Territory, year: int | str) -> pd.DataFrame:
    """Every action of the year (retained or not), with its amount per financer: the annex and its CSV."""
    actions = own_actions(territory, year, retained=False)
    if actions.empty:
        return actions
    actions = actions.assign(pilier=actions["pilier"].map(lambda c: pillar_label(c) if text(c) else ""),
                             type_porteur=actions["type_porteur"].map(lambda c: label("types_porteur", c)
                                                                      if text(c) else ""))
    money = [c for c in actions.columns if c.startswith("montant_")]
    keep = ["dossier", "porteur", "type_porteur", "intitule", "pilier", "thematique", "qpv", "commune", "statut",
            "montant", *money, "source", "section"]
    order = actions["pilier"].map(lambda lib: next((pillar_order(c) for c, v in vocabulary("piliers").labels.items()
                                                    if v == lib), 99))
    return (actions.assign(_o=order).sort_values(["_o", "dossier", "intitule"], kind="stable")[keep]
            .reset_index(drop=True))


def own_totals(territory: Territory, year: int | str, printed: float | None = None,
               printed_where: tuple[str, str] = ("", "")) -> Indicator:
    """The computed programmation and its kinds of credit, checked against a printed total when there is one.

    ``montre`` says which total the page shows: the printed one when it exists (the
    computed one is then its check), else the computed one.
    """
    rows = own_rows(territory, year)
    if rows.empty:
        return Indicator(pd.DataFrame(columns=["type_credit", "libelle", "montant", "part"]))
    kinds = own_by(territory, year, "type_credit")
    total = float(rows["montant"].sum())
    amounts = dict(zip(kinds.table["type_credit"], kinds.table["montant"]))
    values = {
        "annee": Value(str(year)),
        "total_calcule": Value(total, _sources(rows), _SECTION),
        "actions": kinds.values["actions"],
        "specifique": Value(float(amounts.get("specifique", 0.0)), _sources(rows), _SECTION),
        "droit_commun": Value(float(amounts.get("droit_commun", 0.0)), _sources(rows), _SECTION),
        "non_precise": Value(float(amounts.get("", 0.0)), _sources(rows), _SECTION),
        "non_retenues": Value(len(own_actions(territory, year, retained=False)) - len(own_actions(territory, year))),
        "montre": Value("imprimé" if printed is not None else "calculé"),
    }
    if printed is not None:
        values["total_publie"] = Value(float(printed), *printed_where)
        values["ecart"] = Value(total - float(printed))
    return Indicator(kinds.table[["type_credit", "libelle", "montant", "part"]], values,
                     tuple(dict.fromkeys(rows["source"])))
