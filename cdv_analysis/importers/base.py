"""The importer interface: read → check → plan the writes → commit, and the one import summary.

An importer (:class:`Importer`) only says how to read its input, what to check
and which files to write where (an :class:`ImportPlan`); committing is shared
(:func:`commit`): it refuses to overwrite a hand-made file, stages every file
then renames them all (a failure midway leaves nothing half-written, and a
retry succeeds), records each file's SHA-256 in the folder's ``.imports.json``
and validates the territories written.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
from abc import ABC, abstractmethod
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import yaml

from ..errors import CdvError
from ..rules.formatting import euros, liste_fr, pluriel
from ..ingest.ids import UnsafeId, child, shell_word
from ..ingest.iorw import read_table, shown_path
from ..ingest.load import TERRITORY_FILE, validate_territory
from ..ingest.metadata import read_territory_yaml
from ..ingest.problems import Problem
from ..ingest.schemas import TABLES
from ..ingest.writes import StagedWrites, WriteFailed, write_error_text

__all__ = ["MANIFEST", "ImportFailed", "ImportSummary", "ImportPlan", "Importer", "Option", "Target", "commit"]

MANIFEST = ".imports.json"
SHEET_OPTION = " (option --feuille)"
SKIP_REASONS = {  # reason: (French explanation, what is counted)
    "secret": ("secret statistique, cellules vides", "valeur"),
    "hors_selection": ("hors de la sélection : autres QPV ou autres contrats", "ligne"),
    "sans_contrat": ("sans code contrat : niveau national ou régional", "ligne"),
}
_FILE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*\.csv")


class ImportFailed(CdvError):
    """The input cannot be imported; nothing was written. Carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [f"Import impossible ({pluriel(len(self.problems), 'problème')}) ; aucun fichier n'a été écrit :"]
        super().__init__("\n".join(lines + [f"  - {p}" for p in self.problems]))


@dataclass
class ImportSummary:
    """What an import wrote and left aside, worded in French by :meth:`text`."""

    source: str
    input: str
    written: dict[str, int] = field(default_factory=dict)
    skipped: Counter = field(default_factory=Counter)
    skipped_amount: float = 0.0
    unknown_themes: Counter = field(default_factory=Counter)
    created: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unchanged: bool = False  # every file was already as the import writes it: nothing was written

    @property
    def ok(self) -> bool:
        """True when every territory written validates without error."""
        return not any(p.is_error for p in self.problems)

    def text(self, limit: int = 30) -> str:
        lines = [f"Import « {self.source} » depuis {self.input} :"]
        if self.unchanged:
            lines.append("Aucun changement : ce fichier était déjà importé à l'identique ; rien n'a été écrit.")
        lines.append(f"{pluriel(len(self.written), 'fichier écrit', 'fichiers écrits')} "
                     f"({pluriel(sum(self.written.values()), 'ligne')}) :")
        shown = sorted(self.written.items())
        lines += [f"  - {name} : {pluriel(rows, 'ligne')}" for name, rows in shown[:limit]]
        if len(shown) > limit:
            rest = shown[limit:]
            lines.append(f"  … et {pluriel(len(rest), 'autre fichier', 'autres fichiers')} "
                         f"({pluriel(sum(rows for _, rows in rest), 'ligne')}).")
        for reason, count in sorted((r, n) for r, n in self.skipped.items() if n):
            amount = f", {euros(self.skipped_amount, 2)} au total" if reason == "sans_contrat" else ""
            why, counted = SKIP_REASONS[reason]
            lines.append(f"Non importé ({why}) : {pluriel(count, counted)}{amount}.")
        if self.unknown_themes:
            lines.append("Thèmes inconnus (pilier laissé vide ; à ajouter dans "
                         "cdv_analysis/vocabulaires/themes_anct.yml) :")
            lines += [f"  - « {theme} » : {pluriel(n, 'ligne')}" for theme, n in sorted(self.unknown_themes.items())]
        if self.created:
            created = sorted(self.created)
            more = [f"{pluriel(len(created) - limit, 'autre')}"] if len(created) > limit else []
            lines.append(f"{pluriel(len(created), 'territoire créé', 'territoires créés')} : "
                         f"{liste_fr(created[:limit] + more)} (complétez leur territoire.yml).")
        lines += self.messages
        errors = [p for p in self.problems if p.is_error]
        if self.problems:
            lines.append(f"Validation après import : {pluriel(len(errors), 'erreur')} "
                         f"(à corriger, voir « cdv valider ») :" if errors else "Validation après import :")
            lines += [f"  {p.gravite} — {p}" for p in self.problems]
        elif not self.unchanged:
            lines.append("Validation après import : données valides.")
        return "\n".join(lines)


