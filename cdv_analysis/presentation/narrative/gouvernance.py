"""Paragraphs of the governance section: questionnaires and cooperation."""

from __future__ import annotations

import pandas as pd

from ...rules.clean import ParseError, parse_figure
from ...rules.clean import cell_text as _text
from ...rules.formatting import (
    liste_fr,
    nombre,
    pluriel,
    pourcent,
)
from ...ingest.ids import slug
from ...analysis.indicators import MEAN_LEVEL_CAVEAT
from ...analysis.indicators._common import Indicator, unpack
from ...rules.harmonise import COOPERATION_LEVELS
from ...rules.stats import compatible_counts, decimals_of
from ._base import guillemets, md, INDENT, _cap, _empty, _de, _none, _verb


def _units(audience: str) -> tuple[str, str]:
    """Singular and plural of a survey audience named in the plural (« conseils_citoyens »)."""
    plural = audience.replace("_", " ")
    singular = " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in plural.split())
    return singular, plural


def survey_units(audience: str) -> tuple[str, str]:
    """Singular and plural naming the respondents of a questionnaire (« commune », « communes »)."""
    return _units(str(audience))


def survey_table_name(audience: str, volet: str = "") -> str:
    """The name of a questionnaire's table on the page and in ``donnees/`` (``questionnaire_habitants_sante``)."""
    return "_".join(part for part in ("questionnaire", slug(str(audience)).replace("-", "_") or "sans_nom", volet)
                    if part)


def response_paragraph(rates: pd.DataFrame) -> str:
    """Questionnaires sent and answered (``indicators.response_rates``)."""
    if _empty(rates):
        return ""
    clauses, notes = [], []
    for i, row in enumerate(rates.itertuples()):
        singular, plural = (md(unit) for unit in _units(row.enquete))
        rate = pourcent(row.taux, None)  # formatting.decimales: « 30 % », « 66,7 % »
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


def as_printed(printed: str, qualifier_word: object = "") -> str:
    """A printed percentage shown as printed (« 57 % » stays « 57 % »), with its qualifier (« plus de 60 % »)."""
    try:
        figure = parse_figure(printed, "%")
    except ParseError:
        return guillemets(printed)
    if any(c in printed for c in "¾½¼/"):
        return guillemets(printed)
    word = _text(qualifier_word) or (figure.qualificatif or "")
    return (f"{word} " if word else "") + pourcent(figure.valeur, decimals_of(printed))


def survey_item_sentence(item_row: pd.Series, unit_singular: str, unit_plural: str) -> str:
    """One questionnaire item: the printed percentage as printed, and what is known of its respondents.

    A count is written only when it is printed, or when the question's own n is printed; when only the
    questionnaire's respondents are known, they are an upper bound (« au plus 21 associations ») and
    the numbers of respondents that give the printed values are named when they are few.
    """
    modality = _text(item_row.get("modalite"))
    # The question is often a short rewording of the questionnaire (data/README.md): not between « ».
    lead = f"{md(_cap(_text(item_row['question'])))}"
    lead += f", réponse {guillemets(modality)} : " if modality else " : "
    n, count, printed = item_row.get("n"), item_row.get("effectif"), _text(item_row.get("pourcentage_publie"))
    n = None if _none(n) else n
    shown = as_printed(printed, item_row.get("qualificatif_mot"))
    if bool(item_row.get("n_borne")) and n:
        text = f"{shown}, sur au plus {pluriel(n, unit_singular, unit_plural)} ayant répondu au questionnaire"
        compatible = [c for c in _text(item_row.get("n_compatibles")).split(", ") if c]
        possible = item_row.get("possible")
        if not _none(possible) and not possible:
            text += (f" ; aucun nombre {_de(unit_plural)} de 1 à {nombre(n)} ne donne ce pourcentage "
                     "(nombre de répondants à la question non publié)")
        elif 0 < len(compatible) <= 3 and item_row.get("qualificatif") == "exact":
            text += (" (nombre de répondants à la question non publié ; effectifs compatibles avec les "
                     f"pourcentages imprimés : {', '.join(compatible)})")
        else:
            text += " (nombre de répondants à la question non publié)"
        return lead + text + "."
    if not _none(n) and not _none(count) and int(n) > 0:
        # Counted in an imported questionnaire's raw answers: nothing printed, the share is computed.
        share = f"soit {pourcent(100 * count / n)}" if not printed else f"{shown} imprimés"
        text = f"{pluriel(count, unit_singular, unit_plural)} sur {nombre(n)}" + (
            f", {share}" if not printed else f" ({share})")
        if not _none(item_row.get("ic_bas")):
            text += (f", intervalle de confiance à 95 % : {pourcent(item_row['ic_bas'])} à "
                     f"{pourcent(item_row['ic_haut'])}")
        return lead + text + "."
    if not _none(count):
        return lead + f"{pluriel(count, unit_singular, unit_plural)} (nombre de répondants non publié)."
    possible = item_row.get("possible")
    if not _none(possible) and not possible:
        return (lead + f"{shown} est imprimé, ce qu'aucun nombre entier {_de(unit_plural)} sur {nombre(n)} "
                "ne peut donner.")
    if _none(n):
        return lead + f"{shown} (nombre de répondants non publié)."
    return lead + f"{shown} sur {pluriel(n, unit_singular, unit_plural)} ayant répondu."


