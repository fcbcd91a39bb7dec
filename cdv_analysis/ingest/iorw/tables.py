"""Reading tables (CSV with any usual separator, Excel workbooks read to their last filled row), shared by the
loader and the importers: rows as text within the limits, then a table of strings with its line numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd

from ..problems import WARNING, Problem
from . import limits
from .encodings import decode_text
from .files import read_bytes, shown_path
from .limits import _size

_FORMULA_WITHOUT_VALUE_RE = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*>\s*<f[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v></v>)?\s*</c>')
_SEPARATORS = (";", ",", "\t")
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*["\']([A-Z]+\d+:[A-Z]+\d+)["\']')


class Records(list):
    """(line number in the file, cells) of each filled row, with what the file says of their layout."""

    separator: str = ""  # a CSV's separator
    merged: tuple[tuple[int, int, int, int], ...] = ()  # a sheet's merged ranges: (min_row, min_col, max_row, max_col)


def sniff_separator(header_line: str, *more_lines: str) -> str:
    """The separator the header line uses most: ``;`` (French Excel), ``,`` or a tab.

    With more lines, the one that the widest of them uses most (a title line above the header has none).
    """
    lines = (header_line, *more_lines)
    counts = {sep: max(line.count(sep) for line in lines) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _too_long(shown: str, line: int, column: int, length: int) -> Problem:
    return Problem(shown, f"des cellules d'au plus {limits.LIMITS.cell_chars} caractères : celle-ci en compte {length} ; "
                   "le fichier n'est pas lu", ligne=line, colonne=_column_letter(column))


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _too_many_rows(shown: str, found: str) -> Problem:
    return Problem(shown, f"au plus {limits.LIMITS.rows:_} lignes".replace("_", " ") + f" : ce fichier a {found} ; "
                   "découpez-le en plusieurs fichiers ; il n'est pas lu")


def _too_many_columns(shown: str, line: int, count: int) -> Problem:
    return Problem(shown, f"au plus {limits.LIMITS.columns} colonnes : cette ligne en compte {count}", ligne=line)


def _csv_records(raw: bytes, shown: str, sniff_lines: int = 1) -> tuple[Records | None, list[Problem]]:
    if raw.startswith(b"PK\x03\x04"):
        return None, [Problem(shown, "un fichier texte CSV : ce fichier est un classeur (zip) ; "
                              "enregistrez-le avec l'extension .xlsx ou en « CSV UTF-8 »")]
    text, problems = decode_text(raw, shown)
    if text is None:
        return None, problems
    first_lines = list(itertools.islice((line for line in text.splitlines() if line.strip()), max(sniff_lines, 1)))
    records = Records()
    records.separator = sniff_separator(*(first_lines or [""]))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=records.separator)
    previous_end = 0
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(records) >= limits.LIMITS.rows:
                return None, problems + [_too_many_rows(shown, f"plus de {limits.LIMITS.rows:_} lignes remplies"
                                                        .replace("_", " "))]
            if len(record) > limits.LIMITS.columns:
                return None, problems + [_too_many_columns(shown, start, len(record))]
            long = next((i for i, cell in enumerate(record) if len(cell) > limits.LIMITS.cell_chars), None)
            if long is not None:
                return None, problems + [_too_long(shown, start, long, len(record[long]))]
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


_UNCOMPUTED = "\x00formule non calculée"
_ROW_NUMBER_RE = re.compile(rb'\br\s*=\s*["\'](\d+)["\']')
# Where a cell holds something in a worksheet's XML: its value, inline string or formula (any namespace prefix).
_CONTENT_MARKS = (b"v>", b"is>", b"f>", b"<f ", b":f ", b"f/>")


def _last_filled_row(xml: bytes) -> int:
    """Number of the last row holding a value in a worksheet's XML, found without parsing it (0: none).

    Empty rows and cells with a style only (``<row r="9"/>``, ``<c r="A9" s="1"/>``,
    written by the million by some programs) are not read: the reader stops at
    this row.
    """
    end = xml.rfind(b"sheetData>")
    end = len(xml) if end < 0 else end
    last = max(xml.rfind(mark, 0, end) for mark in _CONTENT_MARKS)
    if last < 0:
        return 0
    position = last
    while (position := xml.rfind(b"row", 0, position)) > 0:  # back to the opening tag of its row
        tag = xml.rfind(b"<", 0, position)
        if (xml[position - 1:position] in (b"<", b":") and xml[position + 3:position + 4] in b" \t\r\n>"
                and xml[tag + 1:tag + 2] != b"/"):
            number = _ROW_NUMBER_RE.search(xml, position, xml.find(b">", position) + 1)
            if number:
                return int(number[1])
            # Rows without a number are numbered in order (a 45 KB file can hold 5 million « <row/> »).
            return xml.count(b"<" + xml[tag + 1:position] + b"row", 0, position + 3)
    return 0


def _broken_part(archive: zipfile.ZipFile) -> str | None:
    """The first XML part of a workbook that is not well-formed XML, with where (for the error message)."""
    from xml.parsers import expat

    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        parser = expat.ParserCreate()
        try:
            parser.Parse(archive.read(info), True)
        except expat.ExpatError as exc:
            return f"partie « {info.filename} » abîmée : {expat.errors.messages.get(exc.code, exc)}, ligne {exc.lineno}"
        except Exception as exc:  # noqa: BLE001 — a damaged part of the archive, reported in French
            return f"partie « {info.filename} » illisible ({type(exc).__name__})"
    return None


def _xlsx_records(raw: bytes, shown: str, sheet: str | None, sheet_choice: str,
                  sheet_when_several: str | None = None) -> tuple[Records | None, list[Problem]]:
    from openpyxl import load_workbook
    from openpyxl.utils import column_index_from_string

    if not raw.startswith(b"PK\x03\x04"):
        return None, [Problem(shown, "un classeur Excel .xlsx : ce fichier n'en est pas un (texte CSV ou ancien "
                              "format .xls ?) ; renommez-le en .csv ou enregistrez-le au format .xlsx")]
    unreadable = "un classeur Excel .xlsx lisible"
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return None, [Problem(shown, f"{unreadable} ({type(exc).__name__} : archive zip abîmée)")]
    if unzipped > limits.LIMITS.uncompressed_bytes:
        return None, [Problem(shown, f"un classeur d'au plus {_size(limits.LIMITS.uncompressed_bytes)} une fois "
                              f"décompressé : celui-ci en fait {_size(unzipped)} ; il n'est pas lu")]
    step = "ouverture"
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            names = workbook.sheetnames
            if sheet is None and len(names) > 1 and sheet_when_several is not None:
                sheet = sheet_when_several
            if sheet is not None:
                wanted = [n for n in names if header_key(n) == header_key(sheet)]
                if not wanted:
                    return None, [Problem(shown, f"une feuille « {sheet} » ; feuilles du classeur : "
                                          + ", ".join(f"« {n} »" for n in names))]
                name = wanted[0]
            elif len(names) > 1:
                return None, [Problem(shown, "un classeur d'une seule feuille, ou le nom de la feuille à lire"
                                      f"{sheet_choice} ; feuilles du classeur : "
                                      + ", ".join(f"« {n} »" for n in names))]
            else:
                name = names[0]
            worksheet = workbook[name]
            step = f"feuille « {name} »"
            xml = archive.read(worksheet._worksheet_path.lstrip("/"))
            if not xml.rstrip().endswith(b"worksheet>"):  # cut short: the rows read might stop before the cut
                raise ValueError("feuille tronquée")
            last = _last_filled_row(xml)
            if last > limits.LIMITS.rows:
                return None, [_too_many_rows(shown, f"une valeur à la ligne {last:_}".replace("_", " "))]
            # Read-only mode trusts the <dimension> the writer declared (often « A1 » in files
            # made by other programs): forget it, and read up to the last filled row only.
            worksheet.reset_dimensions()
            rows: dict[int, list[str]] = {}
            filled = worksheet.iter_rows(max_row=last, values_only=True) if last else ()
            for number, values in enumerate(filled, start=1):
                if len(values) > limits.LIMITS.columns and any(v is not None for v in values[limits.LIMITS.columns:]):
                    return None, [_too_many_columns(shown, number, len(values))]
                if any(v is not None for v in values):
                    cells = [excel_cell(v) for v in values[: limits.LIMITS.columns]]
                    long = next((i for i, cell in enumerate(cells) if len(cell) > limits.LIMITS.cell_chars), None)
                    if long is not None:
                        return None, [_too_long(shown, number, long, len(cells[long]))]
                    rows[number] = cells
        finally:
            workbook.close()
    except Exception as exc:  # noqa: BLE001 — any damage inside the archive is a located French error
        where = _broken_part(archive) or f"{step} : {type(exc).__name__}"
        return None, [Problem(shown, f"{unreadable} ({where}) ; ouvrez-le dans Excel ou LibreOffice et "
                              "réenregistrez-le")]
    # openpyxl gives None for a formula nobody computed: marked so that it is reported, not read as empty.
    for letter, row in _FORMULA_WITHOUT_VALUE_RE.findall(xml):
        cells = rows.setdefault(int(row), [])
        index = column_index_from_string(letter.decode()) - 1
        cells.extend([""] * (index + 1 - len(cells)))
        cells[index] = _UNCOMPUTED
    records = Records(sorted(rows.items()))
    records.merged = tuple(_merged_range(ref) for ref in _MERGE_RE.findall(xml))
    return records, []


def _merged_range(ref: bytes) -> tuple[int, int, int, int]:
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
    return min_row, min_col, max_row, max_col


def header_index(records: Records) -> int | None:
    """Index of the header row: the first filled row, past a title line written above the table."""
    filled = [i for i, (_, cells) in enumerate(records) if any(c.strip() for c in cells)]
    if not filled:
        return None
    width = lambda i: sum(1 for c in records[i][1] if c.strip())  # noqa: E731
    widest = max(width(i) for i in filled[:10])
    return next(i for i in filled if width(i) > 1 or widest <= 1)


def read_records(path: Path | str, sheet: str | None = None, sheet_choice: str = "", *, data: bytes | None = None,
                 root: Path | str | None = None, sniff_lines: int = 1) -> tuple[Records | None, list[Problem]]:
    """Every filled row of a .csv or .xlsx file as (line number, cells as text), headers not interpreted.

    For layouts whose header spans several rows (Drupal Webform exports) or lies below a title and notes
    (a service's programmation sheet); ``read_table`` otherwise. The file is read as :func:`read_table` reads
    it (``data``, ``root``, :data:`LIMITS`). A CSV's separator is the one of the widest of its first
    ``sniff_lines`` filled lines (``Records.separator``); a workbook's merged ranges are ``Records.merged``.
    """
    return _file_records(Path(path), sheet, sheet_choice, data=data, root=root, sniff_lines=sniff_lines)


def _file_records(path: Path, sheet: str | None, sheet_choice: str, *, data: bytes | None,
                  root: Path | str | None, sheet_when_several: str | None = None, sniff_lines: int = 1):
    """The one reading step of :func:`read_records` and :func:`read_table`: bytes, then rows as text."""
    shown = shown_path(path)
    if data is None:
        data, problems = read_bytes(path, shown, root=root)
        if data is None:
            return None, problems
    if path.suffix.lower() == ".xlsx":
        return _xlsx_records(data, shown, sheet, sheet_choice, sheet_when_several)
    return _csv_records(data, shown, sniff_lines)


def read_table(path: Path | str, sheet: str | None = None, key=str.strip, sheet_choice: str = "", *,
               data: bytes | None = None, sheet_when_several: str | None = None,
               root: Path | str | None = None) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One table file (.csv or .xlsx) as strings, with ``ligne`` (line in the file) and ``fichier`` columns.

    Headers go through ``key`` (the loader folds them, the importers keep them
    as printed); a repeated header is reported and renamed ``name__1``. A
    workbook of several sheets needs ``sheet`` (or ``sheet_when_several``, the
    sheet to read only when there are several); ``sheet_choice`` tells the user
    how to give it (« (option --feuille) »). ``data`` are the file's bytes when
    the caller already read them (see :func:`read_bytes`, which reads them
    otherwise, refusing what is not a regular file or beyond :data:`LIMITS`).
    """
    path = Path(path)
    shown = shown_path(path)
    records, problems = _file_records(path, sheet, sheet_choice, data=data, root=root,
                                      sheet_when_several=sheet_when_several)
    if records is None:
        return None, problems
    start = header_index(records)
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
        if (len(cells) > len(header) and any(c.strip() for c in cells[len(header):])) \
                or (len(cells) < len(header) and path.suffix.lower() != ".xlsx"):
            problems.append(field_count_problem(shown, len(header), len(cells), line))
            continue
        cells = (cells + [""] * len(header))[: len(header)]
        for index in (i for i, cell in enumerate(cells) if cell == _UNCOMPUTED):
            problems.append(Problem(shown, "une valeur : la cellule contient une formule jamais calculée (ouvrez le "
                                    "classeur dans Excel ou LibreOffice et enregistrez-le)", ligne=line,
                                    colonne=header[index] or _column_letter(index)))
            cells[index] = ""
        rows.append(cells)
        lines.append(line)
    frame = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header, dtype=object)
    frame["ligne"] = lines
    frame["fichier"] = shown
    return frame, problems


def field_count_problem(shown: str, expected: int, found: int, line: int, separator: str = "") -> Problem:
    """A CSV row of ``found`` fields under a header of ``expected``: most often a cell holding the separator
    unquoted (« QN06201M ; QN06202M » in a ``;`` file)."""
    held = f"le séparateur « {separator} »" if separator else "le séparateur du fichier"
    return Problem(shown, f"{expected} champs comme la ligne d'en-têtes, et non {found} (séparateur ou guillemets "
                   f"mal placés ? mettez entre guillemets la cellule qui contient {held}, ou séparez ses valeurs "
                   "par un autre signe)", ligne=line)


def header_key(name: object) -> str:
    """A header folded to ``snake_case`` ASCII (« Année de programmation » → ``annee_de_programmation``)."""
    text = unicodedata.normalize("NFD", str(name or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")
