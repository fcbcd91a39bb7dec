"""French Markdown sentences written from the indicator tables.

Every figure comes from the tables (through ``formatting``) and every quotation
is the data's own text between « »: nothing here adds an appraisal. Each
function returns ``""`` for an empty input, or the sentence of
:func:`missing_data` when it is told which file the data would come from
(``expected_file=territory.expected_file("financements")``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from .checks import Finding
from .clean import ParseError, cell_text as _text, is_approximate
from .formatting import ecart_points, euros, guillemets, liste_fr, nombre, pluriel, pourcent, variation
from .indicators import MEAN_LEVEL_CAVEAT
from .stats import compatible_counts, decimals_of

__all__ = [
    "missing_data",
    "pillar_paragraph",
    "credit_types_paragraph",
    "financer_paragraph",
    "selection_paragraph",
    "associative_paragraph",
    "fund_paragraph",
    "growth_paragraph",
    "contract_record_paragraph",
    "response_paragraph",
    "survey_item_sentence",
    "survey_paragraph",
    "cooperation_paragraph",
    "health_paragraph",
    "statements_list",
    "findings_list",
    "qpv_gaps_paragraph",
]

ACTEURS = {"agglomeration": "agglomération", "elus": "élus", "conseils_citoyens": "conseils citoyens"}
# How to say « in » each reference perimeter of ``indicators.contexte.REFERENCES``.
DANS = {"reste de l'EPCI": "dans le reste de l'EPCI", "EPCI": "dans l'EPCI",
        "QPV du département": "dans les QPV du département", "département": "dans le département",
        "région": "dans la région", "France": "en France"}
INDENT = "    "  # four spaces: the nesting depth every Markdown renderer accepts


def missing_data(what: str, expected_file: str) -> str:
    return (f"Aucune donnée sur {what} n'est disponible pour ce territoire et cette année : "
            f"elles seraient lues dans `{expected_file}`.")


def _none(value: object) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _absent(frame: pd.DataFrame | None, what: str, expected_file: str | None) -> str | None:
    """The text for a missing input, or None when there is something to write about."""
    if frame is not None and not frame.empty:
        return None
    return missing_data(what, expected_file) if expected_file else ""


def _singular(n: float) -> bool:
    return abs(n) < 2


def _verb(n: float, singular: str, plural: str) -> str:
    return singular if _singular(n) else plural


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _de(word: str) -> str:
    """« de » elided before a vowel or a mute h: « de communes », « d'associations »."""
    return f"d'{word}" if word[:1].lower() in "aeiouyhéèêàâîôû" else f"de {word}"


def _year(value: object) -> str:
    """A year kept by pandas as a float (2015.0) printed as 2015; periods (« 2015-2022 ») unchanged."""
    return str(int(value)) if isinstance(value, (int, float)) and float(value).is_integer() else _text(value)


def _pct(points: float) -> str:
    """A printed percentage keeps its precision: ``26 %``, ``42,1 %``."""
    return pourcent(points, 0 if float(points).is_integer() else 1)


def _sum_note(total: float, what: str, complete: bool = True) -> str:
    """Sentence on printed shares that do not add up to 100 % (``complete``: they should)."""
    if _none(total) or total == 0 or pourcent(total) == pourcent(100):
        return ""
    return f" {what} totalisent {_pct(round(total, 1))}" + (" et non 100 %." if complete else ".")


def _pillar(label: object) -> str:
    return f"le pilier {guillemets(label)}"


# ---------------------------------------------------------------------------
# Programmation


def pillar_paragraph(pillars: pd.DataFrame, year: int | str, *, expected_file: str | None = None) -> str:
    """Programmation by pillar (``indicators.pillar_amounts``)."""
    if (absent := _absent(pillars, "la répartition par pilier", expected_file)) is not None:
        return absent
    method = _text(pillars.attrs.get("methode"))
    has_amounts = pillars["montant"].notna().all()
    ranked = pillars.sort_values("montant" if has_amounts else "part", ascending=False, kind="stable")
    lead, others = ranked.iloc[0], ranked.iloc[1:]
    if has_amounts:
        printed = pillars.attrs.get("total_publie")
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


