"""Paragraphs of the programmation section."""

from __future__ import annotations

import pandas as pd

from ...rules.clean import cell_text as _text
from ...rules.formatting import (
    euros,
    liste_fr,
    nombre,
    pluriel,
    pourcent,
    variation,
)
from ...analysis.indicators._common import Indicator, unpack
from ...rules.stats import pct_change
from ...analysis.indicators.montants import APPROXIMATE_NOTE, amount_shown, change_between, perimeter_name
from ._base import guillemets, md, _de, _empty, _cap, _none, _pct, _pillar, _sum_note, _verb, _year


def pillar_paragraph(pillars: Indicator | pd.DataFrame, year: int | str) -> str:
    """Programmation by pillar (``indicators.pillar_amounts``)."""
    pillars, result = unpack(pillars)
    if _empty(pillars):
        return ""
    method = _text(result.get("methode"))
    has_amounts = pillars["montant"].notna().all()
    ranked = pillars.sort_values("montant" if has_amounts else "part", ascending=False, kind="stable")
    lead, others = ranked.iloc[0], ranked.iloc[1:]
    if has_amounts:
        printed = result.get("total_publie")
        computed = float(pillars["montant"].sum())
        if _none(printed):
            opening = f"En {year}, les {len(pillars)} piliers totalisent {euros(computed)}."
        else:
            opening = f"En {year}, la programmation s'élève à {euros(printed)} (total imprimé)."
            if euros(printed) != euros(computed):
                opening += f" La somme des piliers donne {euros(computed)}."
        detail = lambda row: f"{euros(row['montant'])}, soit {pourcent(row['part'])}"  # noqa: E731
    else:
        opening = f"En {year}, seules les parts des piliers sont publiées, sans les montants."
        detail = lambda row: _pct(row["part"])  # noqa: E731
    text = f"{opening} {_cap(_pillar(lead['libelle']))} en reçoit la plus grande part : {detail(lead)}."
    if not others.empty:
        text += " Viennent ensuite " + liste_fr(
            f"{_pillar(row['libelle'])} ({detail(row)})" for _, row in others.iterrows()) + "."
    if not has_amounts:
        text += _sum_note(pillars["part"].sum(), "Ces parts")
    return text + (f" Méthode : {method}." if method else "")


def credit_types_paragraph(credits: Indicator | pd.DataFrame, year: int | str) -> str:
    """Specific credits against ordinary credits (``indicators.credit_types``)."""
    credits, _ = unpack(credits)
    if _empty(credits):
        return ""
    specific, ordinary = float(credits["specifique"].sum()), float(credits["droit_commun"].sum())
    unknown = float(credits["non_precise"].sum()) if "non_precise" in credits.columns else 0.0
    total = specific + ordinary + unknown
    text = (f"En {year}, les crédits spécifiques de la politique de la ville représentent {euros(specific)} "
            f"sur {euros(total)}, soit {pourcent(100 * specific / total)} ; le droit commun, {euros(ordinary)} "
            f"({pourcent(100 * ordinary / total)})")
    text += (f" ; des financeurs dont le type de crédit n'est pas déclaré, {euros(unknown)} "
             f"({pourcent(100 * unknown / total)})." if unknown else ".")
    ranked = credits.dropna(subset=["part_specifique"]).sort_values("part_specifique", ascending=False)
    if len(ranked) == 1:
        row = ranked.iloc[0]
        text += f" Seul {_pillar(row['libelle'])} est détaillé."
    elif len(ranked) > 1:
        high, low = ranked.iloc[0], ranked.iloc[-1]
        text += (f" Par pilier, la part des crédits spécifiques va de {pourcent(low['part_specifique'])} pour "
                 f"{_pillar(low['libelle'])} à {pourcent(high['part_specifique'])} pour {_pillar(high['libelle'])}.")
    return text


