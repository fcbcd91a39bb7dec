"""Each report year of a territory as the territory publishes it: kind, title, subtitle, logo, own prose.

``territoire.yml`` may declare, per report year::

    rapports:
      2024:
        genre: rapport_annuel          # rapport_annuel, evaluation_mi_parcours, evaluation_finale
        titre: Contrat de Ville du Douaisis
        sous_titre: Rapport annuel 2024 de la politique de la ville
        logo: logo-cad.png             # a file of the territory folder (PNG, JPEG, GIF, WebP or SVG),
                                       # 512 KB and 2 000 × 2 000 pixels at most

and Markdown files ``textes/<annee>/<section>.md`` (``textes/2024/03_programmation.md``)
whose prose appears in that year's report only, in that section. Where the figures
of a report come from (documents transcribed, or the territory's own data) decides
which framing sentences the page shows (cells tagged ``si-transcrit`` / ``si-donnees-propres``).
"""

from __future__ import annotations

import base64
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..rules.formatting import nombre, taille_fichier
from ..rules.harmonise import codes, label
from .ids import file_in, shell_word
from .problems import Problem
from .schemas import TABLES

__all__ = ["Edition", "edition", "edition_problems", "figures_origin", "prose_files", "KINDS", "STARTER_KIND",
           "OWN_DATA_SOURCE_TYPES", "TRANSCRIBED_TAG", "OWN_DATA_TAG"]

KINDS = tuple(c for c in codes("genres_rapport") if c != "a_completer")  # vocabulaires/genres_rapport.yml
STARTER_KIND = "a_completer"  # a territory with no data yet: one short page saying what to fill in
# Source types whose figures are the territory's own data or imports, not transcribed from a printed document.
OWN_DATA_SOURCE_TYPES = codes("types_source", donnees_propres=True)  # vocabulaires/types_source.yml
TRANSCRIBED_TAG = "si-transcrit"
OWN_DATA_TAG = "si-donnees-propres"
PROSE_FOLDER = "textes"
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
              ".webp": "image/webp", ".svg": "image/svg+xml"}
