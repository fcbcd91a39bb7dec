"""Programmation: amounts by pillar, kinds of credit, financers, projects, dedicated funds, evolution."""

from __future__ import annotations

import pandas as pd

from ...rules.clean import name_key
from ...rules.harmonise import label, labels, pillar_label, pillar_order, vocabulary
from ...ingest.load import Territory
from ...ingest.territory import memoized
from ...rules.stats import cagr, pct_change
from ._common import Indicator, Value, best_section, blank, filled, measure_label, most_printed, of_year, text
from .programmation_actions import has_own_programmation, own_by, own_credit_kinds, own_rows, own_totals

__all__ = [
    "pillar_amounts",
    "credit_types",
    "financer_mix",
    "project_selection",
    "associative_projects",
    "fund_projects",
    "fonds_de_concours",
    "programmation_series",
    "growth",
    "actions_by_priority",
    "agglomeration_envelopes",
    "contract_record",
    "own_programmation_check",
]

PILLAR_COLUMNS = ["pilier", "libelle", "libelle_publie", "montant", "part", "part_publiee", "source", "section"]


def _with_pillar_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["libelle"] = frame["pilier"].map(pillar_label)
    frame["_ordre"] = frame["pilier"].map(pillar_order)
    return frame.sort_values("_ordre").drop(columns="_ordre").reset_index(drop=True)


def _indicator(table: pd.DataFrame, year: int | str, sources: tuple[str, ...] | None = None,
               sections: str = "", **values: object) -> Indicator:
    """An ``Indicator`` of ``year``: plain values get the table's sources as their provenance."""
    if sources is None:
        sources = tuple(dict.fromkeys(table["source"].map(text))) if "source" in table.columns else ()
    provenance = "; ".join(s for s in sources if s)
    wrapped = {key: value if isinstance(value, Value) else Value(value, provenance, sections)
               for key, value in {"annee": str(year), **values}.items()}
    return Indicator(table, wrapped, tuple(s for s in sources if s))


def _programmation(territory: Territory, year: int | str) -> pd.DataFrame:
    money = of_year(territory.table("financements"), year)
    return money[money["mesure"] == "programmation"]


def pillar_amounts(territory: Territory, year: int | str) -> Indicator:
    """Programmation by pillar: amount, computed share and printed share.

    Taken from the printed pillar table when there is one; otherwise each pillar's
    specific and ordinary credits are added up (the value ``methode`` says which).
    """
    money = _programmation(territory, year)
    direct = money[filled(money, "pilier") & blank(money, "financeur", "thematique", "type_credit")
                   & money["montant"].notna()]
    shares_only = money[filled(money, "pilier") & blank(money, "financeur", "thematique", "type_credit")
                        & money["part_publiee"].notna()]
    if direct.empty and not shares_only.empty:
        table = best_section(shares_only, "pilier").drop_duplicates("pilier")
        result = _with_pillar_labels(table.assign(libelle_publie=table["pilier_publie"], montant=float("nan")))
        result["part"] = result["part_publiee"].astype(float)
        return _indicator(result[PILLAR_COLUMNS], year, methode="parts imprimées par pilier (montants non publiés)")
    if not direct.empty:
        table = best_section(direct, "pilier").drop_duplicates("pilier")
        result = table.assign(libelle_publie=table["pilier_publie"])
        method = "tableau de répartition par pilier"
        total_rows = money[(money["section"] == table["section"].iloc[0]) & blank(
            money, "pilier", "financeur", "thematique", "type_credit") & money["montant"].notna()]
        printed_total = (Value(float(total_rows["montant"].iloc[0]), total_rows["source"].iloc[0],
                               total_rows["section"].iloc[0]) if not total_rows.empty else None)
    else:
        split = money[filled(money, "pilier") & money["type_credit"].isin(["specifique", "droit_commun"])
                      & blank(money, "financeur") & money["montant"].notna()]
        if split.empty:
            if has_own_programmation(territory, year):
                return _pillars_from_own(territory, year)
            return _pillars_from_actions(territory, year)
        rows = []
        for pillar, group in split.groupby("pilier"):
            overall = group[blank(group, "thematique")]
            used = overall if not overall.empty else group
            rows.append({"pilier": pillar, "libelle_publie": text(used["pilier_publie"].iloc[0]),
                         "montant": float(used["montant"].sum()), "part_publiee": pd.NA,
                         "source": used["source"].iloc[0], "section": "; ".join(dict.fromkeys(used["section"]))})
        result = pd.DataFrame(rows)
        method = "somme des crédits spécifiques et de droit commun par pilier"
        printed_total = None
    result = _with_pillar_labels(result)
    result["montant"] = result["montant"].astype(float)
    result["part"] = 100 * result["montant"] / result["montant"].sum()
    result["part_publiee"] = pd.array(result["part_publiee"], dtype="Float64")
    return _with_programmation(territory, year, _indicator(result[PILLAR_COLUMNS], year, methode=method,
                                                           total_publie=printed_total))


