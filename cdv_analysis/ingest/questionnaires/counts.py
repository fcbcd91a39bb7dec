"""Answers and counts: each respondent's answer, the counts of each modality with ``n`` per question (blank
answers left out), the open answers and the French summary of what was read."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from ..iorw import header_key
from ...rules.stats import wilson_interval
from .questions import _split
from .survey import _TICKED, _UNTICKED, KINDS, Question, Survey


def answers_of(survey: Survey, question: Question) -> list[list[str] | None]:
    """Each respondent's answer to ``question``: the options or level chosen, None when left blank."""
    found: list[list[str] | None] = []
    for row in survey.rows:
        if question.kind == "choix_multiple" and question.items:
            ticks = [header_key(row[i]) for i in question.columns]
            chosen = [item for item, tick in zip(question.items, ticks) if tick in _TICKED]
            if question.other is not None and row[question.other]:
                chosen.append(OTHER)
            found.append(chosen if chosen or any(t in _UNTICKED for t in ticks) else None)
            continue
        cell = row[question.columns[0]]
        if not cell:
            found.append(None)
        elif question.kind == "choix_multiple":
            found.append(list(dict.fromkeys(_split(cell, question.separator or ", ", question.options))))
        elif question.kind == "echelle" and question.scale is not None:
            level = question.scale.level(cell)
            found.append([question.level_labels[level]] if level is not None else [cell])
        else:
            found.append([cell])
    return found


def _modalities(question: Question, answers: list[list[str] | None]) -> list[str]:
    if question.kind == "echelle" and question.scale is not None:
        return list(question.level_labels)
    seen = Counter(a for chosen in answers if chosen for a in chosen)
    declared = [*question.items, *([OTHER] if question.other is not None else [])] or (
        question.options if question.kind == "choix_multiple" and question.declared_options else [])
    others = sorted((m for m in seen if m not in declared), key=lambda m: (-seen[m], list(seen).index(m)))
    return [*declared, *others]


OTHER = "Autre"
COUNTED_KINDS = ("choix_unique", "choix_multiple", "echelle", "attribut")


def _count_rows(question: Question, answers: list[list[str] | None], total: int,
                modalities: list[str] | None = None) -> list[dict]:
    answered = [a for a in answers if a is not None]
    n = len(answered)
    counts = Counter(option for chosen in answered for option in chosen)
    return [{"cle": question.key, "axe": question.axe, "question": question.label, "modalite": modality,
             "type": question.kind, "echelle": question.scale.code if question.scale else "",
             "rang": rank, "effectif": counts.get(modality, 0), "n": n, "sans_reponse": total - n,
             "pourcentage": 100 * counts.get(modality, 0) / n if n else None, "volet": question.volet,
             "partenaire": question.partner if question.is_cooperation else ""}
            for rank, modality in enumerate(modalities or _modalities(question, answered), start=1)]


def question_counts(survey: Survey, by: Question | None = None) -> pd.DataFrame:
    """Counts of each modality of each counted question, with ``n`` (respondents who answered it).

    Blank answers are left out of ``n`` and counted in ``sans_reponse``. With
    ``by`` (the crossing attribute), the same counts within each of its answers
    (column ``groupe``); respondents who left ``by`` blank are in no group.
    """
    rows = []
    counted = [q for q in survey.questions if q.kind in COUNTED_KINDS]
    if by is None:
        for question in counted:
            for row in _count_rows(question, answers_of(survey, question), survey.respondents):
                rows.append({**row, "groupe": ""})
    else:
        groups = [chosen[0] if chosen else None for chosen in answers_of(survey, by)]
        for group in dict.fromkeys(g for g in groups if g is not None):
            members = [i for i, g in enumerate(groups) if g == group]
            for question in counted:
                if question is by:
                    continue
                answers = answers_of(survey, question)
                every = _modalities(question, [a for a in answers if a is not None])  # zero counts kept
                for row in _count_rows(question, [answers[i] for i in members], len(members), every):
                    rows.append({**row, "groupe": group})
    for row in rows:
        low, high = wilson_interval(row["effectif"], row["n"]) if row["n"] else (None, None)
        row["ic_bas"], row["ic_haut"] = (100 * low, 100 * high) if row["n"] else (None, None)
    columns = ["cle", "axe", "question", "modalite", "type", "echelle", "rang", "groupe", "effectif", "n",
               "sans_reponse", "pourcentage", "ic_bas", "ic_haut", "volet", "partenaire"]
    return pd.DataFrame(rows, columns=columns)


def open_answers(survey: Survey) -> pd.DataFrame:
    """Every non-blank answer to an open question, with the line it comes from."""
    rows = []
    for question in survey.questions:
        if question.kind != "ouverte":
            continue
        for row, line in zip(survey.rows, survey.lines):
            text = row[question.columns[0]]
            if text:
                rows.append({"cle": question.key, "axe": question.axe, "question": question.label, "texte": text,
                             "ligne": line, "volet": question.volet, "theme": question.theme})
    return pd.DataFrame(rows, columns=["cle", "axe", "question", "texte", "ligne", "volet", "theme"])


def summary_lines(survey: Survey) -> list[str]:
    """French lines describing what was read: tool, respondents, questions and their types, columns never read."""
    from ...rules.formatting import liste_fr, pluriel

    lines = [f"Export reconnu : {survey.tool_label} ; "
             f"{pluriel(survey.respondents, 'répondant retenu', 'répondants retenus')}."]
    reasons = {"brouillon": "brouillon jamais soumis", "incomplete": "réponse incomplète, jamais soumise"}
    for reason, count in sorted(survey.excluded.items()):
        lines.append(f"Non comptés ({reasons[reason]}) : {pluriel(count, 'répondant')}.")
    if survey.identifying:
        lines.append("Colonnes identifiantes jamais lues (ni table, ni page, ni CSV) : "
                     + liste_fr(f"« {h} »" for h in survey.identifying) + ".")
    else:
        lines.append("Aucune colonne identifiante (e-mail, nom, adresse IP, identifiant) dans l'export.")
    if survey.technical:
        lines.append("Colonnes techniques non analysées : " + liste_fr(f"« {h} »" for h in survey.technical) + ".")
    lines.append(f"{pluriel(len(survey.questions), 'question')} :")
    for question in survey.questions:
        detail = KINDS[question.kind]
        if question.kind == "echelle" and question.scale is not None:
            detail += f" ({question.scale.label})"
        if question.kind == "choix_multiple":
            shown = question.items or question.options
            detail += " (" + ", ".join(f"« {o} »" for o in shown[:8]) + ("…" if len(shown) > 8 else "") + ")"
        origin = "" if question.inferred else " [fichier de correspondances]"
        if question.kind in COUNTED_KINDS or question.kind == "ouverte":
            answered = sum(1 for a in answers_of(survey, question) if a is not None) \
                if question.kind != "ouverte" else sum(1 for row in survey.rows if row[question.columns[0]])
            detail += f", n = {answered}" + (f" ({pluriel(survey.respondents - answered, 'sans réponse', 'sans réponse')})"
                                              if answered < survey.respondents else "")
        lines.append(f"  - {question.label} : {detail}{origin}")
    if survey.attribute is not None:
        lines.append(f"Croisement par : « {survey.attribute.label} ».")
    return lines
