"""Territory folders: where they are, and what their ``territoire.yml`` declares.

Reading the metadata is cheap (no table is read): planning and listing use it alone.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path


from ..config import raw_data_dir
from .iorw import read_yaml, shown_path
from .problems import ERROR, WARNING, Problem
from .schemas import ValidationContext
from .territory_schema import Finding, check_territory_file, line_of

__all__ = ["TERRITORY_FILE", "default_data_dir", "discover_territories", "read_metadata", "declared_report_years",
           "territory_folder", "validation_context", "read_territory_file",
           "read_territory_yaml"]

TERRITORY_FILE = "territoire.yml"


def default_data_dir() -> Path:
    """``$CDV_DONNEES``, else ``data/raw`` of the project this package sits in, else of the cwd."""
    return raw_data_dir()


def discover_territories(data_dir: Path | str | None = None) -> list[str]:
    """Ids of the territory folders (those holding a territoire.yml), sorted."""
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    if not root.is_dir():
        return []
    return sorted(
        child.name
        for child in root.iterdir()
        if child.is_dir() and not child.name.startswith(("_", ".")) and (child / TERRITORY_FILE).is_file()
    )


def _load(folder: Path, raw: bytes | None = None) -> tuple[str | None, object, list[Problem]]:
    """(text, parsed value, problems) of a folder's territoire.yml; the value is None when it cannot be read.

    ``raw`` are the file's bytes when the caller already read them (``load.read_inputs``); otherwise
    the file is read by ``iorw.read_bytes`` (a regular file inside the data folder, of limited size).
    """
    path = folder / TERRITORY_FILE
    shown = shown_path(path)
    if raw is None and not path.is_file():
        return None, None, [Problem(shown, "un fichier territoire.yml décrivant le territoire (voir data/README.md)")]
    # no aliases, no repeated keys, no impossible date, bounded size
    text, value, problems = read_yaml(path, shown, root=folder.parent, raw=raw)
    if problems and text is not None:
        unreadable = "les tables du territoire ne sont pas contrôlées tant que ce fichier est illisible"
        return text, None, [replace(p, attendu=f"{p.attendu} ; {unreadable}") for p in problems]
    return text, value, problems


def _problems(findings: list[Finding], text: str | None, shown: str) -> list[Problem]:
    problems = []
    for finding in findings:
        value = finding.value
        shown_value = None if value is None else (str(value) if not isinstance(value, dict | list)
                                                  else ("un dictionnaire" if isinstance(value, dict) else "une liste"))
        problems.append(Problem(shown, finding.expected, ligne=line_of(text, finding.path) if text else None,
                                colonne=finding.key if finding.path else None, valeur=shown_value,
                                gravite=ERROR if finding.error else WARNING))
    return problems


def read_territory_yaml(folder: Path, require: bool = False,
                        raw: bytes | None = None) -> tuple[dict | None, list[Problem]]:
    """The mapping a ``territoire.yml`` holds, checked against its schema (``territory_schema.FIELDS``).

    Gives None with the problems when the file cannot be used: unreadable, not
    YAML, or any value of the wrong type, out of range or an impossible date.
    Required keys (id, nom, sigle, sources) and the id matching the folder are
    checked with ``require`` (loading a territory), not when an import fills a folder.
    Unknown keys are warnings: the mapping keeps them. ``raw``: the file's bytes, when already read.
    """
    shown = shown_path(folder / TERRITORY_FILE)
    text, value, problems = _load(folder, raw)
    if value is None and problems:
        return None, [replace(p, territory=folder.name) for p in problems]
    meta, findings = check_territory_file(value if value is not None else {}, require=require)
    if require and isinstance(meta, dict) and meta.get("id") not in (None, "") and str(meta["id"]) != folder.name:
        findings.append(Finding(("id",), f"un identifiant égal au nom du dossier (« {folder.name} »)", meta["id"]))
    problems = _problems(findings, text, shown)
    if isinstance(meta, dict):
        from .editions import edition_problems  # the ``rapports:`` key (kind, title, subtitle, logo per year)

        problems += [replace(p, ligne=line_of(text, tuple(p.colonne.split(".")))) if text and p.colonne else p
                     for p in edition_problems(meta, folder, shown)]
    problems = [replace(p, territory=folder.name) for p in problems]
    return (None if meta is None or any(p.is_error for p in problems) else meta), problems


def read_territory_file(folder: Path, raw: bytes | None = None) -> tuple[dict, list[Problem]]:
    """The ``territoire.yml`` of ``folder`` and its problems (the one reader the loader, planning and CLI use).

    A file that cannot be used (unreadable, not YAML, a value the schema refuses,
    a missing required key) gives back an empty ``meta``: the territory's tables
    are then not checked, so one mistake yields one message instead of hundreds,
    and only this territory stops.
    """
    meta, problems = read_territory_yaml(folder, require=True, raw=raw)
    return (meta or {}), problems


def validation_context(meta: dict) -> ValidationContext:
    """What a table's rows are checked against: the declared sources and label aliases."""
    labels = meta.get("libelles") or {}
    return ValidationContext(
        sources=frozenset(str(s["id"]) for s in meta.get("sources") or [] if isinstance(s, dict) and s.get("id")),
        pillar_aliases=dict(labels.get("piliers") or {}),
        financer_aliases=dict(labels.get("financeurs") or {}),
    )


def declared_report_years(meta: dict) -> list[int]:
    """Report years declared by the sources of a territoire.yml (``annee_rapport``)."""
    years = set()
    for source in meta.get("sources") or []:
        if isinstance(source, dict) and str(source.get("annee_rapport", "")).strip().isdigit():
            years.add(int(source["annee_rapport"]))
    return sorted(years)


def read_metadata(territory: str | Path, data_dir: Path | str | None = None) -> tuple[dict, list[Problem]]:
    """Only the territoire.yml of a territory (fast: no table is read)."""
    return read_territory_file(territory_folder(territory, data_dir))


def territory_folder(territory: str | Path, data_dir: Path | str | None = None) -> Path:
    """The folder of a territory id (in ``data_dir``), or ``territory`` itself when it is a territory folder."""
    candidate = Path(territory)
    if candidate.is_dir() and (candidate / TERRITORY_FILE).exists():
        return candidate
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    return root / str(territory)


