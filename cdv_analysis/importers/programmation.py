"""The territory's own programmation sheet, as the service keeps it, into ``programmation.<annee>.csv``.

The sheet may have a title and notes above its header, merged cells, one column
per financer (or a long layout: one ``financeur`` and one ``montant`` column),
amounts typed as text (« 1 500,00 € »), several QPV per action
(« QN05901M ; QN05902M ») and comment columns. Its headers are recognised through
``vocabulaires/programmation.yml``, extended by the territory's own
``vocabulaire.yml``. The canonical table has one row per action and financer.

Refused (nothing written, every problem located): a ``TOTAL`` / ``Sous-total`` row
(by its label, or a row equal to the sum of the others), an unknown pillar or
financer (the message lists every known code). A stated « coût total » that the
financers' amounts do not add up to is a warning naming the row. Actions also
imported from ANCT for the same year are reported, and counted once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ..clean import ParseError, cell_text, is_qpv_code, name_key, parse_montant
from ..formatting import euros, liste_fr, pluriel
from ..harmonise import label, labels, vocabulary, vocabulary_entries
from ..iorw import decode_text, field_count_problem, read_records, shown_path
from ..load import discover_territories, load_territory
from ..problems import WARNING, Problem
from ..schemas import TABLES, TYPES_PORTEUR
from ..validation import TOTAL_LABEL
from .anct import _type_porteur
from .base import FEUILLE, ImportFailed, Importer, ImportPlan, ImportSummary, Option, Target, input_year, territory_metadata

__all__ = ["Programmation", "import_programmation", "SheetVocabulary", "sheet_vocabulary", "read_sheet",
           "TERRITORY_VOCABULARY", "SOURCE_TYPE"]

TERRITORY_VOCABULARY = "vocabulaire.yml"  # in the territory folder: extends vocabulaires/programmation.yml
SOURCE_TYPE = "programmation"
TEXT_FIELDS = ("dossier", "porteur", "type_porteur", "intitule", "pilier", "thematique", "qpv", "commune", "statut",
               "commentaire")
_PILLAR_NUMBER_RE = re.compile(r"^\s*(pilier\s*)?\d+\s*[-–—.:)]?\s*", re.I)
_QPV_SPLIT_RE = re.compile(r"\s*[;,/\n|]\s*|\s+et\s+")
_NO_AMOUNT = {"", "-", "–", "—", "/", "néant", "neant"}
HEADER_SEARCH_ROWS = 30
CREDIT_TYPE_LABELS = labels("types_credit")  # vocabulaires/types_credit.yml
TOLERANCE = 0.5  # euros: amounts typed with cents, totals rounded


# ---------------------------------------------------------------------------
# Vocabulary


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
    if path is not None and path.is_file():
        try:
            own = yaml.safe_load(path.read_text("utf-8")) or {}
            if not isinstance(own, dict):
                raise yaml.YAMLError("un dictionnaire est attendu (en_tetes:, financeurs:, types_credit:, piliers:)")
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(Problem(shown_path(path), f"du YAML valide ({exc})"))
            own = {}
    entries = _merged(_merged(_package_vocabulary(), own), extra or {})
    headers = {}
    for field_name, aliases in (entries.get("en_tetes") or {}).items():
        for alias in [field_name, *(aliases or [])]:
            headers[name_key(alias)] = field_name
    financers = {str(k): str(v) for k, v in (entries.get("financeurs") or {}).items()}
    known = vocabulary("financeurs").labels
    for printed, code in financers.items():
        if code not in known:
            problems.append(Problem(shown_path(path) if path else "vocabulaires/programmation.yml",
                                    "un code de financeur parmi : " + ", ".join(known), colonne="financeurs",
                                    valeur=f"{printed}: {code}"))
    vocab = SheetVocabulary(headers, financers, {str(k): str(v) for k, v in (entries.get("types_credit") or {}).items()},
                            {str(k): str(v) for k, v in (entries.get("piliers") or {}).items()},
                            frozenset(name_key(h) for h in entries.get("ignorer") or []))
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


def _merged_fill(path: Path, sheet: str | None, records: list[tuple[int, list[str]]], below: int) -> None:
    """Cells of a merged range below the header take the value of its top-left cell (as the sheet shows it)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, data_only=True)
    try:
        names = workbook.sheetnames
        wanted = [n for n in names if sheet is None or name_key(n) == name_key(sheet)]
        worksheet = workbook[wanted[0]] if wanted else workbook.active
        by_line = {line: cells for line, cells in records}
        for merged in worksheet.merged_cells.ranges:
            if merged.min_row <= below:
                continue
            top = by_line.get(merged.min_row)
            value = top[merged.min_col - 1] if top and len(top) >= merged.min_col else ""
            for row in range(merged.min_row, merged.max_row + 1):
                cells = by_line.get(row)
                if cells is None:
                    continue
                cells.extend([""] * (merged.max_col - len(cells)))
                for column in range(merged.min_col, merged.max_col + 1):
                    if not cells[column - 1]:
                        cells[column - 1] = value
    finally:
        workbook.close()


