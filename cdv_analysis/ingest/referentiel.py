"""Référentiel d'évaluation: evaluative questions → judgment criteria → indicators, statements, conclusions.

One YAML file per evaluation in the territory folder, ``referentiel.<source>.yml`` (template:
``cdv_analysis/modele/referentiel.yml``). Its keys are French, like ``territoire.yml``::

    source: eval2022                 # the source document the référentiel reads (declared in territoire.yml)
    questions:
      - id: P1                       # unique in the file
        section: participation       # programmation | gouvernance | sante | participation | contexte
        question: Les conseils citoyens ont-ils permis … ?
        statut: enoncee              # enoncee (printed by the source) | reconstituee (the question a chapter answers)
        reference: 03. … cadre méthodologique     # where the source states or answers it
        criteres:
          - id: P1.1
            critere: Les conseils citoyens ont été installés et ont fonctionné
            indicateurs:             # rows of a table, selected by column values
              - table: enquetes
                filtre: {enquete: conseils_citoyens, question: utilité du conseil citoyen}
            enonces: [e22-fr-h1, e22-fr-h8]   # ids of the qualitatif table
        conclusion: [e22-pr-0]       # the source's own conclusion on the question (its caveat rows follow)
        concordance: …               # optional: how far the sources agree, written by the evaluator
        avis_evaluateur: …           # optional: the evaluator's verdict, printed as such
        synthese: …                  # optional: the one-sentence finding of the synthesis, in the evaluator's words
        chiffre_cle: évolution …     # optional: start of the label of the indicator the synthesis quotes (default: the
                                     # first; « aucun »: none)

A filter value is matched exactly against the printed text of the column (case and accents
ignored); a list of values matches any of them. Every problem is reported in French with the
file, the line and the key (:class:`~cdv_analysis.ingest.problems.Problem`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..rules.clean import cell_text
from ..rules.harmonise import label
from . import iorw
from .iorw import read_bytes, read_yaml, shown_path
from .problems import Problem

__all__ = ["PREFIX", "SECTIONS", "STATUSES", "NO_KEY_FIGURE", "no_key_figure", "INDICATOR_TABLES", "Question", "Criterion", "Referentiel",
           "referentiel_files", "parse_referentiel", "read_referentiel", "reference_problems",
           "territory_referentiels", "referentiel_of_year"]

PREFIX = "referentiel."
# The sections a question may belong to: code → title (vocabulaires/sections.yml, the titles' one home).
SECTIONS = {code: label("sections", code) for code in ("programmation", "gouvernance", "sante", "participation",
                                                       "contexte")}
NO_KEY_FIGURE = "aucun"  # ``chiffre_cle: aucun``: the synthesis quotes no figure for the question
STATUSES = {"enoncee": "question posée par la source", "reconstituee": "question reconstituée"}
# Tables whose rows a criterion may cite as indicators (the long-form indicator tables and the surveys).
INDICATOR_TABLES = ("enquetes", "cooperation", "gouvernance", "participation", "sante", "contexte", "realisations",
                    "financements", "projets")
_TOP_KEYS = {"source", "questions", "titre"}
_QUESTION_KEYS = {"id", "section", "question", "statut", "reference", "criteres", "conclusion", "concordance",
                  "avis_evaluateur", "synthese", "chiffre_cle"}
_CRITERION_KEYS = {"id", "critere", "indicateurs", "enonces"}
_INDICATOR_KEYS = {"table", "filtre"}


@dataclass(frozen=True)
class Criterion:
    id: str
    critere: str
    indicateurs: tuple[tuple[str, dict], ...] = ()
    enonces: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    question: str
    statut: str
    criteres: tuple[Criterion, ...]
    reference: str = ""
    conclusion: tuple[str, ...] = ()
    concordance: str = ""
    avis_evaluateur: str = ""
    synthese: str = ""
    chiffre_cle: str = ""


@dataclass(frozen=True)
class Referentiel:
    fichier: str
    source: str
    questions: tuple[Question, ...]
    titre: str = ""
    lines: dict = field(default_factory=dict, compare=False, repr=False)  # (question id, key) -> line

    def of_section(self, section: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.section == section)


def referentiel_files(folder: Path) -> list[Path]:
    """The référentiel files of a territory folder, in name order."""
    return sorted(p for p in folder.glob(f"{PREFIX}*") if p.is_file() and p.suffix.lower() in {".yml", ".yaml"})


def _fold(value: object) -> str:
    return _fold_text(cell_text(value))


def no_key_figure(wanted: object) -> bool:
    """``chiffre_cle: aucun`` (case and accents ignored): the synthesis quotes no figure for the question."""
    return _fold(wanted) == NO_KEY_FIGURE


@lru_cache(maxsize=1 << 16)  # the same cells are folded for each criterion that selects rows among them
def _fold_text(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


class _Collector:
    def __init__(self, fichier: str):
        self.fichier, self.problems = fichier, []

    def add(self, line: int | None, key: str | None, expected: str, value: object = None) -> None:
        shown = None if value is None else cell_text(value) if not isinstance(value, (list, dict)) else str(value)
        self.problems.append(Problem(self.fichier, expected, ligne=line, colonne=key, valeur=shown))


def _text_list(value: object) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return [str(v) for v in value]
    return None


def parse_referentiel(data: object, fichier: str, sources: set[str] | None = None,
                      table_columns: dict[str, list[str]] | None = None) -> tuple[Referentiel | None, list[Problem]]:
    """Check a loaded YAML document against the schema; the référentiel, or None, and the problems."""
    out = _Collector(fichier)
    if data is None:  # an empty or fully commented file (the template): no référentiel, no problem
        return None, []
    if not isinstance(data, dict):
        out.add(None, None, "un document YAML dont la racine a les clés « source » et « questions »")
        return None, out.problems
    top_line = getattr(data, "line", 1)
    for key in sorted(set(data) - _TOP_KEYS):
        out.add(top_line, key, "une clé connue (" + ", ".join(sorted(_TOP_KEYS)) + ")", key)
    source = cell_text(data.get("source"))
    if not source:
        out.add(top_line, "source", "l'identifiant d'une source de territoire.yml (ex. « eval2022 »)")
    elif sources is not None and source not in sources:
        out.add(top_line, "source", "une source déclarée dans territoire.yml (" + ", ".join(sorted(sources)) + ")",
                source)
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        out.add(top_line, "questions", "une liste non vide de questions évaluatives")
        return None, out.problems
    questions, seen, lines = [], set(), {}
    for number, raw in enumerate(raw_questions, start=1):
        question = _question(raw, number, out, seen, lines, table_columns)
        if question is not None:
            questions.append(question)
    if out.problems:
        return None, out.problems
    return Referentiel(fichier, source, tuple(questions), cell_text(data.get("titre")), lines), []


def _keys_and_id(raw: dict, known: set[str], kind: str, line: int | None, out: _Collector, seen: set[str],
                 missing: str) -> str:
    """The ``id`` of a question or criterion, after reporting its unknown keys; a missing id is reported with
    ``missing``, an id already used in the file as such."""
    for key in sorted(set(raw) - known):
        out.add(line, key, f"une clé de {kind} connue (" + ", ".join(sorted(known)) + ")", key)
    identifier = cell_text(raw.get("id"))
    if not identifier:
        out.add(line, "id", missing)
    elif identifier in seen:
        out.add(line, "id", "un identifiant unique dans le fichier (déjà utilisé)", identifier)
    seen.add(identifier)
    return identifier


def _question(raw: object, number: int, out: _Collector, seen: set[str], lines: dict,
              table_columns: dict[str, list[str]] | None) -> Question | None:
    if not isinstance(raw, dict):
        out.add(None, f"questions[{number}]", "une question : une table avec id, section, question, statut, criteres")
        return None
    line = getattr(raw, "line", None)
    before = len(out.problems)
    qid = _keys_and_id(raw, _QUESTION_KEYS, "question", line, out, seen, f"un identifiant pour la question n° {number}")
    where = f"question {qid or number}"
    section = cell_text(raw.get("section"))
    if section not in SECTIONS:
        out.add(line, "section", f"pour la {where}, une section parmi " + ", ".join(SECTIONS), section)
    text = cell_text(raw.get("question"))
    if not text.endswith("?"):
        out.add(line, "question", f"pour la {where}, le texte de la question, terminé par « ? »", text)
    statut = cell_text(raw.get("statut"))
    if statut not in STATUSES:
        out.add(line, "statut", f"pour la {where}, « enoncee » (posée par la source) ou « reconstituee » "
                "(la question à laquelle répond un chapitre)", statut)
    conclusion = _text_list(raw.get("conclusion"))
    if conclusion is None:
        out.add(line, "conclusion", f"pour la {where}, une liste d'identifiants d'énoncés (table qualitatif)")
    for key in ("reference", "concordance", "avis_evaluateur", "synthese", "chiffre_cle"):
        if raw.get(key) is not None and not isinstance(raw.get(key), str):
            out.add(line, key, f"pour la {where}, un texte", raw.get(key))
    criteria = []
    raw_criteria = raw.get("criteres")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        out.add(line, "criteres", f"pour la {where}, une liste non vide de critères de jugement")
    else:
        for rank, item in enumerate(raw_criteria, start=1):
            criterion = _criterion(item, f"{where}, critère {rank}", line, out, seen, table_columns)
            if criterion is not None:
                criteria.append(criterion)
    lines[(qid, "")] = line
    if len(out.problems) > before:
        return None
    return Question(qid, section, text, statut, tuple(criteria), cell_text(raw.get("reference")),
                    tuple(conclusion or ()), cell_text(raw.get("concordance")),
                    cell_text(raw.get("avis_evaluateur")), cell_text(raw.get("synthese")),
                    cell_text(raw.get("chiffre_cle")))


def _criterion(raw: object, where: str, parent_line: int | None, out: _Collector, seen: set[str],
               table_columns: dict[str, list[str]] | None) -> Criterion | None:
    if not isinstance(raw, dict):
        out.add(parent_line, "criteres", f"pour la {where}, une table avec id, critere, indicateurs, enonces")
        return None
    line = getattr(raw, "line", parent_line)
    before = len(out.problems)
    cid = _keys_and_id(raw, _CRITERION_KEYS, "critère", line, out, seen, f"pour la {where}, un identifiant")
    label = cell_text(raw.get("critere"))
    if not label:
        out.add(line, "critere", f"pour la {where}, l'énoncé du critère de jugement")
    statements = _text_list(raw.get("enonces"))
    if statements is None:
        out.add(line, "enonces", f"pour la {where}, une liste d'identifiants d'énoncés (table qualitatif)")
    indicators = []
    raw_indicators = raw.get("indicateurs") or []
    if not isinstance(raw_indicators, list):
        out.add(line, "indicateurs", f"pour la {where}, une liste d'indicateurs (table et filtre)")
        raw_indicators = []
    for item in raw_indicators:
        item_line = getattr(item, "line", line)
        if not isinstance(item, dict):
            out.add(item_line, "indicateurs", f"pour la {where}, un indicateur : {{table: …, filtre: {{…}}}}")
            continue
        for key in sorted(set(item) - _INDICATOR_KEYS):
            out.add(item_line, key, "une clé d'indicateur connue (filtre, table)", key)
        table = cell_text(item.get("table"))
        if table not in INDICATOR_TABLES:
            out.add(item_line, "table", f"pour la {where}, une table parmi " + ", ".join(INDICATOR_TABLES), table)
            continue
        filtre = item.get("filtre") or {}
        if not isinstance(filtre, dict):
            out.add(item_line, "filtre", f"pour la {where}, une table colonne: valeur (ou liste de valeurs)")
            continue
        known = (table_columns or {}).get(table)
        for column, value in filtre.items():
            if known is not None and column not in known:
                out.add(item_line, "filtre", f"une colonne de la table « {table} » (" + ", ".join(known) + ")",
                        column)
            if _text_list(value) is None:
                out.add(item_line, "filtre", f"pour la colonne « {column} », un texte ou une liste de textes", value)
        indicators.append((table, {str(k): tuple(_text_list(v) or ()) for k, v in filtre.items()}))
    if not indicators and not statements:
        out.add(line, "indicateurs", f"pour la {where}, au moins un indicateur ou un énoncé")
    if len(out.problems) > before:
        return None
    return Criterion(cid, label, tuple(indicators), tuple(statements or ()))


def read_referentiel(path: Path, sources: set[str] | None = None,
                     table_columns: dict[str, list[str]] | None = None,
                     raw: bytes | None = None) -> tuple[Referentiel | None, list[Problem]]:
    """Read and check one référentiel file (schema only; see :func:`reference_problems`).

    Read as every YAML file from outside (``iorw.read_yaml``: bounded size, no repeated key, no impossible
    date); ``raw``: its bytes when already read (``load.read_inputs``). Parsed once per process for the same
    bytes, sources and columns (a report reads it from several cells).
    """
    shown = shown_path(path)
    if raw is None:
        raw, problems = read_bytes(path, shown, limit=iorw.LIMITS.yaml_bytes)
        if raw is None:
            return None, problems
    key = (str(path), shown, raw, None if sources is None else frozenset(sources),
           None if table_columns is None else tuple((k, tuple(v)) for k, v in table_columns.items()))
    if key not in _READ:
        if len(_READ) >= 64:
            _READ.clear()
        # an empty file, like a fully commented one (the template), is no référentiel and no problem
        _, data, problems = read_yaml(path, shown, raw=raw, lines=True) if raw.strip() else (None, None, [])
        _READ[key] = (None, problems) if problems else parse_referentiel(data, shown, sources, table_columns)
    referentiel, problems = _READ[key]
    return referentiel, list(problems)


_READ: dict[tuple, tuple[Referentiel | None, list[Problem]]] = {}


def select_rows(frame: pd.DataFrame, filtre: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Rows of ``frame`` whose printed columns equal the filter's values (case and accents ignored)."""
    mask = pd.Series(True, index=frame.index)
    for column, values in filtre.items():
        wanted = {_fold(v) for v in values}
        printed = f"{column}_publie" if f"{column}_publie" in frame.columns else column
        mask &= frame[printed].map(_fold).isin(wanted) | frame[column].map(_fold).isin(wanted)
    return frame[mask]


