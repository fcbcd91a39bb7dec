"""Each report year of a territory as the territory publishes it: kind, title, subtitle, logo, own prose.

``territoire.yml`` may declare, per report year::

    rapports:
      2024:
        genre: rapport_annuel          # rapport_annuel, evaluation_mi_parcours, evaluation_finale
        titre: Contrat de Ville du Douaisis
        sous_titre: Rapport annuel 2024 de la politique de la ville
        logo: logo-cad.png             # a file of the territory folder (PNG, JPEG or SVG)

and Markdown files ``textes/<annee>/<section>.md`` (``textes/2024/03_programmation.md``)
whose prose appears in that year's report only, in that section. Where the figures
of a report come from (documents transcribed, or the territory's own data) decides
which framing sentences the page shows (cells tagged ``si-transcrit`` / ``si-donnees-propres``).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .harmonise import codes, label
from .ids import file_in, shell_word
from .problems import Problem

__all__ = ["Edition", "edition", "edition_problems", "figures_origin", "prose_files", "KINDS", "STARTER_KIND",
           "OWN_DATA_SOURCE_TYPES", "TRANSCRIBED_TAG", "OWN_DATA_TAG"]

KINDS = tuple(c for c in codes("genres_rapport") if c != "a_completer")  # vocabulaires/genres_rapport.yml
STARTER_KIND = "a_completer"  # a territory with no data yet: one short page saying what to fill in
# Source types whose figures are the territory's own data or imports, not transcribed from a printed document.
OWN_DATA_SOURCE_TYPES = ("programmation", "import")
TRANSCRIBED_TAG = "si-transcrit"
OWN_DATA_TAG = "si-donnees-propres"
PROSE_FOLDER = "textes"
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
LOGO_MAX_BYTES = 512 * 1024


@dataclass(frozen=True)
class Edition:
    """How one report year is published: its kind (code), title, subtitle and logo (a data URI, or empty)."""

    kind: str
    title: str
    subtitle: str
    logo: str = ""
    logo_alt: str = ""


def _declared(meta: dict, year: int | str) -> dict:
    reports = meta.get("rapports") if isinstance(meta, dict) else None
    if not isinstance(reports, dict):
        return {}
    entry = reports.get(int(year), reports.get(str(year)))
    return entry if isinstance(entry, dict) else {}


def _logo(folder: Path, name: object) -> str:
    if not name:
        return ""
    path = file_in(folder, name)  # a file of the territory folder, never a path elsewhere
    mime = LOGO_TYPES.get(path.suffix.lower()) if path else None
    if mime is None or path.stat().st_size > LOGO_MAX_BYTES:
        return ""
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def edition(meta: dict, folder: Path | str, year: int | str, default_title: str,
            default_kind: str = "") -> Edition:
    """The edition of ``year``: declared keys first, else the default title and « Rapport d'évaluation AAAA »."""
    declared = _declared(meta, year)
    kind = str(declared.get("genre") or default_kind or "")
    if declared.get("sous_titre"):
        subtitle = str(declared["sous_titre"])
    elif kind and kind != STARTER_KIND and declared.get("genre"):
        subtitle = f"{label('genres_rapport', kind)} {year}"
    elif kind == STARTER_KIND:
        subtitle = f"{label('genres_rapport', kind)} — {year}"
    else:
        subtitle = f"Rapport d'évaluation {year}"
    title = str(declared.get("titre") or default_title)
    logo = _logo(Path(folder), declared.get("logo"))
    return Edition(kind or "rapport_annuel", title, subtitle, logo, f"Logo — {title}" if logo else "")


def edition_problems(meta: dict, folder: Path, shown: str) -> list[Problem]:
    """The logo files that ``rapports:`` names and that the folder lacks (the keys are checked by the schema of
    territoire.yml, ``territory_schema.EDITION``)."""
    reports = meta.get("rapports")
    if not isinstance(reports, dict):
        return []
    problems = []
    for year, entry in reports.items():
        logo = entry.get("logo") if isinstance(entry, dict) else None
        if logo and not _logo(folder, logo):
            problems.append(Problem(shown, "un fichier image du dossier du territoire (.png, .jpg ou .svg, "
                                    f"{LOGO_MAX_BYTES // 1024} Ko au plus)", colonne=f"rapports.{year}.logo",
                                    valeur=str(logo)))
    return problems