def _with_programmation(territory: Territory, year: int | str, result: Indicator) -> Indicator:
    """``result`` knowing the year's programmation of the contract (``context["programmation"]``, None when
    not printed): a chart says « de la programmation » only when its shares are of that total (issue 16)."""
    series = programmation_series(territory)
    row = series[(series["annee"] == int(year)) & (series["champ"] == "programmation_contrat")]
    result.context["programmation"] = float(row["montant"].iloc[0]) if not row.empty else None
    return result


def _pillars_from_own(territory: Territory, year: int | str) -> Indicator:
    """Pillar amounts added up from the territory's own programmation, when no pillar table is printed."""
    own = own_by(territory, year, "pilier")
    table = own.table.assign(libelle_publie="", part_publiee=pd.NA, source=_own_source(own),
                             section="programmation du territoire, somme des actions")
    table["part_publiee"] = pd.array(table["part_publiee"], dtype="Float64")
    return _indicator(table[PILLAR_COLUMNS], year, sources=own.sources,
                      methode="somme des actions de la programmation du territoire par pilier")


def _own_source(own: Indicator) -> str:
    return "; ".join(own.sources)


def _pillars_from_actions(territory: Territory, year: int | str) -> Indicator:
    """Pillar amounts added up from subsidised actions, when no pillar table is printed."""
    actions = of_year(territory.table("actions"), year)
    actions = actions[filled(actions, "pilier") & actions["montant"].notna() & (actions["dispositif"] == "anct")]
    if actions.empty:
        return _indicator(pd.DataFrame(columns=PILLAR_COLUMNS), year)
    result = (actions.groupby("pilier").agg(montant=("montant", "sum"), source=("source", "first"))
              .reset_index())
    result = _with_pillar_labels(result.assign(libelle_publie="", part_publiee=pd.NA,
                                               section=f"subventions ANCT {year}"))
    result["montant"] = result["montant"].astype(float)
    result["part"] = 100 * result["montant"] / result["montant"].sum()
    return _indicator(result[PILLAR_COLUMNS], year,
                      methode="somme des subventions ANCT par pilier (thèmes rapprochés des piliers)")


def credit_types(territory: Territory, year: int | str) -> Indicator:
    """Specific credits (politique de la ville) against ordinary credits (droit commun), by pillar."""
    money = _programmation(territory, year)
    split = money[money["type_credit"].isin(["specifique", "droit_commun"]) & filled(money, "pilier")
                  & blank(money, "financeur", "thematique") & money["montant"].notna()]
    if split.empty and has_own_programmation(territory, year):
        return _credit_types_from_own(territory, year)
    if split.empty:
        return _indicator(pd.DataFrame(columns=["pilier", "libelle", "specifique", "droit_commun", "total",
                                                "part_specifique"]), year)
    split = split.drop_duplicates(["pilier", "type_credit"])
    table = split.pivot_table(index="pilier", columns="type_credit", values="montant", aggfunc="sum").reindex(
        columns=["specifique", "droit_commun"]).fillna(0.0).reset_index()
    table = _with_pillar_labels(table)
    table["total"] = table["specifique"] + table["droit_commun"]
    table["part_specifique"] = 100 * table["specifique"] / table["total"]
    table = table[["pilier", "libelle", "specifique", "droit_commun", "total", "part_specifique"]]
    return _with_programmation(territory, year, _indicator(table, year, sources=tuple(dict.fromkeys(split["source"])),
                                                           sections="; ".join(dict.fromkeys(split["section"]))))