def credit_types_paragraph(credits: pd.DataFrame, year: int | str, *, expected_file: str | None = None) -> str:
    """Specific credits against ordinary credits (``indicators.credit_types``)."""
    if (absent := _absent(credits, "la répartition entre crédits spécifiques et droit commun",
                          expected_file)) is not None:
        return absent
    specific, ordinary = float(credits["specifique"].sum()), float(credits["droit_commun"].sum())
    total = specific + ordinary
    text = (f"En {year}, les crédits spécifiques de la politique de la ville représentent {euros(specific)} "
            f"sur {euros(total)}, soit {pourcent(100 * specific / total)} ; le droit commun, {euros(ordinary)} "
            f"({pourcent(100 * ordinary / total)}).")
    ranked = credits.dropna(subset=["part_specifique"]).sort_values("part_specifique", ascending=False)
    if len(ranked) == 1:
        row = ranked.iloc[0]
        text += f" Seul {_pillar(row['libelle'])} est détaillé."
    elif len(ranked) > 1:
        high, low = ranked.iloc[0], ranked.iloc[-1]
        text += (f" Par pilier, la part des crédits spécifiques va de {pourcent(low['part_specifique'])} pour "
                 f"{_pillar(low['libelle'])} à {pourcent(high['part_specifique'])} pour {_pillar(high['libelle'])}.")
    return text


def financer_paragraph(mix: pd.DataFrame, year: int | str, *, top: int = 3,
                       expected_file: str | None = None) -> str:
    """Main financers (``indicators.financer_mix``), printed labels grouped under the shared vocabulary."""
    if (absent := _absent(mix, "la répartition par financeur", expected_file)) is not None:
        return absent
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
        return (f"{euros(amount)} ({pourcent(100 * amount / total)}) pour {label}" if has_amounts
                else f"{_pct(amount)} pour {label}")

    if has_amounts:
        text = f"En {year}, les financements répartis par financeur{scope} totalisent {euros(total)}."
    else:
        text = f"En {year}, seules les parts des financeurs{scope} sont publiées, sans les montants."
    if len(grouped) == 1:
        return text + f" Un seul financeur y figure : {grouped.index[0]}."
    main, rest = grouped.iloc[:top], grouped.iloc[top:]
    text += f" Principaux financeurs : {liste_fr(shown(label, v) for label, v in main.items())}."
    if not rest.empty:
        rest_total = euros(rest.sum()) if has_amounts else _pct(round(rest.sum(), 1))
        text += (f" {_verb(len(rest), 'Le financeur restant', f'Les {nombre(len(rest))} autres financeurs')} "
                 f"{_verb(len(rest), 'représente', 'totalisent')} {rest_total}.")
    if not has_amounts:
        text += _sum_note(mix.attrs.get("somme_parts_publiees"), "Les parts imprimées")
    return text


def selection_paragraph(selection: pd.DataFrame, *, expected_file: str | None = None) -> str:
    """Projects filed and supported (``indicators.project_selection``)."""
    row = selection.iloc[0] if selection is not None and not selection.empty else None
    if row is None or (_none(row["deposes"]) and _none(row["soutenus"])):
        return _absent(None, "les projets déposés et soutenus", expected_file)
    year = f"En {_year(row.get('annee'))}, " if _text(row.get("annee")) else ""
    filed, supported = row["deposes"], row["soutenus"]
    if _none(filed) or _none(supported):
        known, verb, unknown = (supported, "soutenu", "déposés") if _none(filed) else (filed, "déposé", "soutenus")
        text = (f"{pluriel(known, f'projet a été {verb}', f'projets ont été {verb}s')} ; "
                f"le nombre de projets {unknown} n'est pas publié.")
    else:
        outcome = ("aucun n'a été soutenu" if supported == 0
                   else f"{nombre(supported)} {_verb(supported, 'a été soutenu', 'ont été soutenus')}")
        text = (f"sur {pluriel(filed, 'projet déposé', 'projets déposés')}, {outcome}, "
                f"soit {pourcent(row['taux_selection'])}.")
    return year + text if year else _cap(text)