def _csv_records(path: Path, shown: str) -> tuple[list[tuple[int, list[str]]] | None, list[Problem], str]:
    """A CSV's rows and separator: the one of its widest line among the first ones (a title line above the
    header has none)."""
    import csv
    import io

    text, problems = decode_text(path.read_bytes(), shown)
    if text is None:
        return None, problems, ""
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    separator = max((";", ",", "\t"), key=lambda sep: max((line.count(sep) for line in lines), default=0))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records, end = [], 0
    try:
        for record in reader:
            start, end = end + 1, reader.line_num
            records.append((start, record))
    except csv.Error as exc:
        return None, problems + [Problem(shown, f"un CSV bien formé ({exc})", ligne=reader.line_num)], separator
    return records, problems, separator


def read_sheet(path: Path, vocab: SheetVocabulary, sheet: str | None = None
               ) -> tuple[SheetLayout, list[tuple[int, list[str]]], list[Problem]]:
    """The layout of the sheet and its data rows (line number, cells), past any title and notes."""
    shown = shown_path(path)
    if not path.is_file():
        raise ImportFailed([Problem(shown, "un fichier existant (.csv ou .xlsx)")])
    separator = ""
    if path.suffix.lower() == ".xlsx":
        records, problems = read_records(path, sheet, sheet_choice=" (option --feuille)")
    else:
        records, problems, separator = _csv_records(path, shown)
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
    if path.suffix.lower() == ".xlsx":
        _merged_fill(path, sheet, records, layout.header_line)
    rows = [(line, cells) for line, cells in records[position + 1:] if any(str(c).strip() for c in cells)]
    if separator:  # a cell holding the separator unquoted shifts every later cell of its row: refused as such
        width = max(layout.headers) + 1
        wider = [field_count_problem(shown, width, len(cells), line, separator) for line, cells in rows
                 if any(str(c).strip() for c in cells[width:])]
        if wider:
            raise ImportFailed(problems + wider)
    return layout, rows, problems


# ---------------------------------------------------------------------------
# Checking the actions


def _amount(value: str) -> float | None:
    text = str(value).strip()
    if text.lower() in _NO_AMOUNT:
        return None
    return parse_montant(text)


def _qpv_list(printed: str) -> str:
    parts = [p.strip() for p in _QPV_SPLIT_RE.split(printed or "") if p.strip()]
    return " ; ".join(p.upper() if is_qpv_code(p) else p for p in parts)


def _porteur_type(printed: str) -> str:
    text = printed.strip()
    if not text:
        return ""
    if text in TYPES_PORTEUR:
        return text
    return _type_porteur(text)


def _known_list(vocab_name: str) -> str:
    known = vocabulary(vocab_name)
    return "; ".join(f"{code} (« {known.labels[code]} »)" for code in known.labels)


@dataclass
class SheetActions:
    """The actions of a sheet (one row per action, one amount column per financer) and what was found."""

    frame: pd.DataFrame
    financers: list[str]
    problems: list[Problem]
    ignored_columns: list[str]


def _cell(cells: list[str], index: int) -> str:
    return " ".join(str(cells[index]).split()) if index < len(cells) else ""


