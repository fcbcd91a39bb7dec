"""Key figures of a report and the cross-territory comparison table."""

from __future__ import annotations

import pandas as pd

from ...rules.clean import ParseError, cell_text, parse_nombre, upper_first
from ...rules.formatting import MISSING, euros, nombre, pourcent
from ...rules.harmonise import COMPARED_PILLARS, financer_credit_type, label, vocabulary
from ...ingest.load import Territory
from ...ingest.territory import memoized
from ._common import blank, of_year, text
from .gouvernance import response_rates
from .montants import APPROXIMATE_NOTE, amount_shown, any_approximate, change_between, computed_amount_shown
from .subventions import funded_actions
from .programmation import (
    associative_projects,
    credit_types,
    financer_mix,
    pillar_amounts,
    programmation_series,
    project_selection,
)

PER_HEAD_EXACT = "exact"  # ``qualificatif_par_habitant`` of comparison_table: "exact" or "approche"


def per_head_shown(value: float, qualifier: object) -> str:
    """An amount per QPV inhabitant of ``comparison_table``, « environ » unless its qualifier says it is exact."""
    return computed_amount_shown(value, cell_text(qualifier) not in ("", PER_HEAD_EXACT))


__all__ = ["per_head_shown", "key_figures", "comparison_table", "has_pillar_shares", "qpv_population", "headline_amount",
           "HEADLINE_CHAMPS", "PILLAR_SHARE_COLUMNS"]