def _credit_types_from_own(territory: Territory, year: int | str) -> Indicator:
    """Specific credits, droit commun and credits of no declared kind, by pillar, from the own programmation."""
    rows = own_rows(territory, year)
    kinds = own_by(territory, year, "type_credit")  # the kinds, as the vocabulary gives them
    rows = rows.assign(_kind=own_credit_kinds(rows).replace("", "non_precise"), _pilier=rows["pilier"].map(text))
    table = rows.pivot_table(index="_pilier", columns="_kind", values="montant", aggfunc="sum").reindex(
        columns=["specifique", "droit_commun", "non_precise"]).fillna(0.0).astype(float).reset_index().rename(
        columns={"_pilier": "pilier"})
    table = _with_pillar_labels(table)
    table["libelle"] = table["libelle"].where(table["pilier"] != "", "pilier non précisé")
    table["total"] = table["specifique"] + table["droit_commun"] + table["non_precise"]
    table["part_specifique"] = 100 * table["specifique"] / table["total"]
    columns = ["pilier", "libelle", "specifique", "droit_commun", "total", "part_specifique"]
    if table["non_precise"].any():
        columns.insert(4, "non_precise")
    return _indicator(table[columns], year, sources=kinds.sources,
                      sections="programmation du territoire, somme des actions",
                      methode="somme des actions de la programmation du territoire")


def financer_mix(territory: Territory, year: int | str) -> Indicator:
    """Financing by financer as printed (amounts and/or shares), from the most complete table."""
    money = _programmation(territory, year)
    rows = money[filled(money, "financeur") & blank(money, "pilier", "thematique")
                 & (money["montant"].notna() | money["part_publiee"].notna())]
    columns = ["financeur", "libelle", "libelle_publie", "type_credit", "montant", "part", "part_publiee",
               "source", "section"]
    if rows.empty and has_own_programmation(territory, year):
        own, written = own_by(territory, year, "financeur"), own_rows(territory, year)
        kinds = own.table["financeur"].map(dict(zip(written["financeur"], own_credit_kinds(written))))
        table = own.table.assign(libelle_publie=own.table["libelle"], type_credit=kinds, part_publiee=pd.NA,
                                 source=_own_source(own), section="programmation du territoire, somme des actions")
        return _indicator(table[columns], year, sources=own.sources,
                          methode="somme des actions de la programmation du territoire par financeur")
    if rows.empty:
        return _indicator(pd.DataFrame(columns=columns), year)
    table = best_section(rows, "financeur_publie").copy()
    if table["financeur_publie"].nunique() < 2:
        # one financer's envelope is not a breakdown by financer
        return _indicator(pd.DataFrame(columns=columns), year)
    vocab = vocabulary("financeurs")
    table["libelle"] = table["financeur"].map(vocab.label)
    table["libelle_publie"] = table["financeur_publie"]
    if table["montant"].notna().all():
        table["part"] = 100 * table["montant"] / table["montant"].sum()
    else:
        table["part"] = pd.NA
    table = table[columns].reset_index(drop=True)
    return _indicator(table, year, somme_parts_publiees=float(table["part_publiee"].sum(skipna=True)))


