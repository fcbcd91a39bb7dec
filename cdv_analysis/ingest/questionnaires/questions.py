"""Typing the questions: each question's kind, scale, options and section, inferred from its answers or set by
the mapping file, and the crossing attribute."""

from __future__ import annotations

import re
from collections import Counter

from ...rules.clean import name_key, upper_first
from ..iorw import header_key
from ..problems import Problem
from .anonymise import _is_attribute
from .mapping import _entry
from .scales import Scale, _custom_scale, _scale_of, scales
from .survey import _TICKED, _UNTICKED, KINDS, Question, QuestionnaireError, Survey, _Column

_OPEN_HINT = re.compile(r"remarque|commentaire|pr[ée]cise|pourquoi|suggestion|propos|observation|expliqu|"
                        r"am[ée]lior|libre|en quelques mots", re.I)


def _values(rows: list[list[str]], index: int) -> list[str]:
    return [row[index] for row in rows if row[index]]


def _split(cell: str, separator: str, options: list[str]) -> list[str]:
    """The options of one cell, keeping together the known options that hold the separator."""
    pieces = [p.strip() for p in cell.split(separator.strip() if separator.strip() == ";" else separator)]
    pieces = [p for p in pieces if p]
    known = {name_key(o): o for o in options}
    found, start = [], 0
    while start < len(pieces):
        for end in range(len(pieces), start, -1):
            joined = separator.join(pieces[start:end]) if separator != ";" else ";".join(pieces[start:end])
            if end - start == 1 or name_key(joined) in known:
                found.append(known.get(name_key(joined), joined))
                start = end
                break
    return found


def _joined_options(cells: list[str], separator: str) -> list[str]:
    """Options holding the separator, read from the answers: pieces always side by side, never alone."""
    alone = {c for c in cells if separator not in c}
    split = [[p.strip() for p in c.split(separator) if p.strip()] for c in cells]
    counts = Counter(p for pieces in split for p in pieces)
    options = []
    for pieces in split:
        for a, b in zip(pieces, pieces[1:]):
            if a in alone or b in alone or not b[:1].islower():
                continue
            together = sum(1 for ps in split for x, y in zip(ps, ps[1:]) if (x, y) == (a, b))
            if together == counts[a] == counts[b]:
                options.append(f"{a}{separator}{b}")
    return list(dict.fromkeys(options))


