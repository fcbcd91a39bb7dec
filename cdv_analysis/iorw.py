"""Reading and writing files (as papermill's ``iorw``): the one place that touches the disk for content.

Every input table (territory data, open-data files to import) is read by
``read_table``: CSV in UTF-8 or Windows-1252 with any usual separator, or
Excel workbooks read to their real extent. Every output of the package
(reports, processed tables, imports) goes through ``write_atomic``, so that a
reader never sees a half-written file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd

from .problems import WARNING, Problem

__all__ = ["write_atomic", "read_table", "read_records", "decode_text", "shown_path", "header_key", "sniff_separator"]


def write_atomic(path: Path | str, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        # mkstemp creates 0600 files; published files are read by others.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


# ---------------------------------------------------------------------------
# Reading tables (CSV in UTF-8 or Windows-1252, XLSX), shared by the loader and the importers

# UTF-8 bytes read as Windows-1252: « é » shows as « Ã© », « œ » as « Å“ », « € » as « â‚¬ ».
_MOJIBAKE_RE = re.compile("Ã[\u0080-\u00bf©¨ª«®´¹º»¼½¾§¢£¤¥¦]|â€|â‚¬|Å[“’]")
_FORMULA_WITHOUT_VALUE_RE = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*>\s*<f[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v></v>)?\s*</c>')
_SEPARATORS = (";", ",", "\t")
Records = list[tuple[int, list[str]]]  # (line number in the file, cells) of each row


def shown_path(path: Path | str) -> str:
    """Path as a user would type it: relative to the working directory when possible."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def decode_text(raw: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """Text of a file in UTF-8 (BOM or not) or Windows-1252; a French problem otherwise."""
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        return None, [Problem(shown, "un fichier non vide (au moins une ligne d'en-têtes)")]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw[:4096]:
        return None, [Problem(shown, "encodage illisible (UTF-16 ou fichier binaire) ; attendu : "
                              "un fichier texte en UTF-8 ou en Windows-1252 (Excel : « CSV UTF-8 »)")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(shown, "un fichier en UTF-8 ou en Windows-1252 (octet "
                              f"0x{raw[exc.start]:02x} illisible dans les deux encodages)", ligne=line)]
    mojibake = _MOJIBAKE_RE.search(text)
    if mojibake:
        line = text[: mojibake.start()].count("\n") + 1
        return None, [Problem(shown, "un seul encodage par fichier : ce fichier mélange UTF-8 et "
                              "Windows-1252 (réenregistrez-le en UTF-8)", ligne=line,
                              valeur=text.splitlines()[line - 1][:60])]
    return text, []


def sniff_separator(header_line: str) -> str:
    """The separator the header line uses most: ``;`` (French Excel), ``,`` or a tab."""
    counts = {sep: header_line.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _csv_records(path: Path, shown: str) -> tuple[Records | None, list[Problem]]:
    raw = path.read_bytes()
    if raw.startswith(b"PK\x03\x04"):
        return None, [Problem(shown, "un fichier texte CSV : ce fichier est un classeur (zip) ; "
                              "enregistrez-le avec l'extension .xlsx ou en « CSV UTF-8 »")]
    text, problems = decode_text(raw, shown)
    if text is None:
        return None, problems
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_separator(first_line))
    records: Records = []
    previous_end = 0
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            records.append((start, record))
    except csv.Error as exc:
        problems.append(Problem(shown, f"un CSV bien formé ({exc})", ligne=reader.line_num))
    return records, problems


def excel_cell(value: object) -> str:
    """A cell value as the text a CSV would hold (decimals with a comma, dates in ISO)."""
    if value is None:
        return ""
    if isinstance(value, (bool, int)):
        return str(value)
    if isinstance(value, float):
        # Written the French way so that the parsers never mistake a decimal point.
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    if isinstance(value, (dt.datetime, dt.date)):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def _formulas_without_value(path: Path, sheet_index: int) -> list[tuple[str, int]]:
    """Cells holding a formula but no computed value (files written by a program, never opened in Excel)."""
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read(f"xl/worksheets/sheet{sheet_index + 1}.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return []
    return [(column.decode(), int(row)) for column, row in _FORMULA_WITHOUT_VALUE_RE.findall(xml)]


_UNCOMPUTED = "\x00formule non calculée"


def _xlsx_records(path: Path, shown: str, sheet: str | None, sheet_choice: str) -> tuple[Records | None,
                                                                                         list[Problem]]:
    from openpyxl import load_workbook
    from openpyxl.utils import column_index_from_string

    with path.open("rb") as handle:
        signature = handle.read(4)
    if signature != b"PK\x03\x04":
        return None, [Problem(shown, "un classeur Excel .xlsx : ce fichier n'en est pas un (texte CSV ou ancien "
                              "format .xls ?) ; renommez-le en .csv ou enregistrez-le au format .xlsx")]
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as exc:
        return None, [Problem(shown, f"un classeur Excel .xlsx lisible ({type(exc).__name__})")]
    try:
        names = workbook.sheetnames
        if sheet is not None:
            wanted = [n for n in names if header_key(n) == header_key(sheet)]
            if not wanted:
                return None, [Problem(shown, f"une feuille « {sheet} » ; feuilles du classeur : "
                                      + ", ".join(f"« {n} »" for n in names))]
            name = wanted[0]
        elif len(names) > 1:
            return None, [Problem(shown, "un classeur d'une seule feuille, ou le nom de la feuille à lire"
                                  f"{sheet_choice} ; feuilles du classeur : " + ", ".join(f"« {n} »" for n in names))]
        else:
            name = names[0]
        worksheet = workbook[name]
        # Read-only mode trusts the <dimension> the writer declared (often « A1 »
        # in files made by other programs): forget it and read every row.
        worksheet.reset_dimensions()
        records = [(number, [excel_cell(v) for v in values])
                   for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()
    # openpyxl gives None for a formula nobody computed: marked so that it is reported, not read as empty.
    for letter, row in _formulas_without_value(path, names.index(name)):
        cells = records[row - 1][1]
        index = column_index_from_string(letter) - 1
        cells.extend([""] * (index + 1 - len(cells)))
        cells[index] = _UNCOMPUTED
    return records, []


def _header_index(records: Records) -> int | None:
    """Index of the header row: the first filled row, past a title line written above the table."""
    filled = [i for i, (_, cells) in enumerate(records) if any(c.strip() for c in cells)]
    if not filled:
        return None
    width = lambda i: sum(1 for c in records[i][1] if c.strip())  # noqa: E731
    widest = max(width(i) for i in filled[:10])
    return next(i for i in filled if width(i) > 1 or widest <= 1)


def read_records(path: Path | str, sheet: str | None = None,
                 sheet_choice: str = "") -> tuple[list[tuple[int, list[str]]] | None, list[Problem]]:
    """Every row of a .csv or .xlsx file as (line number, cells as text), headers not interpreted.

    For layouts whose header spans several rows (Drupal Webform exports); ``read_table`` otherwise.
    """
    path = Path(path)
    shown = shown_path(path)
    if path.suffix.lower() == ".xlsx":
        return _xlsx_records(path, shown, sheet, sheet_choice)
    return _csv_records(path, shown)


def read_table(path: Path | str, sheet: str | None = None, key=str.strip,
               sheet_choice: str = "") -> tuple[pd.DataFrame | None, list[Problem]]:
    """One table file (.csv or .xlsx) as strings, with ``ligne`` (line in the file) and ``fichier`` columns.

    Headers go through ``key`` (the loader folds them, the importers keep them
    as printed); a repeated header is reported and renamed ``name__1``. A
    workbook of several sheets needs ``sheet``; ``sheet_choice`` tells the user
    how to give it (« (option --feuille) »).
    """
    from openpyxl.utils import get_column_letter

    path = Path(path)
    shown = shown_path(path)
    if path.suffix.lower() == ".xlsx":
        records, problems = _xlsx_records(path, shown, sheet, sheet_choice)
    else:
        records, problems = _csv_records(path, shown)
    if records is None:
        return None, problems
    start = _header_index(records)
    if start is None:
        return None, problems + [Problem(shown, "un fichier non vide (au moins une ligne d'en-têtes)")]
    header = [key(cell) for cell in records[start][1]]
    while header and not header[-1]:
        header.pop()
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in seen:
            problems.append(Problem(shown, "des en-têtes de colonnes uniques ; la colonne répétée est ignorée",
                                    ligne=records[start][0], colonne=name, gravite=WARNING))
            seen[name] += 1
            header[index] = f"{name}__{seen[name]}"
        else:
            seen[name] = 0
    rows, lines = [], []
    for line, cells in records[start + 1:]:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(Problem(shown, f"{len(header)} champs comme la ligne d'en-têtes, et non {len(cells)} "
                                    "(séparateur ou guillemets mal placés ?)", ligne=line))
            continue
        if len(cells) < len(header) and path.suffix.lower() != ".xlsx":
            problems.append(Problem(shown, f"{len(header)} champs comme la ligne d'en-têtes, et non {len(cells)} "
                                    "(séparateur ou guillemets mal placés ?)", ligne=line))
            continue
        cells = (cells + [""] * len(header))[: len(header)]
        for index in (i for i, cell in enumerate(cells) if cell == _UNCOMPUTED):
            problems.append(Problem(shown, "une valeur : la cellule contient une formule jamais calculée (ouvrez le "
                                    "classeur dans Excel ou LibreOffice et enregistrez-le)", ligne=line,
                                    colonne=header[index] or get_column_letter(index + 1)))
            cells[index] = ""
        rows.append(cells)
        lines.append(line)
    frame = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header, dtype=object)
    frame["ligne"] = lines
    frame["fichier"] = shown
    return frame, problems


def header_key(name: object) -> str:
    """A header folded to ``snake_case`` ASCII (« Année de programmation » → ``annee_de_programmation``)."""
    text = unicodedata.normalize("NFD", str(name or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")
