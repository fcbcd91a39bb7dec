"""Paragraphs of the context, synthesis, sources and comparison sections, and of open data."""

from __future__ import annotations

import math

import pandas as pd

from ..formatting import (
    ecart_points,
    euros,
    guillemets,
    liste_fr,
    nombre,
    pluriel,
    pourcent,
)
from ._base import DANS, _absent, _cap, _none, _pct, _verb, _year


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
    from ..indicators import INSEE_CAVEATS

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
