"""Reading the exports of survey tools (Google Forms, Microsoft Forms, LimeSurvey, Framaforms / Drupal Webform,
a sheet with one row per respondent): the tool, the header rows, the columns, the respondents kept."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ...rules.clean import name_key
from ..iorw import field_count_problem, header_index, header_key, read_records, shown_path
from ..problems import Problem
from .anonymise import _is_identifying, name_masker
from .mapping import _entry, _used_entries
from .questions import _attribute, _questions
from .survey import _TICKED, QuestionnaireError, Survey, _Column

# Columns written by the tools themselves (dates, ids, drafts, quiz scores): not questions.
_TECHNICAL = {
    "horodateur", "horodatage", "timestamp", "heure_de_debut", "heure_de_fin", "heure_de_la_derniere_modification",
    "start_time", "completion_time", "last_modified_time", "id", "serial", "sid", "heure_de_soumission",
    "date_de_soumission", "soumis_le", "brouillon", "draft", "submitdate", "lastpage", "startlanguage", "seed",
    "startdate", "datestamp", "interviewtime", "id_de_la_reponse", "derniere_page", "langue_de_depart",
    "tete_de_serie", "graine", "date_de_debut", "date_de_la_derniere_action", "date_de_derniere_action",
    "score", "total_points", "points", "commentaires_du_test", "details_de_la_soumission", "submission_details",
    "heure", "date", "time", "etat", "statut_de_la_soumission",
}
_DATE_COLUMNS = {"horodateur", "horodatage", "timestamp", "heure_de_fin", "completion_time", "heure_de_soumission",
                 "date_de_soumission", "soumis_le", "submitdate", "datestamp", "date_de_la_derniere_action",
                 "heure_de_debut", "start_time", "startdate", "date_de_debut", "date", "heure"}
_SUBMITTED = {"submitdate", "date_de_soumission"}  # blank: a LimeSurvey response never submitted
_DRAFT = {"brouillon", "draft"}
_LIMESURVEY_CODE = re.compile(r"^(?P<code>[A-Za-z][A-Za-z0-9_]*)(?:\[(?P<sub>[^\]]*)\])?(?:\.\s*(?P<text>.*))?$", re.S)
_TRAILING_ITEM = re.compile(r"^(?P<question>.*?)\s*\[(?P<item>[^\[\]]+)\]\s*$", re.S)
_QUIZ = re.compile(r"^(points|commentaires|feedback)\s+-\s+", re.I)


def _is_technical(header: str, tool: str) -> bool:
    key = header_key(header)
    if key in _TECHNICAL or _QUIZ.match(header.strip()):
        return True
    # LimeSurvey timings: « Q1Time », « groupTime123 », « interviewtime ».
    return tool == "limesurvey" and re.fullmatch(r"[A-Za-z0-9_]*time\d*", header.strip(), re.I) is not None


def _tool(keys: set[str]) -> str:
    if {"sid", "serial"} & keys and ({"heure_de_soumission", "brouillon", "draft", "uid"} & keys or "sid" in keys):
        return "framaforms"
    if {"submitdate", "lastpage", "startlanguage"} & keys or {"id_de_la_reponse", "derniere_page"} & keys:
        return "limesurvey"
    if {"heure_de_debut", "heure_de_fin"} <= keys or {"start_time", "completion_time"} <= keys:
        return "microsoft"
    if "horodateur" in keys or "timestamp" in keys or "horodatage" in keys:
        return "google"
    return "tableur"


def _header_rows(records: list[tuple[int, list[str]]]) -> tuple[int, list[str], list[str]]:
    """(index of the last header row, headers, group headers above them).

    A Webform export writes the form title, then « Détails de la soumission » with
    the name of each question spread over one column per option, then the labels.
    """
    filled = [i for i, (_, cells) in enumerate(records) if any(c.strip() for c in cells)]
    if not filled:
        return -1, [], []
    for index in filled[:5]:
        keys = {header_key(c) for c in records[index][1]}
        if {"sid", "serial"} & keys:
            above = [i for i in filled if i < index]
            groups = list(records[above[-1]][1]) if above and len(above) >= 1 and index > filled[0] else []
            if groups and sum(1 for c in groups if c.strip()) <= 1 and len(above) == 1:
                groups = []  # only a title line above
            return index, list(records[index][1]), groups
    index = header_index(records)  # as every table is read: past a title line
    return index, list(records[index][1]), []


def _columns(headers: list[str], groups: list[str], tool: str, rows: list[list[str]]) -> list[_Column]:
    columns = []
    group, group_values = "", set()
    for index, header in enumerate(headers):
        header = re.sub(r"\s+", " ", header or "").strip()
        values = {r[index].strip() for r in rows if index < len(r) and r[index].strip()}
        above = (groups[index].strip() if index < len(groups) else "")
        if above:
            group, group_values = above, set(values)
        elif group and values and (values <= group_values or {header_key(v) for v in values} <= _TICKED):
            group_values |= values  # the next option of the same Webform question
        else:
            group = ""
        if group and header_key(group) not in {"details_de_la_soumission", "submission_details"}:
            columns.append(_Column(index, f"{group} [{header}]", group, header))
            continue
        if tool == "limesurvey" and (match := _LIMESURVEY_CODE.match(header)) and (
                match.group("sub") is not None or match.group("text") is not None or " " not in header):
            text = (match.group("text") or "").strip()
            item_match = _TRAILING_ITEM.match(text) if text else None
            question = item_match.group("question") if item_match else text
            item = item_match.group("item") if item_match else (match.group("sub") or "")
            columns.append(_Column(index, header, question or match.group("code"), item, match.group("code"),
                                   match.group("sub") or ""))
            continue
        item_match = _TRAILING_ITEM.match(header)
        if item_match:
            columns.append(_Column(index, header, item_match.group("question"), item_match.group("item")))
        else:
            columns.append(_Column(index, header, header))
    return columns


def parse_records(records: list[tuple[int, list[str]]], shown: str, mapping: dict | None = None) -> Survey:
    """A :class:`Survey` from the rows of an export (``iorw.read_records``); raises :class:`QuestionnaireError`."""
    mapping = mapping or {}
    header_index, headers, groups = _header_rows(records)
    if header_index < 0:
        raise QuestionnaireError([Problem(shown, "un fichier non vide (une ligne d'en-têtes puis une ligne par "
                                          "répondant)")])
    header_line = records[header_index][0]
    while headers and not headers[-1].strip():
        headers.pop()
    keys = {header_key(h) for h in headers}
    tool = _tool(keys)
    body = [(line, cells) for line, cells in records[header_index + 1:] if any(c.strip() for c in cells)]
    problems: list[Problem] = []
    # Identifying columns go first: their cells are blanked before anything else looks at a row.
    forced = {i for i, h in enumerate(headers) if _entry(mapping, h).get("type") == "identifiant"}
    identifying = [i for i, h in enumerate(headers) if i in forced or (_is_identifying(h) and not _entry(mapping, h))]
    drop = set(identifying)
    rows, lines = [], []
    # Only to find them again in the open answers below; never kept past this function.
    identities = {(headers[i], c.strip()) for _, cells in body for i, c in enumerate(cells[:len(headers)])
                  if i in drop and c.strip()}
    for line, cells in body:
        if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers):]):
            problems.append(field_count_problem(shown, len(headers), len(cells), line))
            continue
        cells = (list(cells) + [""] * len(headers))[: len(headers)]
        rows.append(["" if i in drop else re.sub(r"\s+", " ", c.replace("\u00a0", " ")).strip()
                     for i, c in enumerate(cells)])
        lines.append(line)
    del body
    if any(p.is_error for p in problems):
        raise QuestionnaireError(problems)
    identifying_headers = [headers[i].strip() or f"colonne {i + 1}" for i in identifying]
    technical = [i for i, h in enumerate(headers) if i not in drop and _is_technical(h, tool) and not _entry(mapping, h)]
    # Respondents left out: Webform drafts, LimeSurvey responses never submitted.
    excluded: Counter = Counter()
    if mapping.get("incompletes", "exclure") == "exclure":
        draft = [i for i in technical if header_key(headers[i]) in _DRAFT]
        submitted = [i for i in technical if header_key(headers[i]) in _SUBMITTED] if tool == "limesurvey" else []
        kept = []
        for row, line in zip(rows, lines):
            if any(header_key(row[i]) in _TICKED for i in draft):
                excluded["brouillon"] += 1
            elif any(not row[i] for i in submitted):
                excluded["incomplete"] += 1
            else:
                kept.append((row, line))
        rows, lines = [r for r, _ in kept], [ln for _, ln in kept]
    years = sorted({int(y) for i in technical if header_key(headers[i]) in _DATE_COLUMNS
                    for row in rows for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", row[i])})
    for i in technical:
        for row in rows:
            row[i] = ""  # dates and ids are not analysed: only their years were needed
    skip = drop | set(technical)
    columns = [c for c in _columns(headers, groups, tool, rows) if c.index not in skip and c.header]
    unused = set(mapping.get("questions") or {}) - _used_entries(mapping, columns) - {
        k for k in (mapping.get("questions") or {}) if name_key(k) in {name_key(headers[i]) for i in skip}}
    problems += [Problem(mapping.get("fichier", shown), f"une colonne de {shown} (en-tête, question ou code "
                         "LimeSurvey) ; en-têtes lus : " + ", ".join(f"« {c.header} »" for c in columns[:12])
                         + ("…" if len(columns) > 12 else ""), colonne=f"questions.{key}")
                 for key in sorted(unused)]
    questions, found = _questions(columns, rows, lines, tool, mapping, shown)
    problems += found
    # A name of an identifying column typed again in an open answer is taken out here: it never leaves.
    mask, named = name_masker(identities), set()
    del identities
    for question in (q for q in questions if q.kind == "ouverte"):
        column = question.columns[0]
        for row, line in zip(rows, lines):
            if row[column]:
                row[column], taken = mask(row[column])
                if taken:
                    named.add((line, column))
    if not questions and not any(p.is_error for p in problems):
        problems.append(Problem(shown, "au moins une colonne de question après les colonnes techniques et "
                                "identifiantes", ligne=header_line))
    if not rows and not any(p.is_error for p in problems):
        problems.append(Problem(shown, "au moins une ligne de réponse sous la ligne d'en-têtes"
                                + (" (toutes sont des brouillons ou des réponses incomplètes)" if excluded else ""),
                                ligne=header_line))
    errors = [p for p in problems if p.is_error]
    if errors:
        raise QuestionnaireError(errors)
    survey = Survey(shown, tool, questions, rows, lines, identifying_headers,
                    [headers[i].strip() for i in technical], excluded, years, problems=problems, named=named)
    survey.attribute = _attribute(survey, mapping, shown)
    return survey


def read_export(path: Path | str, mapping: dict | None = None, sheet: str | None = None) -> Survey:
    """Read a questionnaire export (.csv or .xlsx) into a :class:`Survey`."""
    path = Path(path)
    shown = shown_path(path)
    if not path.is_file():
        raise QuestionnaireError([Problem(shown, "un fichier existant (.csv ou .xlsx)")])
    if path.suffix.lower() not in {".csv", ".xlsx", ".txt", ".tsv"}:
        raise QuestionnaireError([Problem(shown, "un export .csv ou .xlsx (les anciens .xls sont à enregistrer "
                                          "au format .xlsx)")])
    records, problems = read_records(path, sheet=sheet, sheet_choice=" (option --feuille)")
    if records is None or any(p.is_error for p in problems):
        raise QuestionnaireError([p for p in problems if p.is_error])
    return parse_records(records, shown, mapping)