def associative_paragraph(associative: pd.DataFrame, *, expected_file: str | None = None) -> str:
    """Projects carried by associations (``indicators.associative_projects``)."""
    total, supported, share = (associative.attrs.get(k) for k in ("total", "soutenus", "part_des_soutenus"))
    if _none(total) and associative.empty:
        return _absent(None, "les projets portés par des associations", expected_file)
    sentences = []
    if not _none(total):
        projects = pluriel(total, "projet soutenu", "projets soutenus")
        carried = _verb(total, "est porté", "sont portés")
        sentences.append(f"{projects} {carried} par des associations." if _none(supported) else
                         f"{projects} sur {nombre(supported)} {carried} par des associations, soit {pourcent(share)}.")
    if not associative.empty:
        parts = liste_fr(f"{_pillar(row['libelle'])} ({pluriel(row['nombre'], 'projet')}, "
                         f"{pourcent(row['part'])})" for _, row in associative.iterrows())
        sentences.append(f"Par pilier, ces projets associatifs se répartissent ainsi : {parts}.")
        by_pillar = int(associative["nombre"].sum())
        if not _none(total) and by_pillar != total:
            sentences.append(f"La répartition par pilier totalise {pluriel(by_pillar, 'projet')}.")
    return " ".join(sentences)


def fund_paragraph(fund: pd.DataFrame, label: str = "Fonds de Cohésion Sociale", *,
                   expected_file: str | None = None) -> str:
    """Projects of a dedicated fund, by axis (``indicators.fund_projects``)."""
    if (absent := _absent(fund, f"le dispositif {guillemets(label)}", expected_file)) is not None:
        return absent
    count = fund.attrs.get("projets", int(fund["projets"].sum()))
    total = fund.attrs.get("total", float(fund["montant"].sum()))
    year = _text(fund.attrs.get("annee"))
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


def growth_paragraph(growth: pd.DataFrame, *, expected_file: str | None = None) -> str:
    """Change of the yearly programmation from the first year to the last (``indicators.growth``)."""
    if (absent := _absent(growth, "l'évolution de la programmation", expected_file)) is not None:
        return absent
    first, last = growth.iloc[0], growth.iloc[-1]
    if len(growth) == 1:
        return (f"Un seul montant annuel de programmation est disponible : {euros(first['montant'])} "
                f"en {_year(first['annee'])}.")
    change = float(last["variation"])
    direction = "une hausse" if change > 0 else "une baisse"
    text = (f"De {_year(first['annee'])} à {_year(last['annee'])}, la programmation passe "
            f"de {euros(first['montant'])} à {euros(last['montant'])}")
    if change == 0:
        text += "."
    else:
        text += (f" : {direction} de {euros(abs(change))} ({variation(last['variation_pct'])}), "
                 f"soit {variation(last['tcam'])} par an en moyenne.")
    middle = growth.iloc[1:-1]
    if not middle.empty:
        text += (f" {_verb(len(middle), 'Montant intermédiaire', 'Montants intermédiaires')} : "
                 + liste_fr(f"{euros(row['montant'])} en {_year(row['annee'])}" for _, row in middle.iterrows()) + ".")
    printed = growth.get("montant_publie", pd.Series(dtype=object))
    approximate = growth[printed.map(is_approximate)] if not printed.empty else printed
    if not approximate.empty:
        text += (" Les montants imprimés sont approchés : " + liste_fr(
            f"{guillemets(row['montant_publie'])} en {_year(row['annee'])}" for _, row in approximate.iterrows()) + ".")
    return text


RECORD_NOUNS = {"deposes": ("projet déposé", "projets déposés"), "soutenus": ("projet soutenu", "projets soutenus"),
                "porteurs": ("porteur", "porteurs")}


