"""Territory folders: where they are, and what their ``territoire.yml`` declares.

Reading the metadata is cheap (no table is read): planning and listing use it alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import yaml

from .config import raw_data_dir
from .harmonise import vocabulary
from .iorw import decode_text, shown_path
from .problems import Problem
from .schemas import ValidationContext

__all__ = ["TERRITORY_FILE", "default_data_dir", "discover_territories", "read_metadata", "declared_report_years",
           "folder_fingerprint", "territory_folder", "validation_context", "read_territory_file",
           "read_territory_yaml"]

TERRITORY_FILE = "territoire.yml"
REQUIRED_KEYS = ("id", "nom", "sigle", "sources")


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


def _metadata_problems(meta: dict, folder: Path, shown: str) -> list[Problem]:
    problems = []
    missing = [key for key in REQUIRED_KEYS if not meta.get(key)]
    if missing:
        keys = ", ".join(f"« {key} »" for key in missing)
        problems.append(Problem(shown, f"{'la clé obligatoire' if len(missing) == 1 else 'les clés obligatoires'} "
                                f"{keys} (voir data/README.md)", colonne=missing[0]))
    if meta.get("id") and str(meta["id"]) != folder.name:
        problems.append(Problem(shown, f"un identifiant égal au nom du dossier (« {folder.name} »)",
                                colonne="id", valeur=str(meta["id"])))
    sources = meta.get("sources") or []
    if not isinstance(sources, list):
        problems.append(Problem(shown, "une liste de sources (- id: …)", colonne="sources"))
        sources = []
    for index, source in enumerate(sources, start=1):
        if not isinstance(source, dict) or not source.get("id"):
            problems.append(Problem(shown, f"un « id » pour la source n° {index}", colonne="sources"))
    from .editions import edition_problems  # the ``rapports:`` key (kind, title, subtitle, logo per year)

    problems.extend(edition_problems(meta, folder, shown))
    labels = meta.get("libelles") or {}
    if not isinstance(labels, dict):
        return problems + [Problem(shown, "un dictionnaire sous « libelles » (piliers: …, financeurs: …)",
                                   colonne="libelles")]
    for kind in ("piliers", "financeurs"):
        aliases = labels.get(kind) or {}
        if not isinstance(aliases, dict):
            problems.append(Problem(shown, f"un dictionnaire « libellé imprimé: code » sous libelles.{kind}",
                                    colonne=f"libelles.{kind}"))
            continue
        codes = vocabulary(kind).labels
        for alias, code in aliases.items():
            if code not in codes:
                problems.append(Problem(shown, f"un code de {kind} parmi : {', '.join(codes)}",
                                        colonne=f"libelles.{kind}", valeur=f"{alias}: {code}"))
    return problems


def read_territory_yaml(folder: Path) -> tuple[dict | None, list[Problem]]:
    """The mapping a ``territoire.yml`` holds, or None with the reason it cannot be read (keys are not checked)."""
    path = folder / TERRITORY_FILE
    shown = shown_path(path)
    if not path.is_file():
        return None, [Problem(shown, "un fichier territoire.yml décrivant le territoire (voir data/README.md)",
                              territory=folder.name)]
    text, problems = decode_text(path.read_bytes(), shown)
    if text is None:
        return None, [replace(p, territory=folder.name) for p in problems]
    try:
        meta = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [Problem(shown, f"du YAML valide ({getattr(exc, 'problem', exc)}) ; les tables du territoire "
                              "ne sont pas contrôlées tant que ce fichier est illisible",
                              ligne=mark.line + 1 if mark else None, territory=folder.name)]
    if not isinstance(meta, dict):
        return None, [Problem(shown, "un dictionnaire YAML (clés id, nom, sigle, sources…), et non "
                              f"{'une liste' if isinstance(meta, list) else 'une valeur seule'}",
                              territory=folder.name)]
    return meta, []


def read_territory_file(folder: Path) -> tuple[dict, list[Problem]]:
    """The ``territoire.yml`` of ``folder`` and its problems.

    A file that cannot be used (unreadable, not YAML, not a mapping, missing a
    required key) gives back an empty ``meta``: the territory's tables are then
    not checked, so one mistake yields one message instead of hundreds.
    """
    meta, problems = read_territory_yaml(folder)
    if meta is None:
        return {}, problems
    problems = [replace(p, territory=folder.name)
                for p in _metadata_problems(meta, folder, shown_path(folder / TERRITORY_FILE))]
    return ({} if any(p.is_error for p in problems) else meta), problems


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


def folder_fingerprint(folder: Path) -> str:
    """SHA-256 of every file of a territory folder (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


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