def project_selection(territory: Territory, year: int | str) -> pd.DataFrame:
    """Projects filed and supported (the value printed most often, with the source, section and ``base`` of the
    first row printing it) and the selection rate (computed)."""
    projects = of_year(territory.table("projets"), year)
    overall = projects[blank(projects, "pilier", "thematique", "type_porteur", "porteur", "commune")]
    row: dict = {"annee": str(year)}
    for measure in ("deposes", "soutenus"):
        rows = overall[overall["mesure"] == measure]
        value = most_printed(rows["nombre"])
        first = rows[rows["nombre"] == value].iloc[0] if value is not None else {}
        row.update({measure: value, **{f"{c}_{measure}": text(first.get(c)) for c in ("base", "source", "section")}})
    filed, supported = row["deposes"], row["soutenus"]
    row["taux_selection"] = 100 * supported / filed if filed and supported is not None else None
    return pd.DataFrame([row])


def associative_projects(territory: Territory, year: int | str) -> Indicator:
    """Projects carried by associations, by pillar, with computed and printed shares."""
    projects = of_year(territory.table("projets"), year)
    associative = projects[(projects["type_porteur"] == "association") & (projects["mesure"] == "soutenus")
                           & blank(projects, "thematique", "porteur", "commune")]
    columns = ["pilier", "libelle", "nombre", "part", "part_publiee"]
    by_pillar = associative[filled(associative, "pilier")].drop_duplicates("pilier")
    total = most_printed(associative.loc[blank(associative, "pilier"), "nombre"])
    if by_pillar.empty:
        result = pd.DataFrame(columns=columns)
    else:
        result = _with_pillar_labels(by_pillar)
        result["nombre"] = result["nombre"].astype(int)
        result["part"] = 100 * result["nombre"] / result["nombre"].sum()
        result = result[columns]
    supported = project_selection(territory, year)["soutenus"].iloc[0]
    overall = associative[blank(associative, "pilier")]
    where = dict(source=text(overall["source"].iloc[0]), section=text(overall["section"].iloc[0])) \
        if not overall.empty else {}
    # A share only divides two counts of the same passage (75 associative projects of a table and 122
    # supported projects of a sentence are not one count and its part).
    everything = projects[(projects["mesure"] == "soutenus")
                          & blank(projects, "pilier", "thematique", "type_porteur", "porteur", "commune")]
    same_passage = where and not everything[(everything["source"] == where["source"])
                                            & (everything["section"] == where["section"])].empty
    return _indicator(result, year, total=Value(total, **where), soutenus=supported,
                      part_des_soutenus=100 * total / supported if total and supported and same_passage else None)


def fund_projects(territory: Territory, year: int | str, dispositif: str = "fcs") -> Indicator:
    """Projects of a dedicated fund (by default the Fonds de Cohésion Sociale), by axis."""
    actions = of_year(territory.table("actions"), year)
    fund = actions[actions["dispositif"] == dispositif]
    if fund.empty:
        return _indicator(pd.DataFrame(columns=["axe", "projets", "montant"]), year)
    table = (fund.assign(axe=fund["axe"].map(text).replace("", "(sans axe)"))
             .groupby("axe", sort=False).agg(projets=("intitule", "size"), montant=("montant", "sum"))
             .reset_index())
    return _indicator(table, year, sources=tuple(dict.fromkeys(fund["source"])),
                      total=float(fund["montant"].sum()), projets=len(fund))


def fonds_de_concours(territory: Territory, year: int | str) -> pd.DataFrame:
    """Fonds de concours to communes, one row per funded operation, with the scheme it comes under
    (``libelle_dispositif``: Politique de la Ville, NPNRU and « majoré » funds are not one fund)."""
    actions = of_year(territory.table("actions"), year)
    funds = actions[actions["dispositif"].str.startswith("fonds_de_concours")]
    funds = funds.assign(libelle_dispositif=funds["dispositif"].map(lambda code: label("dispositifs", code)))
    return funds[["dispositif", "libelle_dispositif", "commune", "intitule", "montant", "source",
                  "section"]].reset_index(drop=True)