def contract_record_paragraph(record: pd.DataFrame, *, expected_file: str | None = None) -> str:
    """Figures printed for the whole contract period (``indicators.contract_record``)."""
    if (absent := _absent(record, "le bilan de la période du contrat", expected_file)) is not None:
        return absent
    paragraphs = []
    for period, rows in record.groupby("annee", sort=False):
        counts, amounts = [], []
        for _, row in rows.iterrows():
            precision = _text(row["precision"])
            if row["unite"] == "€":
                amounts.append(f"{euros(row['valeur'])} ({row['libelle']}" + (f", {precision})" if precision else ")"))
            else:
                singular, plural = RECORD_NOUNS.get(row["mesure"], (row["libelle"], row["libelle"]))
                counts.append(pluriel(row["valeur"], singular, plural) + (f" {precision}" if precision else ""))
        opening = f"Sur la période {period}, le bilan imprimé"
        text = f"{opening} compte {liste_fr(counts)}." if counts else ""
        if amounts:
            text += (" Il" if counts else opening) + f" donne aussi les montants suivants : {liste_fr(amounts)}."
        paragraphs.append(text)
    return "\n\n".join(paragraphs)


# ---------------------------------------------------------------------------
# Gouvernance


def _units(audience: str) -> tuple[str, str]:
    """Singular and plural of a survey audience named in the plural (« conseils_citoyens »)."""
    plural = audience.replace("_", " ")
    singular = " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in plural.split())
    return singular, plural


def response_paragraph(rates: pd.DataFrame, *, expected_file: str | None = None) -> str:
    """Questionnaires sent and answered (``indicators.response_rates``)."""
    if (absent := _absent(rates, "les réponses aux questionnaires", expected_file)) is not None:
        return absent
    clauses, notes = [], []
    for i, row in enumerate(rates.itertuples()):
        singular, plural = _units(row.enquete)
        rate = pourcent(row.taux, 0 if row.taux in (0, 100) else 1)
        verb = f" {_verb(row.repondants, 'a répondu', 'ont répondu')}" if i == 0 else ""
        clauses.append(f"{pluriel(row.repondants, singular, plural)} sur {nombre(row.envoyes)}{verb} ({rate})")
        printed = _text(row.taux_publie)
        try:
            consistent = not printed or row.repondants in compatible_counts(printed, row.envoyes)
        except (ParseError, ValueError):
            consistent = True
        if not consistent:
            notes.append(f" Le taux imprimé pour les {plural} est de {guillemets(printed)}.")
    return " ; ".join(clauses) + "." + "".join(notes)


def survey_item_sentence(item_row: pd.Series, unit_singular: str, unit_plural: str) -> str:
    """One questionnaire item: count out of respondents, percentage and Wilson 95 % interval."""
    modality = _text(item_row.get("modalite"))
    lead = f"À la question {guillemets(_text(item_row['question']))}"
    lead += f", réponse {guillemets(modality)} : " if modality else " : "
    n, count, printed = item_row.get("n"), item_row.get("effectif"), _text(item_row.get("pourcentage_publie"))
    n = None if _none(n) else n
    respondents = f"sur {pluriel(n, unit_singular, unit_plural)} ayant répondu" if n else ""
    if not _none(n) and not _none(count) and int(n) > 0:
        text = f"{pluriel(count, unit_singular, unit_plural)} sur {nombre(n)}, soit {pourcent(100 * count / n)}"
        if not _none(item_row.get("ic_bas")):
            text += (f" (intervalle de confiance à 95 % : {pourcent(item_row['ic_bas'])} à "
                     f"{pourcent(item_row['ic_haut'])})")
        return lead + text + "."
    if not _none(count):
        return lead + f"{pluriel(count, unit_singular, unit_plural)} (nombre de répondants non publié)."
    possible = item_row.get("possible")
    if not _none(possible) and not possible:
        shown = pourcent(item_row["pourcentage"], decimals_of(printed))
        return (lead + f"{shown} est imprimé, ce qu'aucun nombre entier {_de(unit_plural)} sur {nombre(n)} "
                "ne peut donner.")
    if is_approximate(printed):
        return lead + f"{guillemets(printed)} est imprimé, valeur approchée" + (f", {respondents}" if n else "") + "."
    shown = pourcent(item_row["pourcentage"], decimals_of(printed))
    if _none(n):
        return lead + f"{shown} (nombre de répondants non publié)."
    return lead + f"{shown} {respondents}."