LOGO_MAX_BYTES = 512 * 1024
# Pixels per side: the page shows a logo 64 px high; a few hundred kilobytes of PNG may otherwise unpack into an
# image of 20 000 × 20 000 pixels (1,6 Go in the reader's browser).
LOGO_MAX_PIXELS = 2000
_LOGO_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}  # Pillow's names
_SVG_START = re.compile(r"<svg\b([^>]*)>", re.I)
_SVG_ATTRIBUTE = re.compile(r"""([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SVG_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in|em|ex|%)?\s*")
_CSS_PIXELS = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}


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


def _logo_file(folder: Path, name: object) -> tuple[Path | None, str]:
    """The logo's path and, when it cannot be shown, what is expected of it (French), else ``""``."""
    path = file_in(folder, name)  # a file of the territory folder, never a path elsewhere
    mime = LOGO_TYPES.get(path.suffix.lower()) if path else None
    if mime is None:
        return None, (f"un fichier image du dossier du territoire (.png, .jpg, .gif, .webp ou .svg, "
                      f"{taille_fichier(LOGO_MAX_BYTES, binaire=True)} au plus)")
    size = path.stat().st_size
    if size > LOGO_MAX_BYTES:
        return path, (f"une image de {taille_fichier(LOGO_MAX_BYTES, binaire=True)} ({nombre(LOGO_MAX_BYTES)} octets)"
                      f" au plus : ce fichier en fait {nombre(size)} octets")
    data = path.read_bytes()
    found = _svg_size(data) if mime == "image/svg+xml" else _raster_size(data, _LOGO_FORMATS[mime])
    if isinstance(found, str):
        return path, found
    width, height = found
    if max(width, height) > LOGO_MAX_PIXELS:
        return path, (f"une image d'au plus {nombre(LOGO_MAX_PIXELS)} × {nombre(LOGO_MAX_PIXELS)} pixels (le rapport "
                      f"l'affiche sur 64 pixels de haut) : celle-ci fait {nombre(width)} × {nombre(height)} pixels ; "
                      "réduisez-la")
    return path, ""


def _raster_size(data: bytes, wanted: str) -> tuple[int, int] | str:
    """(width, height) of a PNG, JPEG, GIF or WebP image as its header states it, or what is wrong (French)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:  # reads the header only
                found, size = image.format, image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return f"une image {wanted} lisible (ce fichier n'est pas une image reconnue)"
    if found != wanted:
        return f"une image {wanted}, comme son extension le dit (ce fichier est une image {found})"
    return size


def _svg_size(data: bytes) -> tuple[float, float] | str:
    """(width, height) in CSS pixels of an SVG image as a browser sizes it: ``width`` and ``height`` (px, pt, mm,
    cm, in…), a missing one from the ``viewBox`` proportions, else the ``viewBox``, else 300 × 150; or what is
    wrong (French). Only the root tag is read: no entity is ever expanded."""
    expected = ("une image SVG dont la balise <svg> donne la taille en nombres positifs : width et height "
                "(« 200 », « 200px », « 5cm »…) ou viewBox (« 0 0 200 80 »)")
    start = _SVG_START.search(data[:65536].decode("utf-8", "replace"))
    if start is None:
        return expected + " ; aucune balise <svg> au début du fichier"
    attributes = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
                  for m in _SVG_ATTRIBUTE.finditer(start.group(1))}
    sides: dict[str, float] = {}
    for name in ("width", "height"):
        printed = attributes.get(name)
        length = _SVG_LENGTH.fullmatch(printed) if printed is not None else None
        if printed is not None and (length is None or not float(length.group(1)) > 0):
            return expected + f" ; ici {name}=« {printed} »"
        if length is not None and (length.group(2) or "") in _CSS_PIXELS:  # %, em, ex: sized by the page
            sides[name] = float(length.group(1)) * _CSS_PIXELS[length.group(2) or ""]
    box = attributes.get("viewbox")
    if box is None:
        return sides.get("width", 300.0), sides.get("height", 150.0)
    numbers = re.split(r"[\s,]+", box.strip())
    try:
        width, height = (float(n) for n in numbers[2:]) if len(numbers) == 4 else (0.0, 0.0)
    except ValueError:
        width = height = 0.0
    if not (width > 0 and height > 0):
        return expected + f" ; ici viewBox=« {box} »"
    if "width" in sides:
        return sides["width"], sides.get("height", sides["width"] * height / width)
    if "height" in sides:
        return sides["height"] * width / height, sides["height"]
    return width, height


def _logo(folder: Path, name: object) -> str:
    if not name:
        return ""
    path, problem = _logo_file(folder, name)
    if path is None or problem:
        return ""
    return f"data:{LOGO_TYPES[path.suffix.lower()]};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


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
    """The logo files that ``rapports:`` names and that the folder lacks or cannot show (a type, bytes or pixels
    beyond the bounds); the keys are checked by the schema of territoire.yml, ``territory_schema.EDITION``."""
    reports = meta.get("rapports")
    if not isinstance(reports, dict):
        return []
    problems = []
    for year, entry in reports.items():
        logo = entry.get("logo") if isinstance(entry, dict) else None
        problem = _logo_file(folder, logo)[1] if logo else ""
        if problem:
            problems.append(Problem(shown, problem, colonne=f"rapports.{year}.logo", valeur=str(logo)))
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

# Each raw table and how to fill it (a command when there is one); the section it feeds is the registry's
# (``TableSpec.section``), « qualitatif », which feeds several, is announced with the lessons it mostly feeds.
TABLE_USES = (
    ("programmation", "cdv importer programmation FICHIER --territoire {id} --annee {annee}"),
    ("financements", "montants imprimés dans vos documents (data/README.md, « financements »)"),
    ("projets", "nombres de projets déposés et soutenus"),
    ("contexte", "cdv importer insee-qpv FICHIER --territoire {id}"),
    ("gouvernance", "chiffres du pilotage et de la démarche d'évaluation"),
    ("cooperation", "niveaux de coopération entre partenaires"),
    ("enquetes", "résultats de vos questionnaires"),
    ("sante", "volet santé (ASV, CLS, actions)"),
    ("participation", "conseils citoyens, participation"),
    ("qualitatif", "constats, propositions et citations"),
)
PLACEHOLDER_MARK = "…"


def to_fill_in(territory, year: int | str) -> pd.DataFrame:
    """What to fill in before the report has content: (quoi, ou, comment), in the order to do it."""

    meta, rows = territory.meta, []
    shown = territory.shown_file("territoire.yml")  # one rule for the paths a page names
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
    for table, how in TABLE_USES:
        section = TABLES[table].section or label("sections", "enseignements")
        if not territory.has(table):
            rows.append({"quoi": f"la table « {table} » (section « {section} »)",
                         "ou": territory.shown_file(f"{table}.*.csv"),
                         "comment": how.format(id=shell_word(territory.id), annee=year)})
    rows.append({"quoi": "vos propres paragraphes pour une section du rapport",
                 "ou": territory.shown_file(f"{PROSE_FOLDER}/{year}/<section>.md"),
                 "comment": "Markdown, par exemple 03_programmation.md ; ils n'apparaissent que dans ce rapport"})
    return pd.DataFrame(rows, columns=["quoi", "ou", "comment"])