def actions_of(layout: SheetLayout, rows: list[tuple[int, list[str]]], vocab: SheetVocabulary,
               shown: str) -> SheetActions:
    """Every action of the sheet, checked: amounts, pillars, financers, total rows, stated total costs."""
    problems: list[Problem] = []
    column_of = {f: i for i, f in layout.fields.items()}
    ignored = []
    amount_columns = dict(layout.financers)
    for index, printed in layout.unknown.items():
        values = [_cell(cells, index) for _, cells in rows]
        filled = [v for v in values if v.lower() not in _NO_AMOUNT]
        if filled and not layout.long and all(_parses(v) for v in filled):
            problems.append(Problem(shown, "un financeur connu en en-tête de colonne de montants : "
                                    + _known_list("financeurs") + f" ; ou déclarez-le sous « financeurs: » (ou "
                                    f"« ignorer: ») dans {TERRITORY_VOCABULARY} du dossier du territoire",
                                    ligne=layout.header_line, colonne=printed, valeur=printed))
        else:
            ignored.append(printed)
    records = []
    for line, cells in rows:
        record = {"ligne": line, **{f: _cell(cells, i) for f, i in column_of.items() if f in TEXT_FIELDS}}
        record["amounts"] = {}
        if layout.long:
            printed = _cell(cells, column_of["financeur"])
            code = vocab.financer_of(printed) if printed else None
            if printed and code is None:
                problems.append(Problem(shown, "un financeur connu : " + _known_list("financeurs")
                                        + f" ; ou déclarez-le sous « financeurs: » dans {TERRITORY_VOCABULARY}",
                                        ligne=line, colonne=layout.headers[column_of["financeur"]], valeur=printed))
            sources = {column_of["montant"]: code or ""}
        else:
            sources = amount_columns
        for index, code in sources.items():
            value = _cell(cells, index)
            try:
                amount = _amount(value)
            except ParseError:
                problems.append(Problem(shown, "un montant en euros (ex. « 1 500,00 € » ou « 1500 »)", ligne=line,
                                        colonne=layout.headers.get(index, ""), valeur=value))
                continue
            if amount:
                record["amounts"][code] = record["amounts"].get(code, 0.0) + amount
        if "cout_total" in column_of:
            value = _cell(cells, column_of["cout_total"])
            try:
                record["cout_total"] = _amount(value)
            except ParseError:
                problems.append(Problem(shown, "un montant en euros (ex. « 1 500,00 € »)", ligne=line,
                                        colonne=layout.headers[column_of["cout_total"]], valeur=value))
                record["cout_total"] = None
        records.append(record)
    if layout.long:
        records = _grouped(records)
    totals = _total_rows(records, layout, shown)
    problems += totals
    total_lines = {p.ligne for p in totals}
    for record in records:
        if record["ligne"] not in total_lines:  # a total row gets one message, not one per empty cell
            problems += _record_problems(record, layout, vocab, shown)
    financers = sorted({c for r in records for c in r["amounts"] if c},
                       key=lambda c: list(vocabulary("financeurs").labels).index(c))
    frame = pd.DataFrame([{**{k: v for k, v in r.items() if k != "amounts"},
                           **{f"montant_{c}": r["amounts"].get(c, 0.0) for c in financers}} for r in records])
    return SheetActions(frame, financers, problems, ignored)


def _parses(value: str) -> bool:
    try:
        _amount(value)
    except ParseError:
        return False
    return True


def _grouped(records: list[dict]) -> list[dict]:
    """Long layout: the rows of one action (same dossier, else same porteur and intitulé) become one action."""
    actions: dict[tuple, dict] = {}
    for record in records:
        key = (name_key(record.get("dossier")),) if record.get("dossier") else (
            name_key(record.get("porteur")), name_key(record.get("intitule")))
        if key not in actions:
            actions[key] = {**record, "amounts": dict(record["amounts"]), "lignes": [record["ligne"]]}
            continue
        action = actions[key]
        action["lignes"].append(record["ligne"])
        for code, amount in record["amounts"].items():
            action["amounts"][code] = action["amounts"].get(code, 0.0) + amount
    return [{k: v for k, v in a.items() if k != "lignes"} for a in actions.values()]