def survey_paragraph(items: pd.DataFrame, unit_singular: str, unit_plural: str, *,
                     expected_file: str | None = None) -> str:
    """Questionnaire items (``indicators.survey_items``) as a Markdown list grouped by axis."""
    if (absent := _absent(items, f"le questionnaire des {unit_plural}", expected_file)) is not None:
        return absent
    axes = items["axe"].map(_text)
    lines = [f"- {survey_item_sentence(row, unit_singular, unit_plural)}" for _, row in items[axes == ""].iterrows()]
    # Items without an axis come first so that none is read as part of the axis above it.
    for axis in dict.fromkeys(axes[axes != ""]):
        lines.append(f"- **{axis}**")
        lines += [f"{INDENT}- {survey_item_sentence(row, unit_singular, unit_plural)}"
                  for _, row in items[axes == axis].iterrows()]
    return "\n".join(lines)


def cooperation_paragraph(means: pd.DataFrame, levels: pd.DataFrame, *, expected_file: str | None = None) -> str:
    """Cooperation levels by partner (``indicators.cooperation_means`` and ``cooperation_levels``)."""
    if (absent := _absent(means, "les degrés de coopération", expected_file)) is not None:
        return absent
    ranked = means.sort_values("niveau_moyen", ascending=False, kind="stable")
    high, low = ranked.iloc[0], ranked.iloc[-1]

    def mean(row: pd.Series) -> str:
        return f"du partenaire {guillemets(row['partenaire'])} ({nombre(row['niveau_moyen'], 2)} sur 5)"

    text = f"Le niveau moyen de coopération le plus élevé est celui {mean(high)}"
    text += f", le plus bas celui {mean(low)}." if len(ranked) > 1 else "."
    by_share = ranked.sort_values("part_niveaux_4_5", ascending=False, kind="stable")
    text += (" Part des niveaux 4 et 5 (connexion dynamique et cohésion dynamique) : " + liste_fr(
        f"{pourcent(row['part_niveaux_4_5'])} pour {guillemets(row['partenaire'])}" for _, row in by_share.iterrows())
        + f". {MEAN_LEVEL_CAVEAT}")
    printed_n = (levels.attrs.get("n_publie") or []) if levels is not None else []
    plausible = (levels.attrs.get("n_plausibles") or []) if levels is not None else []
    if printed_n and not set(printed_n) <= set(plausible):
        stated = liste_fr(nombre(n) for n in printed_n)
        text += f" Le rapport indique {stated} {_verb(max(printed_n), 'répondant', 'répondants')} ; "
        text += (f"les effectifs compatibles avec tous les pourcentages publiés (jusqu'à 100) sont "
                 f"{liste_fr(nombre(n) for n in plausible)}." if plausible
                 else "aucun effectif jusqu'à 100 ne donne tous les pourcentages publiés.")
    return text


# ---------------------------------------------------------------------------
# Santé


def _change(start: float, end: float) -> str:
    if start > 0 and end >= start:
        return f"soit une multiplication par {nombre(end / start, 1)}"
    return f"soit {variation(100 * (end - start) / start)}" if start > 0 else ""


