"""Reading and writing files (as papermill's ``iorw``): the one place that touches the disk for content.

Every input file is read once by ``read_bytes`` (regular files only, within
:data:`LIMITS`); every input table (territory data, open-data files to import)
by ``read_table``: CSV in UTF-8, Windows-1252 or Mac Roman with any usual
separator, or Excel workbooks read to their last filled row; every YAML file
from outside by ``load_yaml`` (no aliases, no repeated keys). Every output of the package
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
import stat
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .problems import WARNING, Problem

__all__ = ["write_atomic", "read_table", "read_records", "read_bytes", "load_yaml", "decode_text", "shown_path",
           "header_key", "sniff_separator", "field_count_problem", "Limits", "LIMITS"]


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
# Reading files: regular files only, each read once, within declared limits


def shown_path(path: Path | str) -> str:
    """Path as a user would type it: relative to the working directory when possible."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Limits:
    """What one input file may hold; beyond, it is refused with a French message (never a hang or MemoryError)."""

    file_bytes: int = 100 * 2**20  # a table on disk (a CSV, or a workbook still compressed)
    uncompressed_bytes: int = 400 * 2**20  # the parts of a workbook once unzipped, together
    rows: int = 500_000  # rows holding something (empty rows are skipped without being read)
    columns: int = 1_000
    cell_chars: int = 32_767  # Excel's own limit for one cell
    yaml_bytes: int = 2**20  # a YAML file (territoire.yml, vocabularies)


LIMITS = Limits()


def _size(count: int, limit: int | None = None) -> str:
    """A size in French units (« 2 Go », « 1,5 Mo »); in bytes when it would read as ``limit``'s."""
    for unit, scale in (("Go", 2**30), ("Mo", 2**20), ("ko", 2**10)):
        if count >= scale:
            value = count / scale
            text = f"{value:.0f} {unit}" if value >= 10 or value.is_integer() else f"{value:.1f} {unit}"
            text = text.replace(".", ",")
            if limit is not None and text in (_size(limit), _size(limit).replace(" ", ",0 ")):
                break
            return text
    return f"{count:_} octets".replace("_", "\u202f")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "un tube nommé (FIFO)"
    if stat.S_ISSOCK(mode):
        return "une socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "un périphérique"
    if stat.S_ISDIR(mode):
        return "un dossier"
    return "un fichier spécial"


