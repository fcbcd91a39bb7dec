"""Read a territory folder into validated, tidy tables.

A table may be split over several files (``financements.csv``,
``financements.ra2021.csv``, ``financements.ra2022.xlsx``…); they are read in
name order and concatenated. Every problem met on the way is recorded with its
file, line and column; nothing in the data folder is ever written.

The work is shared by smaller modules, re-exported here: ``iorw`` reads the
files, ``metadata`` finds territories and reads their ``territoire.yml``,
``validation`` checks the tables, ``parsing`` turns them into numbers and codes,
``territory`` holds the result.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..rules.formatting import pluriel
from . import handover, iorw, referentiel
from .editions import LOGO_MAX_BYTES, LOGO_TYPES, PROSE_FOLDER
from .ids import shell_word
from .iorw import header_key, read_bytes, read_table, shown_path
from .metadata import (
    TERRITORY_FILE,
    declared_report_years,
    default_data_dir,
    discover_territories,
    read_metadata,
    read_territory_file,
    territory_folder,
    validation_context,
)
from .parsing import parse_table
from .problems import WARNING, DataError, Problem
from .schemas import TABLES
from .territory import Territory
from .validation import schema_problems, table_problems

__all__ = [
    "Territory",
    "default_data_dir",
    "discover_territories",
    "load_territory",
    "load_territory_cached",
    "validate_territory",
    "read_raw_file",
    "read_metadata",
    "folder_fingerprint",
    "read_inputs",
    "TerritoryInputs",
    "declared_report_years",
    "load_valid",
    "TERRITORY_FILE",
    "ROW_ORIGIN",
]

SUPPORTED_SUFFIXES = (".csv", ".xlsx")
# Where each row of a loaded table was read (the file as shown to the user, often an absolute path, and its line):
# for error messages only, never published (issue 16: no machine path in a shipped CSV).
ROW_ORIGIN = ("fichier", "ligne")
# Files beside territoire.yml and the tables that a report also reads: the importers' manifest
# (a portrait or an evaluation), any YAML (referentiels, vocabularies), the logos and the territory's
# own prose (editions: textes/<year>/*.md). They are part of the fingerprint.
SIDE_INPUTS = (".imports.json",)
SIDE_SUFFIXES = (".yml", ".yaml")


def table_of(path: Path) -> str | None:
    """The table a data file belongs to, from the start of its name (``financements.ra2021.csv``)."""
    stem = path.name.split(".")[0]
    return stem if stem in TABLES else None


@dataclass(frozen=True)
class TerritoryInputs:
    """What a territory folder gives to read, each file read once.

    ``files`` holds the bytes of ``territoire.yml``, of every table file and of
    the side inputs, by file name; ``problems`` the files refused (not a regular
    file, a link leaving the data folder, too large) or ignored, by file name.
    The fingerprint is computed from these bytes only: a stray file is neither
    read nor hashed.
    """

    folder: Path
    files: dict[str, bytes]
    problems: dict[str, list[Problem]]

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the names and bytes of the files read."""
        digest = hashlib.sha256()
        for name in sorted(self.files):
            data = self.files[name]
            digest.update(f"{name}\0{len(data)}\0".encode())
            digest.update(data)
        return digest.hexdigest()

    def tables(self) -> list[str]:
        """Names of the table files read, in name order."""
        return sorted(name for name in self.files if table_of(Path(name)) and Path(name).suffix.lower()
                      in SUPPORTED_SUFFIXES)