def health_paragraph(actions: pd.DataFrame, publics: pd.DataFrame | None = None, *,
                     expected_file: str | None = None) -> str:
    """Health actions and amounts over time (``indicators.health_actions``) and their publics."""
    if (actions is None or actions.empty) and (publics is None or publics.empty):
        return _absent(None, "les actions de santé", expected_file)
    sentences = []
    series = (("actions", "Le nombre d'actions de santé financées", lambda v: pluriel(v, "action")),
              ("montant", "Le montant des actions de santé", euros))
    for column, noun, render in series:
        known = actions.dropna(subset=[column]) if actions is not None and column in actions else pd.DataFrame()
        if len(known) >= 2:
            first, last = known.iloc[0], known.iloc[-1]
            change = _change(float(first[column]), float(last[column]))
            sentences.append(f"{noun} passe de {render(first[column])} en {_year(first['annee'])} à "
                             f"{render(last[column])} en {_year(last['annee'])}" + (f", {change}." if change else "."))
        elif len(known) == 1:
            sentences.append(f"{noun} est de {render(known.iloc[0][column])} en {_year(known.iloc[0]['annee'])}.")
    if publics is not None and not publics.empty:
        shares = liste_fr(f"{row['public']} ({_pct(row['part'])})" for _, row in publics.iterrows())
        # Only some publics are printed: their shares need not add up to 100 %.
        sentences.append(f"Parts des actions par public : {shares}."
                         + _sum_note(publics["part"].sum(), "Ces parts", complete=False))
    return " ".join(sentences)


# ---------------------------------------------------------------------------
# Statements and findings


def _attribution(row: pd.Series) -> str:
    actor = _text(row["acteur"])
    actor = ACTEURS.get(actor, actor.replace("_", " "))
    source = _text(row["source"])
    return f"{actor} ({source})" if source else actor


def statements_list(statements: pd.DataFrame, limit: int | None = None, *,
                    expected_file: str | None = None) -> str:
    """Statements (``indicators.statements``) quoted verbatim, sub-points nested under their parent.

    ``limit`` counts top-level statements; their sub-points always follow them.
    """
    if (absent := _absent(statements, "les constats et propositions", expected_file)) is not None:
        return absent
    ids = set(statements["id"])
    children: dict[str, list[pd.Series]] = {}
    roots = []
    for _, row in statements.iterrows():
        parent = _text(row["rattache_a"])
        if parent in ids and parent != row["id"]:
            children.setdefault(parent, []).append(row)
        else:
            roots.append(row)
    lines: list[str] = []
    seen: set[str] = set()

    def write(row: pd.Series, depth: int, parent: pd.Series | None) -> None:
        if row["id"] in seen:  # a cycle of « rattache_a » must not loop forever
            return
        seen.add(row["id"])
        attribution = _attribution(row)
        suffix = "" if parent is not None and _attribution(parent) == attribution else f" — {attribution}"
        lines.append(f"{INDENT * depth}- {guillemets(_text(row['texte']))}{suffix}")
        for child in children.get(row["id"], []):
            write(child, depth + 1, row)

    shown = roots if limit is None else roots[:limit]
    for row in shown:
        write(row, 0, None)
    if len(seen) < len(statements):
        left = len(statements) - len(seen)
        lines.append(f"- … et {pluriel(left, 'autre énoncé', 'autres énoncés')}.")
    return "\n".join(lines)


def findings_list(findings: Iterable[Finding]) -> str:
    """Inconsistencies of the published figures (``checks.run_checks``) as Markdown bullets."""
    lines = []
    for finding in findings:
        values = [f"{label} : {value}" for label, value in
                  (("publié", finding.publie), ("recalculé", finding.calcule)) if value is not None]
        where = f"{finding.source}, {finding.section}" if finding.section else finding.source
        lines.append(f"- **{finding.categorie}** : {finding.message}"
                     + (f" ({' ; '.join(values)})" if values else "") + f" — source : {where}")
    return "\n".join(lines) if lines else "Aucune incohérence n'a été relevée dans les chiffres publiés."


# ---------------------------------------------------------------------------
# Contexte


def _value(value: float, unit: str) -> str:
    if unit == "%":
        return _pct(value)
    if unit in ("€", "euros"):
        return euros(value)
    shown = nombre(value, 0 if float(value).is_integer() else 1)
    return shown if unit in ("nombre", "indice", "") else f"{shown} {unit}"