def reference_problems(referentiel: Referentiel, tables: dict[str, pd.DataFrame],
                       unread: set[str] = frozenset()) -> list[Problem]:
    """Statement ids that the qualitatif table lacks and indicator filters that select no row.

    A table of which a file could not be read (``unread``: its own error is reported) is not checked
    against: its rows are missing, not the référentiel's.
    """
    problems = []
    qualitatif = tables.get("qualitatif")
    known_ids = set(qualitatif["id"]) if qualitatif is not None else set()
    # A heading of the source (nature « intitule ») is nobody's words: neither a conclusion nor a statement.
    headings = (set(qualitatif.loc[qualitatif["nature"] == "intitule", "id"])
                if qualitatif is not None and "nature" in qualitatif else set())
    check_ids = "qualitatif" not in unread

    def statement(sid: str, where: str, key: str, line: int | None) -> None:
        if check_ids and sid not in known_ids:
            problems.append(Problem(referentiel.fichier, f"pour {where}, l'identifiant d'un énoncé de la table "
                                    "qualitatif", ligne=line, colonne=key, valeur=sid))
        elif sid in headings:
            problems.append(Problem(referentiel.fichier, f"pour {where}, un énoncé, pas un intitulé de la source "
                                    "(nature « intitule » dans la table qualitatif)", ligne=line, colonne=key,
                                    valeur=sid))

    for question in referentiel.questions:
        line = referentiel.lines.get((question.id, ""))
        for sid in question.conclusion:
            statement(sid, f"la question {question.id}", "conclusion", line)
        for criterion in question.criteres:
            for sid in criterion.enonces:
                statement(sid, f"le critère {criterion.id}", "enonces", line)
            for table, filtre in criterion.indicateurs:
                if table in unread:
                    continue
                frame = tables.get(table)
                if frame is None or select_rows(frame, filtre).empty:
                    problems.append(Problem(referentiel.fichier, f"pour le critère {criterion.id}, un filtre qui "
                                            f"retient au moins une ligne de la table « {table} »", ligne=line,
                                            colonne="filtre", valeur=str({k: list(v) for k, v in filtre.items()})))
    return problems


