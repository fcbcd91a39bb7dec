"""Key figures of a report and the cross-territory comparison table."""

from __future__ import annotations

import pandas as pd

from ..clean import ParseError, parse_nombre
from ..harmonise import financer_credit_type
from ..load import Territory
from ..stats import pct_change
from ._common import text
from .gouvernance import response_rates
from .subventions import funded_actions
from .programmation import (
    associative_projects,
    credit_types,
    financer_mix,
    pillar_amounts,
    programmation_series,
    project_selection,
)

__all__ = ["key_figures", "comparison_table", "qpv_population"]


def _declared_number(territory: Territory, key: str) -> float | None:
    """A number declared in territoire.yml (``key: {valeur: "241 934", ...}`` or ``key: 241934``)."""
    entry = territory.meta.get(key)
    value = entry.get("valeur") if isinstance(entry, dict) else entry
    if value in (None, ""):
        return None
    try:
        return parse_nombre(str(value))
    except ParseError:
        return None


def qpv_population(territory: Territory) -> float | None:
    """Population of the QPV: declared in territoire.yml (``population_qpv``), else the sum of the
    municipal populations imported from INSEE (a count, unlike rates, adds up across QPV)."""
    declared = _declared_number(territory, "population_qpv")
    if declared is not None or territory.meta.get("population_qpv") not in (None, ""):
        return declared
    context = territory.table("contexte")
    imported = context[context["source"].str.startswith("insee-qpv")
                       & (context["indicateur"] == "population municipale") & context["valeur"].notna()]
    return float(imported["valeur"].sum()) if not imported.empty else None


def _specific_share(territory: Territory, year: int | str) -> float | None:
    credits = credit_types(territory, year).table
    if not credits.empty and credits["total"].sum():
        return 100 * credits["specifique"].sum() / credits["total"].sum()
    return None


def key_figures(territory: Territory, year: int | str) -> pd.DataFrame:
    """The headline figures of one report: (libellé, valeur, format, source)."""
    rows: list[dict] = []

    def add(label: str, value, kind: str, source: str = "") -> None:
        if value is not None and not pd.isna(value):
            rows.append({"indicateur": label, "valeur": float(value), "format": kind, "source": source})

    series = programmation_series(territory)
    this_year = series[series["annee"] == int(str(year)[-4:])]
    if not this_year.empty:
        add("Programmation (coût total des actions)", this_year["montant"].iloc[0], "euros",
            this_year["source"].iloc[0])
    selection = project_selection(territory, year).iloc[0]
    add("Projets déposés", selection["deposes"], "nombre")
    add("Projets soutenus", selection["soutenus"], "nombre")
    add("Taux de sélection des projets", selection["taux_selection"], "pourcent")
    pillars = pillar_amounts(territory, year).table
    if not pillars.empty:
        top = pillars.sort_values("part", ascending=False).iloc[0]
        add(f"Part du pilier « {top['libelle']} »", top["part"], "pourcent", top["source"])
    add("Part des crédits spécifiques dans la programmation", _specific_share(territory, year), "pourcent")
    associative = associative_projects(territory, year)
    add("Projets portés par des associations", associative.get("total"), "nombre")
    mix = financer_mix(territory, year).table
    if len(mix) >= 2 and mix["montant"].notna().all():
        kinds = mix["type_credit"].map(text).where(mix["type_credit"].map(text) != "",
                                                    mix["financeur"].map(financer_credit_type))
        specific = mix.loc[kinds == "specifique", "montant"]
        if not specific.empty:  # droit commun (or a financer of unknown credit type) is never counted in it
            add("Crédits spécifiques engagés (tous financeurs)", specific.sum(), "euros", mix["source"].iloc[0])
        if (kinds != "specifique").any():
            add("Financements, tous financeurs (droit commun compris)", mix["montant"].sum(), "euros",
                mix["source"].iloc[0])
    for _, rate in response_rates(territory).iterrows():
        add(f"Taux de réponse au questionnaire ({rate['enquete']})", rate["taux"], "pourcent")
    add("Habitants de l'agglomération", _declared_number(territory, "population"), "nombre")
    add("Habitants des quartiers prioritaires", qpv_population(territory), "nombre")
    return pd.DataFrame(rows, columns=["indicateur", "valeur", "format", "source"])


def comparison_table(territories: list[Territory]) -> pd.DataFrame:
    """Common indicators side by side, one row per (territory, report year)."""
    rows = []
    for territory in territories:
        population = qpv_population(territory)
        series = programmation_series(territory)
        for year in territory.report_years():
            pillars = pillar_amounts(territory, year).table
            shares = dict(zip(pillars["pilier"], pillars["part"])) if not pillars.empty else {}
            total = series.loc[series["annee"] == year, "montant"]
            total = float(total.iloc[0]) if not total.empty else None
            associative = associative_projects(territory, year).get("part_des_soutenus")
            previous = series[series["annee"] < year]
            growth = None
            if total is not None and not previous.empty and previous.iloc[0]["montant"] > 0:
                growth = pct_change(previous.iloc[0]["montant"], total)
            subsidies = funded_actions(territory, year)["montant"].sum()
            rows.append({
                "territoire": territory.id, "sigle": territory.sigle, "annee": year,
                "programmation": total,
                "subventions_anct": float(subsidies) if subsidies else None,
                "part_cohesion_sociale": shares.get("cohesion_sociale"),
                "part_cadre_de_vie": shares.get("cadre_de_vie"),
                "part_emploi_economie": shares.get("emploi_economie"),
                "part_pilotage": shares.get("pilotage"),
                "part_credits_specifiques": _specific_share(territory, year),
                "part_projets_associatifs": associative,
                "population_qpv": population,
                "programmation_par_habitant_qpv": total / population if total and population else None,
                "evolution_depuis_premiere_annee": growth,
                "premiere_annee": int(previous.iloc[0]["annee"]) if growth is not None else None,
            })
    return pd.DataFrame(rows)