def qpv_gaps_paragraph(gaps: pd.DataFrame, top: int = 3, *, expected_file: str | None = None) -> str:
    """Largest gaps between the QPV and their reference (``indicators.qpv_gaps``)."""
    if (absent := _absent(gaps, "les indicateurs de contexte", expected_file)) is not None:
        return absent

    def compared(row: pd.Series) -> str:
        where = DANS.get(row["perimetre_reference"], f"pour « {row['perimetre_reference']} »")
        return (f"{row['indicateur']} ({row['annee']}) : {_value(row['qpv'], row['unite'])} dans les QPV contre "
                f"{_value(row['reference'], row['unite'])} {where}")

    rates = gaps[gaps["unite"] == "%"]
    # A ratio of 1 (the same figure on both sides) is no gap.
    others = gaps[(gaps["unite"] != "%") & gaps["ratio"].map(lambda r: not _none(r) and r > 0 and r != 1)]
    sentences = []
    if not rates.empty:
        ranked = rates.loc[rates["ecart"].abs().sort_values(ascending=False, kind="stable").index[:top]]
        points = " ; ".join(f"{compared(row)}, soit {ecart_points(row['ecart'])}" for _, row in ranked.iterrows())
        largest = _verb(len(ranked), "Le plus grand écart", "Les plus grands écarts")
        sentences.append(f"{largest} en points : {points}.")
    if not others.empty:
        distance = others["ratio"].map(lambda r: abs(math.log(r)))
        ranked = others.loc[distance.sort_values(ascending=False, kind="stable").index[:top]]
        ratios = " ; ".join(f"{compared(row)}, soit un rapport de {nombre(row['ratio'], 2)}"
                            for _, row in ranked.iterrows())
        sentences.append(f"{_verb(len(ranked), 'Autre indicateur', 'Autres indicateurs')}, "
                         f"en rapport QPV / référence : {ratios}.")
    return " ".join(sentences)


_FIGURE_FORMATS = {"euros": euros, "pourcent": pourcent, "nombre": nombre}


def key_figures_paragraph(figures: pd.DataFrame, territory_name: str, year: int | str) -> str:
    """Opening sentence of a report: the year's programmation, projects and leading pillar."""
    if figures is None or figures.empty:
        return ""
    values = dict(zip(figures["indicateur"], figures["valeur"]))
    parts = []
    total = values.get("Programmation (coût total des actions)")
    if total is not None:
        parts.append(f"la programmation du Contrat de Ville représente {euros(total)}")
    filed, supported = values.get("Projets déposés"), values.get("Projets soutenus")
    if filed is not None and supported is not None:
        parts.append(f"{pluriel(supported, 'projet')} {_verb(supported, 'a été soutenu', 'ont été soutenus')} "
                     f"sur {nombre(filed)} déposés")
    leading = next((k for k in values if k.startswith("Part du pilier")), None)
    if leading:
        pillar = leading.removeprefix("Part du pilier ").strip()
        parts.append(f"le pilier {pillar} en reçoit {pourcent(values[leading])}")
    if not parts:
        return ""
    return f"En {_year(year)}, pour la {territory_name}, " + liste_fr(parts) + "."


def provenance_paragraph(version: str, fingerprint: str, territory: str, year: int | str) -> str:
    """Provenance block of the « Sources et méthode » section."""
    return (
        f"**Provenance.** Rapport produit par cdv-analysis {version} à partir des données du territoire "
        f"« {territory} » (empreinte des données : `{fingerprint[:16]}`), pour l'année {_year(year)}. "
        "Les tables d'indicateurs derrière chaque graphique sont écrites dans "
        f"`data/processed/{territory}/{_year(year)}/`."
    )