def read_bytes(path: Path | str, shown: str | None = None, *, root: Path | str | None = None,
               limit: int | None = None) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a regular file, read once, or None with a French problem.

    Only a regular file is read: a named pipe, a device or a socket is refused
    before it is opened for reading (no hang), and so is a file larger than
    ``limit`` (``LIMITS.file_bytes`` by default). With ``root``, a symbolic link
    that leads out of that folder is refused.
    """
    path = Path(path)
    shown = shown or shown_path(path)
    limit = LIMITS.file_bytes if limit is None else limit
    if root is not None and path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(Path(root).resolve()):
            return None, [Problem(shown, "un fichier du dossier de données : ce lien symbolique mène hors du dossier "
                                  f"(vers {target}) ; copiez le fichier dans le dossier plutôt que d'y faire un lien")]
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return None, [Problem(shown, f"un fichier lisible ({exc.strerror or type(exc).__name__})")]
    if not stat.S_ISREG(mode):
        return None, [Problem(shown, f"un fichier ordinaire : c'est {_kind(mode)}, qui n'est pas lu")]
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return None, [Problem(shown, f"un fichier lisible ({exc.strerror or type(exc).__name__})")]
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):  # replaced between the two looks
            return None, [Problem(shown, f"un fichier ordinaire : c'est {_kind(info.st_mode)}, qui n'est pas lu")]
        if info.st_size > limit:
            return None, [Problem(shown, f"un fichier d'au plus {_size(limit)} : celui-ci fait "
                                  f"{_size(info.st_size, limit)} ; il n'est pas lu")]
        try:
            data = stream.read(limit + 1)
        except OSError as exc:
            return None, [Problem(shown, f"un fichier lisible ({exc.strerror or type(exc).__name__})")]
    if len(data) > limit:
        return None, [Problem(shown, f"un fichier d'au plus {_size(limit)} ; il n'est pas lu")]
    return data, []


class _SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader without anchors and aliases (a 1 KB alias bomb expands to gigabytes), nor repeated keys."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(None, None, "ancres et alias YAML (& et *) non acceptés : écrivez chaque valeur",
                                       event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                continue
            if key in seen:
                raise yaml.MarkedYAMLError(None, None, f"clé « {key} » répétée : chaque clé n'apparaît qu'une fois",
                                           key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def load_yaml(text: str, shown: str) -> tuple[object, list[Problem]]:
    """A YAML document read safely: no tags, anchors or aliases, no repeated key, at most ``LIMITS.yaml_bytes``.

    Gives the value, or None with one located French problem. Every YAML file
    the package reads from outside (``territoire.yml``…) goes through here.
    """
    size = len(text.encode("utf-8"))
    if size > LIMITS.yaml_bytes:
        return None, [Problem(shown, f"un fichier YAML d'au plus {_size(LIMITS.yaml_bytes)} : celui-ci fait "
                              f"{_size(size)}")]
    try:
        return yaml.load(text, Loader=_SafeLoader), []  # noqa: S506 — _SafeLoader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [Problem(shown, f"du YAML valide ({getattr(exc, 'problem', None) or exc})",
                              ligne=mark.line + 1 if mark else None)]


# ---------------------------------------------------------------------------
# Reading tables (CSV in UTF-8, Windows-1252 or Mac Roman, XLSX), shared by the loader and the importers

# UTF-8 bytes read as Windows-1252: « é » shows as « Ã© », « œ » as « Å“ », « € » as « â‚¬ ».
_MOJIBAKE_RE = re.compile("Ã[\u0080-\u00bf©¨ª«®´¹º»¼½¾§¢£¤¥¦]|â€|â‚¬|Å[“’]")
_FORMULA_WITHOUT_VALUE_RE = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*>\s*<f[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v></v>)?\s*</c>')
_SEPARATORS = (";", ",", "\t")
Records = list[tuple[int, list[str]]]  # (line number in the file, cells) of each row

# The 8-bit encodings a French spreadsheet saves in, told apart by what they make of the text.
_EIGHT_BIT = (("cp1252", "Windows-1252"), ("mac_roman", "Mac Roman"), ("cp850", "DOS (CP850)"))
_ACCEPTED = ("cp1252", "mac_roman")
_FRENCH_LETTERS = frozenset("àâçéèêëîïôùûüÿœÀÂÇÉÈÊËÎÏÔÙÛÜŸŒ")
_FRENCH_SIGNS = frozenset("«»‘’“”€…–—°§²³µ·×\u00a0")


def _french_score(text: str) -> int:
    """How French the non-ASCII characters of a decoded text look: +1 each plausible one, -3 each implausible."""
    score = 0
    for index, char in enumerate(text):
        if char < "\x80":
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if char in _FRENCH_LETTERS:
            # An accented capital inside a small-letter word (« rÈsultat », « FÛte ») is a misread « é » or « ê »,
            # and so is an accented letter standing alone, « à » apart (« Noæl ê Lens »).
            if not before.isalpha() and not after.isalpha():
                plausible = char in "àÀ"
            elif char.isupper():
                plausible = not (before.isalpha() and (before.islower() or after.islower()))
            else:
                plausible = True
        elif char in _FRENCH_SIGNS:
            plausible = not (char in "…«" and after.isalpha()) and not (char == "»" and before.isalpha())
        else:
            plausible = False
        score += 1 if plausible else -3
    return score


def decode_text(raw: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """Text of a file in UTF-8 (BOM or not), Windows-1252 or Mac Roman; a French problem otherwise.

    UTF-8 is recognised by its structure. An 8-bit file is decoded the way that
    gives plausible French text (« évoquent », not « Žvoquent ») and refused when
    neither way clearly does: an encoding is never guessed silently.
    """
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        return None, [Problem(shown, "un fichier non vide (au moins une ligne d'en-têtes)")]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw[:4096]:
        return None, [Problem(shown, "encodage illisible (UTF-16 ou fichier binaire) ; attendu : "
                              "un fichier texte en UTF-8 ou en Windows-1252 (Excel : « CSV UTF-8 »)")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    decoded = {}
    for codec, _ in _EIGHT_BIT:
        try:
            decoded[codec] = raw.decode(codec)
        except UnicodeDecodeError:
            continue
    windows = decoded.get("cp1252")
    mojibake = _MOJIBAKE_RE.search(windows) if windows is not None else None
    if mojibake:
        line = windows[: mojibake.start()].count("\n") + 1
        return None, [Problem(shown, "un seul encodage par fichier : ce fichier mélange UTF-8 et "
                              "Windows-1252 (réenregistrez-le en UTF-8)", ligne=line,
                              valeur=windows.splitlines()[line - 1][:60])]
    scores = sorted(((_french_score(text), codec) for codec, text in decoded.items()), reverse=True)
    best_score, best = scores[0]
    # DOS (CP850) files are not read, but a text that looks French that way too is ambiguous.
    if best in _ACCEPTED and best_score > 0 and (len(scores) == 1 or best_score > scores[1][0]):
        if best == "cp1252":
            return decoded[best], []
        label = dict(_EIGHT_BIT)[best]
        return decoded[best], [Problem(shown, f"un fichier en UTF-8 : encodage {label} reconnu et converti "
                                       "(Excel : enregistrez plutôt en « CSV UTF-8 »)", gravite=WARNING)]
    first = next(i for i, byte in enumerate(raw) if byte >= 0x80)
    line = raw[:first].count(b"\n") + 1
    shown_line = raw.splitlines()[line - 1]
    readings = " ; ".join(f"en {label} : « {shown_line.decode(codec, 'replace')[:50]} »" for codec, label in _EIGHT_BIT)
    return None, [Problem(shown, "un fichier en UTF-8 (Excel : « CSV UTF-8 ») : l'encodage de ce fichier n'est pas "
                          f"reconnu avec certitude ({readings}) ; réenregistrez-le en UTF-8", ligne=line)]


def sniff_separator(header_line: str) -> str:
    """The separator the header line uses most: ``;`` (French Excel), ``,`` or a tab."""
    counts = {sep: header_line.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _too_long(shown: str, line: int, column: int, length: int) -> Problem:
    return Problem(shown, f"des cellules d'au plus {LIMITS.cell_chars} caractères : celle-ci en compte {length} ; "
                   "le fichier n'est pas lu", ligne=line, colonne=_column_letter(column))


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _too_many_rows(shown: str, found: str) -> Problem:
    return Problem(shown, f"au plus {LIMITS.rows:_} lignes".replace("_", " ") + f" : ce fichier a {found} ; "
                   "découpez-le en plusieurs fichiers ; il n'est pas lu")


def _too_many_columns(shown: str, line: int, count: int) -> Problem:
    return Problem(shown, f"au plus {LIMITS.columns} colonnes : cette ligne en compte {count}", ligne=line)


def _csv_records(raw: bytes, shown: str) -> tuple[Records | None, list[Problem]]:
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
            if not any(cell.strip() for cell in record):
                continue
            if len(records) >= LIMITS.rows:
                return None, problems + [_too_many_rows(shown, f"plus de {LIMITS.rows:_} lignes remplies"
                                                        .replace("_", " "))]
            if len(record) > LIMITS.columns:
                return None, problems + [_too_many_columns(shown, start, len(record))]
            long = next((i for i, cell in enumerate(record) if len(cell) > LIMITS.cell_chars), None)
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
    if unzipped > LIMITS.uncompressed_bytes:
        return None, [Problem(shown, f"un classeur d'au plus {_size(LIMITS.uncompressed_bytes)} une fois décompressé : "
                              f"celui-ci en fait {_size(unzipped)} ; il n'est pas lu")]
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
            if last > LIMITS.rows:
                return None, [_too_many_rows(shown, f"une valeur à la ligne {last:_}".replace("_", " "))]
            # Read-only mode trusts the <dimension> the writer declared (often « A1 » in files
            # made by other programs): forget it, and read up to the last filled row only.
            worksheet.reset_dimensions()
            rows: dict[int, list[str]] = {}
            filled = worksheet.iter_rows(max_row=last, values_only=True) if last else ()
            for number, values in enumerate(filled, start=1):
                if len(values) > LIMITS.columns and any(v is not None for v in values[LIMITS.columns:]):
                    return None, [_too_many_columns(shown, number, len(values))]
                if any(v is not None for v in values):
                    cells = [excel_cell(v) for v in values[: LIMITS.columns]]
                    long = next((i for i, cell in enumerate(cells) if len(cell) > LIMITS.cell_chars), None)
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
    return sorted(rows.items()), []


def _header_index(records: Records) -> int | None:
    """Index of the header row: the first filled row, past a title line written above the table."""
    filled = [i for i, (_, cells) in enumerate(records) if any(c.strip() for c in cells)]
    if not filled:
        return None
    width = lambda i: sum(1 for c in records[i][1] if c.strip())  # noqa: E731
    widest = max(width(i) for i in filled[:10])
    return next(i for i in filled if width(i) > 1 or widest <= 1)


def read_records(path: Path | str, sheet: str | None = None, sheet_choice: str = "", *, data: bytes | None = None,
                 root: Path | str | None = None) -> tuple[list[tuple[int, list[str]]] | None, list[Problem]]:
    """Every filled row of a .csv or .xlsx file as (line number, cells as text), headers not interpreted.

    For layouts whose header spans several rows (Drupal Webform exports); ``read_table`` otherwise.
    The file is read as :func:`read_table` reads it (``data``, ``root``, :data:`LIMITS`).
    """
    return _file_records(Path(path), sheet, sheet_choice, data=data, root=root)


def _file_records(path: Path, sheet: str | None, sheet_choice: str, *, data: bytes | None,
                  root: Path | str | None, sheet_when_several: str | None = None):
    """The one reading step of :func:`read_records` and :func:`read_table`: bytes, then rows as text."""
    shown = shown_path(path)
    if data is None:
        data, problems = read_bytes(path, shown, root=root)
        if data is None:
            return None, problems
    if path.suffix.lower() == ".xlsx":
        return _xlsx_records(data, shown, sheet, sheet_choice, sheet_when_several)
    return _csv_records(data, shown)


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
    from openpyxl.utils import get_column_letter

    path = Path(path)
    shown = shown_path(path)
    records, problems = _file_records(path, sheet, sheet_choice, data=data, root=root,
                                      sheet_when_several=sheet_when_several)
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
        if (len(cells) > len(header) and any(c.strip() for c in cells[len(header):])) \
                or (len(cells) < len(header) and path.suffix.lower() != ".xlsx"):
            problems.append(field_count_problem(shown, len(header), len(cells), line))
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
