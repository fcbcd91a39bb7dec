"""Answer blocks: under each evaluative question, its criteria, indicators, statements, conclusion, evidence."""

from __future__ import annotations

import pandas as pd

from ...rules import formatting as fr
from ...rules.clean import cell_text
from ...rules.harmonise import label, labels
from ...rules.markup import heading_id  # the page's one rule for heading ids
from ...analysis.indicators.reponses import says_figure
from ...ingest.referentiel import STATUSES
from ._base import md
from .enonces import attached_layout

__all__ = ["answer_block", "answer_blocks", "findings_markdown", "question_anchor", "question_heading"]


def question_heading(number: int | str, question: str) -> str:
    """The heading text of a question's answer block (unescaped)."""
    return f"Question {number} — {question}"


def question_anchor(number: int | str, question: str) -> str:
    """The id the page gives a question's heading (the synthesis links to it)."""

    return heading_id(question_heading(number, question))


def _quote(text: object) -> str:
    return f"<q>« {md(cell_text(text))} »</q>"  # a quotation (RGAA 9.4), like every statement of the page


def _indicator_table(rows: pd.DataFrame, criterion: str) -> list[str]:
    """Indicator, value, n and Wilson interval (columns left out when no row has them), vintage and source.

    An HTML table (the page's labelled, scrolling table box) inside the Markdown, captioned with its criterion
    (the criterion's only title) and, when every row has the same one, with the source: the rows then give the
    vintage alone and keep to one line.
    """
    from ..notebook import table_html

    with_n, with_interval = rows["n"].notna().any(), rows["ic_bas"].notna().any()
    titles = {cell_text(t) for t in rows["titre_source"]}
    one_source = len(titles) == 1 and "" not in titles
    shown = pd.DataFrame({
        "libelle": rows["libelle"], "valeur": rows["valeur"],
        "n": rows["n"].map(lambda v: "" if pd.isna(v) else fr.nombre(v)),
        "ic": [("" if pd.isna(lo) else f"{fr.nombre(lo, 0)} à {fr.pourcent(hi, 0)}")
               for lo, hi in zip(rows["ic_bas"], rows["ic_haut"])],
        "ou": [" ; ".join(x for x in (cell_text(m), "" if one_source else cell_text(t)) if x)
               for m, t in zip(rows["millesime"], rows["titre_source"])]})
    columns = {"libelle": ("Indicateur", "texte"), "valeur": ("Valeur", "texte"),
               **({"n": ("n", "texte")} if with_n else {}),
               **({"ic": ("Intervalle à 95 %", "texte")} if with_interval else {}),
               "ou": ("Millésime", "texte") if one_source else ("Millésime, source", "texte")}
    caption = f"Critère — {criterion}" + (f" (source : {titles.pop()})" if one_source else "")
    return ["", table_html(shown, columns, caption=caption), ""]


def _statement(row: pd.Series) -> str:
    actor = label("acteurs", cell_text(row["acteur"]))
    return f"- {_quote(row['texte'])} — {md(actor)}"


def _conclusion_lines(conclusion: list) -> list[str]:
    lines: list[str] = []
    for row, qualifiers in conclusion:
        text = cell_text(row["texte"])
        if attached_layout(row, qualifiers) != "suite":
            lines += [f"> {_quote(text)}", ">"]
            lines += [f"> - {_quote(q['texte'])}" for q in qualifiers]
        else:
            # The rows attached to a conclusion qualify it: they follow it in the same quotation.
            joined = " ".join([text, *(cell_text(q["texte"]) for q in qualifiers)])
            lines.append(f"> {_quote(joined)}")
        lines.append("")
    return lines


def _evidence(answer) -> str:
    ev = answer.evidence
    parts = [fr.pluriel(len(ev["sources"]), "source", "sources"),
             fr.pluriel(ev["indicateurs"], "indicateur", "indicateurs")]
    if ev["repondants"]:
        parts.append("répondants : " + ", ".join(f"{md(k.replace('_', ' '))} {fr.nombre(v)}"
                                                 for k, v in ev["repondants"].items()))
    if ev["enonces"]:
        parts.append(f"{fr.pluriel(ev['enonces'], 'énoncé', 'énoncés')} de "
                     f"{fr.pluriel(len(ev['groupes']), 'groupe', 'groupes')} d'acteurs "
                     f"({md(fr.liste_fr(ev['groupes']))}), dont "
                     + (fr.pluriel(ev["enonces_retenus"], "cité", "cités") if ev["enonces_retenus"] else "aucun cité")
                     + " ici")
    text = "**Solidité des éléments.** " + " ; ".join(parts) + "."
    if answer.question.concordance:
        text += f" Concordance (appréciation de l'évaluateur) : {md(answer.question.concordance)}"
    return text