def read_inputs(folder: Path | str) -> TerritoryInputs:
    """Read once every file of a territory folder that the territory uses (see :class:`TerritoryInputs`)."""
    folder = Path(folder)
    files: dict[str, bytes] = {}
    problems: dict[str, list[Problem]] = {}
    if not folder.is_dir():
        return TerritoryInputs(folder, files, problems)
    root = folder.parent
    for path in sorted(folder.iterdir()):
        name = path.name
        side = name in SIDE_INPUTS or (name.lower().endswith(SIDE_SUFFIXES) and not name.startswith((".", "~$")))
        if name.startswith(referentiel.PREFIX) and not side:
            problems[name] = []  # not read: the referentiel check says what a referentiel file must be
            continue
        if not side and (name.startswith((".", "~$")) or name.lower() in {"readme.md", "notes.md"}):
            continue
        if path.is_dir() and not path.is_symlink():
            continue
        shown = shown_path(path)
        if not side:
            if table_of(path) is None:
                if not path.is_dir():
                    problems[name] = [Problem(shown, "un nom de fichier commençant par une table connue ("
                                              + ", ".join(TABLES) + ") ; fichier ignoré", gravite=WARNING)]
                continue
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                problems[name] = [Problem(shown, "un fichier .csv ou .xlsx ; fichier ignoré", gravite=WARNING)]
                continue
        limit = iorw.LIMITS.yaml_bytes if name.lower().endswith(SIDE_SUFFIXES) else None
        data, refused = read_bytes(path, shown, root=root, limit=limit)
        if data is None:
            if name != TERRITORY_FILE:  # read_territory_file says why territoire.yml cannot be read
                problems[name] = refused
            continue
        files[name] = data
    _read_edition_files(folder, files)
    return TerritoryInputs(folder, files, problems)


def _read_edition_files(folder: Path, files: dict[str, bytes]) -> None:
    """Logos and own prose, read as ``editions`` reads them (regular files, not links), for the fingerprint."""
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in LOGO_TYPES and not path.name.startswith(".") and not path.is_symlink():
            data, _ = read_bytes(path, limit=LOGO_MAX_BYTES)
            # A logo too large is not shown (editions says so): its size alone may change the page.
            files[path.name] = data if data is not None else f"trop grand : {path.stat().st_size}".encode()
    prose = folder / PROSE_FOLDER
    if prose.is_dir() and not prose.is_symlink():
        for path in sorted(prose.glob("*/*.md")):
            if not path.is_symlink():
                data, _ = read_bytes(path, limit=iorw.LIMITS.yaml_bytes)
                if data is not None:
                    files[path.relative_to(folder).as_posix()] = data


def folder_fingerprint(folder: Path | str) -> str:
    """SHA-256 of the files a territory folder gives to read (names and bytes); see :class:`TerritoryInputs`."""
    return read_inputs(folder).fingerprint


