"""A questionnaire as collected (one row per respondent) into a territory's ``enquetes``, ``cooperation``, ``qualitatif``.

The export is read by :mod:`cdv_analysis.ingest.questionnaires` (Google Forms, Microsoft
Forms, LimeSurvey, Framaforms): identifying columns are dropped as the header is
read, so no table written here can hold them. Each file is named after the
questionnaire and its year (``enquetes.questionnaire-communes-2024.csv``), so a
new import of the same export writes the same bytes.
"""

from __future__ import annotations

from ..rules.formatting import pluriel
from ..ingest.ids import id_problem
from ..ingest.load import TERRITORY_FILE
from ..ingest.problems import Problem
from ..ingest.questionnaires import QuestionnaireError, Survey, read_export, read_mapping, summary_lines, survey_tables
from ..ingest.questionnaires.tables import Reread
from .base import (FEUILLE, ImportFailed, Importer, ImportPlan, ImportSummary, Option, Target, csv_text,
                   territory_metadata, year_option)

__all__ = ["Questionnaire", "import_questionnaire"]


class Questionnaire(Importer):
    """Write the counts (with n per question), cooperation levels and open answers of one questionnaire export.

    The year is ``--annee``, else the one year of the submission dates. The source
    entry added to territoire.yml attaches the questionnaire to that year's report.
    """

    name = "questionnaire"
    help = ("export brut d'un questionnaire (Google Forms, Microsoft Forms, LimeSurvey, Framaforms) : "
            "effectifs par question dans les tables enquetes, cooperation et qualitatif")
    options = (
        Option("--territoire", "territory", "ID", "territoire à remplir"),
        Option("--enquete", "survey", "NOM", "nom du questionnaire (communes, associations, conseils_citoyens…)"),
        Option("--annee", "year", "AAAA", "année (défaut : celle des dates de réponse)"),
        Option("--correspondances", "mapping", "FICHIER", "fichier YAML des types de questions (questionnaire)"),
        FEUILLE,
    )

    def read(self) -> Survey:
        try:
            mapping = read_mapping(self.settings.get("mapping"))
            return read_export(self.path, mapping, sheet=self.settings.get("sheet"))
        except QuestionnaireError as error:
            raise ImportFailed(error.problems) from None

    def check(self, survey: Survey) -> tuple[dict, list[Problem]]:
        problems = list(survey.problems)
        territory, name = self.settings.get("territory"), self.settings.get("survey")
        for option, value in (("--territoire", territory), ("--enquete", name)):
            if not value:
                problems.append(Problem(self.shown, f"l'option {option} (obligatoire pour un questionnaire)"))
            elif id_problem(value):
                problems.append(Problem(self.shown, f"{id_problem(value)} pour {option}", valeur=str(value)[:80]))
        if any(p.is_error for p in problems):
            return {}, problems
        target = Target.of(self.data_dir, territory, {})
        if not (target.folder / TERRITORY_FILE).is_file():
            problems.append(Problem(self.shown, "un territoire existant pour --territoire (voir `cdv liste`, ou "
                                    "`cdv nouveau-territoire`)", valeur=territory))
            return {}, problems
        meta, found = territory_metadata(target.folder)
        problems += found
        year = self._year(survey, problems)
        return {"survey": survey, "target": Target.of(self.data_dir, territory, meta), "year": year,
                "name": name}, problems

    def _year(self, survey: Survey, problems: list[Problem]) -> int | None:
        year, refused = year_option(self.path, self.settings.get("year"), "--annee")
        if year is not None or refused:
            problems += refused
            return year
        if len(survey.years) == 1:
            return survey.years[0]
        found = (f"les dates de réponse couvrent {survey.years[0]} à {survey.years[-1]}" if survey.years
                 else "l'export n'a pas de date de réponse")
        problems.append(Problem(self.shown, f"l'année du questionnaire : indiquez --annee AAAA ({found})"))
        return None

    def plan(self, checked: dict) -> ImportPlan:
        survey, target, year, name = checked["survey"], checked["target"], checked["year"], checked["name"]
        source = f"questionnaire-{name}-{year}"
        tables, reread = survey_tables(survey, name, year, source, self.path.name)
        for table, rows in tables.items():
            if rows:
                target.files[f"{table}.{source}.csv"] = csv_text(table, rows)
        summary = ImportSummary(source, self.path.name, messages=summary_lines(survey))
        summary.messages += _open_answer_lines(len(tables["qualitatif"]), reread, self.path.name,
                                               f"qualitatif.{source}.csv")
        entry = {"id": source, "fichier": self.path.name,
                 "titre": f"Questionnaire « {name.replace('_', ' ')} » {year} (export {survey.tool_label})",
                 "editeur": str(target.meta.get("nom") or target.folder.name), "date": year, "type": "import",
                 "annees": [year], "annee_rapport": year}
        return ImportPlan([target], entry, summary)


def _open_answer_lines(answers: int, reread: list[Reread], shown: str, table: str) -> list[str]:
    """What the summary says of the open answers: copied as typed, and those that held personal data (taken
    out, the answer kept ``interne``) for the evaluator to reread: file, line, column, what was seen, never
    the data itself."""
    if not answers:
        return []
    lines = [f"Réponses ouvertes : {pluriel(answers, 'réponse recopiée', 'réponses recopiées')} telles quelles"
             + (" ; relisez-les avant de publier (un nom peut s'y trouver)." if len(reread) < answers else ".")]
    if reread:
        lines.append(f"{pluriel(len(reread), 'réponse contenait', 'réponses contenaient')} une donnée personnelle, "
                     "retirée du texte ; gardées en diffusion « interne » (jamais publiées), relisez-les dans "
                     f"l'export et passez à « publiable » (colonne « diffusion » de {table}) celles qui "
                     "n'identifient plus personne :")
        lines += [f"  - {shown}, {item}" for item in reread]
    return lines


def import_questionnaire(path, data_dir, territory: str, survey: str, year: int | str | None = None,
                         mapping: str | None = None, sheet: str | None = None) -> ImportSummary:
    """:class:`Questionnaire` run on ``path`` (see there)."""
    return Questionnaire(path, data_dir, territory=territory, survey=survey, year=year, mapping=mapping,
                         sheet=sheet).run()