@dataclass
class Target:
    """One territory folder an import writes to (a direct child of the data folder, checked by :meth:`of`)."""

    folder: Path
    meta: dict
    new: bool = False
    files: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (CSV text, rows)

    @classmethod
    def of(cls, data_dir: Path, tid: str, meta: dict, new: bool = False) -> Target:
        """The target folder ``data_dir/tid``; an id that is not a safe name inside ``data_dir`` is refused."""
        try:
            return cls(child(data_dir, tid), meta, new)
        except UnsafeId as refused:
            raise ImportFailed([Problem(shown_path(data_dir), refused.expected, colonne="territoire",
                                        valeur=repr(tid)[1:-1][:80])]) from None


@dataclass
class ImportPlan:
    """What to write: the files of each target, the source entry for territoire.yml, the summary so far."""

    targets: list[Target]
    entry: dict
    summary: ImportSummary
    problems: list[Problem] = field(default_factory=list)  # warnings found while checking


@dataclass(frozen=True)
class Option:
    """One CLI option of an importer: ``--flag`` given to the importer as ``name`` (French help)."""

    flag: str
    name: str
    metavar: str
    help: str
    comma_list: bool = False  # « Lens,Liévin » → ["Lens", "Liévin"]


#: The ``--feuille`` option of every importer that reads a workbook.
FEUILLE = Option("--feuille", "sheet", "NOM", "classeur .xlsx de plusieurs feuilles : la feuille à lire")


class Importer(ABC):
    """One source of open data. Subclasses set :attr:`name`, :attr:`help`, :attr:`options` and the three steps.

    :meth:`run` chains them: :meth:`read` the input (raise :class:`ImportFailed`
    when it cannot be read), :meth:`check` it against the data folder (every
    problem found, nothing written), :meth:`plan` the files of each
    :class:`Target`, then :func:`commit` writes them all or nothing.
    """

    name: ClassVar[str]  # the CLI name: cdv importer <name>
    help: ClassVar[str]  # one French line for cdv importer --help
    options: ClassVar[tuple[Option, ...]] = ()

    def __init__(self, path: Path | str, data_dir: Path | str, **options: Any):
        self.path, self.data_dir = Path(path), Path(data_dir)
        self.shown = shown_path(self.path)
        self.settings = options

    @abstractmethod
    def read(self) -> Any:
        """The input, read and shaped; raises :class:`ImportFailed` when it cannot be read."""

    @abstractmethod
    def check(self, data: Any) -> tuple[Any, list[Problem]]:
        """What :meth:`plan` needs, and every problem found (any error: nothing is written)."""

    @abstractmethod
    def plan(self, checked: Any) -> ImportPlan:
        """The files to write, by target folder, and the summary so far."""

    def run(self) -> ImportSummary:
        data = self.read()
        checked, problems = self.check(data)
        if any(p.is_error for p in problems):
            raise ImportFailed([p for p in problems if p.is_error])
        plan = self.plan(checked)
        plan.problems = problems + plan.problems
        return commit(plan)


# ---------------------------------------------------------------------------
# Shared steps


def year_option(path: Path, given: int | str | None, option: str) -> tuple[int | None, list[Problem]]:
    """The year given as ``option`` (``--annee``): None when it is not given, a problem when it is no year."""
    text = "" if given is None else str(given).strip()
    if not text:
        return None, []
    if re.fullmatch(r"(19|20)\d\d", text):
        return int(text), []
    return None, [Problem(shown_path(path), f"une année sur quatre chiffres pour {option}", valeur=text[:20])]


def input_year(path: Path, given: int | str | None, option: str) -> int:
    """The year of an input: ``given`` (an option) else the one year in the file name."""
    year, problems = year_option(path, given, option)
    if problems:
        raise ImportFailed(problems)
    if year is not None:
        return year
    found = set(re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", path.name))
    if len(found) == 1:
        return int(found.pop())
    raise ImportFailed([Problem(shown_path(path), f"l'année des données : indiquez {option} AAAA (le nom du fichier "
                                f"{'en contient plusieurs' if found else 'ne contient pas d’année'})")])


def read_input(path: Path, sheet: str | None = None, key=str.strip) -> tuple[pd.DataFrame, list[Problem]]:
    """The input table as strings (``read_table``), or :class:`ImportFailed` when it cannot be read."""
    if not path.is_file():
        raise ImportFailed([Problem(shown_path(path), "un fichier existant (.csv ou .xlsx)")])
    frame, problems = read_table(path, sheet=sheet, key=key, sheet_choice=SHEET_OPTION)
    if frame is None:
        raise ImportFailed(problems)
    return frame, problems


def csv_text(table: str, rows: list[dict]) -> tuple[str, int]:
    """A table's rows as the CSV text an importer writes (the table's columns, in order)."""
    return pd.DataFrame(rows, columns=TABLES[table].column_names).to_csv(index=False, lineterminator="\n"), len(rows)


def territory_metadata(folder: Path) -> tuple[dict | None, list[Problem]]:
    """The territoire.yml of a folder for an import, checked by its schema; None with the errors when unusable.

    Missing required keys are for `cdv valider` to report: an import may fill a folder still being described.
    """
    meta, problems = read_territory_yaml(folder, require=False)
    return meta, [p for p in problems if p.is_error]


def skipped_territory(tid: str, problems: list[Problem]) -> str:
    """The summary line of a territory an import leaves aside because its territoire.yml is unusable."""
    return (f"Territoire {tid} ignoré : son territoire.yml est à corriger ({problems[0]}) ; "
            f"voir « cdv valider --territoire {shell_word(tid)} ».")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(folder: Path) -> tuple[dict, list[Problem]]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}, []
    try:
        found = json.loads(path.read_text("utf-8"))
        if not isinstance(found, dict):
            raise TypeError("un dictionnaire est attendu")
        return found, []
    except (ValueError, TypeError) as exc:
        return {}, [Problem(shown_path(path), f"le registre des imports au format JSON ({exc}) ; supprimez-le et "
                            "retirez les fichiers importés pour réimporter")]


