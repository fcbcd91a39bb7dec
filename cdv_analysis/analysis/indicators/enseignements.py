"""Enseignements et préconisations: the conclusions and recommendations the sources state themselves.

Nothing is inferred: a row is a conclusion when its source says so (nature ``conclusion``,
or a finding printed in a conclusive part of the document), a recommendation when the
source proposes it (nature ``preconisation`` or ``proposition``). Each row keeps its
source title and section so that every sentence stays traceable.
"""

from __future__ import annotations

import re

import pandas as pd

from ...ingest.load import Territory
from ._common import text

__all__ = ["LESSON_THEMES", "lessons"]

# Matching order: the first theme whose pattern matches the row's theme (then its section) wins.
LESSON_THEMES: dict[str, tuple[str, str]] = {
    "sante": ("Santé", r"sant|sanitaire|médiateurs santé|contrat idéal"),
    "participation": ("Participation des habitants", r"participation|conseils? citoyens?|habitant|citoyen"),
    "gouvernance": ("Gouvernance et coopérations",
                    r"gouvernance|coopération|partenari|pilotage|ingénierie|droit commun|dispositif|"
                    r"vie associative|AMI|évaluation|contrat de ville|perspectives|projet de territoire"),
    "programmation": ("Programmation et moyens",
                      r"programmation|financ|moyens|investissement|priorit|fonds|appel à projets"),
}
OTHER_THEME = ("autres", "Autres enseignements")

CONCLUSIONS, RECOMMENDATIONS = "Conclusions", "Préconisations"
_CONCLUSIVE_SECTION = re.compile(
    r"conclusion|perspective|principaux résultats|principaux éléments|enseignements|pistes de propositions|"
    r"préconisation|nouveau contrat", re.IGNORECASE)
# « Perspectives » state what comes next: a fact there is not a conclusion of the evaluation.
_FORWARD_SECTION = re.compile(r"perspective", re.IGNORECASE)
_EDITORIAL_SECTION = re.compile(r"^\s*[ée]dito", re.IGNORECASE)
_RECOMMENDATION_NATURES = {"preconisation", "proposition"}
# In a conclusive part of a document, findings and appraisals conclude; levers, priorities and expectations
# (« le Contrat de Ville idéal c'est un Contrat qui… ») recommend.
_CONCLUDING_NATURES = {"constat", "avis", "engagement"}
_RECOMMENDING_NATURES = {"levier", "priorite", "attente"}
_CHAPTER = re.compile(r"^\s*(\d+)")


def _role(row: pd.Series) -> str:
    nature, section = text(row["nature"]), text(row["section"])
    if _EDITORIAL_SECTION.search(section):
        return ""  # an elected official's editorial is neither a conclusion nor a recommendation of the evaluation
    conclusive = bool(_CONCLUSIVE_SECTION.search(section))
    if (conclusive and nature in _CONCLUDING_NATURES and _FORWARD_SECTION.search(section)
            and not re.search(r"conclusion", section, re.IGNORECASE)):
        return ""
    if nature in _RECOMMENDATION_NATURES or (conclusive and nature in _RECOMMENDING_NATURES):
        return RECOMMENDATIONS
    if nature == "conclusion" or (conclusive and nature in _CONCLUDING_NATURES):
        return CONCLUSIONS
    return ""


def _theme(row: pd.Series) -> str:
    for field in ("theme", "section"):
        value = text(row[field])
        for key, (_, pattern) in LESSON_THEMES.items():
            if re.search(pattern, value, re.IGNORECASE):
                return key
    return OTHER_THEME[0]


def lessons(territory: Territory, annee: int | str) -> pd.DataFrame:
    """Conclusions and recommendations printed in the sources whose report year is ``annee``.

    One row per statement, in the source's order (chapter number of its section, then row order):
    ``theme`` (key), ``theme_libelle``, ``role`` (« Conclusions » or « Préconisations »), ``texte``,
    ``acteur``, ``titre_source``, ``source``, ``section``, ``id``, ``rattache_a``, ``numero``.
    An elected official's editorial is left out, and so is a fact stated in a « Perspectives » part.
    """
    columns = ["theme", "theme_libelle", "role", "texte", "acteur", "titre_source", "source", "section", "id",
               "rattache_a", "numero", "nature"]
    table = territory.table("qualitatif")
    if table is None or table.empty:
        return pd.DataFrame(columns=columns)
    year = int(str(annee)[-4:])
    rows = table[table["source"].map(text).isin(territory.sources_of_report_year(year))].copy()
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows["role"] = rows.apply(_role, axis=1)
    # A heading of the source (nature « intitule ») has the role of the rows attached to it: it heads them.
    headings = rows["nature"].map(text) == "intitule"
    attached = rows[rows["role"] != ""].groupby(rows["rattache_a"].map(text))["role"].first()
    rows.loc[headings, "role"] = rows.loc[headings, "id"].map(attached).fillna("")
    rows = rows[rows["role"] != ""].copy()
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows["theme"] = rows.apply(_theme, axis=1)
    labels = {key: label for key, (label, _) in LESSON_THEMES.items()} | {OTHER_THEME[0]: OTHER_THEME[1]}
    rows["theme_libelle"] = rows["theme"].map(labels)
    rows["titre_source"] = rows["source"].map(territory.source_title)
    source_rank = {sid: i for i, sid in enumerate(territory.sources)}
    rows["_source"] = rows["source"].map(lambda s: source_rank.get(text(s), len(source_rank)))
    rows["_chapitre"] = rows["section"].map(lambda s: int(m.group(1)) if (m := _CHAPTER.match(text(s))) else 999)
    rows = rows.reset_index(drop=True)
    rows["_ligne"] = rows.index
    rows = rows.sort_values(["_source", "_chapitre", "_ligne"], kind="stable")
    return rows[columns].reset_index(drop=True)
