"""Raw questionnaire exports, one row per respondent: questions, answers, counts with n per question.

Reads the exports of Google Forms, Microsoft Forms (French headers: « Horodateur »,
« Heure de début »…), LimeSurvey (question codes, ``Q3[SQ001]`` sub-questions,
``Y``/blank; « codes » or « texte » header styles) and Framaforms / Drupal Webform
(« Serial », « SID », « Heure de soumission », header over several rows), or any
sheet with one row per respondent.

Identifying columns (e-mail, name, IP address, user name, access token…) are
dropped as soon as the header is read: their cells never reach a
:class:`Survey`, so no table, page or CSV can show them; only their headers are
kept, to be named in the import summary.

Question types are inferred from the answers (an ordered scale of
``vocabulaires/echelles.yml``, several options in one cell, a column per option,
a few recurring answers, free text) and can be set by a small mapping file
(:func:`read_mapping`). This module never writes anything.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from .clean import name_key, upper_first
from .harmonise import vocabulary_entries
from .iorw import decode_text, field_count_problem, header_key, read_records, shown_path
from .problems import Problem
from .stats import wilson_interval

__all__ = [
    "KINDS", "VOLETS", "Question", "Survey", "QuestionnaireError", "Scale", "scales", "read_mapping",
    "read_export", "parse_records", "answers_of", "question_counts", "open_answers", "summary_lines",
    "COUNTED_KINDS", "TOOLS", "default_volet", "scrub", "survey_tables",
]

KINDS = {
    "choix_unique": "choix unique",
    "choix_multiple": "choix multiple",
    "echelle": "échelle ordonnée",
    "ouverte": "question ouverte",
    "attribut": "caractéristique du répondant",
    "ignorer": "colonne ignorée",
    "identifiant": "colonne identifiante (jamais lue)",
}
VOLETS = ("gouvernance", "sante", "participation")
TOOLS = {
    "google": "Google Forms",
    "microsoft": "Microsoft Forms",
    "limesurvey": "LimeSurvey",
    "framaforms": "Framaforms / Drupal Webform",
    "tableur": "tableur (une ligne par répondant)",
}

# Header keys (``header_key``) of the columns that identify a person or a device.
_IDENTIFYING_EXACT = {
    "nom", "prenom", "name", "firstname", "lastname", "first_name", "last_name", "username", "user", "uid",
    "utilisateur", "nom_d_utilisateur", "token", "jeton", "code_d_acces", "ipaddr", "ip", "adresse_ip",
    "ip_address", "refurl", "url_de_provenance", "url_de_reference", "url_referente", "email", "e_mail",
    "mail", "courriel", "telephone", "tel", "portable", "adresse", "adresse_postale", "signature",
    # the name of the answering body (an association, a firm) identifies it as surely as a person's
    "structure", "votre_structure", "organisme", "votre_organisme", "association", "votre_association",
}
_IDENTIFYING_PARTS = ("e_mail", "email", "courriel", "messagerie", "adresse_electronique", "adresse_ip",
                      "ipaddr", "prenom", "telephone", "nom_d_utilisateur", "username", "adresse_postale")
# A respondent's place: a crossing attribute, not an identity (« Nom de votre commune »).
_ATTRIBUTE_PARTS = ("commune", "quartier", "qpv", "ville")
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
_TICKED = {"y", "x", "1", "oui", "yes", "vrai", "true", "coche", "checked"}
_UNTICKED = {"n", "0", "non", "no", "faux", "false"}
_LIMESURVEY_CODE = re.compile(r"^(?P<code>[A-Za-z][A-Za-z0-9_]*)(?:\[(?P<sub>[^\]]*)\])?(?:\.\s*(?P<text>.*))?$", re.S)
_TRAILING_ITEM = re.compile(r"^(?P<question>.*?)\s*\[(?P<item>[^\[\]]+)\]\s*$", re.S)
_QUIZ = re.compile(r"^(points|commentaires|feedback)\s+-\s+", re.I)
_OPEN_HINT = re.compile(r"remarque|commentaire|pr[ée]cise|pourquoi|suggestion|propos|observation|expliqu|"
                        r"am[ée]lior|libre|en quelques mots", re.I)
_LEADING_NUMBER = re.compile(r"^\s*\d+\s*[-.):–]\s*")


class QuestionnaireError(Exception):
    """The export cannot be read; carries every problem, each naming file, line, column and expectation."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# ---------------------------------------------------------------------------
