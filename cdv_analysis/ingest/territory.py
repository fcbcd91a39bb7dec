"""A territory: its metadata and its parsed tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd

from ..config import PROJECT_DIR
from ..rules.clean import cell_text
from ..rules.harmonise import vocabulary
from .metadata import declared_report_years
from .parsing import parse_table
from .problems import Problem
from .schemas import TABLES, empty_frame

__all__ = ["Territory", "memoized", "source_title"]

T = TypeVar("T")

# Short titles by kind of document (territoire.yml « type »: vocabulaires/types_source.yml, « titre_court »);
# « {annee} » is the report year or the date's year.
SHORT_TITLES = {code: str(entry["titre_court"]) for code, entry in vocabulary("types_source").attributes.items()
                if entry.get("titre_court")}


def source_title(sources: dict[str, dict], source_id: object, section: object = None) -> str:
    """Short title of a declared source (see ``Territory.source_title``); an unknown id is shown as
    « document non déclaré »."""
    meta = sources.get(cell_text(source_id))
    if meta is None:
        title = "document non déclaré" if cell_text(source_id) else ""
    else:
        kind = cell_text(meta.get("type"))
        year = cell_text(meta.get("annee_rapport")) or cell_text(meta.get("date"))[:4]
        title = SHORT_TITLES[kind].format(annee=year) if kind in SHORT_TITLES and year else cell_text(
            meta.get("titre")) or cell_text(source_id)
    where = cell_text(section)
    return f"{title}, {where}" if where and title else title or where


_EMPTY: dict[str, pd.DataFrame] = {}


def _parsed_empty(name: str) -> pd.DataFrame:
    """The parsed form of an absent table, built once per process (no row: the metadata plays no part)."""
    if name not in _EMPTY:
        raw = empty_frame(name).assign(fichier=pd.Series(dtype="object"), ligne=pd.Series(dtype="Int64"))
        _EMPTY[name] = parse_table(name, raw, {})
    return _EMPTY[name]


def memoized(territory: Territory, key: tuple, compute: Callable[[], T], every_year: bool = False) -> T:
    """``compute()``, once per report for ``key`` when the territory keeps a memo (see ``Territory.memo``).

    ``every_year``: the result depends on the territory's files only, never on the report's year: it is kept for
    every report of this process while those files are unchanged (``Territory.files_memo``; a warm kernel builds
    the three years of a territory from one computation), and in a build, for its other kernels too
    (``handover``). The caller treats the result as read-only.
    """
    memo = territory.memo
    if memo is None:
        return compute()
    if every_year and territory.files_memo is not None:
        memo = territory.files_memo
        if key not in memo:
            from . import handover  # a build's other kernel may have computed it from the same files

            memo[key] = handover.kept(territory, key)
            if memo[key] is handover.NOTHING:
                memo[key] = compute()
                handover.keep(territory, key, memo[key])
        return memo[key]
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@dataclass
class Territory:
    """A territory's metadata and its validated tables (parsed, one DataFrame per table)."""

    id: str
    folder: Path
    meta: dict
    tables: dict[str, pd.DataFrame]
    files: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""  # SHA-256 of the files read to build it (load.TerritoryInputs.fingerprint)
    # Results a report computes once and several of its cells read (``memoized``); None: nothing is kept.
    # Set by ``notebook.open_report``, whose territory no cell changes; a copy (dataclasses.replace) starts empty.
    memo: dict | None = field(default=None, init=False, repr=False, compare=False)
    # What depends on the files only (``memoized(..., every_year=True)``), shared by the copies that
    # ``load.load_territory_cached`` hands out of one validated territory; used only where ``memo`` is set.
    files_memo: dict | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def nom(self) -> str:
        return str(self.meta.get("nom", self.id))

    @property
    def sigle(self) -> str:
        return str(self.meta.get("sigle", self.id.upper()))

    @property
    def sources(self) -> dict[str, dict]:
        return {str(s["id"]): s for s in self.meta.get("sources") or [] if isinstance(s, dict) and s.get("id")}

    @property
    def communes(self) -> list[str]:
        return [str(c) for c in self.meta.get("communes") or []]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def table(self, name: str) -> pd.DataFrame:
        """The parsed table ``name`` (an empty frame with the right columns if absent)."""
        if name not in TABLES:
            raise KeyError(f"table inconnue « {name} » ; tables : {', '.join(TABLES)}")
        if name not in self.tables:
            return _parsed_empty(name).copy()
        return self.tables[name]

    def has(self, name: str) -> bool:
        return name in self.tables and not self.tables[name].empty

    def source_title(self, source_id: object, section: object = None) -> str:
        """A document as a reader names it (« Rapport annuel 2019 », « Rapport d'évaluation finale (2022) »),
        never its internal id; with ``section``: « Rapport annuel 2019, 2.1 – La programmation 2019 »."""
        return source_title(self.sources, source_id, section)

    def sources_of_report_year(self, year: int | str) -> set[str]:
        """Ids of the source documents whose ``annee_rapport`` is ``year`` (a year, or a label ending with it)."""
        wanted = str(int(str(year)[-4:]))
        return {sid for sid, meta in self.sources.items() if cell_text(meta.get("annee_rapport")) == wanted}

    def report_years(self) -> list[int]:
        """Years that get an evaluation report: the ``annee_rapport`` of the sources."""
        years = set(declared_report_years(self.meta))
        if not years:
            for frame in self.tables.values():
                if "annee_fin" in frame.columns:
                    years.update(int(y) for y in frame["annee_fin"].dropna())
        return sorted(years)

    def data_years(self) -> list[int]:
        """Every single year some row of some table refers to."""
        years: set[int] = set()
        for frame in self.tables.values():
            if {"annee_debut", "annee_fin"} <= set(frame.columns):
                single = frame[frame["annee_debut"] == frame["annee_fin"]]
                years.update(int(y) for y in single["annee_debut"].dropna())
        return sorted(years)

    def shown_file(self, name: str) -> str:
        """A file of the territory's folder as a page names it: from the project when the data are in it
        (``data/raw/<id>/<name>``), else from the data folder (``mes_donnees/<id>/<name>``); never a path of
        the machine that built the page."""
        folder = Path(self.folder).resolve()
        try:
            return (folder / name).relative_to(PROJECT_DIR.resolve()).as_posix()
        except ValueError:
            return Path(folder.parent.name, folder.name, name).as_posix()

    def expected_file(self, table: str) -> str:
        """Where a missing table would be read from (``data/raw/<id>/<table>.csv``: :meth:`shown_file`)."""
        return self.shown_file(f"{table}.csv")

    def fingerprint(self) -> str:
        """SHA-256 of the territory's input files (names and bytes) as read, for provenance and caching."""
        if not self.digest:
            from .load import folder_fingerprint

            return folder_fingerprint(self.folder)
        return self.digest