def financer_paragraph(mix: Indicator | pd.DataFrame, year: int | str, *, top: int = 3) -> str:
    """Main financers (``indicators.financer_mix``), printed labels grouped under the shared vocabulary."""
    mix, result = unpack(mix)
    if _empty(mix):
        return ""
    has_amounts = mix["montant"].notna().all()
    value = "montant" if has_amounts else "part_publiee"
    # A financer outside the vocabulary keeps its printed label rather than drop out of the groups.
    labels = mix["libelle"].map(_text).where(mix["libelle"].map(_text) != "", mix["libelle_publie"])
    grouped = (mix[value].astype(float).groupby(labels, sort=False).sum()
               .sort_values(ascending=False, kind="stable"))
    total = float(grouped.sum())
    specific_only = set(mix["type_credit"].map(_text)) == {"specifique"}
    scope = " (crédits spécifiques)" if specific_only else ""

    def shown(label: str, amount: float) -> str:
        return (f"{euros(amount)} ({pourcent(100 * amount / total)}) pour {md(label)}" if has_amounts
                else f"{_pct(amount)} pour {md(label)}")

    if has_amounts:
        text = f"En {year}, les financements répartis par financeur{scope} totalisent {euros(total)}."
    else:
        text = f"En {year}, seules les parts des financeurs{scope} sont publiées, sans les montants."
    if len(grouped) == 1:
        return text + f" Un seul financeur y figure : {md(grouped.index[0])}."
    main, rest = grouped.iloc[:top], grouped.iloc[top:]
    text += f" Principaux financeurs : {liste_fr(shown(label, v) for label, v in main.items())}."
    if not rest.empty:
        rest_total = euros(rest.sum()) if has_amounts else _pct(round(rest.sum(), 1))
        text += (f" {_verb(len(rest), 'Le financeur restant', f'Les {nombre(len(rest))} autres financeurs')} "
                 f"{_verb(len(rest), 'représente', 'totalisent')} {rest_total}.")
    if not has_amounts:
        text += _sum_note(result.get("somme_parts_publiees"), "Les parts imprimées")
    return text


def selection_paragraph(selection: pd.DataFrame) -> str:
    """Projects filed and supported (``indicators.project_selection``)."""
    row = selection.iloc[0] if selection is not None and not selection.empty else None
    if row is None or (_none(row["deposes"]) and _none(row["soutenus"])):
        return ""
    year = f"En {_year(row.get('annee'))}, " if _text(row.get("annee")) else ""
    filed, supported = row["deposes"], row["soutenus"]
    # What the supported projects were supported under, as the source says it (« au titre des crédits de l'ANCT »).
    base = f" ({md(_text(row.get('base_soutenus')))})" if _text(row.get("base_soutenus")) else ""
    if _none(filed) or _none(supported):
        known, verb, unknown = (supported, "soutenu", "déposés") if _none(filed) else (filed, "déposé", "soutenus")
        text = (f"{pluriel(known, f'projet a été {verb}', f'projets ont été {verb}s')}{base if known is supported else ''} ; "
                f"le nombre de projets {unknown} n'est pas publié.")
    else:
        outcome = ("aucun n'a été soutenu" if supported == 0
                   else f"{nombre(supported)} {_verb(supported, 'a été soutenu', 'ont été soutenus')}") + base
        text = (f"sur {pluriel(filed, 'projet déposé', 'projets déposés')}, {outcome}, "
                f"soit {pourcent(row['taux_selection'])}.")
    return year + text if year else _cap(text)


def associative_paragraph(associative: Indicator | pd.DataFrame) -> str:
    """Projects carried by associations (``indicators.associative_projects``)."""
    associative, result = unpack(associative)
    total, supported, share = (result.get(k) for k in ("total", "soutenus", "part_des_soutenus"))
    if _none(total) and associative.empty:
        return ""
    sentences = []
    if not _none(total):
        projects = pluriel(total, "projet soutenu", "projets soutenus")
        carried = _verb(total, "est porté", "sont portés")
        if _none(share):  # two counts of different passages are not divided
            sentences.append(f"{projects} {carried} par des associations"
                             + ("." if _none(supported) else
                                f" ; le rapport compte par ailleurs {pluriel(supported, 'projet soutenu', 'projets soutenus')} "
                                "au total, dans un autre passage."))
        else:
            sentences.append(f"{projects} sur {nombre(supported)} {carried} par des associations, "
                             f"soit {pourcent(share)}.")
    if not associative.empty:
        # The printed share when there is one (shown as printed), else the share of the listed counts.
        parts = liste_fr(f"{_pillar(row['libelle'])} ({pluriel(row['nombre'], 'projet')}, "
                         f"{_pct(row['part_publiee']) if not _none(row.get('part_publiee')) else pourcent(row['part'])})"
                         for _, row in associative.iterrows())
        sentences.append(f"Par pilier, ces projets associatifs se répartissent ainsi : {parts}.")
        by_pillar = int(associative["nombre"].sum())
        if not _none(total) and by_pillar != total:
            sentences.append(f"La répartition par pilier totalise {pluriel(by_pillar, 'projet')}.")
    return " ".join(sentences)