# The pillar shares of ``comparison_table`` (one column per compared pillar, vocabulaires/piliers.yml).
PILLAR_SHARE_COLUMNS = [f"part_{code}" for code in COMPARED_PILLARS]


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
    (``champ``), base of a share, the year it describes, source and section, and whether the code computed
    it from the source (``calcule``; ``origine`` says so on the page) rather than read it there. Computed once
    per report (the synthesis shows them, ``findings`` picks from them)."""
    return memoized(territory, ("key_figures", str(year)), lambda: _key_figures(territory, year)).copy()


KEY_FIGURE_COLUMNS = ["cle", "indicateur", "valeur", "format", "valeur_affichee", "qualificatif", "champ", "base",
                      "annee", "source", "section", "calcule", "origine", "libelle_pilier", "base_montant"]
ORIGINS = {False: "chiffre de la source", True: "calcul à partir de la source"}


def _key_figures(territory: Territory, year: int | str) -> pd.DataFrame:
    rows: list[dict] = []
    qualifiers = vocabulary("qualificatifs")

    def add(key: str, label: str, value, kind: str, source: str = "", *, qualifier: str = "exact",
            word: str = "", champ: str = "", base: str = "", described: str = "", section: str = "",
            computed: bool = False, **extra) -> None:
        if value is None or pd.isna(value):
            return
        word = word or str(qualifiers.attributes.get(qualifier, {}).get("mot") or "")
        rows.append({"cle": key, "indicateur": label, "valeur": float(value), "format": kind,
                     "valeur_affichee": _shown(float(value), kind, word), "qualificatif": qualifier,
                     "champ": champ, "base": base, "annee": described or str(year), "source": text(source),
                     "section": text(section), "calcule": computed, "origine": ORIGINS[computed], **extra})

    headline = headline_amount(territory, year)
    if headline is not None:
        champ = text(headline["champ"]) or "programmation_contrat"
        key = "programmation" if champ == "programmation_contrat" else "financements_politique_ville"
        add(key, upper_first(vocabulary("champs").attributes[champ]["court"]), headline["montant"], "euros",
            headline["source"], qualifier=text(headline["qualificatif"]) or "exact",
            word=text(headline["qualificatif_mot"]), champ=champ, section=headline["section"],
            computed=text(headline["support"]) == "calcul")  # the sum of the own programmation's actions
    selection = project_selection(territory, year).iloc[0]
    for measure, caption in (("deposes", "Projets déposés"), ("soutenus", "Projets soutenus")):
        base = selection[f"base_{measure}"]
        add(f"projets_{measure}", caption + (f" ({base})" if base else ""), selection[measure], "nombre",
            selection[f"source_{measure}"], base=base, section=selection[f"section_{measure}"])
    add("taux_selection", "Taux de sélection des projets (soutenus sur déposés)", selection["taux_selection"],
        "pourcent", selection["source_soutenus"], section=selection["section_soutenus"], computed=True)
    pillars = pillar_amounts(territory, year)
    table = pillars.table
    if not table.empty:
        top = table.sort_values("part", ascending=False).iloc[0]
        base, caption, base_amount = "", f"Part du pilier « {top['libelle']} »", None
        if table["montant"].notna().all():
            total = float(table["montant"].sum())
            base = f"montants répartis par pilier ({euros(total)})"
            if headline is None or abs(total - float(headline["montant"])) >= 0.5:
                caption += f" dans les {euros(total)} répartis par pilier"
                base_amount = total  # a share of another total than the headline one
        add("part_pilier_principal", caption, top["part"], "pourcent", top["source"], base=base,
            section=top["section"], computed=pd.isna(top["part_publiee"]), libelle_pilier=top["libelle"],
            base_montant=base_amount)
    printed_share = _printed_specific_share(territory, year)
    if printed_share is not None:
        add("part_credits_specifiques", "Part des crédits spécifiques" + (
            f" ({text(printed_share['base'])})" if text(printed_share["base"]) else ""), printed_share["part_publiee"], "pourcent",
            printed_share["source"], qualifier=text(printed_share["qualificatif"]) or "exact",
            base=text(printed_share["base"]), section=printed_share["section"])
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
                100 * credits["specifique"].sum() / total, "pourcent", "; ".join(computed.sources),
                base=f"crédits spécifiques et de droit commun {where} ({euros(total)})",
                section=computed.values["annee"].section, computed=True)
    associative = associative_projects(territory, year)
    printed_total = associative.values["total"]
    add("projets_associatifs", "Projets portés par des associations", printed_total.value, "nombre",
        printed_total.source, section=printed_total.section)
    mix = financer_mix(territory, year).table
    if len(mix) >= 2 and mix["montant"].notna().all():
        kinds = mix["type_credit"].map(text).where(mix["type_credit"].map(text) != "",
                                                    mix["financeur"].map(financer_credit_type))
        specific = mix.loc[kinds == "specifique", "montant"]
        where = dict(section=mix["section"].iloc[0])
        if not specific.empty:  # droit commun (or a financer of unknown credit type) is never counted in it
            add("credits_specifiques", "Crédits spécifiques engagés (tous financeurs)", specific.sum(), "euros",
                mix["source"].iloc[0], champ="credits_specifiques_programmes", computed=len(specific) > 1, **where)
        if (kinds != "specifique").any():
            add("financements_tous_financeurs", "Financements, tous financeurs (droit commun compris)",
                mix["montant"].sum(), "euros", mix["source"].iloc[0], computed=True, **where)
    for _, rate in response_rates(territory).iterrows():
        audience = label("acteurs", rate["enquete"])
        printed = rate["taux_imprime"] is not None and pd.notna(rate["taux_imprime"])
        add(f"taux_reponse_{rate['enquete']}", f"Taux de réponse au questionnaire des {audience}",
            rate["taux_imprime"] if printed else rate["taux"], "pourcent", rate["source"], section=rate["section"],
            computed=not printed)
    for key, caption in (("population", "Habitants de l'agglomération"),
                            ("population_qpv", "Habitants des quartiers prioritaires")):
        label_text = caption
        value, meaning = _declared(territory, key, year)
        summed = key == "population_qpv" and value is None and not meaning
        if summed:
            value = qpv_population(territory)  # the sum of imported INSEE counts
        described = text(meaning.get("annee"))
        if described and described != str(year)[-4:]:
            label_text += f" ({described})"
        code, printed = _declared_qualifier(meaning)
        add(key, label_text, value, "nombre", text(meaning.get("source")), qualifier=code, word=printed,
            described=described, section=text(meaning.get("section")), computed=summed)
    return pd.DataFrame(rows, columns=KEY_FIGURE_COLUMNS)


def _declared_qualifier(meaning: dict) -> tuple[str, str]:
    """(code, printed words) of a number declared in territoire.yml: ``qualificatif`` holds a code (« approche »)
    or the printed words (« près de »); the words are empty when only a code is declared."""
    printed = text(meaning.get("qualificatif"))
    qualifiers = vocabulary("qualificatifs")
    code = (qualifiers.code(printed) or "exact") if printed else "exact"
    return code, printed if printed and printed not in qualifiers.labels else ""


def _year_population(territory: Territory, year: int | str) -> tuple[float | None, str]:
    """The QPV population a report of ``year`` may be divided by, and its qualifier code: never a later year's
    (issue 16: the 39 000 inhabitants of the 21 quartiers of 2022 are not the 2019 or 2021 population)."""
    value, meaning = _declared(territory, "population_qpv", year)
    if value is None and not meaning:
        return qpv_population(territory), "exact"  # a sum of imported counts
    return value, _declared_qualifier(meaning)[0]


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
            population, population_qualifier = _year_population(territory, year)
            pillars = pillar_amounts(territory, year).table
            shares = dict(zip(pillars["pilier"], pillars["part"])) if not pillars.empty else {}
            pillar_base = float(pillars["montant"].sum()) if not pillars.empty and pillars["montant"].notna().all() \
                else None
            this_year = series[series["annee"] == year]
            now = this_year.iloc[0] if not this_year.empty else None
            total = float(now["montant"]) if now is not None else None
            associative = associative_projects(territory, year).get("part_des_soutenus")
            previous = series[series["annee"] < year]
            first = previous.iloc[0] if now is not None and not previous.empty else None
            change = change_between(first, now) if first is not None else None
            subsidies = funded_actions(territory, year)["montant"].sum()
            specific, specific_base = _specific_share_and_base(territory, year)
            per_head = total / population if total and population else None
            # A figure computed from an approximate amount or population is approximate (« environ 103 € »).
            per_head_approximate = per_head is not None and (
                any_approximate(now) or population_qualifier != "exact")
            rows.append({
                "territoire": territory.id, "sigle": territory.sigle, "annee": year,
                "programmation": total,
                "programmation_affichee": amount_shown(now) if now is not None else MISSING,
                # What the amount covers and how exact it is: perimeters differ between reports.
                "champ_programmation": now["champ"] if now is not None else None,
                "qualificatif_programmation": now["qualificatif"] if now is not None else None,
                "subventions_anct": float(subsidies) if subsidies else None,
                **{f"part_{code}": shares.get(code) for code in COMPARED_PILLARS},
                "base_piliers": pillar_base,  # what the pillar shares are of
                "part_cohesion_sociale_affichee": _share_shown(shares.get("cohesion_sociale"), pillar_base, total,
                                                               "répartis par pilier"),
                "part_credits_specifiques": specific,
                "part_credits_specifiques_affichee": _share_shown(specific, specific_base, total,
                                                                  "des tableaux par pilier qui les distinguent"),
                "part_projets_associatifs": associative,
                "population_qpv": population,
                "programmation_par_habitant_qpv": per_head,
                "qualificatif_par_habitant": None if per_head is None else (
                    "approche" if per_head_approximate else PER_HEAD_EXACT),
                "programmation_par_habitant_affichee": MISSING if per_head is None else computed_amount_shown(
                    per_head, per_head_approximate, now["champ"]),
                "evolution_depuis_premiere_annee": None if change is None else change.pct,
                "evolution_affichee": MISSING if change is None or change.pct is None else (
                    f"{change.shown} depuis {int(first['annee'])}"
                    + (f" {APPROXIMATE_NOTE}" if change.approximate else "")),
                "premiere_annee": int(first["annee"]) if change is not None and change.pct is not None else None,
            })
    return pd.DataFrame(rows)


def has_pillar_shares(comparison: pd.DataFrame) -> bool:
    """Whether any report of ``comparison_table`` shares its amounts out by pillar (the shares' display columns,
    « n.d. » when missing, are no share)."""
    return bool(comparison.reindex(columns=PILLAR_SHARE_COLUMNS).notna().any().any())