def _with_source(meta: dict, entry: dict) -> dict:
    """``meta`` with the source ``entry`` added, or put in place of the source of the same id."""
    sources = list(meta.get("sources") or []) if isinstance(meta.get("sources"), list) else []
    ids = [s.get("id") if isinstance(s, dict) else None for s in sources]
    if entry["id"] in ids:
        sources[ids.index(entry["id"])] = entry
    else:
        sources.append(entry)
    return {**meta, "sources": sources}


def _hand_made(path: Path, manifest: dict, new_text: str) -> bool:
    """True when ``path`` holds bytes no import recorded (and that this import would not write identically)."""
    if not path.exists():
        return False
    current = path.read_bytes()
    return manifest.get(path.name) != _sha(current) and current != new_text.encode("utf-8")


def _holds(path: Path, text: str) -> bool:
    """True when ``path`` is a regular file whose bytes are already ``text`` (UTF-8)."""
    return path.is_file() and path.read_bytes() == text.encode("utf-8")


def commit(plan: ImportPlan) -> ImportSummary:
    """Refuse to overwrite hand-made files, then stage every file and rename them all; nothing is written on error."""
    problems, manifests, summary = list(plan.problems), {}, plan.summary
    folders = [target.folder for target in plan.targets]
    if len(set(folders)) != len(folders):  # two sources on one folder would lose one's rows
        raise ImportFailed([Problem(shown_path(f), "un dossier par contrat ou territoire importé (deux codes "
                                    "différents y mèneraient)") for f in sorted({f for f in folders
                                                                                    if folders.count(f) > 1})])
    for target in plan.targets:
        manifests[target.folder], found = _manifest(target.folder)
        problems += found
        for name, (text, _) in target.files.items():
            if not _FILE_NAME.fullmatch(name):
                raise ValueError(f"unsafe import file name {name!r}")  # a bug in an importer, not in the data
            path = target.folder / name
            if _hand_made(path, manifests[target.folder], text):
                problems.append(Problem(shown_path(path), "un fichier écrit par un import précédent et inchangé "
                                        "depuis : ce fichier a été saisi ou modifié à la main, l'import ne l'écrase "
                                        "pas (renommez-le ou supprimez-le pour réimporter)"))
    if any(p.is_error for p in problems):
        raise ImportFailed([p for p in problems if p.is_error])
    writes: list[tuple[Path, str]] = []
    for target in plan.targets:
        manifest = dict(manifests[target.folder])
        for name, (text, _) in sorted(target.files.items()):
            writes.append((target.folder / name, text))
            manifest[name] = _sha(text.encode("utf-8"))
        meta = _with_source(target.meta, plan.entry)
        # Rewriting territoire.yml loses its comments: only done when something changed.
        if target.new or meta != target.meta:
            writes.append((target.folder / TERRITORY_FILE, yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)))
        writes.append((target.folder / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True,
                                                            ensure_ascii=False) + "\n"))
    summary.unchanged = (bool(plan.targets) and not any(target.new for target in plan.targets)
                         and all(_holds(path, text) for path, text in writes))
    if summary.unchanged:
        return summary
    try:
        with StagedWrites() as staged:
            for target in plan.targets:
                if not target.folder.exists():
                    staged.new_folder(target.folder)
            for path, text in writes:
                staged.add(path, text)
            staged.commit()
    except WriteFailed as failure:
        text = write_error_text(failure.path, failure.error, name_path=False)
        raise ImportFailed([Problem(shown_path(failure.path), f"{text} ; aucun fichier n'a été modifié")]) from None
    for target in plan.targets:
        for name, (_, rows) in target.files.items():
            summary.written[shown_path(target.folder / name)] = rows
        if target.new:
            summary.created.append(target.folder.name)
    for found in _validate_all(folders):
        summary.problems += found
    return summary


def _validate_all(folders: list[Path]) -> list[list[Problem]]:
    """``validate_territory`` of each folder; a national file fills hundreds, so on several cores."""
    workers = min(os.cpu_count() or 1, len(folders) // 50 + 1)
    if workers < 2:
        return [validate_territory(folder) for folder in folders]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(validate_territory, folders, chunksize=25))