SERIES_COLUMNS = ["annee", "montant", "montant_publie", "qualificatif", "qualificatif_mot", "champ", "support",
                  "source", "section"]


def programmation_series(territory: Territory) -> pd.DataFrame:
    """Total amount of each year, of ONE perimeter (``champ``): the contract's programmation where printed,
    else the total of politique de la ville financing (all schemes); never a mix of both. A table's total
    is preferred to a sentence; the qualifier (« près de ») travels with each amount. Every year of the
    territory: computed once for all its reports of a process (``memoized(every_year=True)``)."""
    return memoized(territory, ("programmation_series",), lambda: _programmation_series(territory),
                    every_year=True).copy()


def _programmation_series(territory: Territory) -> pd.DataFrame:
    money = territory.table("financements")
    totals = money[(money["mesure"] == "programmation") & money["montant"].notna()
                   & blank(money, "pilier", "thematique", "financeur", "type_credit")
                   & (money["annee_debut"] == money["annee_fin"])]
    totals = totals.assign(champ=totals["champ"].map(text).replace("", "programmation_contrat"))
    totals = totals[totals["champ"].isin(("programmation_contrat", "financements_pv_tous_dispositifs"))]
    if totals.empty:
        return pd.DataFrame(_with_own_years(territory, [], "programmation_contrat"), columns=SERIES_COLUMNS)
    # One perimeter for the whole series: the one printed for the most years (the programmation on a tie).
    years = totals.groupby("champ")["annee_debut"].nunique()
    champ = max(years.index, key=lambda c: (years[c], c == "programmation_contrat"))
    totals = totals[totals["champ"] == champ]
    rows = []
    for year, group in totals.groupby("annee_debut"):
        ranked = group.assign(_rang=group["support"].map({"tableau": 0, "graphique": 1}).fillna(2))
        best = ranked.sort_values("_rang", kind="stable").iloc[0]
        rows.append({"annee": int(year), "montant": float(best["montant"]), "montant_publie": best["montant_publie"],
                     "qualificatif": best["qualificatif"], "qualificatif_mot": best["qualificatif_mot"],
                     "champ": champ, "support": best["support"], "source": best["source"],
                     "section": best["section"]})
    return pd.DataFrame(_with_own_years(territory, rows, champ), columns=SERIES_COLUMNS)


def _with_own_years(territory: Territory, rows: list[dict], champ: str) -> list[dict]:
    """``rows`` and, for each year of the own programmation with no printed total, the sum of its actions
    (the contract's programmation: only added to a series of that perimeter)."""
    if champ != "programmation_contrat":
        return rows
    printed_years = {row["annee"] for row in rows}
    own = territory.table("programmation")
    for year in sorted({int(y) for y in own["annee_debut"].dropna()} - printed_years):
        kept = own_rows(territory, year)
        if not kept.empty:
            rows.append({"annee": year, "montant": float(kept["montant"].sum()), "montant_publie": "",
                         "qualificatif": "exact", "qualificatif_mot": "", "champ": champ, "support": "calcul",
                         "source": "; ".join(dict.fromkeys(kept["source"])),
                         "section": "programmation du territoire, somme des actions"})
    return sorted(rows, key=lambda row: row["annee"])


def growth(series: pd.DataFrame) -> pd.DataFrame:
    """Change of each year against the first year of ``series``: euros, percent and annual growth rate."""
    if series.empty:
        return series.assign(variation=[], variation_pct=[], tcam=[])
    first = series.iloc[0]
    result = series.copy()
    result["variation"] = result["montant"] - first["montant"]
    result["variation_pct"] = [pct_change(first["montant"], m) for m in result["montant"]]
    result["tcam"] = [cagr(first["montant"], m, y - first["annee"]) if y > first["annee"] else float("nan")
                      for y, m in zip(result["annee"], result["montant"])]
    return result


