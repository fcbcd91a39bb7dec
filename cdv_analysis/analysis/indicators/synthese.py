"""Key figures of a report and the cross-territory comparison table."""

from __future__ import annotations

import pandas as pd

from ...rules.clean import ParseError, parse_nombre
from ...rules.formatting import MISSING, euros, nombre, pourcent, variation
from ...rules.harmonise import COMPARED_PILLARS, financer_credit_type, label, vocabulary
from ...ingest.load import Territory
from ...ingest.territory import memoized
from ...rules.stats import pct_change
from ._common import blank, of_year, text
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

def _cap(value: str) -> str:
    return value[:1].upper() + value[1:]


__all__ = ["key_figures", "comparison_table", "qpv_population", "headline_amount", "HEADLINE_CHAMPS"]


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


def _printed_specific_share(territory: Territory, year: int | str) -> pd.Series | None:
    """The share of specific credits in the programmation as a source prints it (« 59,6 % des crédits de la
    programmation sont des crédits spécifiques »): never recomputed over another base."""
    money = of_year(territory.table("financements"), year)
    printed = money[(money["mesure"] == "programmation") & (money["type_credit"] == "specifique")
                    & money["part_publiee"].notna() & blank(money, "pilier", "thematique", "financeur")]
    return printed.iloc[0] if not printed.empty else None


def _specific_share_and_base(territory: Territory, year: int | str) -> tuple[float | None, float | None]:
    """The share of specific credits (printed, else computed) and the amount it is a share of when computed
    (None for a printed share: its base is the one the source says)."""
    printed = _printed_specific_share(territory, year)
    if printed is not None:
        return float(printed["part_publiee"]), None
    credits = credit_types(territory, year).table
    if not credits.empty and credits["total"].sum():
        return 100 * credits["specifique"].sum() / credits["total"].sum(), float(credits["total"].sum())
    return None, None


# The headline amount of a report, by what it covers (vocabulaires/champs.yml), most specific first.
HEADLINE_CHAMPS = ("programmation_contrat", "financements_pv_tous_dispositifs")


def headline_amount(territory: Territory, year: int | str) -> pd.Series | None:
    """The year's headline amount chosen by its meaning (``champ``), never by its label: the programmation
    of the contract if printed, else the total of politique de la ville financing (all schemes); a
    table's total is preferred to a sentence."""
    money = of_year(territory.table("financements"), year)
    totals = money[(money["mesure"] == "programmation") & money["montant"].notna()
                   & blank(money, "pilier", "thematique", "financeur", "type_credit")]
    for champ in HEADLINE_CHAMPS:
        rows = totals[totals["champ"].map(text).replace("", "programmation_contrat") == champ]
        if not rows.empty:
            ranked = rows.assign(_rang=rows["support"].map({"tableau": 0, "graphique": 1}).fillna(2))
            return ranked.sort_values("_rang", kind="stable").iloc[0]
    # Nothing printed: the sum of the territory's own actions (the contract's programmation), if any.
    series = programmation_series(territory)
    own = series[(series["annee"] == int(str(year)[-4:])) & (series["support"] == "calcul")]
    return own.iloc[0] if not own.empty else None


def _declared(territory: Territory, key: str, year: int | str) -> tuple[float | None, dict]:
    """A number declared in territoire.yml and its meaning; None when it describes a later year than the
    report (« 39 000 habitants » of 2022 is not the population of the 2019 QPV)."""
    value = _declared_number(territory, key)
    entry = territory.meta.get(key)
    meaning = entry if isinstance(entry, dict) else {}
    described = text(meaning.get("annee"))
    if value is not None and described.isdigit() and int(described) > int(str(year)[-4:]):
        return None, meaning
    return value, meaning


def _shown(value: float, kind: str, word: str = "") -> str:
    shown = {"euros": euros, "pourcent": lambda v: pourcent(v, None),
             "nombre": lambda v: nombre(v, None)}[kind](value)
    return f"{word} {shown}" if word else shown


def key_figures(territory: Territory, year: int | str) -> pd.DataFrame:
    """The headline figures of one report, each addressed by its key (``cle``) and carrying its meaning:
    label, value, format, the value as a reader sees it (with its qualifier), qualifier, perimeter
    (``champ``), base of a share, the year it describes, source and section. Computed once per report
    (the synthesis shows them, ``findings`` picks from them)."""
    return memoized(territory, ("key_figures", str(year)), lambda: _key_figures(territory, year)).copy()


