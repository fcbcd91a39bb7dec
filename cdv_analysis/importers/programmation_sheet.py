"""Column mapping and reading of a programmation sheet: the vocabulary that names its headers, financers and
pillars (``vocabulaires/programmation.yml`` extended by the territory's ``vocabulaire.yml``), the header row found
past any title and notes, merged cells filled, the data rows (for :mod:`.programmation`)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path


from ..rules.clean import name_key
from ..rules.harmonise import vocabulary, vocabulary_entries
from ..ingest.iorw import Records, field_count_problem, limits, read_records, read_yaml, shown_path
from ..ingest.problems import Problem
from .base import ImportFailed

TERRITORY_VOCABULARY = "vocabulaire.yml"  # in the territory folder: extends vocabulaires/programmation.yml
_PILLAR_NUMBER_RE = re.compile(r"^\s*(pilier\s*)?\d+\s*[-–—.:)]?\s*", re.I)
HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class SheetVocabulary:
    """How a programmation sheet is read: header aliases, financer headers, credit types, pillar labels."""

    headers: dict[str, str]  # name key of a printed header → canonical field
    financers: dict[str, str]  # printed financer label → financer code (besides financeurs.yml)
    credit_types: dict[str, str]  # financer code → specifique / droit_commun
    pillars: dict[str, str]  # printed pillar label → pillar code (besides piliers.yml)
    ignored: frozenset[str] = frozenset()  # name keys of headers to leave aside without a word

    def field_of(self, header: str) -> str | None:
        return self.headers.get(name_key(header))

    def financer_of(self, printed: str) -> str | None:
        return vocabulary("financeurs").code(printed, self.financers)

    def pillar_of(self, printed: str) -> str | None:
        pillars = vocabulary("piliers")
        return pillars.code(printed, self.pillars) or pillars.code(_PILLAR_NUMBER_RE.sub("", printed), self.pillars)

    def credit_type(self, financer: str) -> str:
        declared = vocabulary("financeurs").attributes.get(financer, {}).get("type_credit")
        return str(self.credit_types.get(financer) or declared or "")


def _package_vocabulary() -> dict:
    return vocabulary_entries("programmation")


def _merged(base: dict, extra: dict) -> dict:
    merged = {key: dict(value) if isinstance(value, dict) else list(value or []) for key, value in base.items()}
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            for name, entry in value.items():
                if key == "en_tetes":
                    merged[key][name] = [*merged[key].get(name, []), *(entry or [])]
                else:
                    merged[key][name] = entry
        elif isinstance(value, list):
            merged[key] = [*merged.get(key, []), *value]
    return merged


def sheet_vocabulary(folder: Path | None = None, extra: dict | None = None) -> tuple[SheetVocabulary, list[Problem]]:
    """The package vocabulary, extended by ``<folder>/vocabulaire.yml`` (and ``extra``, for tests)."""
    problems, own = [], {}
    path = Path(folder) / TERRITORY_VOCABULARY if folder is not None else None
    shown = shown_path(path) if path is not None else "vocabulaires/programmation.yml"
    if path is not None and path.is_file():  # read as every outside YAML: encodings, size, no repeated key
        _, own, problems = read_yaml(path, shown, root=path.parent.parent)
        if own is not None and not isinstance(own, dict):
            problems.append(Problem(shown, "un dictionnaire YAML (clés en_tetes, financeurs, types_credit, piliers, "
                                    "ignorer)"))
        own = own if isinstance(own, dict) else {}
    entries = _merged(_merged(_package_vocabulary(), own), extra or {})
    headers = {}
    for field_name, aliases in (entries.get("en_tetes") or {}).items():
        for alias in [field_name, *(aliases or [])]:
            headers[name_key(alias)] = field_name
    financers = {str(k): str(v) for k, v in (entries.get("financeurs") or {}).items()}
    credit_types = {str(k): str(v) for k, v in (entries.get("types_credit") or {}).items()}
    pillars = {str(k): str(v) for k, v in (entries.get("piliers") or {}).items()}
    for key, declared, vocab_name, expected in (("financeurs", financers, "financeurs", "un code de financeur"),
                                                ("types_credit", credit_types, "types_credit", "un type de crédit"),
                                                ("piliers", pillars, "piliers", "un code de pilier")):
        known = vocabulary(vocab_name).labels
        problems += [Problem(shown, f"{expected} parmi : " + ", ".join(known), colonne=key, valeur=f"{printed}: {code}")
                     for printed, code in declared.items() if code not in known]
    vocab = SheetVocabulary(headers, financers, credit_types, pillars, frozenset(name_key(h) for h in entries.get("ignorer") or []))
    return vocab, problems


# ---------------------------------------------------------------------------
# Reading the sheet


@dataclass
class SheetLayout:
    """Where things are in the sheet: its header line, the field of each column, the financer columns."""

    header_line: int
    fields: dict[int, str] = field(default_factory=dict)  # column index → canonical field
    financers: dict[int, str] = field(default_factory=dict)  # column index → financer code
    headers: dict[int, str] = field(default_factory=dict)  # column index → printed header
    unknown: dict[int, str] = field(default_factory=dict)  # column index → printed header, not recognised

    @property
    def long(self) -> bool:
        return "financeur" in self.fields.values() and "montant" in self.fields.values()


def _layout_of(cells: list[str], line: int, vocab: SheetVocabulary) -> SheetLayout:
    layout = SheetLayout(line)
    for index, printed in enumerate(cells):
        printed = " ".join(str(printed).split())
        if not printed:
            continue
        layout.headers[index] = printed
        found = vocab.field_of(printed)
        if found and found not in layout.fields.values():
            layout.fields[index] = found
        elif name_key(printed) in vocab.ignored:
            continue
        elif (code := vocab.financer_of(printed)) is not None:
            layout.financers[index] = code
        else:
            layout.unknown[index] = printed
    return layout


def find_header(records: list[tuple[int, list[str]]], vocab: SheetVocabulary) -> tuple[int, SheetLayout] | None:
    """The header row: among the first rows, the one whose cells are most often known headers or financers."""
    best = None
    for position, (line, cells) in enumerate(records[:HEADER_SEARCH_ROWS]):
        layout = _layout_of(cells, line, vocab)
        score = len(layout.fields) + len(layout.financers)
        if "intitule" in layout.fields.values() and score >= 2 and (best is None or score > best[0]):
            best = (score, position, layout)
    return None if best is None else (best[1], best[2])


def _merged_fill(records: Records, below: int) -> None:
    """Cells of a merged range below the header take the value of its top-left cell (as the sheet shows it)."""
    by_line = dict(records)
    lines = sorted(by_line)
    for min_row, min_col, max_row, max_col in records.merged:
        if min_row <= below:
            continue
        top = by_line.get(min_row)
        value = top[min_col - 1] if top and len(top) >= min_col else ""
        max_col = min(max_col, limits.LIMITS.columns)
        for line in lines[bisect.bisect_left(lines, min_row):bisect.bisect_right(lines, max_row)]:
            cells = by_line[line]
            cells.extend([""] * (max_col - len(cells)))
            for column in range(min_col, max_col + 1):
                if not cells[column - 1]:
                    cells[column - 1] = value


def read_sheet(path: Path, vocab: SheetVocabulary, sheet: str | None = None
               ) -> tuple[SheetLayout, list[tuple[int, list[str]]], list[Problem]]:
    """The layout of the sheet and its data rows (line number, cells), past any title and notes."""
    shown = shown_path(path)
    if not path.is_file():
        raise ImportFailed([Problem(shown, "un fichier existant (.csv ou .xlsx)")])
    records, problems = read_records(path, sheet, sheet_choice=" (option --feuille)", sniff_lines=HEADER_SEARCH_ROWS)
    if records is None:
        raise ImportFailed(problems)
    found = find_header(records, vocab)
    if found is None:
        known = sorted({f for f in vocab.headers.values()})
        raise ImportFailed(problems + [Problem(shown, "une ligne d'en-têtes avec au moins l'intitulé de l'action et "
                                               "un montant ou un financeur, dans les " f"{HEADER_SEARCH_ROWS} "
                                               "premières lignes ; en-têtes reconnus : " + ", ".join(known)
                                               + f" et les financeurs (ajoutez les vôtres dans {TERRITORY_VOCABULARY}"
                                               " du dossier du territoire)")])
    position, layout = found
    _merged_fill(records, layout.header_line)
    rows = [(line, cells) for line, cells in records[position + 1:] if any(str(c).strip() for c in cells)]
    if separator := records.separator:  # a cell holding the separator unquoted shifts every later cell of its row: refused as such
        width = max(layout.headers) + 1
        wider = [field_count_problem(shown, width, len(cells), line, separator) for line, cells in rows
                 if any(str(c).strip() for c in cells[width:])]
        if wider:
            raise ImportFailed(problems + wider)
    return layout, rows, problems