# Ordered scales


@dataclass(frozen=True)
class Scale:
    """An ordered answer scale, from its weakest level to its strongest."""

    code: str
    label: str
    levels: tuple[str, ...]
    aliases: dict = field(default_factory=dict, compare=False, hash=False)  # answer key -> level index

    def level(self, answer: str) -> int | None:
        """Index (0-based) of the level an answer names, or None."""
        return self.aliases.get(_answer_key(answer))


def _answer_key(answer: str) -> str:
    return name_key(_LEADING_NUMBER.sub("", str(answer)))


@cache
def scales() -> dict[str, Scale]:
    """The scales of ``vocabulaires/echelles.yml``, by code."""
    found = {}
    for code, entry in vocabulary_entries("echelles").items():
        levels, aliases = [], {}
        for index, level in enumerate(entry["niveaux"]):
            levels.append(level["libelle"])
            for alias in [level["libelle"], *level.get("alias", [])]:
                aliases[_answer_key(alias)] = index
        found[code] = Scale(code, entry["libelle"], tuple(levels), aliases)
    return found


def _custom_scale(levels: list[str]) -> Scale:
    return Scale("personnalisee", "échelle du fichier de correspondances", tuple(levels),
                 {_answer_key(level): index for index, level in enumerate(levels)})


def _scale_of(values: list[str]) -> Scale | None:
    """The shortest known scale naming every answer (at least two distinct ones)."""
    keys = {_answer_key(v) for v in values}
    if len(keys) < 2:
        return None
    fitting = [s for s in scales().values() if keys <= set(s.aliases)]
    return min(fitting, key=lambda s: len(s.levels)) if fitting else None


# ---------------------------------------------------------------------------
# Mapping file


_MAPPING_KEYS = {"type", "libelle", "axe", "volet", "echelle", "niveaux", "options", "reponses", "partenaire", "theme"}