def _total_rows(records: list[dict], layout: SheetLayout, shown: str) -> list[Problem]:
    """``TOTAL`` and ``Sous-total`` rows, by their label or by being the sum of other rows."""
    problems, flagged = [], set()
    for position, record in enumerate(records):
        labelled = next((record.get(f) for f in ("intitule", "porteur", "dossier", "pilier", "thematique")
                         if TOTAL_LABEL.match(str(record.get(f) or ""))), None)
        if labelled:
            flagged.add(position)
            problems.append(Problem(shown, "une action, et non une ligne de total ou de sous-total (supprimez-la : "
                                    "les totaux sont recalculés à partir des actions)", ligne=record["ligne"],
                                    valeur=labelled))
    vectors = [record["amounts"] for record in records]
    totals = [sum(v.values()) for v in vectors]

    def same(a: dict, b: dict) -> bool:
        keys = set(a) | set(b)
        return bool(keys) and all(abs(a.get(k, 0.0) - b.get(k, 0.0)) <= TOLERANCE for k in keys)

    def added(indices) -> dict:
        result: dict[str, float] = {}
        for i in indices:
            for code, amount in vectors[i].items():
                result[code] = result.get(code, 0.0) + amount
        return result

    for position, record in enumerate(records):
        if position in flagged or not totals[position]:
            continue
        others = [i for i in range(len(records)) if i != position and i not in flagged]
        unnamed = not record.get("porteur") or not record.get("intitule")
        if len(others) >= 2 and abs(sum(totals[i] for i in others) - totals[position]) <= TOLERANCE \
                and same(added(others), vectors[position]):
            reason = "égale à la somme de toutes les autres lignes"
        elif unnamed and (start := _block_start(totals, position, flagged)) is not None \
                and same(added(range(start, position)), vectors[position]):
            reason = f"égale à la somme des lignes {records[start]['ligne']} à {records[position - 1]['ligne']}"
        else:
            continue
        flagged.add(position)
        problems.append(Problem(shown, f"une action, et non un total : cette ligne est {reason} (supprimez-la : les "
                                "totaux sont recalculés à partir des actions)", ligne=record["ligne"],
                                valeur=euros(totals[position], 2)))
    return problems


def _block_start(totals: list[float], position: int, flagged: set[int]) -> int | None:
    """The first of two or more rows just above ``position`` whose totals add up to its total."""
    running = 0.0
    for start in range(position - 1, -1, -1):
        if start in flagged:
            return None
        running += totals[start]
        if position - start >= 2 and abs(running - totals[position]) <= TOLERANCE:
            return start
        if running > totals[position] + TOLERANCE:
            return None
    return None


def _record_problems(record: dict, layout: SheetLayout, vocab: SheetVocabulary, shown: str) -> list[Problem]:
    problems = []
    column_name = {f: layout.headers[i] for i, f in layout.fields.items()}
    if not record.get("intitule"):
        problems.append(Problem(shown, "un intitulé d'action (cellule obligatoire)", ligne=record["ligne"],
                                colonne=column_name.get("intitule", "intitule"), valeur=""))
    pillar = record.get("pilier") or ""
    if pillar and vocab.pillar_of(pillar) is None:
        problems.append(Problem(shown, "un pilier connu : " + _known_list("piliers")
                                + f" ; ou déclarez le libellé sous « piliers: » dans {TERRITORY_VOCABULARY}",
                                ligne=record["ligne"], colonne=column_name.get("pilier", "pilier"), valeur=pillar))
    stated = record.get("cout_total")
    financed = sum(record["amounts"].values())
    if stated and financed and abs(stated - financed) > TOLERANCE:
        problems.append(Problem(shown, f"la somme des montants des financeurs de l'action « {record.get('intitule', '')} »"
                                f" ({euros(financed, 2)}) ; écart de {euros(stated - financed, 2)} (les montants des "
                                "financeurs sont retenus)", ligne=record["ligne"],
                                colonne=column_name.get("cout_total", "cout_total"), valeur=euros(stated, 2),
                                gravite=WARNING))
    return problems


# ---------------------------------------------------------------------------
# Canonical rows, overlap with ANCT


def canonical_rows(actions: SheetActions, vocab: SheetVocabulary, year: int, source: str, sheet_name: str
                   ) -> list[dict]:
    """One row per action and financer (an action without any amount keeps one row without financer)."""
    rows = []
    for record in actions.frame.to_dict("records"):
        base = {
            "dossier": record.get("dossier", ""), "porteur": record.get("porteur", ""),
            "type_porteur": _porteur_type(record.get("type_porteur", "")), "intitule": record.get("intitule", ""),
            "pilier": vocab.pillar_of(record["pilier"]) or "" if record.get("pilier") else "",
            "thematique": record.get("thematique", ""), "qpv": _qpv_list(record.get("qpv", "")),
            "commune": " ; ".join(p for p in _QPV_SPLIT_RE.split(record.get("commune", "") or "") if p),
            "statut": record.get("statut", ""),
            "cout_total": _money(record.get("cout_total")), "annee": str(year), "source": source,
            "section": f"{sheet_name}, ligne {record['ligne']}", "remarque": record.get("commentaire", ""),
        }
        amounts = [(c, record.get(f"montant_{c}", 0.0)) for c in actions.financers]
        amounts = [(c, a) for c, a in amounts if a]
        if not amounts:
            rows.append({**base, "financeur": "", "type_credit": "", "montant": ""})
        for code, amount in amounts:
            rows.append({**base, "financeur": code, "type_credit": vocab.credit_type(code), "montant": _money(amount)})
    return rows