def fund_paragraph(fund: Indicator | pd.DataFrame, label: str = "Fonds de Cohésion Sociale") -> str:
    """Projects of a dedicated fund, by axis (``indicators.fund_projects``)."""
    fund, result = unpack(fund)
    if _empty(fund):
        return ""
    count = result.get("projets", int(fund["projets"].sum()))
    total = result.get("total", float(fund["montant"].sum()))
    year = _text(result.get("annee"))
    text = (f"{'En ' + year + ', ' if year else ''}{pluriel(count, 'projet')} "
            f"{_verb(count, 'est financé', 'sont financés')} au titre du dispositif {guillemets(label)}")
    text = _cap(text) + (f", pour un total de {euros(total)}." if total else ".")
    unnamed = "(sans axe)"  # the placeholder ``fund_projects`` gives actions without an axis
    if list(fund["axe"]) != [unnamed]:
        axes = " ; ".join(
            f"{'sans axe' if row['axe'] == unnamed else guillemets(row['axe'])} : "
            f"{pluriel(row['projets'], 'projet')}, {euros(row['montant'])}" for _, row in fund.iterrows())
        text += f" Par axe : {axes}."
    return text


def growth_paragraph(growth: pd.DataFrame) -> str:
    """Change of the yearly amount from the first year to the last (``indicators.growth``), named by what
    it covers (``champ``) and with each amount's qualifier (« près de 3 900 000 € »)."""
    if _empty(growth):
        return ""
    champ = _text(growth["champ"].iloc[0]) if "champ" in growth else ""
    what = perimeter_name(champ) or "programmation du contrat de ville"

    def amount(row: pd.Series) -> str:
        return amount_shown(row, perimeter=False)

    first, last = growth.iloc[0], growth.iloc[-1]
    if len(growth) == 1:
        return (f"Un seul montant annuel ({md(what)}) est disponible : {amount(first)} "
                f"en {_year(first['annee'])}.")
    change, amounts = change_between(first, last), float(last["montant"]) - float(first["montant"])
    direction = "une hausse" if amounts > 0 else "une baisse"
    text = (f"De {_year(first['annee'])} à {_year(last['annee'])}, le montant ({md(what)}) passe "
            f"de {amount(first)} à {amount(last)}")
    if amounts == 0 or change.pct is None:
        text += "."
    elif change.approximate:
        # Approximate amounts give an approximate change: no euro-precise difference, no decimal growth rate.
        text += f" : {direction} {_de(change.magnitude)} {APPROXIMATE_NOTE}."
    else:
        text += (f" : {direction} de {euros(abs(amounts))} ({change.shown}), "
                 f"soit {variation(last['tcam'])} par an en moyenne.")
    middle = growth.iloc[1:-1]
    if not middle.empty:
        text += (f" {_verb(len(middle), 'Montant intermédiaire', 'Montants intermédiaires')} : "
                 + liste_fr(f"{amount(row)} en {_year(row['annee'])}" for _, row in middle.iterrows()) + ".")
    return text


RECORD_NOUNS = {"deposes": ("projet déposé", "projets déposés"), "soutenus": ("projet soutenu", "projets soutenus"),
                "porteurs": ("porteur", "porteurs")}


def contract_record_paragraph(record: pd.DataFrame) -> str:
    """Figures printed for the whole contract period (``indicators.contract_record``)."""
    if _empty(record):
        return ""
    paragraphs = []
    for period, rows in record.groupby("annee", sort=False):
        counts, amounts = [], []
        for _, row in rows.iterrows():
            precision = md(_text(row["precision"]))
            if row["unite"] == "€":
                amounts.append(f"{euros(row['valeur'])} ({md(row['libelle'])}" + (f", {precision})" if precision else ")"))
            else:
                singular, plural = RECORD_NOUNS.get(row["mesure"], (md(row["libelle"]),) * 2)
                counts.append(pluriel(row["valeur"], singular, plural) + (f" {precision}" if precision else ""))
        opening = f"Sur la période {md(period)}, le bilan imprimé"
        text = f"{opening} compte {liste_fr(counts)}." if counts else ""
        if amounts:
            text += (" Il" if counts else opening) + f" donne aussi les montants suivants : {liste_fr(amounts)}."
        paragraphs.append(text)
    return "\n\n".join(paragraphs)