def read_mapping(path: Path | str | None) -> dict:
    """The mapping file (YAML) that sets question types, labels and the crossing attribute.

    ::

        croisement: Votre commune     # the attribute to cross by (« non »: none)
        incompletes: exclure          # LimeSurvey responses never submitted, Webform drafts (or « inclure »)
        questions:
          "Q2":                       # a header as printed, its question part or a LimeSurvey code
            type: choix_multiple      # choix_unique, choix_multiple, echelle, ouverte, attribut, ignorer, identifiant
            options: ["Santé", "Emploi, insertion"]   # options holding a comma
            libelle: Domaines d'intervention
            axe: Profil des répondants
            volet: sante              # gouvernance (default), sante, participation
          "Q5":
            type: echelle
            echelle: cooperation      # a scale of vocabulaires/echelles.yml, or niveaux: [..]
          "Q1":
            reponses: {A1: Oui, A2: Non}   # LimeSurvey answer codes
    """
    if path is None:
        return {}
    path = Path(path)
    shown = shown_path(path)
    if not path.is_file():
        raise QuestionnaireError([Problem(shown, "un fichier de correspondances existant (YAML)")])
    text, problems = decode_text(path.read_bytes(), shown)
    if text is None:
        raise QuestionnaireError(problems)
    try:
        mapping = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise QuestionnaireError([Problem(shown, f"du YAML valide ({getattr(exc, 'problem', exc)})",
                                          ligne=mark.line + 1 if mark else None)]) from None
    if not isinstance(mapping, dict):
        raise QuestionnaireError([Problem(shown, "un dictionnaire YAML (clés croisement, incompletes, questions)")])
    problems = []
    unknown = set(mapping) - {"croisement", "incompletes", "questions"}
    problems += [Problem(shown, "une clé parmi croisement, incompletes, questions", colonne=str(k)) for k in unknown]
    if str(mapping.get("incompletes", "exclure")) not in {"exclure", "inclure"}:
        problems.append(Problem(shown, "« exclure » ou « inclure »", colonne="incompletes",
                                valeur=str(mapping["incompletes"])))
    questions = mapping.get("questions") or {}
    if not isinstance(questions, dict):
        problems.append(Problem(shown, "un dictionnaire « en-tête: {type: …} » sous questions", colonne="questions"))
        questions = {}
    for key, entry in questions.items():
        where = f"questions.{key}"
        if not isinstance(entry, dict):
            problems.append(Problem(shown, "un dictionnaire (type, libelle, axe, volet, echelle…)", colonne=where))
            continue
        problems += [Problem(shown, "une clé parmi " + ", ".join(sorted(_MAPPING_KEYS)), colonne=f"{where}.{k}")
                     for k in set(entry) - _MAPPING_KEYS]
        if "type" in entry and entry["type"] not in KINDS:
            problems.append(Problem(shown, "un type parmi " + ", ".join(KINDS), colonne=f"{where}.type",
                                    valeur=str(entry["type"])))
        if "volet" in entry and entry["volet"] not in VOLETS:
            problems.append(Problem(shown, "un volet parmi " + ", ".join(VOLETS), colonne=f"{where}.volet",
                                    valeur=str(entry["volet"])))
        if "echelle" in entry and entry["echelle"] not in scales():
            problems.append(Problem(shown, "une échelle de cdv_analysis/vocabulaires/echelles.yml ("
                                    + ", ".join(scales()) + ")", colonne=f"{where}.echelle", valeur=str(entry["echelle"])))
        for listed in ("niveaux", "options"):
            if listed in entry and not (isinstance(entry[listed], list) and entry[listed]):
                problems.append(Problem(shown, "une liste non vide", colonne=f"{where}.{listed}"))
        if "reponses" in entry and not isinstance(entry["reponses"], dict):
            problems.append(Problem(shown, "un dictionnaire « code: libellé »", colonne=f"{where}.reponses"))
    if problems:
        raise QuestionnaireError(problems)
    return {"croisement": mapping.get("croisement"), "incompletes": str(mapping.get("incompletes", "exclure")),
            "questions": {str(k): v for k, v in questions.items()}, "fichier": shown}


# ---------------------------------------------------------------------------
# Questions and the survey


@dataclass
class Question:
    """One question of the export: its columns, type and how its answers are read.

    ``items`` are the options of a multiple choice spread over one column per
    option (aligned with ``columns``); ``levels`` the ordered levels of a scale.
    """

    key: str
    label: str
    kind: str
    columns: list[int]
    header: str
    axe: str = ""
    volet: str = ""
    items: list[str] = field(default_factory=list)
    scale: Scale | None = None
    options: list[str] = field(default_factory=list)
    separator: str | None = None
    labels: dict = field(default_factory=dict)  # answer code -> label (LimeSurvey)
    partner: str = ""
    theme: str = ""
    inferred: bool = True
    declared_options: bool = False  # ``options`` come from the mapping file (shown in its order)
    level_labels: list[str] = field(default_factory=list)  # each level as the export spells it
    other: int | None = None  # LimeSurvey « other » column of a multiple choice: ticks « Autre » when filled

    @property
    def is_cooperation(self) -> bool:
        return self.kind == "echelle" and self.scale is not None and self.scale.code == "cooperation"


@dataclass
class Survey:
    """An export read: the answers of each kept respondent, without any identifying column."""

    fichier: str
    tool: str
    questions: list[Question]
    rows: list[list[str]]          # kept respondents, cells of the kept columns (index = column index)
    lines: list[int]               # line of each kept respondent in the file
    identifying: list[str]         # headers of the columns never read
    technical: list[str]           # headers of the tools' own columns (dates, ids)
    excluded: Counter = field(default_factory=Counter)  # reason -> respondents left out
    years: list[int] = field(default_factory=list)       # years of the submission dates
    attribute: Question | None = None
    problems: list[Problem] = field(default_factory=list)  # warnings

    @property
    def respondents(self) -> int:
        return len(self.rows)

    @property
    def tool_label(self) -> str:
        return TOOLS[self.tool]

    def question(self, key: str) -> Question:
        """The question whose key, label, header or LimeSurvey code is ``key``."""
        wanted = name_key(key)
        for question in self.questions:
            if wanted in {name_key(question.key), name_key(question.label), name_key(question.header)}:
                return question
        raise KeyError(key)