def answer_block(answer, number: str = "") -> str:
    """French Markdown for one question: heading, status, criteria, conclusion, evidence, verdict."""
    q = answer.question
    lines = [f"### {md(question_heading(number or q.id, q.question))}", ""]
    status = STATUSES[q.statut].capitalize()
    lines += [f"*{status}*" + (f" — {md(q.reference)}" if q.reference else "") + ".", ""]
    for criterion in q.criteres:
        rows = answer.indicators[answer.indicators["critere_id"] == criterion.id]
        if len(rows):
            lines += _indicator_table(rows, criterion.critere)  # captioned with the criterion
        else:
            lines += [f"**Critère — {md(criterion.critere)}**", ""]
        shown = answer.shown(criterion.id)
        if len(shown):
            lines += [_statement(row) for _, row in shown.iterrows()] + [""]
    if answer.conclusion:
        lines += ["**Conclusion de la source.**", ""] + _conclusion_lines(answer.conclusion)
    else:
        lines += ["**Conclusion de la source.** La source ne conclut pas explicitement sur cette question.", ""]
    lines += [_evidence(answer), ""]
    if q.avis_evaluateur:
        lines += [f"**Avis de l'évaluateur** (écrit dans le référentiel, non tiré de la source) : "
                  f"{md(q.avis_evaluateur)}", ""]
    return "\n".join(lines).rstrip() + "\n"


def answer_blocks(answers: list, numbers: dict[str, int] | None = None) -> str:
    """Every answer block of a section, in the référentiel's order; empty when there is none.

    ``numbers`` gives each question id its number in the whole report (1, 2, …).
    """
    return "\n".join(answer_block(a, (numbers or {}).get(a.question.id, "")) for a in answers)


def findings_markdown(frame: pd.DataFrame) -> str:
    """The synthesis' findings (``indicators.findings``): a numbered list, one sentence each, its figure, a link.

    The rule that chose the findings is stated above the list; an evaluator's sentence is labelled as such.
    """
    if frame is None or frame.empty:
        return ""
    titles = labels("sections")  # vocabulaires/sections.yml
    lines = ["**Ce que l'évaluation trouve.** Les constats ci-dessous suivent une règle : une réponse par question "
             "évaluative (dans l'ordre du référentiel), puis, s'il y a lieu, l'évolution de la programmation, puis "
             "les chiffres que la source met en avant et qu'aucun constat précédent ne donne ; huit au plus. Chacun renvoie "
             "à sa section.", ""]
    for _, row in frame.iterrows():
        figure = ""
        if cell_text(row["valeur"]):
            n = "" if pd.isna(row["n"]) else f", n = {fr.nombre(row['n'])}"
            figure = f" ({md(row['libelle'])} : {md(row['valeur'])}{n})" if row["libelle"] else f" ({md(row['valeur'])})"
        if row["regle"] == "question":
            if says_figure(row["texte"], row["valeur"]):
                figure = ""  # the sentence already gives its figure
            number = int(row["numero_question"])
            anchor = question_anchor(number, cell_text(row["question_texte"]))
            lead = md(row["texte"]).rstrip("\\.").rstrip(".")
            who = " *(résumé de l'évaluateur)*" if row["auteur"] == "evaluateur" else ""
            lines.append(f"{row['rang']}. {lead}{figure}{who} — [question {number}](#{anchor}).")
        elif row["regle"] == "evolution":
            lines.append(f"{row['rang']}. {md(row['texte'])} : {md(row['valeur'])} "
                         f"({md(row['libelle'])}) — [{titles['programmation']}](#{heading_id(titles['programmation'])}).")
        else:
            title = titles.get(row["section"], titles["synthese"])
            lines.append(f"{row['rang']}. {md(row['texte'])} : {md(row['valeur'])} — [{title}](#{heading_id(title)}).")
    return "\n".join(lines) + "\n"
