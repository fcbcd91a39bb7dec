"""The territory's tables (``enquetes``, ``cooperation``, ``qualitatif``) written from a survey."""

from __future__ import annotations

from dataclasses import dataclass

from .anonymise import PERSONAL_DATA, scrub
from .counts import open_answers, question_counts
from .questions import default_volet
from .survey import Survey

_THEMES = {"sante": "santé", "participation": "participation", "gouvernance": "gouvernance"}


def survey_tables(survey: Survey, enquete: str, year: int, source: str, shown_name: str) -> tuple[dict, int]:
    """The rows of the tables ``enquetes``, ``cooperation`` and ``qualitatif`` from ``survey``, and the open
    answers that held personal data (:class:`Reread`): taken out of the text, the answer kept ``interne`` (never
    published) for the evaluator to reread.

    Counts carry their ``n`` (respondents who answered the question, ``n_origine`` = ``reponses``)
    and their blank answers; no share is written (nothing was printed): the loader divides.
    Cross-tabulated counts (``croisement``, ``groupe``) leave out the groups where nobody answered.
    """
    default = default_volet(enquete)
    where = {q.key: q for q in survey.questions}
    items, levels, said = [], [], []
    crossed = question_counts(survey, survey.attribute) if survey.attribute is not None else None
    for table, counts in (("total", question_counts(survey)), ("croise", crossed)):
        if counts is None:
            continue
        for row in counts.itertuples():
            question = where[row.cle]
            section = f"{shown_name}, colonne « {question.header} »"
            remark = "choix multiple : plusieurs réponses possibles, les parts ne s'additionnent pas" \
                if row.type == "choix_multiple" else ""
            if question.is_cooperation and table == "total":
                levels.append({"annee": year, "enquete": enquete, "partenaire": question.partner,
                               "niveau": row.rang, "libelle_niveau": row.modalite, "effectif": row.effectif,
                               "n_repondants": row.n, "sans_reponse": row.sans_reponse, "source": source,
                               "section": section})
                continue
            if question.is_cooperation or (table == "croise" and row.n == 0):
                continue
            items.append({"annee": year, "enquete": enquete, "axe": row.axe, "question": row.question,
                          "modalite": row.modalite, "effectif": row.effectif, "n_repondants": row.n,
                          "n_origine": "reponses", "sans_reponse": row.sans_reponse,
                          "volet": row.volet or default, "croisement": survey.attribute.label if row.groupe else "",
                          "groupe": row.groupe, "source": source, "section": section, "remarque": remark})
    reread = []
    for number, row in enumerate(open_answers(survey).itertuples(), start=1):
        question = where[row.cle]
        text, found = scrub(row.texte)
        if (row.ligne, question.columns[0]) in survey.named:
            found.append("identifiant")
        volet = row.volet or default
        if found:  # taken out of the text, and the answer kept from the pages: the rest may still identify
            reread.append(Reread(row.ligne, question.header, tuple(found)))
        said.append({"id": f"{source}-r{number}", "acteur": enquete, "nature": "citation",
                     "theme": row.theme or _THEMES[volet], "texte": text, "annee": year, "source": source,
                     "section": f"{shown_name}, question « {row.question} », ligne {row.ligne}",
                     "diffusion": "interne" if found else "",
                     "remarque": "réponse à une question ouverte, recopiée telle quelle"
                                 + (" sauf les données personnelles retirées (" + ", ".join(PERSONAL_DATA[k] for k in found)
                                    + ") ; gardée interne, à relire" if found else "")})
    return {"enquetes": items, "cooperation": levels, "qualitatif": said}, reread


@dataclass(frozen=True)
class Reread:
    """An open answer kept ``interne``: where it is in the export, and what personal data it seems to hold."""

    ligne: int
    colonne: str
    kinds: tuple[str, ...]  # keys of anonymise.PERSONAL_DATA

    def __str__(self) -> str:
        return (f"ligne {self.ligne}, colonne « {self.colonne} » : "
                + ", ".join(PERSONAL_DATA[k] for k in self.kinds))
