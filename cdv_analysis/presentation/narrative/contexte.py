"""Paragraphs of the context, synthesis, sources and comparison sections, and of open data."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from ...rules.formatting import (
    chiffre,
    ecart_points,
    euros,
    guillemets,
    liste_fr,
    nombre,
    pluriel,
    pourcent,
)
from ...analysis.indicators._common import Indicator, unpack
from ...analysis.indicators.synthese import per_head_shown
from ...rules.clean import cell_text as _text
from ...rules.markup import escape_html, escape_markdown, scroll_box
from ._base import DANS, _de, _empty, _cap, _none, _pct, _verb, _year


def _value(value: float, unit: str) -> str:
    if unit == "%":
        return _pct(value)
    if unit in ("€", "euros"):
        return euros(value)
    shown = chiffre(value)
    return shown if unit in ("nombre", "indice", "") else f"{shown} {unit}"


def qpv_gaps_paragraph(gaps: pd.DataFrame, top: int = 3) -> str:
    """Largest gaps between the QPV and their reference (``indicators.qpv_gaps``)."""
    if _empty(gaps):
        return ""

    def compared(row: pd.Series) -> str:
        where = DANS.get(row["perimetre_reference"], f"pour « {row['perimetre_reference']} »")
        qpv, reference = (f"{word} {_value(value, row['unite'])}".strip() for word, value in (
            (row.get("mot_qpv") or "", row["qpv"]), (row.get("mot_reference") or "", row["reference"])))
        return f"{row['indicateur']} ({row['annee']}) : {qpv} dans les QPV contre {reference} {where}"

    comparable = gaps["comparable"].astype(bool) if "comparable" in gaps else pd.Series(True, index=gaps.index)
    bounds = gaps[~comparable]
    gaps = gaps[comparable]
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
    if not bounds.empty:
        sentences.append("Sans écart calculé, les valeurs imprimées étant approchées ou des bornes : "
                         + " ; ".join(compared(row) for _, row in bounds.iterrows()) + ".")
    return " ".join(sentences)




def key_figures_paragraph(figures: pd.DataFrame, territory_name: str, year: int | str) -> str:
    """Opening sentence of a report: the year's headline amount (with what it covers and its qualifier),
    projects and leading pillar, each figure looked up by its key (``indicators.key_figures``)."""
    if figures is None or figures.empty:
        return ""
    if "cle" not in figures.columns:  # a bare (label, value) table: nothing to address by key
        return ""
    rows = {row["cle"]: row for _, row in figures.iterrows()}

    def shown(key: str) -> str:
        row = rows[key]
        # Built by ``key_figures`` from numbers and the qualifier vocabulary: no data text to escape.
        return row["valeur_affichee"] if isinstance(row.get("valeur_affichee"), str) else euros(row["valeur"])

    parts = []
    if "programmation" in rows:
        parts.append(f"la programmation du contrat de ville représente {shown('programmation')}")
    elif "financements_politique_ville" in rows:
        parts.append("le total des financements de la politique de la ville, tous dispositifs et financeurs "
                     f"confondus, représente {shown('financements_politique_ville')}")
    if "projets_deposes" in rows and "projets_soutenus" in rows:
        supported, base = rows["projets_soutenus"]["valeur"], _text(rows["projets_soutenus"].get("base"))
        parts.append(f"{pluriel(supported, 'projet')} {_verb(supported, 'a été soutenu', 'ont été soutenus')}"
                     + (f" ({escape_markdown(base)})" if base else "")
                     + f" sur {nombre(rows['projets_deposes']['valeur'])} déposés")
    if "part_pilier_principal" in rows:
        row = rows["part_pilier_principal"]
        pillar = guillemets(escape_markdown(row["libelle_pilier"]))
        # A share of another total than the headline one says what it is a share of (``base_montant``).
        parts.append(f"le pilier {pillar} en reçoit {shown('part_pilier_principal')}" if _none(row.get("base_montant"))
                     else f"le pilier {pillar} reçoit {shown('part_pilier_principal')} des "
                     f"{euros(row['base_montant'])} répartis par pilier")
    if not parts:
        return ""
    from ..portrait import with_preposition

    # The name comes from territoire.yml: untrusted text, escaped like any data.
    return f"En {_year(year)}, {escape_markdown(with_preposition(territory_name, 'pour'))}, " + liste_fr(parts) + "."


def provenance_paragraph(version: str, fingerprint: str, territory: str, year: int | str,
                         lock: str | None = None, drift: Sequence[tuple[str, str, str]] | None = None) -> str:
    """The reproducibility stamp of the « Sources et méthode » section, worded for a reader: software version,
    data fingerprint, the territory (its name) and year, the locked library versions (``lock``: hash of
    ``requirements.lock``), and the installed versions that differ from them (``drift``: (package, installed,
    locked); None: those of this process, ``config.environment_drift``). Paths and build parameters stay in the
    executed notebook and the build log."""
    if drift is None:
        from ...config import environment_drift

        drift = environment_drift()
    if lock and drift:
        shown = [f"{escape_markdown(name)} {escape_markdown(here)} au lieu de {escape_markdown(locked)}"
                 for name, here, locked in drift[:5]]
        if len(drift) > 5:
            shown.append(pluriel(len(drift) - 5, "autre"))
        environment = (f"Les versions des bibliothèques logicielles installées ne sont pas toutes celles que fixe "
                       f"le fichier `requirements.lock` du projet (empreinte `{lock[:16]}`) : {liste_fr(shown)}. ")
    elif lock:
        environment = (f"Les versions exactes des bibliothèques logicielles sont fixées par le fichier "
                       f"`requirements.lock` du projet (empreinte `{lock[:16]}`). ")
    else:
        environment = ("Les versions des bibliothèques logicielles sont non verrouillées (logiciel installé hors du "
                       "projet, sans son fichier `requirements.lock`). ")
    return (
        f"**Reproductibilité.** Ce rapport sur {escape_markdown(territory)} pour l'année {_year(year)} a été produit "
        f"automatiquement par le logiciel libre cdv-analysis, version {escape_markdown(version)}, à partir des "
        f"chiffres et énoncés relevés dans les documents listés ci-dessus (empreinte des données : "
        f"`{fingerprint[:16]}`). " + environment +
        "Les mêmes données, traitées par la même version, redonnent la même page ; sous chaque tableau et "
        "graphique, le lien « Télécharger les données » (fichier CSV) donne les chiffres qu'il montre."
    )


def _per_head(row: pd.Series) -> str:
    """An amount per QPV inhabitant of ``comparison_table``, « environ » when computed from approximate figures."""
    return per_head_shown(row["programmation_par_habitant_qpv"], row.get("qualificatif_par_habitant"))


def comparison_paragraph(comparison: pd.DataFrame, skipped: dict[str, str] | None = None) -> str:
    """What the comparison covers, the largest programmation per QPV inhabitant, and what was left out."""
    if comparison is None or comparison.empty:
        return "Aucun territoire valide n'est disponible pour la comparaison."
    territories = [escape_markdown(sigle) for sigle in comparison["sigle"].drop_duplicates()]
    text = (f"La comparaison porte sur {pluriel(len(territories), 'territoire')} ({liste_fr(territories)}) et "
            f"{pluriel(len(comparison), 'rapport')}.")
    per_head = comparison.dropna(subset=["programmation_par_habitant_qpv"])
    if len(per_head) >= 2:
        top = per_head.loc[per_head["programmation_par_habitant_qpv"].idxmax()]
        low = per_head.loc[per_head["programmation_par_habitant_qpv"].idxmin()]
        # Issue 16: a total of all schemes (CALL) is not a programmation; the sentence says when both are compared.
        champs = set(per_head["champ_programmation"].dropna()) - {"programmation_contrat"} \
            if "champ_programmation" in per_head else set()
        amount = ("le montant publié (programmation du contrat de ville, ou total des financements de la politique "
                  "de la ville tous dispositifs quand le rapport ne publie que celui-ci)") if champs else "la programmation"
        text += (f" Par habitant des quartiers prioritaires de l'année, {amount} va "
                 f"{_de(_per_head(low))} ({escape_markdown(low['sigle'])}, {low['annee']}) à {_per_head(top)} "
                 f"({escape_markdown(top['sigle'])}, {top['annee']}).")
    text += (" Les montants ne recouvrent pas toujours le même périmètre d'un rapport à l'autre : "
             "ils sont repris tels que chaque collectivité les publie.")
    if skipped:
        text += " Territoires écartés faute de données valides : " + liste_fr(
            [f"{escape_markdown(tid)} ({escape_markdown(reason)})" for tid, reason in skipped.items()]) + "."
    return text


def subsidies_paragraph(by_theme: Indicator | pd.DataFrame, porteurs: Indicator | pd.DataFrame) -> str:
    """ANCT subsidies of the year (``ind.actions_by``, ``ind.largest_porteurs``): total, actions, leading themes
    and porteurs."""
    by_theme, themes = unpack(by_theme)
    porteurs, holders = unpack(porteurs)
    if by_theme is None or by_theme.empty:
        return ""
    total, actions = themes.context.get("total", by_theme["montant"].sum()), themes.context.get("actions")
    text = f"Les subventions de l'ANCT engagées pour ce contrat s'élèvent à {euros(total)}"
    if actions:
        text += f" pour {pluriel(actions, 'action')}"
    leaders = by_theme.head(3)
    text += (". Les thèmes les mieux dotés sont " + liste_fr(
        [f"{guillemets(escape_markdown(r.libelle))} ({euros(r.montant)}, soit {pourcent(r.part)})"
         for r in leaders.itertuples()]) + ".")
    if porteurs is not None and not porteurs.empty:
        count = holders.context.get("porteurs", len(porteurs))
        first = porteurs.iloc[0]
        text += (f" {_cap(pluriel(count, 'porteur'))} en {_verb(count, 'bénéficie', 'bénéficient')} ; le premier, "
                 f"{escape_markdown(first['porteur'])}, reçoit {euros(first['montant'])} ({pourcent(first['part'])}).")
    return text


# ---------------------------------------------------------------------------
# Portraits: every INSEE indicator, honest vintages, the per-QPV table


def insee_vintage_paragraph(vintages: dict, qpv_count: int) -> str:
    """The geography and the years of the INSEE indicators, with a caveat when they are mixed."""
    if not vintages or not vintages.get("years"):
        return ""
    geographies = vintages.get("geographies") or []
    geography = (f"géographie des quartiers prioritaires de {liste_fr(geographies)}" if geographies
                 else "géographie des quartiers prioritaires non précisée par les codes")
    years = vintages["years"]
    text = (f"**Millésimes.** {_cap(pluriel(qpv_count, 'quartier prioritaire', 'quartiers prioritaires'))}, "
            f"{geography}. ")
    if not vintages.get("mixed"):
        return text + f"Tous les indicateurs sont du millésime {years[0]}."
    themes = " ; ".join(f"{theme} : {liste_fr(ys)}" for theme, ys in vintages["by_theme"].items())
    text += (f"Indicateurs de millésimes différents ({liste_fr(years)}) — {themes}. "
             "**Précaution :** ce fichier mélange des millésimes ; deux indicateurs d'années différentes ne se "
             "comparent pas directement, et chaque valeur est présentée avec son année.")
    if len(geographies) > 1:
        text += " Les quartiers de 2015 et de 2024 n'ont pas les mêmes contours."
    return text


def theme_summary_paragraph(summary: Indicator | pd.DataFrame) -> str:
    """One line per indicator of a theme (``ind.theme_summary``): range across the QPV (or the single value), year."""
    summary, _ = unpack(summary)
    if summary is None or summary.empty:
        return ""
    lines = []
    for row in summary.itertuples():
        label = escape_markdown(_cap(row.indicateur))
        where = " (valeur de la commune englobante)" if row.niveau != "quartier" else ""
        if row.qpv == 1 or row.minimum == row.maximum:
            lines.append(f"- {label}{where} ({row.annee}) : {_value(row.maximum, row.unite)}.")
        else:
            total = f" ; {_value(row.total, row.unite)} au total" if not _none(row.total) else ""
            lines.append(f"- {label}{where} ({row.annee}) : de {_value(row.minimum, row.unite)} à "
                         f"{_value(row.maximum, row.unite)}, médiane {_value(row.mediane, row.unite)} "
                         f"({pluriel(row.qpv, 'quartier')}){total}.")
        if row.references:
            lines[-1] = lines[-1][:-1] + " ; référence : " + ", ".join(
                f"{escape_markdown(name)} {_value(value, row.unite)}" for name, value in row.references.items()) + "."
    return "\n".join(lines)


def _cell(value: object, unit: str) -> str:
    """A table cell: the unit is in the column header."""
    if _none(value):
        return "secret"
    value = float(value)
    return chiffre(value, unit)


def qpv_table_html(table: Indicator, caption: str | None = None) -> str:
    """The per-QPV table (``ind.qpv_table``), population first, in a scrollable container.

    Static HTML: the header says which column orders the rows (« ▼ », ``aria-sort``); no other column
    pretends to be sortable (the page has no script: a « ↕ » on a phone invited a tap that did nothing).
    """
    table, result = unpack(table)
    if table is None or table.empty:
        return ""
    labels = {c: info.label for c, info in result.column_info.items()}
    units = {c: info.unit for c, info in result.column_info.items()}
    years = {c: info.year for c, info in result.column_info.items()}
    caption = caption or f"Indicateurs par quartier ({pluriel(len(table), 'quartier')}), population d'abord"
    columns = list(labels)
    ordered = columns[0] if columns and columns[0].startswith("pop_mun") else None

    def head(label: str, column: str | None) -> str:
        if not (column and column == ordered):
            return f'<th scope="col">{escape_html(label)}</th>'
        return f'<th scope="col" aria-sort="descending">{escape_html(label)} <span aria-hidden="true">▼</span></th>'

    header = head("Quartier", None) + head("Code", None) + "".join(
        head(f"{_cap(labels[c])} ({years[c]}, {units[c]})", c) for c in columns)
    rows = []
    for _, row in table.iterrows():
        cells = "".join(f'<td class="num">{escape_html(_cell(row[c], units[c]))}</td>' for c in columns)
        rows.append(f'<tr><th scope="row">{escape_html(row["nom"])}</th><td>{escape_html(row["code_qp"])}</td>'
                    f"{cells}</tr>")
    # The inline overflow keeps the page itself from scrolling sideways whatever the stylesheet says.
    return scroll_box(f'<table class="cdv-table cdv-table-qpv"><caption>{escape_html(caption)}</caption>'
                      f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>", caption)


def portrait_intro(name: str, sources: list[str], missing_files: list[str]) -> str:
    """The one box of a portrait saying what it is, where it comes from and what it does not cover."""
    from pathlib import PurePosixPath

    from ..portrait import with_preposition

    text = (f"Ce document est un **portrait {escape_markdown(with_preposition(name))}** construit uniquement à partir "
            f"de données ouvertes ({escape_markdown(liste_fr(sources))}) : ce n'est pas un rapport d'évaluation.")
    if missing_files:
        folder = PurePosixPath(missing_files[0]).parent
        files = liste_fr([f"`{PurePosixPath(f).name}`" for f in missing_files])
        text += (" Aucune donnée d'évaluation (programmation par pilier, gouvernance, santé, participation des "
                 f"habitants) n'est disponible pour ce territoire : elle serait lue dans {files} "
                 f"(dossier `{folder}/`).")
    return text


def health_subsidies_paragraph(health: Indicator | pd.DataFrame) -> str:
    """Subsidised health actions (``ind.health_actions_anct``): count, amount, share, largest."""
    health, result = unpack(health)
    if health is None or health.empty:
        return ""
    amount, total = float(health["montant"].sum()), result.context.get("total") or float("nan")
    share = f", soit {_pct(round(100 * amount / total, 1))} des montants engagés" if total and not _none(total) else ""
    first = health.iloc[0]
    return (f"{_cap(pluriel(len(health), 'action'))} {_verb(len(health), 'relève', 'relèvent')} de la santé "
            f"(thème ou sous-thème) pour {euros(amount)}{share}. La plus dotée : "
            f"{guillemets(escape_markdown(first['intitule']))} ({escape_markdown(first['porteur'])}, "
            f"{euros(first['montant'])}).")


def contract_paragraph(meta: dict, annee: int | str, report_years=()) -> str:
    """The contract a report belongs to (``contrats.contract_of_year``): its generation, years, QPV and priorities,
    and, when the territory's reports span both generations, that the priority geography changed in 2024."""
    from ...ingest.contrats import contract_of_year, geography_change

    contract = contract_of_year(meta, annee)
    if contract is None:
        return ""
    generation = "2024 (décret n° 2023-1314, codes « QN… »)" if contract.generation == "2024" \
        else "2015 (codes « QP… »)"
    text = (f"Le rapport {_year(annee)} porte sur le {escape_markdown(contract.label)} "
            f"({contract.first_year}–{contract.last_year}), en vigueur cette année-là")
    if contract.qpv:
        names = liste_fr(escape_markdown(str(q.get("nom", ""))) for q in contract.qpv if q.get("nom"))
        text += f" : {pluriel(len(contract.qpv), 'quartier prioritaire', 'quartiers prioritaires')} de la géographie " \
                f"{generation}" + (f" ({names})" if names else "")
    text += "."
    if contract.priorities:
        text += " Ses priorités : " + " ; ".join(escape_markdown(p) for p in contract.priorities) + "."
    note = geography_change([*report_years, annee])
    if note:
        text += " " + note
    return text


def geography_note(years) -> str:
    """« **Géographie prioritaire.** … » when ``years`` span the 2015 and 2024 geographies, else ""."""
    from ...ingest.contrats import geography_change

    note = geography_change(years)
    return f"**Géographie prioritaire.** {note}" if note else ""