def read_raw_file(path: Path | str, data: bytes | None = None) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read one raw table file as strings, headers folded, with ``ligne`` and ``fichier`` columns.

    A workbook of several sheets is read from the sheet named after its table.
    ``data`` are the file's bytes when already read.
    """
    path = Path(path)
    return read_table(path, key=header_key, data=data, sheet_when_several=table_of(path), root=path.parent.parent)


def _read_territory(folder: Path, inputs: TerritoryInputs | None = None) -> Territory:
    inputs = inputs if inputs is not None else read_inputs(folder)
    meta, problems = read_territory_file(folder, raw=inputs.files.get(TERRITORY_FILE))
    if not meta:
        return Territory(folder.name, folder, meta, {}, {}, problems, digest=inputs.fingerprint)
    context = validation_context(meta)
    raw_frames: dict[str, list[pd.DataFrame]] = {}
    files: dict[str, list[str]] = {}
    table_files = set(inputs.tables())
    seen = set(inputs.files) | set(inputs.problems)
    # Referentiels are checked once the tables are read (their ids and filters cite them); one refused is not read.
    referentiels = [folder / name for name in sorted(seen) if name.startswith(referentiel.PREFIX)
                    and not inputs.problems.get(name)]
    # Tables of which a file could not be read or holds an error: that error is reported, and the référentiel's
    # filters are not checked against rows that are missing or wrong (one cause, one message).
    unread: set[str] = set()
    for name in sorted(table_files | set(inputs.problems)):
        problems.extend(inputs.problems.get(name, []))
        path = folder / name
        table = table_of(path)
        if name not in table_files:
            if table and any(p.is_error for p in inputs.problems.get(name, [])):
                unread.add(table)
            continue
        shown = shown_path(path)
        frame, file_problems = read_raw_file(path, data=inputs.files[name])
        problems.extend(file_problems)
        if frame is None:
            unread.add(table)
            continue
        files.setdefault(table, []).append(shown)
        found = schema_problems(table, frame, context, shown)
        problems.extend(found)
        if any(p.is_error for p in found):
            unread.add(table)
        raw_frames.setdefault(table, []).append(frame)
    tables: dict[str, pd.DataFrame] = {}
    for table, frames in raw_frames.items():
        columns = TABLES[table].column_names
        aligned = [f.reindex(columns=[*columns, *ROW_ORIGIN], fill_value="") for f in frames]
        combined = pd.concat(aligned, ignore_index=True)
        for column in columns:
            combined[column] = combined[column].fillna("").astype(str)
        problems.extend(table_problems(table, combined))
        tables[table] = parse_table(table, combined, meta)
    problems.extend(referentiel.folder_problems(referentiels, meta, tables, unread, inputs.files))
    problems = [p if p.territory else replace(p, territory=folder.name) for p in problems]
    return Territory(folder.name, folder, meta, tables, files, problems, digest=inputs.fingerprint)


def validate_territory(territory: str | Path, data_dir: Path | str | None = None) -> list[Problem]:
    """Every problem of a territory folder (errors and warnings); never raises on bad data."""
    folder = territory_folder(territory, data_dir)
    if not folder.is_dir():
        return [Problem(shown_path(folder), "un dossier de territoire existant", territory=str(territory))]
    return _read_territory(folder).problems


def load_territory(territory: str | Path, data_dir: Path | str | None = None, strict: bool = True,
                   inputs: TerritoryInputs | None = None) -> Territory:
    """Load a territory folder into a :class:`Territory`.

    With ``strict`` (the default) any error raises :class:`DataError` listing
    every problem; otherwise rows that fail keep missing values where they
    could not be parsed, and ``Territory.problems`` lists what went wrong.
    ``inputs`` are the folder's files when already read (:func:`read_inputs`):
    planning reads a territory once for its fingerprint and its validation.
    """
    folder = territory_folder(territory, data_dir)
    if not folder.is_dir():
        raise DataError([Problem(shown_path(folder), "un dossier de territoire existant (voir `cdv liste`)")],
                        str(territory))
    result = _read_territory(folder, inputs)
    if strict and result.errors:
        raise DataError(result.problems, result.id)
    return result


# Validated territories of this process, by folder: a warm kernel (or a build worker)
# handling several reports of a territory validates it once, while its files' fingerprint holds.
_VALIDATED: dict[Path, tuple[str, Territory]] = {}


def load_territory_cached(territory: str, data_dir: Path | str) -> Territory:
    """:func:`load_territory`, validated once per process while the folder's files are unchanged.

    Each call gets its own copy of the tables and metadata, so that one report's
    changes never reach the next.
    """
    folder = territory_folder(territory, data_dir).resolve()
    inputs = read_inputs(folder)  # read once: hashed, and parsed only when the files changed
    fingerprint = inputs.fingerprint if folder.is_dir() else ""
    known = _VALIDATED.get(folder)
    if known is None or known[0] != fingerprint or not fingerprint:
        validated = handover.territory(folder, fingerprint)  # in a build, planning's own validation
        known = (fingerprint, validated or load_territory(territory, data_dir, inputs=inputs))
        _VALIDATED[folder] = known
    loaded = known[1]
    if loaded.files_memo is None:
        loaded.files_memo = {}
    handed = dataclasses.replace(loaded, meta=copy.deepcopy(loaded.meta), files=copy.deepcopy(loaded.files),
                                 problems=list(loaded.problems),
                                 tables={name: frame.copy() for name, frame in loaded.tables.items()})
    handed.files_memo = loaded.files_memo  # one per validated version of the files (replace() starts it empty)
    return handed


def load_valid(data_dir: Path | str | None = None) -> tuple[list[Territory], dict[str, str]]:
    """Every territory that loads without error, and the others with the reason (French)."""
    loaded, skipped = [], {}
    for tid in discover_territories(data_dir):
        try:
            loaded.append(load_territory_cached(tid, data_dir if data_dir is not None else default_data_dir()))
        except DataError as error:
            errors = sum(p.is_error for p in error.problems)  # its warnings do not keep a territory out
            skipped[tid] = f"{pluriel(errors, 'erreur')} de données (voir `cdv valider --territoire {shell_word(tid)}`)"
    return loaded, skipped
