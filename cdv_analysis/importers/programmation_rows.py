"""The actions of a programmation sheet checked (amounts, pillars, financers, total and sub-total rows, stated
total costs), then written as canonical rows: one per action and financer (for :mod:`.programmation`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..rules.clean import ParseError, is_qpv_code, name_key, parse_montant
from ..rules.formatting import euros, liste_fr
from ..rules.harmonise import vocabulary
from ..ingest.problems import WARNING, Problem
from ..ingest.schemas import TYPES_PORTEUR
from ..ingest.validation import TOTAL_LABEL
from .anct import _type_porteur
from .programmation_sheet import TERRITORY_VOCABULARY, SheetLayout, SheetVocabulary

TEXT_FIELDS = ("dossier", "porteur", "type_porteur", "intitule", "pilier", "thematique", "qpv", "commune", "statut",
               "commentaire")
_QPV_SPLIT_RE = re.compile(r"\s*[;,/\n|]\s*|\s+et\s+")
_NO_AMOUNT = {"", "-", "–", "—", "/", "néant", "neant"}
TOLERANCE = 0.5  # euros: amounts typed with cents, totals rounded


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
            if amount and layout.long and not printed:  # an amount with no financer would vanish from the table
                problems.append(Problem(shown, f"le financeur de ce montant de {euros(amount, 2)} (cellule "
                                        "obligatoire quand la ligne porte un montant)", ligne=line,
                                        colonne=layout.headers[column_of["financeur"]], valeur=""))
            elif amount:
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
            actions[key] = {**record, "amounts": {}, "origines": {}}
        action = actions[key]
        for code, amount in record["amounts"].items():
            action["amounts"][code] = action["amounts"].get(code, 0.0) + amount
            lines, comments = action["origines"].setdefault(code, ([], []))
            lines.append(record["ligne"])
            if record.get("commentaire"):
                comments.append(record["commentaire"])
    return list(actions.values())


def _origin(record: dict, code: str, sheet_name: str) -> dict:
    """Where a financer's amount comes from: its own rows of the sheet and their comments (long layout), else the
    action's row."""
    origin = (record.get("origines") or {}).get(code)
    if origin is None:
        return {"section": f"{sheet_name}, ligne {record['ligne']}", "remarque": record.get("commentaire", "")}
    lines, comments = origin
    shown = f"ligne {lines[0]}" if len(lines) == 1 else f"lignes {liste_fr(lines)}"
    return {"section": f"{sheet_name}, {shown}", "remarque": " ; ".join(comments)}


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
            rows.append({**base, **_origin(record, code, sheet_name), "financeur": code,
                         "type_credit": vocab.credit_type(code), "montant": _money(amount)})
    return rows


def _money(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.2f}"