def territory_referentiels(territory) -> list[Referentiel]:
    """The valid référentiels of a loaded territory (problems are reported by loading, see ``load``)."""
    from .schemas import TABLES

    columns = {name: list(TABLES[name].column_names) for name in INDICATOR_TABLES}
    found = []
    for path in referentiel_files(Path(territory.folder)):
        referentiel, problems = read_referentiel(path, set(territory.sources), columns)
        if referentiel is not None and not problems:
            found.append(referentiel)
    return found


def referentiel_of_year(territory, year: int | str) -> Referentiel | None:
    """The référentiel whose source feeds the report of ``year`` (the first, in file-name order)."""
    wanted = territory.sources_of_report_year(year)
    for referentiel in territory_referentiels(territory):
        if referentiel.source in wanted:
            return referentiel
    return None


def folder_problems(paths: list[Path], meta: dict, tables: dict[str, pd.DataFrame],
                    unread: set[str] = frozenset(), files: dict[str, bytes] | None = None) -> list[Problem]:
    """Every problem of a territory's référentiel files: schema, then the ids and filters they cite.

    ``unread``: tables of which a file could not be read (see :func:`reference_problems`); ``files``: the bytes
    already read by name (``load.read_inputs``), so that the file checked is the file fingerprinted.
    """
    from .schemas import TABLES

    sources = {cell_text(s.get("id")) for s in meta.get("sources") or [] if isinstance(s, dict)}
    columns = {name: list(TABLES[name].column_names) for name in INDICATOR_TABLES}
    problems: list[Problem] = []
    for path in paths:
        if path.suffix.lower() not in {".yml", ".yaml"}:
            problems.append(Problem(shown_path(path), "un référentiel au format YAML (.yml)"))
            continue
        found, schema = read_referentiel(path, sources, columns, (files or {}).get(path.name))
        problems.extend(schema)
        if found is not None:
            problems.extend(reference_problems(found, tables, unread))
    return problems