def survey_paragraph(items: pd.DataFrame, unit_singular: str, unit_plural: str) -> str:
    """Questionnaire items (``indicators.survey_items``) as a Markdown list grouped by axis."""
    if _empty(items):
        return ""
    axes = items["axe"].map(_text)
    lines = [f"- {survey_item_sentence(row, unit_singular, unit_plural)}" for _, row in items[axes == ""].iterrows()]
    # Items without an axis come first so that none is read as part of the axis above it.
    for axis in dict.fromkeys(axes[axes != ""]):
        lines.append(f"- **{md(axis)}**")
        lines += [f"{INDENT}- {survey_item_sentence(row, unit_singular, unit_plural)}"
                  for _, row in items[axes == axis].iterrows()]
    return "\n".join(lines)


def cooperation_paragraph(means: pd.DataFrame, levels: Indicator | pd.DataFrame | None) -> str:
    """Cooperation levels by partner (``indicators.cooperation_means`` and ``cooperation_levels``)."""
    _, levels = unpack(levels)
    if _empty(means):
        return ""
    ranked = means.sort_values("niveau_moyen", ascending=False, kind="stable")
    high, low = ranked.iloc[0], ranked.iloc[-1]

    def mean(row: pd.Series) -> str:
        return f"du partenaire {guillemets(row['partenaire'])} ({nombre(row['niveau_moyen'], 2)} sur 5)"

    text = f"Le niveau moyen de coopération le plus élevé est celui {mean(high)}"
    text += f", le plus bas celui {mean(low)}." if len(ranked) > 1 else "."
    by_share = ranked.sort_values("part_niveaux_4_5", ascending=False, kind="stable")
    text += (f" Part des niveaux 4 et 5 ({COOPERATION_LEVELS[4]} et {COOPERATION_LEVELS[5]}) : " + liste_fr(
        f"{pourcent(row['part_niveaux_4_5'])} pour {guillemets(row['partenaire'])}" for _, row in by_share.iterrows())
        + f". {MEAN_LEVEL_CAVEAT}")
    printed_n, plausible = levels.get("n_publie") or [], levels.get("n_plausibles") or []
    if printed_n and not set(printed_n) <= set(plausible):
        stated = liste_fr(nombre(n) for n in printed_n)
        text += f" Le rapport indique {stated} {_verb(max(printed_n), 'répondant', 'répondants')} ; "
        text += (f"les effectifs compatibles avec tous les pourcentages publiés (jusqu'à 100) sont "
                 f"{liste_fr(nombre(n) for n in plausible)}." if plausible
                 else "aucun effectif jusqu'à 100 ne donne tous les pourcentages publiés.")
    return text