def _key_figures(territory: Territory, year: int | str) -> pd.DataFrame:
    rows: list[dict] = []
    qualifiers = vocabulary("qualificatifs")

    def add(key: str, label: str, value, kind: str, source: str = "", *, qualifier: str = "exact",
            word: str = "", champ: str = "", base: str = "", described: str = "", section: str = "") -> None:
        if value is None or pd.isna(value):
            return
        word = word or str(qualifiers.attributes.get(qualifier, {}).get("mot") or "")
        rows.append({"cle": key, "indicateur": label, "valeur": float(value), "format": kind,
                     "valeur_affichee": _shown(float(value), kind, word), "qualificatif": qualifier,
                     "champ": champ, "base": base, "annee": described or str(year), "source": source,
                     "section": section})

    headline = headline_amount(territory, year)
    if headline is not None:
        champ = text(headline["champ"]) or "programmation_contrat"
        key = "programmation" if champ == "programmation_contrat" else "financements_politique_ville"
        add(key, _cap(vocabulary("champs").attributes[champ]["court"]), headline["montant"], "euros",
            headline["source"], qualifier=text(headline["qualificatif"]) or "exact",
            word=text(headline["qualificatif_mot"]), champ=champ, section=text(headline["section"]))
    selection = project_selection(territory, year).iloc[0]
    add("projets_deposes", "Projets déposés", selection["deposes"], "nombre")
    add("projets_soutenus", "Projets soutenus", selection["soutenus"], "nombre")
    add("taux_selection", "Taux de sélection des projets (soutenus sur déposés)", selection["taux_selection"],
        "pourcent")
    pillars = pillar_amounts(territory, year)
    table = pillars.table
    if not table.empty:
        top = table.sort_values("part", ascending=False).iloc[0]
        base, caption = "", f"Part du pilier « {top['libelle']} »"
        if table["montant"].notna().all():
            total = float(table["montant"].sum())
            base = f"montants répartis par pilier ({euros(total)})"
            if headline is None or abs(total - float(headline["montant"])) >= 0.5:
                caption += f" dans les {euros(total)} répartis par pilier"
        add("part_pilier_principal", caption, top["part"], "pourcent", top["source"], base=base)
    printed_share = _printed_specific_share(territory, year)
    if printed_share is not None:
        add("part_credits_specifiques", "Part des crédits spécifiques" + (
            f" ({text(printed_share['base'])})" if text(printed_share["base"]) else ""), printed_share["part_publiee"], "pourcent",
            printed_share["source"], qualifier=text(printed_share["qualificatif"]) or "exact",
            base=text(printed_share["base"]), section=text(printed_share["section"]))
    else:
        computed = credit_types(territory, year)
        credits = computed.table
        if not credits.empty and credits["total"].sum():
            total = float(credits["total"].sum())
            own = "programmation du territoire" in text(computed.get("methode"))
            where = "de la programmation du territoire" if own else "des tableaux par pilier"
            add("part_credits_specifiques", f"Part des crédits spécifiques dans les {euros(total)} "
                + ("de la programmation du territoire, tous financeurs" if own
                   else "des tableaux par pilier qui les distinguent"),
                100 * credits["specifique"].sum() / total, "pourcent",
                base=f"crédits spécifiques et de droit commun {where} ({euros(total)})")
    associative = associative_projects(territory, year)
    add("projets_associatifs", "Projets portés par des associations", associative.get("total"), "nombre")
    mix = financer_mix(territory, year).table
    if len(mix) >= 2 and mix["montant"].notna().all():
        kinds = mix["type_credit"].map(text).where(mix["type_credit"].map(text) != "",
                                                    mix["financeur"].map(financer_credit_type))
        specific = mix.loc[kinds == "specifique", "montant"]
        if not specific.empty:  # droit commun (or a financer of unknown credit type) is never counted in it
            add("credits_specifiques", "Crédits spécifiques engagés (tous financeurs)", specific.sum(), "euros",
                mix["source"].iloc[0], champ="credits_specifiques_programmes")
        if (kinds != "specifique").any():
            add("financements_tous_financeurs", "Financements, tous financeurs (droit commun compris)",
                mix["montant"].sum(), "euros", mix["source"].iloc[0])
    for _, rate in response_rates(territory).iterrows():
        audience = label("acteurs", rate["enquete"])
        add(f"taux_reponse_{rate['enquete']}", f"Taux de réponse au questionnaire des {audience}", rate["taux"],
            "pourcent")
    for key, caption in (("population", "Habitants de l'agglomération"),
                            ("population_qpv", "Habitants des quartiers prioritaires")):
        label_text = caption
        value, meaning = _declared(territory, key, year)
        if key == "population_qpv" and value is None and not meaning:
            value = qpv_population(territory)
        described = text(meaning.get("annee"))
        if described and described != str(year)[-4:]:
            label_text += f" ({described})"
        printed = text(meaning.get("qualificatif"))  # a code (« approche ») or the printed words (« près de »)
        code = qualifiers.code(printed) or "exact" if printed else "exact"
        add(key, label_text, value, "nombre", text(meaning.get("source")), qualifier=code,
            word=printed if printed and printed not in qualifiers.labels else "", described=described)
    return pd.DataFrame(rows, columns=["cle", "indicateur", "valeur", "format", "valeur_affichee", "qualificatif",
                                       "champ", "base", "annee", "source", "section"])