@dataclass
class _Column:
    index: int
    header: str
    question: str
    item: str = ""
    code: str = ""
    sub: str = ""


def _is_attribute(header: str) -> bool:
    """A short header naming the respondent's place: « Votre commune », « Quartier de résidence »."""
    tokens = header_key(header).split("_")
    return len(tokens) <= 5 and any(t in _ATTRIBUTE_PARTS for t in tokens)


def _is_identifying(header: str) -> bool:
    key = header_key(header)
    if not key:
        return False
    if _is_attribute(header) and not any(p in key for p in _IDENTIFYING_PARTS):
        return False
    return (key in _IDENTIFYING_EXACT or any(part in key for part in _IDENTIFYING_PARTS)
            or key.startswith("nom_") or key.endswith("_nom") or key == "votre_nom")


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
    width = lambda i: sum(1 for c in records[i][1] if c.strip())  # noqa: E731
    widest = max(width(i) for i in filled[:10])
    index = next(i for i in filled if width(i) > 1 or widest <= 1)
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


def _entry(mapping: dict, *names: str) -> dict:
    questions = mapping.get("questions") or {}
    keys = {name_key(n) for n in names if n}
    for key, entry in questions.items():
        if name_key(key) in keys:
            return entry
    return {}


def _used_entries(mapping: dict, columns: list[_Column]) -> set[str]:
    names = set()
    for column in columns:
        names |= {name_key(n) for n in (column.header, column.question, column.code,
                                        f"{column.code}[{column.sub}]" if column.code else "") if n}
    return {k for k in (mapping.get("questions") or {}) if name_key(k) in names}


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
    identifying = [i for i, h in enumerate(headers) if i in forced or (_is_identifying(h) and not _entry(mapping, h))
                   or (_is_identifying(h) and _entry(mapping, h).get("type") == "identifiant")]
    drop = set(identifying)
    rows, lines = [], []
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
                    [headers[i].strip() for i in technical], excluded, years, problems=problems)
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


# ---------------------------------------------------------------------------
# Typing the questions


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


# ---------------------------------------------------------------------------
# Answers and counts


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
    from .formatting import liste_fr, pluriel

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



# ---------------------------------------------------------------------------
# The territory's tables


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
_THEMES = {"sante": "santé", "participation": "participation", "gouvernance": "gouvernance"}


def scrub(text: str) -> tuple[str, int]:
    """An open answer with the e-mail addresses and phone numbers a respondent typed taken out; how many."""
    text, mails = _EMAIL.subn("[adresse e-mail retirée]", text)
    text, phones = _PHONE.subn("[numéro retiré]", text)
    return text, mails + phones


def survey_tables(survey: Survey, enquete: str, year: int, source: str, shown_name: str) -> tuple[dict, int]:
    """The rows of the tables ``enquetes``, ``cooperation`` and ``qualitatif`` from ``survey``; scrubbed answers.

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
    scrubbed = 0
    for number, row in enumerate(open_answers(survey).itertuples(), start=1):
        text, taken = scrub(row.texte)
        scrubbed += taken
        volet = row.volet or default
        said.append({"id": f"{source}-r{number}", "acteur": enquete, "nature": "citation",
                     "theme": row.theme or _THEMES[volet], "texte": text, "annee": year, "source": source,
                     "section": f"{shown_name}, question « {row.question} », ligne {row.ligne}",
                     "remarque": "réponse à une question ouverte, recopiée telle quelle"
                                 + (" (coordonnées retirées)" if taken else "")})
    return {"enquetes": items, "cooperation": levels, "qualitatif": said}, scrubbed