def _multiple_in_cell(cells: list[str], tool: str) -> str | None:
    """The separator when one cell holds several options (Google « a, b », Microsoft « a;b; »)."""
    if not cells:
        return None
    if all(c.endswith(";") for c in cells):
        return ";"
    separator = ";" if tool == "microsoft" else ", "
    if not any(separator in c for c in cells):
        return None
    alone = {c for c in cells if separator not in c}
    joined = _joined_options(cells, separator)
    split = [_split(c, separator, [*alone, *joined]) for c in cells]
    if not any(len(pieces) > 1 for pieces in split):
        return None
    pieces = {p for ps in split for p in ps}
    if len(pieces) > max(8, len(cells) // 2):
        return None
    return separator if 2 * sum(1 for p in pieces if p in alone or p in joined) >= len(pieces) else None


def _is_number(value: str) -> bool:
    return re.fullmatch(r"-?\d+(?:[.,]\d+)?", value.replace(" ", "")) is not None


def _infer(column: _Column, values: list[str], tool: str) -> tuple[str, Scale | None, str | None]:
    if _is_attribute(column.question) and not column.item:
        return "attribut", None, None
    scale = _scale_of(values)
    if scale is not None:
        return "echelle", scale, None
    if _OPEN_HINT.search(column.question):
        return "ouverte", None, None
    separator = _multiple_in_cell(values, tool)
    if separator:
        return "choix_multiple", None, separator
    distinct = set(values)
    if values and all(_is_number(v) for v in values):
        return ("choix_unique" if len(distinct) <= 10 else "ignorer"), None, None
    long_answers = sum(len(v) for v in values) > 40 * max(len(values), 1)
    all_distinct = len(values) >= 3 and len(distinct) == len(values)
    if not values or long_answers or all_distinct or len(distinct) > max(6, len(values) // 2):
        return "ouverte", None, None
    return "choix_unique", None, None


def _volet(text: str) -> str:
    """The report section a question feeds, from its words: santé, participation, else its questionnaire's."""
    if re.search(r"sant[ée]|\bsoins?\b|\bASV\b|\bCLS\b", text, re.I):
        return "sante"
    if re.search(r"conseils? citoyens?|participation des habitants", text, re.I):
        return "participation"
    return ""  # the questionnaire's own section (see ``default_volet``)


def default_volet(enquete: str) -> str:
    """The section of a questionnaire's questions: participation for residents and citizens' councils."""
    return "participation" if name_key(enquete) in {"conseilscitoyens", "conseilcitoyen", "habitants"} else "gouvernance"


def _apply_labels(rows: list[list[str]], indexes: list[int], labels: dict) -> None:
    if not labels:
        return
    table = {str(k).strip(): str(v) for k, v in labels.items()}
    for row in rows:
        for i in indexes:
            if row[i] in table:
                row[i] = table[row[i]]


def _questions(columns: list[_Column], rows: list[list[str]], lines: list[int], tool: str, mapping: dict,
               shown: str) -> tuple[list[Question], list[Problem]]:
    problems: list[Problem] = []
    questions: list[Question] = []
    # Columns of one question: same LimeSurvey code, or same question text with bracketed items side by side.
    groups: list[list[_Column]] = []
    for column in columns:
        previous = groups[-1][-1] if groups else None
        same = previous is not None and column.item and previous.item and (
            (column.code and column.code == previous.code)
            or (not column.code and column.question == previous.question and not previous.code))
        if same and column.sub.lower() not in {"other", "comment"}:
            groups[-1].append(column)
        else:
            groups.append([column])
    for group in groups:
        first = group[0]
        entry = _entry(mapping, first.code, first.question, first.header)
        if first.sub.lower() in {"other", "comment"}:
            entry = {"type": "ouverte", **{k: v for k, v in entry.items() if k in {"axe", "volet", "theme"}},
                     **_entry(mapping, f"{first.code}[{first.sub}]")}
            entry.setdefault("libelle", f"{first.question} ({'autre' if first.sub.lower() == 'other' else 'commentaire'})")
            previous = questions[-1] if questions else None
            if first.sub.lower() == "other" and previous is not None and previous.kind == "choix_multiple" \
                    and previous.key == first.code:
                previous.other = first.index
            questions.append(_single(first, rows, lines, tool, entry, shown, problems, label=str(entry["libelle"]),
                                     axe=str(entry.get("axe") or ""), partner=""))
            continue
        indexes = [c.index for c in group]
        _apply_labels(rows, indexes, entry.get("reponses") or {})
        values = [v for i in indexes for v in _values(rows, i)]
        label = str(entry.get("libelle") or first.question or first.header)
        common = {"axe": str(entry.get("axe") or ""), "volet": str(entry.get("volet") or _volet(label)),
                  "theme": str(entry.get("theme") or ""), "inferred": "type" not in entry}
        kind = entry.get("type")
        if kind in {"ignorer", "identifiant"}:
            questions.append(Question(first.code or first.question, label, kind, indexes, first.header, **common))
            if kind == "identifiant":
                for row in rows:
                    for i in indexes:
                        row[i] = ""
            continue
        ticks = {header_key(v) for v in values}
        if len(group) > 1 or (first.item and first.sub and ticks <= _TICKED | _UNTICKED):
            if (kind in (None, "choix_multiple")) and ticks <= _TICKED | _UNTICKED and (
                    kind == "choix_multiple" or len(group) > 1 or first.sub):
                items = [str(_entry(mapping, f"{c.code}[{c.sub}]" if c.code else c.header).get("libelle")
                             or c.item or c.header) for c in group]
                questions.append(Question(first.code or first.question, label, "choix_multiple", indexes,
                                          first.header, items=items, **common))
                continue
            # A grid: each item is a question of its own, under the group's text.
            for column in group:
                item_entry = _entry(mapping, column.header, f"{column.code}[{column.sub}]" if column.code else "")
                merged = {**entry, **item_entry}
                questions.append(_single(column, rows, lines, tool, merged, shown, problems,
                                         label=str(item_entry.get("libelle") or column.item),
                                         axe=str(merged.get("axe") or label), partner=column.item))
            continue
        questions.append(_single(first, rows, lines, tool, entry, shown, problems, label=label,
                                 axe=common["axe"], partner=""))
    return questions, problems


def _single(column: _Column, rows, lines, tool, entry, shown, problems, label, axe, partner) -> Question:
    values = _values(rows, column.index)
    if values and not entry.get("reponses") and {v.upper() for v in values} <= {"Y", "N"}:
        _apply_labels(rows, [column.index], {"Y": "Oui", "N": "Non", "y": "Oui", "n": "Non"})  # yes/no question
        values = _values(rows, column.index)
    kind, scale, separator = _infer(column, values, tool)
    forced = entry.get("type")
    if entry.get("niveaux"):
        scale = _custom_scale([str(v) for v in entry["niveaux"]])
    elif entry.get("echelle"):
        scale = scales()[entry["echelle"]]
    if forced:
        kind = forced
    elif scale is not None and kind != "attribut":
        kind = "echelle"
    if kind == "echelle":
        if scale is None:
            problems.append(Problem(shown, "une échelle (echelle: … ou niveaux: [...]) dans le fichier de "
                                    "correspondances pour cette question de type echelle", colonne=column.header))
        else:
            for row, line in zip(rows, lines):
                if row[column.index] and scale.level(row[column.index]) is None:
                    problems.append(Problem(shown, f"un niveau de l'échelle « {scale.label} » ("
                                            + ", ".join(scale.levels) + ")", ligne=line, colonne=column.header,
                                            valeur=row[column.index]))
    options = [str(o) for o in entry.get("options") or []]
    if kind == "choix_multiple" and separator is None:
        separator = ";" if values and all(v.endswith(";") for v in values) else (";" if tool == "microsoft" else ", ")
    declared = bool(options)
    if kind == "choix_multiple" and not options:
        known = [*(v for v in dict.fromkeys(values) if separator not in v), *_joined_options(values, separator)]
        options = list(dict.fromkeys(p for v in values for p in _split(v, separator, known)))
    level_labels = []
    if scale is not None:
        printed = {}
        for value in values:
            if (level := scale.level(value)) is not None:
                printed.setdefault(level, value)
        capital = any(v[:1].isupper() for v in printed.values())
        level_labels = [printed.get(i) or (upper_first(level) if capital else level)
                        for i, level in enumerate(scale.levels)]
    return Question(column.code or column.header, label, kind, [column.index], column.header, axe=axe,
                    level_labels=level_labels,
                    volet=str(entry.get("volet") or _volet(f"{axe} {label}")), scale=scale, options=options,
                    separator=separator, declared_options=declared, partner=str(entry.get("partenaire") or partner or label),
                    theme=str(entry.get("theme") or ""), inferred="type" not in entry)


def _attribute(survey: Survey, mapping: dict, shown: str) -> Question | None:
    wanted = mapping.get("croisement")
    if wanted is not None and str(wanted).strip().lower() in {"non", "aucun", "false", ""}:
        return None
    if wanted not in (None, True):
        try:
            question = survey.question(str(wanted))
        except KeyError:
            raise QuestionnaireError([Problem(mapping.get("fichier", shown), f"une question de {shown} pour le "
                                              "croisement ; questions : " + ", ".join(
                                                  f"« {q.label} »" for q in survey.questions[:12]),
                                              colonne="croisement", valeur=str(wanted))]) from None
        if question.kind in {"choix_multiple", "ouverte", "ignorer", "identifiant"}:
            raise QuestionnaireError([Problem(mapping.get("fichier", shown), "une question à réponse unique pour le "
                                              f"croisement (« {question.label} » est de type {KINDS[question.kind]})",
                                              colonne="croisement", valeur=str(wanted))])
        return question
    return next((q for q in survey.questions if q.kind == "attribut"), None)