def _money(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.2f}"


def anct_overlap(actions: SheetActions, territory, year: int) -> list[tuple[int, str]]:
    """(sheet line, why) of each action also imported from ANCT for ``year``: same dossier, or same porteur,
    intitulé and amount (the ANCT's credits, compared with the sheet's BOP 147 amount)."""
    if territory is None:
        return []
    imported = territory.table("actions")
    imported = imported[(imported["dispositif"] == "anct") & (imported["annee"].astype(str) == str(year))]
    if imported.empty:
        return []
    dossiers = {name_key(n) for n in imported["numero"].map(cell_text) if n}
    triples = {(name_key(p), name_key(i), round(float(m or 0), 0)) for p, i, m in
               zip(imported["porteur_publie"], imported["intitule"], imported["montant"].fillna(0))}
    found = []
    for record in actions.frame.to_dict("records"):
        dossier = name_key(record.get("dossier"))
        amount = round(float(record.get("montant_anct", 0.0) or 0.0), 0)
        if dossier and dossier in dossiers:
            found.append((record["ligne"], f"dossier {record['dossier']}"))
        elif (name_key(record.get("porteur")), name_key(record.get("intitule")), amount) in triples:
            found.append((record["ligne"], "même porteur, même intitulé, même montant"))
    return found


def own_programmation_overlap(folder: Path, year: int, anct_rows: pd.DataFrame) -> list[str]:
    """French lines naming the ANCT actions of ``year`` already in the territory's own programmation (same
    dossier, or same porteur, intitulé and BOP 147 amount): reported, and never added to its totals."""
    if not any(folder.glob("programmation.*")):
        return []
    try:
        territory = load_territory(folder, strict=False)
    except Exception:  # noqa: BLE001 — the validation after the import says what is wrong with the folder
        return []
    own = territory.table("programmation")
    own = own[own["annee"].astype(str) == str(year)]
    if own.empty:
        return []
    dossiers = {name_key(d) for d in own["dossier"].map(cell_text) if d}
    anct = own[own["financeur"] == "anct"]
    triples = {(name_key(p), name_key(i), round(float(m or 0), 0))
               for p, i, m in zip(anct["porteur_publie"], anct["intitule"], anct["montant"].fillna(0))}
    found = []
    for _, row in anct_rows.iterrows():
        amount = round(_money_value(row["montant"]), 0)
        if row["numero"] and name_key(row["numero"]) in dossiers:
            found.append(f"  - {row['section']} : dossier {row['numero']}")
        elif (name_key(row["porteur"]), name_key(row["intitule"]), amount) in triples:
            found.append(f"  - {row['section']} : même porteur, même intitulé, même montant")
    if not found:
        return []
    return [f"{folder.name} : {pluriel(len(found), 'subvention figure', 'subventions figurent')} déjà dans la "
            f"programmation {year} du territoire (comptées une seule fois : les montants de l'année viennent de la "
            "programmation) :", *found]


def _money_value(printed: object) -> float:
    try:
        return float(_amount(str(printed)) or 0.0)
    except ParseError:
        return 0.0


# ---------------------------------------------------------------------------
# The importer