def _year_population(territory: Territory, year: int | str) -> float | None:
    """The QPV population a report of ``year`` may be divided by: never a later year's (issue 16: the 39 000
    inhabitants of the 21 quartiers of 2022 are not the 2019 or 2021 population)."""
    value, meaning = _declared(territory, "population_qpv", year)
    return qpv_population(territory) if value is None and not meaning else value


def _amount_shown(row: pd.Series) -> str:
    """An amount of ``programmation_series`` as a reader reads it: its qualifier, then what it covers when it
    is not the programmation of the contract (« près de 5 760 000 € (total des financements …) »)."""
    word = text(row.get("qualificatif_mot"))
    shown = f"{word} {euros(row['montant'])}" if word else euros(row["montant"])
    champ = text(row.get("champ"))
    if champ and champ != "programmation_contrat":
        shown += f" ({vocabulary('champs').attributes.get(champ, {}).get('court', champ)})"
    return shown


def _share_shown(share: float | None, base: float | None, total: float | None, what: str) -> str:
    """A share and, when its base is not the amount beside it, that base (« 70,6 % des 3 277 425 € répartis
    par pilier » beside a 5 530 289 € programmation)."""
    if share is None or pd.isna(share):
        return MISSING
    shown = pourcent(share, None)
    if base is not None and (total is None or abs(base - total) >= 0.5):
        shown += f" des {euros(base)} {what}"
    return shown


def comparison_table(territories: list[Territory]) -> pd.DataFrame:
    """Common indicators side by side, one row per (territory, report year); the ``*_affichee`` columns are
    the values as a reader reads them (qualifier, perimeter, base of a share)."""
    rows = []
    for territory in territories:
        series = programmation_series(territory)
        for year in territory.report_years():
            population = _year_population(territory, year)
            pillars = pillar_amounts(territory, year).table
            shares = dict(zip(pillars["pilier"], pillars["part"])) if not pillars.empty else {}
            pillar_base = float(pillars["montant"].sum()) if not pillars.empty and pillars["montant"].notna().all() \
                else None
            this_year = series[series["annee"] == year]
            total = float(this_year["montant"].iloc[0]) if not this_year.empty else None
            associative = associative_projects(territory, year).get("part_des_soutenus")
            previous = series[series["annee"] < year]
            growth = None
            if total is not None and not previous.empty and previous.iloc[0]["montant"] > 0:
                growth = pct_change(previous.iloc[0]["montant"], total)
            subsidies = funded_actions(territory, year)["montant"].sum()
            specific, specific_base = _specific_share_and_base(territory, year)
            approximate = not this_year.empty and (
                pd.concat([this_year, previous])["qualificatif"].map(text).replace("", "exact") != "exact").any()
            rows.append({
                "territoire": territory.id, "sigle": territory.sigle, "annee": year,
                "programmation": total,
                "programmation_affichee": _amount_shown(this_year.iloc[0]) if not this_year.empty else MISSING,
                # What the amount covers and how exact it is: perimeters differ between reports.
                "champ_programmation": this_year["champ"].iloc[0] if not this_year.empty else None,
                "qualificatif_programmation": this_year["qualificatif"].iloc[0] if not this_year.empty else None,
                "subventions_anct": float(subsidies) if subsidies else None,
                **{f"part_{code}": shares.get(code) for code in COMPARED_PILLARS},
                "part_cohesion_sociale_affichee": _share_shown(shares.get("cohesion_sociale"), pillar_base, total,
                                                               "répartis par pilier"),
                "part_credits_specifiques": specific,
                "part_credits_specifiques_affichee": _share_shown(specific, specific_base, total,
                                                                  "des tableaux par pilier qui les distinguent"),
                "part_projets_associatifs": associative,
                "population_qpv": population,
                "programmation_par_habitant_qpv": total / population if total and population else None,
                "evolution_depuis_premiere_annee": growth,
                # Approximate amounts (« près de ») give an approximate change: « environ +48 % », not « +47,7 % ».
                "evolution_affichee": MISSING if growth is None else (
                    f"environ {variation(round(growth), 0)} depuis {int(previous.iloc[0]['annee'])} (montants "
                    "approchés)" if approximate else f"{variation(growth)} depuis {int(previous.iloc[0]['annee'])}"),
                "premiere_annee": int(previous.iloc[0]["annee"]) if growth is not None else None,
            })
    return pd.DataFrame(rows)