def comparison_paragraph(comparison: pd.DataFrame, skipped: dict[str, str] | None = None) -> str:
    """What the comparison covers, the largest programmation per QPV inhabitant, and what was left out."""
    if comparison is None or comparison.empty:
        return "Aucun territoire valide n'est disponible pour la comparaison."
    territories = comparison["sigle"].drop_duplicates().tolist()
    text = (f"La comparaison porte sur {pluriel(len(territories), 'territoire')} ({liste_fr(territories)}) et "
            f"{pluriel(len(comparison), 'rapport')}.")
    per_head = comparison.dropna(subset=["programmation_par_habitant_qpv"])
    if len(per_head) >= 2:
        top = per_head.loc[per_head["programmation_par_habitant_qpv"].idxmax()]
        low = per_head.loc[per_head["programmation_par_habitant_qpv"].idxmin()]
        text += (f" Rapportée à la population des quartiers prioritaires, la programmation va de "
                 f"{euros(low['programmation_par_habitant_qpv'])} par habitant ({low['sigle']}, {low['annee']}) à "
                 f"{euros(top['programmation_par_habitant_qpv'])} ({top['sigle']}, {top['annee']}).")
    text += (" Les montants ne recouvrent pas toujours le même périmètre d'un rapport à l'autre : "
             "ils sont repris tels que chaque collectivité les publie.")
    if skipped:
        text += " Territoires écartés faute de données valides : " + liste_fr(
            [f"{tid} ({reason})" for tid, reason in skipped.items()]) + "."
    return text


def qpv_profiles_paragraph(profiles: pd.DataFrame) -> str:
    """Range of each key INSEE indicator across the territory's QPV, with INSEE's caveats."""
    from .indicators import INSEE_CAVEATS

    if profiles is None or profiles.empty:
        return ""
    labels = profiles.attrs.get("libelles", {})
    units = profiles.attrs.get("unites", {})
    sentences = []
    for column, label in labels.items():
        values = profiles[["qpv", column]].dropna()
        if values.empty:
            continue
        fmt = pourcent if units.get(column) == "%" else (lambda v: nombre(v, 1))
        low, high = values.loc[values[column].idxmin()], values.loc[values[column].idxmax()]
        if len(values) == 1:
            sentences.append(f"{_cap(label)} : {fmt(high[column])} ({high['qpv']}).")
        else:
            sentences.append(f"{_cap(label)} : de {fmt(low[column])} ({low['qpv']}) à {fmt(high[column])} "
                             f"({high['qpv']}).")
    secret = int(profiles[list(labels)].isna().sum().sum())
    head = (f"Millésime {profiles.attrs.get('millesime', '')} des indicateurs de l'INSEE, pour "
            f"{pluriel(len(profiles), 'quartier prioritaire', 'quartiers prioritaires')}.")
    if secret:
        head += f" {pluriel(secret, 'valeur est couverte', 'valeurs sont couvertes')} par le secret statistique."
    return head + "\n\n" + "\n".join(f"- {s}" for s in sentences) + f"\n\n{INSEE_CAVEATS}"


def subsidies_paragraph(by_theme: pd.DataFrame, porteurs: pd.DataFrame) -> str:
    """ANCT subsidies of the year: total, actions, leading themes and porteurs."""
    if by_theme is None or by_theme.empty:
        return ""
    total, actions = by_theme.attrs.get("total", by_theme["montant"].sum()), by_theme.attrs.get("actions")
    text = f"Les subventions de l'ANCT engagées pour ce contrat s'élèvent à {euros(total)}"
    if actions:
        text += f" pour {pluriel(actions, 'action')}"
    leaders = by_theme.head(3)
    text += (". Les thèmes les mieux dotés sont " + liste_fr(
        [f"{guillemets(r.libelle)} ({euros(r.montant)}, soit {pourcent(r.part)})" for r in leaders.itertuples()]) + ".")
    if porteurs is not None and not porteurs.empty:
        count = porteurs.attrs.get("porteurs", len(porteurs))
        first = porteurs.iloc[0]
        text += (f" {_cap(pluriel(count, 'porteur'))} en {_verb(count, 'bénéficie', 'bénéficient')} ; le premier, "
                 f"{first['porteur']}, reçoit {euros(first['montant'])} ({pourcent(first['part'])}).")
    return text
