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
from dataclasses import replace
from pathlib import Path

import pandas as pd

from . import referentiel
from .ids import shell_word
from .iorw import header_key, read_table, shown_path
from .metadata import (
    TERRITORY_FILE,
    declared_report_years,
    default_data_dir,
    discover_territories,
    folder_fingerprint,
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
    "declared_report_years",
    "load_valid",
    "TERRITORY_FILE",
]

SUPPORTED_SUFFIXES = (".csv", ".xlsx")


def table_of(path: Path) -> str | None:
    """The table a data file belongs to, from the start of its name (``financements.ra2021.csv``)."""
    stem = path.name.split(".")[0]
    return stem if stem in TABLES else None


def read_raw_file(path: Path | str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read one raw table file as strings, headers folded, with ``ligne`` and ``fichier`` columns.

    A workbook of several sheets is read from the sheet named after its table.
    """
    path = Path(path)
    several_sheets = table_of(path) if path.suffix.lower() == ".xlsx" and _sheet_count(path) > 1 else None
    return read_table(path, sheet=several_sheets, key=header_key)


def _sheet_count(path: Path) -> int:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
    except Exception:  # noqa: BLE001 — read_table reports the unreadable file in French
        return 1
    try:
        return len(workbook.sheetnames)
    finally:
        workbook.close()


def _read_territory(folder: Path) -> Territory:
    meta, problems = read_territory_file(folder)
    if not meta:
        return Territory(folder.name, folder, meta, {}, {}, problems)
    context = validation_context(meta)
    raw_frames: dict[str, list[pd.DataFrame]] = {}
    files: dict[str, list[str]] = {}
    referentiels: list[Path] = []
    for path in sorted(folder.iterdir()):
        if path.is_dir() or path.name == TERRITORY_FILE or path.name.startswith((".", "~$")):
            continue
        if path.name.lower() in {"readme.md", "notes.md", "vocabulaire.yml"}:  # vocabulaire.yml: cdv importer programmation
            continue
        if path.name.startswith(referentiel.PREFIX):
            referentiels.append(path)  # checked once the tables are read (its ids and filters cite them)
            continue
        table = table_of(path)
        shown = shown_path(path)
        if table is None:
            problems.append(Problem(shown, "un nom de fichier commençant par une table connue ("
                                    + ", ".join(TABLES) + ") ; fichier ignoré", gravite=WARNING))
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            problems.append(Problem(shown, "un fichier .csv ou .xlsx ; fichier ignoré", gravite=WARNING))
            continue
        frame, file_problems = read_raw_file(path)
        problems.extend(file_problems)
        if frame is None:
            continue
        files.setdefault(table, []).append(shown)
        problems.extend(schema_problems(table, frame, context, shown))
        raw_frames.setdefault(table, []).append(frame)
    tables: dict[str, pd.DataFrame] = {}
    for table, frames in raw_frames.items():
        columns = TABLES[table].column_names
        aligned = [f.reindex(columns=[*columns, "fichier", "ligne"], fill_value="") for f in frames]
        combined = pd.concat(aligned, ignore_index=True)
        for column in columns:
            combined[column] = combined[column].fillna("").astype(str)
        problems.extend(table_problems(table, combined))
        tables[table] = parse_table(table, combined, meta)
    problems.extend(referentiel.folder_problems(referentiels, meta, tables))
    problems = [p if p.territory else replace(p, territory=folder.name) for p in problems]
    return Territory(folder.name, folder, meta, tables, files, problems)


def validate_territory(territory: str | Path, data_dir: Path | str | None = None) -> list[Problem]:
    """Every problem of a territory folder (errors and warnings); never raises on bad data."""
    folder = territory_folder(territory, data_dir)
    if not folder.is_dir():
        return [Problem(shown_path(folder), "un dossier de territoire existant", territory=str(territory))]
    return _read_territory(folder).problems


def load_territory(territory: str | Path, data_dir: Path | str | None = None, strict: bool = True) -> Territory:
    """Load a territory folder into a :class:`Territory`.

    With ``strict`` (the default) any error raises :class:`DataError` listing
    every problem; otherwise rows that fail keep missing values where they
    could not be parsed, and ``Territory.problems`` lists what went wrong.
    """
    folder = territory_folder(territory, data_dir)
    if not folder.is_dir():
        raise DataError([Problem(shown_path(folder), "un dossier de territoire existant (voir `cdv liste`)")],
                        str(territory))
    result = _read_territory(folder)
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
    fingerprint = folder_fingerprint(folder) if folder.is_dir() else ""
    known = _VALIDATED.get(folder)
    if known is None or known[0] != fingerprint or not fingerprint:
        known = (fingerprint, load_territory(territory, data_dir))
        _VALIDATED[folder] = known
    loaded = known[1]
    return dataclasses.replace(loaded, meta=copy.deepcopy(loaded.meta), files=copy.deepcopy(loaded.files),
                               problems=list(loaded.problems),
                               tables={name: frame.copy() for name, frame in loaded.tables.items()})


def load_valid(data_dir: Path | str | None = None) -> tuple[list[Territory], dict[str, str]]:
    """Every territory that loads without error, and the others with the reason (French)."""
    loaded, skipped = [], {}
    for tid in discover_territories(data_dir):
        try:
            loaded.append(load_territory(tid, data_dir))
        except DataError as error:
            skipped[tid] = f"{len(error.problems)} problème(s) de données (voir `cdv valider --territoire {shell_word(tid)}`)"
    return loaded, skipped