def actions_by_priority(territory: Territory, year: int | str) -> pd.DataFrame:
    """Actions of the contract's priority grid, counted by priority."""
    actions = of_year(territory.table("actions"), year)
    grid = actions[actions["dispositif"] == "grille_priorites"]
    if grid.empty:
        return pd.DataFrame(columns=["priorite", "actions", "communes"])
    table = (grid.groupby("priorite", sort=False)
             .agg(actions=("intitule", "size"),
                  communes=("commune", lambda c: c.map(text).replace("", pd.NA).nunique()))
             .reset_index())
    # Priorities are numbered « 1 » … « 10 »: sort them as numbers, named ones after.
    order = table["priorite"].map(lambda p: (0, int(p)) if str(p).isdigit() else (1, str(p)))
    return table.iloc[sorted(range(len(table)), key=lambda i: order.iloc[i])].reset_index(drop=True)


def contract_record(territory: Territory) -> pd.DataFrame:
    """Figures printed for the whole contract period (e.g. 2015-2022): projects and credits."""
    rows = []
    for table_name, value in (("projets", "nombre"), ("financements", "montant")):
        table = territory.table(table_name)
        period = table[(table["annee_debut"] != table["annee_fin"]) & table[value].notna()]
        for _, row in period.iterrows():
            detail = [text(row.get(c)) for c in ("type_porteur", "type_credit") if text(row.get(c))]
            financer = text(row.get("financeur_publie"))
            # An amount named by what it covers (« crédits obtenus », « droit commun (hors DSC et DPV) »).
            named = measure_label(row)
            precision = [{"association": "portés par des associations", **labels("types_credit")}.get(d, d)
                         for d in detail]
            rows.append({"annee": row["annee"], "mesure": row["mesure"], "libelle": named, "precision": ", ".join(
                             [p for p in precision if p not in named] + ([financer] if financer else [])),
                         "valeur": float(row[value]), "unite": "€" if value == "montant" else "nombre",
                         "source": row["source"], "section": row["section"]})
    return pd.DataFrame(rows, columns=["annee", "mesure", "libelle", "precision", "valeur", "unite", "source",
                                       "section"])


def agglomeration_envelopes(territory: Territory, year: int | str) -> pd.DataFrame:
    """Envelopes of the agglomeration's own funds (Fonds de Cohésion Sociale, fonds de concours) as printed.

    One row per printed section: its first amount financed by the EPCI under a named
    theme, with the number of projects printed under the same theme when there is one.
    """
    money = _programmation(territory, year)
    rows = money[(money["financeur"] == "epci") & filled(money, "thematique") & money["montant"].notna()]
    columns = ["dispositif", "montant", "projets", "source", "section"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    # The axes of a fund are printed under their own theme: they belong to ``fund_projects``, not here.
    axes = set(of_year(territory.table("actions"), year)["axe"].map(name_key))
    rows = rows[~rows["thematique"].map(name_key).isin(axes)]
    envelopes = rows.drop_duplicates("section").drop_duplicates(["thematique", "montant"])
    projects = of_year(territory.table("projets"), year)
    projects = projects[(projects["mesure"] == "soutenus") & filled(projects, "thematique")]
    counts = dict(zip(projects["thematique"].map(name_key), projects["nombre"]))
    table = pd.DataFrame({"dispositif": envelopes["thematique"].map(text), "montant": envelopes["montant"].astype(float),
                          "projets": envelopes["thematique"].map(name_key).map(counts),
                          "source": envelopes["source"], "section": envelopes["section"]})
    return table[columns].reset_index(drop=True)


def own_programmation_check(territory: Territory, year: int | str) -> Indicator:
    """The own programmation's totals (``own_totals``), checked against the total printed for the year if any."""
    printed = programmation_series(territory)
    printed = printed[(printed["annee"] == int(str(year)[-4:])) & (printed["support"] != "calcul")]
    if printed.empty:
        return own_totals(territory, year)
    row = printed.iloc[0]
    return own_totals(territory, year, float(row["montant"]), (str(row["source"]), str(row["section"])))