class Programmation(Importer):
    """``cdv importer programmation FICHIER --territoire ID --annee AAAA [--feuille NOM]``."""

    name = "programmation"
    help = "programmation du territoire (tableau du service, une ligne par action) dans la table programmation"
    options = (
        Option("--territoire", "territory", "ID", "territoire dont c'est la programmation (obligatoire)"),
        Option("--annee", "year", "AAAA", "année de la programmation (défaut : année du nom du fichier)"),
        FEUILLE,
    )

    def read(self) -> dict:
        territory = str(self.settings.get("territory") or "").strip()
        known = discover_territories(self.data_dir)
        if territory not in known:
            raise ImportFailed([Problem(self.shown, "un territoire existant pour --territoire ; territoires : "
                                        + (", ".join(known) or "aucun (cdv nouveau-territoire ID)"),
                                        colonne="--territoire", valeur=territory)])
        year = input_year(self.path, self.settings.get("year"), "--annee")
        folder = self.data_dir / territory
        vocab, problems = sheet_vocabulary(folder)
        if any(p.is_error for p in problems):
            raise ImportFailed(problems)
        layout, rows, found = read_sheet(self.path, vocab, self.settings.get("sheet"))
        return {"territory": territory, "year": year, "vocab": vocab, "layout": layout, "rows": rows,
                "problems": problems + found}

    def check(self, data: dict) -> tuple[dict, list[Problem]]:
        actions = actions_of(data["layout"], data["rows"], data["vocab"], self.shown)
        problems = data["problems"] + actions.problems
        if actions.frame.empty:
            problems.append(Problem(self.shown, "au moins une action sous la ligne d'en-têtes",
                                    ligne=data["layout"].header_line))
        try:
            existing = load_territory(data["territory"], self.data_dir, strict=False)
        except Exception:  # noqa: BLE001 — the overlap is then not checked; validation after import says why
            existing = None
        warnings = [p for p in problems if not p.is_error]
        return {**data, "actions": actions, "overlap": anct_overlap(actions, existing, data["year"]),
                "warnings": warnings}, problems

    def plan(self, checked: dict) -> ImportPlan:
        year, actions, vocab = checked["year"], checked["actions"], checked["vocab"]
        source = f"programmation-{year}"
        sheet = self.settings.get("sheet")
        sheet_name = f"{self.path.name}" + (f", feuille « {sheet} »" if sheet else "")
        rows = canonical_rows(actions, vocab, year, source, sheet_name)
        text = pd.DataFrame(rows, columns=TABLES["programmation"].column_names).to_csv(index=False,
                                                                                        lineterminator="\n")
        folder = self.data_dir / checked["territory"]
        meta, _ = territory_metadata(folder)
        target = Target.of(self.data_dir, checked["territory"], meta)
        target.files[f"programmation.{year}.csv"] = (text, len(rows))
        summary = ImportSummary(source, self.path.name)
        summary.messages += _summary_lines(actions, vocab, checked["overlap"], year)
        if checked["warnings"]:
            summary.messages.append(f"{pluriel(len(checked['warnings']), 'avertissement')} (import fait) :")
            summary.messages += [f"  avertissement — {p}" for p in checked["warnings"]]
        entry = {"id": source, "fichier": self.path.name, "titre": f"Programmation {year} (tableau du service)",
                 "editeur": str(meta.get("nom") or checked["territory"]), "type": SOURCE_TYPE, "annees": [year],
                 "annee_rapport": year}
        return ImportPlan([target], entry, summary)


def _summary_lines(actions: SheetActions, vocab: SheetVocabulary, overlap: list[tuple[int, str]],
                   year: int) -> list[str]:
    frame = actions.frame
    amounts = {c: float(frame[f"montant_{c}"].sum()) for c in actions.financers}
    total = sum(amounts.values())
    lines = [f"{pluriel(len(frame), 'action')}, {euros(total, 2)} au total, "
             f"{pluriel(len(actions.financers), 'financeur')} :"]
    for code, amount in amounts.items():
        kind = vocab.credit_type(code)
        lines.append(f"  - {label('financeurs', code)} : {euros(amount, 2)}"
                     f" ({CREDIT_TYPE_LABELS.get(kind, 'type de crédit non précisé')})")
    if actions.ignored_columns:
        lines.append("Colonnes laissées de côté (commentaires ou non reconnues) : "
                     + liste_fr(f"« {c} »" for c in actions.ignored_columns) + ".")
    if overlap:
        lines.append(f"{pluriel(len(overlap), 'action figure', 'actions figurent')} aussi dans les subventions ANCT "
                     f"importées pour {year} (comptées une seule fois : les montants de l'année viennent de la "
                     "programmation) :")
        lines += [f"  - ligne {line} : {why}" for line, why in overlap]
    return lines


def import_programmation(path: Path | str, data_dir: Path | str, territory: str, year: int | str | None = None,
                         sheet: str | None = None) -> ImportSummary:
    """:class:`Programmation` run on ``path`` (see there)."""
    return Programmation(path, data_dir, territory=territory, year=year, sheet=sheet).run()