def own_programmation_paragraph(totals: Indicator, year: int | str, anct_total: float = 0.0) -> str:
    """The territory's own programmation (``indicators.own_programmation_check``): total, kinds of credit, check."""
    computed = float(totals.get("total_calcule"))
    text = (f"En {year}, la programmation du territoire compte {pluriel(totals.get('actions'), 'action')} pour "
            f"{euros(computed)} (somme des actions, tous financeurs) : ")
    parts = [f"{euros(totals.get('specifique'))} de crédits spécifiques "
             f"({pourcent(100 * totals.get('specifique') / computed)})",
             f"{euros(totals.get('droit_commun'))} de droit commun "
             f"({pourcent(100 * totals.get('droit_commun') / computed)})"]
    if totals.get("non_precise"):
        parts.append(f"{euros(totals.get('non_precise'))} de financeurs dont le type de crédit n'est pas déclaré "
                     f"({pourcent(100 * totals.get('non_precise') / computed)})")
    text += liste_fr(parts) + "."
    printed = totals.get("total_publie")
    if not _none(printed):
        gap = float(totals.get("ecart"))
        text += (f" Le total imprimé pour l'année, {euros(printed)}, est celui que la page retient ; la somme des "
                 + ("actions lui est égale." if abs(gap) < 0.5 else f"actions en diffère de {euros(abs(gap))}."))
    else:
        text += " Aucun total imprimé n'existe pour l'année : la page montre les totaux calculés."
    if totals.get("non_retenues"):
        text += (f" {_cap(pluriel(totals.get('non_retenues'), 'action non retenue', 'actions non retenues'))} "
                 "(selon leur statut) figurent dans la liste des actions, hors totaux.")
    if anct_total:
        text += (f" Les subventions de l'ANCT de la même année ({euros(anct_total)}) ne s'ajoutent pas à ces "
                 "montants : les crédits de l'État y sont déjà, action par action.")
    return text


def own_place_note(places: Indicator) -> str:
    """What a table by QPV or commune adds up to when actions cover several places."""
    _, result = unpack(places)
    multi = result.get("multi") or 0
    if not multi:
        return "Chaque action porte sur un seul lieu : les montants s'additionnent jusqu'au total."
    return (f"{_cap(pluriel(multi, 'action porte', 'actions portent'))} sur plusieurs lieux et "
            f"{'compte' if multi == 1 else 'comptent'} dans chacun : la somme des lignes dépasse le total de la "
            f"programmation ({euros(result.get('total'))}).")


def own_change_paragraph(change: Indicator, what: str) -> str:
    """Year-on-year change by pillar or financer (``indicators.own_change``)."""
    table, result = unpack(change)
    before, now = float(table["montant_precedent"].sum()), float(table["montant"].sum())
    text = (f"Par {what}, de {result.get('annee_precedente')} à {result.get('annee')}, la programmation passe de "
            f"{euros(before)} à {euros(now)} ({variation(pct_change(before, now) if before > 0 else None)}).")
    moved = table.reindex(table["variation"].abs().sort_values(ascending=False).index)
    if len(moved):
        top = moved.iloc[0]
        sign = "+" if top["variation"] > 0 else "−" if top["variation"] < 0 else ""
        text += f" Le plus fort écart concerne {md(_text(top['libelle']))} ({sign}{euros(abs(top['variation']))})."
    return text


def own_annex_columns(annex: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """The columns of the list of actions: description, total, then one column per financer present."""
    from ...rules.harmonise import vocabulary

    columns = {"dossier": ("Dossier", "texte"), "porteur": ("Porteur", "texte"), "intitule": ("Action", "texte"),
               "pilier": ("Pilier", "texte"), "qpv": ("QPV", "texte"), "commune": ("Commune", "texte"),
               "statut": ("Statut", "texte"), "montant": ("Total", "euros")}
    for column in annex.columns:
        if column.startswith("montant_"):
            columns[column] = (vocabulary("financeurs").label(column.removeprefix("montant_")), "euros")
    return columns