def figures_origin(meta: dict, year: int | str) -> str:
    """``transcrit`` when some source of the report year is a printed document, else ``propre``.

    A year whose sources are all the territory's own data or imports (``type: programmation``
    or ``import``) is not « recopié des rapports publics ».
    """
    wanted = str(int(str(year)[-4:]))
    types = [str(s.get("type") or "") for s in meta.get("sources") or []
             if isinstance(s, dict) and str(s.get("annee_rapport") or "").strip() == wanted]
    if not types:
        return "transcrit"
    return "transcrit" if any(t not in OWN_DATA_SOURCE_TYPES for t in types) else "propre"


def prose_files(folder: Path | str, year: int | str) -> dict[str, Path]:
    """Section name → the territory's own Markdown prose for that section of ``year``'s report."""
    where = Path(folder) / PROSE_FOLDER / str(year)
    if not where.is_dir():
        return {}
    return {path.stem: path for path in sorted(where.glob("*.md")) if path.is_file() and not path.is_symlink()}


# ---------------------------------------------------------------------------
# What a territory created from the template still lacks (the short page of 00_a_completer)

# Each raw table, the section it feeds, and how to fill it (a command when there is one).
TABLE_USES = (
    ("programmation", "Programmation", "cdv importer programmation FICHIER --territoire {id} --annee {annee}"),
    ("financements", "Programmation", "montants imprimés dans vos documents (data/README.md, « financements »)"),
    ("projets", "Programmation", "nombres de projets déposés et soutenus"),
    ("contexte", "Contexte des quartiers", "cdv importer insee-qpv FICHIER --territoire {id}"),
    ("gouvernance", "Gouvernance et coopérations", "chiffres du pilotage et de la démarche d'évaluation"),
    ("cooperation", "Gouvernance et coopérations", "niveaux de coopération entre partenaires"),
    ("enquetes", "Gouvernance et coopérations", "résultats de vos questionnaires"),
    ("sante", "Santé", "volet santé (ASV, CLS, actions)"),
    ("participation", "Participation des habitants", "conseils citoyens, participation"),
    ("qualitatif", "Enseignements et préconisations", "constats, propositions et citations"),
)
PLACEHOLDER_MARK = "…"


def to_fill_in(territory, year: int | str) -> pd.DataFrame:
    """What to fill in before the report has content: (quoi, ou, comment), in the order to do it."""

    meta, rows = territory.meta, []
    shown = f"data/raw/{territory.id}/territoire.yml"
    for key, what in (("nom", "le nom de l'EPCI"), ("sigle", "le sigle")):
        if PLACEHOLDER_MARK in str(meta.get(key, "")) or not meta.get(key):
            rows.append({"quoi": what, "ou": f"{shown}, clé « {key} »", "comment": "remplacer le texte du modèle"})
    for key, what in (("communes", "les communes signataires"), ("qpv", "les quartiers prioritaires et leur code")):
        if not meta.get(key):
            rows.append({"quoi": what, "ou": f"{shown}, clé « {key} »", "comment": "une liste (voir data/README.md)"})
    if not _declared(meta, year):
        rows.append({"quoi": f"le genre, le titre et le sous-titre du rapport {year}",
                     "ou": f"{shown}, clé « rapports: {year}: »",
                     "comment": "genre : " + ", ".join(KINDS) + " ; titre, sous_titre, logo facultatifs"})
    for table, section, how in TABLE_USES:
        if not territory.has(table):
            rows.append({"quoi": f"la table « {table} » (section « {section} »)",
                         "ou": f"data/raw/{territory.id}/{table}.*.csv",
                         "comment": how.format(id=shell_word(territory.id), annee=year)})
    rows.append({"quoi": "vos propres paragraphes pour une section du rapport",
                 "ou": f"data/raw/{territory.id}/{PROSE_FOLDER}/{year}/<section>.md",
                 "comment": "Markdown, par exemple 03_programmation.md ; ils n'apparaissent que dans ce rapport"})
    return pd.DataFrame(rows, columns=["quoi", "ou", "comment"])
