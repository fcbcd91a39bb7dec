"""The référentiel's key figures (``chiffre_cle``) checked against the labels of their questions' indicators."""

from __future__ import annotations

from ...ingest.load import Territory
from ...ingest.problems import WARNING, Problem
from ...ingest.referentiel import no_key_figure, referentiel_of_year
from ...rules.formatting import guillemets, liste_fr
from .reponses import answers, matches_key

__all__ = ["unmatched_key_figures"]


def unmatched_key_figures(territory: Territory) -> list[Problem]:
    """Warnings for the référentiel questions whose ``chiffre_cle`` starts no label of their indicators: the
    synthesis then quotes the question's first indicator (a label reworded since the référentiel was written)."""
    problems: dict[tuple[str, str], Problem] = {}
    for year in territory.report_years():
        referentiel = referentiel_of_year(territory, year)
        for answer in answers(territory, year):
            question, rows = answer.question, answer.indicators
            wanted = question.chiffre_cle
            if not wanted or no_key_figure(wanted) or rows.empty or matches_key(rows, wanted).any():
                continue
            examples = liste_fr(guillemets(label) for label in list(dict.fromkeys(rows["libelle"]))[:3])
            problems[(referentiel.fichier, question.id)] = Problem(
                referentiel.fichier, f"le début du libellé d'un indicateur de la question {question.id}, par exemple "
                f"{examples} (sinon la synthèse cite son premier indicateur)",
                ligne=referentiel.lines.get((question.id, "")), colonne="chiffre_cle", valeur=wanted,
                gravite=WARNING, territory=territory.id)
    return list(problems.values())
