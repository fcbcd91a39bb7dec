"""Territory folders: where they are, and what their ``territoire.yml`` declares.

Reading the metadata is cheap (no table is read): planning and listing use it alone.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path


from .config import raw_data_dir
from .harmonise import vocabulary
from . import iorw
from .iorw import decode_text, load_yaml, read_bytes, shown_path
from .problems import Problem
from .schemas import ValidationContext

__all__ = ["TERRITORY_FILE", "default_data_dir", "discover_territories", "read_metadata", "declared_report_years",
           "territory_folder", "validation_context", "read_territory_file",
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


def read_territory_yaml(folder: Path, raw: bytes | None = None) -> tuple[dict | None, list[Problem]]:
    """The mapping a ``territoire.yml`` holds, or None with the reason it cannot be read (keys are not checked).

    ``raw`` are the file's bytes when the caller already read them (``load.read_inputs``).
    """
    path = folder / TERRITORY_FILE
    shown = shown_path(path)
    if raw is None and not path.is_file():
        return None, [Problem(shown, "un fichier territoire.yml décrivant le territoire (voir data/README.md)",
                              territory=folder.name)]
    if raw is None:
        raw, problems = read_bytes(path, shown, root=folder.parent, limit=iorw.LIMITS.yaml_bytes)
        if raw is None:
            return None, [replace(p, territory=folder.name) for p in problems]
    text, problems = decode_text(raw, shown)
    if text is None:
        return None, [replace(p, territory=folder.name) for p in problems]
    meta, problems = load_yaml(text, shown)
    if problems:
        return None, [replace(p, attendu=p.attendu + " ; les tables du territoire ne sont pas contrôlées tant que "
                              "ce fichier est illisible", territory=folder.name) for p in problems]
    meta = meta or {}
    if not isinstance(meta, dict):
        return None, [Problem(shown, "un dictionnaire YAML (clés id, nom, sigle, sources…), et non "
                              f"{'une liste' if isinstance(meta, list) else 'une valeur seule'}",
                              territory=folder.name)]
    return meta, []


def read_territory_file(folder: Path, raw: bytes | None = None) -> tuple[dict, list[Problem]]:
    """The ``territoire.yml`` of ``folder`` and its problems.

    A file that cannot be used (unreadable, not YAML, not a mapping, missing a
    required key) gives back an empty ``meta``: the territory's tables are then
    not checked, so one mistake yields one message instead of hundreds.
    """
    meta, problems = read_territory_yaml(folder, raw)
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


