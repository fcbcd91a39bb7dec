"""Discover territories and read a territory folder into validated, tidy tables.

A table may be split over several files (``financements.csv``,
``financements.ra2021.csv``, ``financements.ra2022.xlsx``…); they are read in
name order and concatenated. Every problem met on the way is recorded with its
file, line and column; nothing in the data folder is ever written.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd
import pandera.pandas as pa
import yaml

from .clean import ParseError, name_key, normalise_commune, normalise_porteur, parse_figure
from .harmonise import vocabulary
from .config import raw_data_dir
from .problems import WARNING, DataError, Problem
from .schemas import TABLES, ValidationContext, empty_frame, raw_schema, year_span

__all__ = [
    "Territory",
    "default_data_dir",
    "discover_territories",
    "load_territory",
    "validate_territory",
    "read_raw_file",
    "read_metadata",
    "folder_fingerprint",
    "declared_report_years",
    "load_all",
    "load_valid",
    "TERRITORY_FILE",
]

TERRITORY_FILE = "territoire.yml"
SUPPORTED_SUFFIXES = (".csv", ".xlsx")
_MOJIBAKE_RE = re.compile("Ã[\u0080-\u00bf©¨ª«®´¹º»¼½¾§¢£¤¥¦]|â€")


def default_data_dir() -> Path:
    """``$CDV_DONNEES``, else ``data/raw`` of the project this package sits in, else of the cwd."""
    return raw_data_dir()


def _shown(path: Path) -> str:
    """Path as a user would type it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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


# ---------------------------------------------------------------------------
# Reading files


def _header_key(name: object) -> str:
    text = unicodedata.normalize("NFD", str(name or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")


def _decode(raw: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        return None, [Problem(shown, "un fichier non vide (au moins une ligne d'en-têtes)")]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw[:4096]:
        return None, [Problem(shown, "encodage illisible (UTF-16 ou fichier binaire) ; attendu : "
                              "un fichier texte en UTF-8 ou en Windows-1252 (Excel : « CSV UTF-8 »)")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(shown, "un fichier en UTF-8 ou en Windows-1252 (octet "
                              f"0x{raw[exc.start]:02x} illisible dans les deux encodages)", ligne=line)]
    mojibake = _MOJIBAKE_RE.search(text)
    if mojibake:
        line = text[: mojibake.start()].count("\n") + 1
        return None, [Problem(shown, "un seul encodage par fichier : ce fichier mélange UTF-8 et "
                              "Windows-1252 (réenregistrez-le en UTF-8)", ligne=line,
                              valeur=text.splitlines()[line - 1][:60])]
    return text, []


def _sniff_separator(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _read_csv(path: Path, shown: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    text, problems = _decode(path.read_bytes(), shown)
    if text is None:
        return None, problems
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_separator(first_line))
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    previous_end = 0
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [_header_key(cell) for cell in record]
                continue
            if len(record) != len(header):
                problems.append(Problem(
                    shown, f"{len(header)} champs comme la ligne d'en-têtes, et non {len(record)} "
                    "(séparateur ou guillemets mal placés ?)", ligne=start))
                continue
            rows.append(record)
            lines.append(start)
    except csv.Error as exc:
        problems.append(Problem(shown, f"un CSV bien formé ({exc})", ligne=reader.line_num))
    if header is None:
        return None, problems + [Problem(shown, "une ligne d'en-têtes")]
    frame = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header, dtype=object)
    frame["ligne"] = lines
    return frame, problems


def _excel_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Written the French way so that the parsers never mistake a decimal point.
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    if isinstance(value, (dt.datetime, dt.date)):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def _read_xlsx(path: Path, shown: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        return None, [Problem(shown, f"un classeur Excel .xlsx lisible ({type(exc).__name__})")]
    try:
        sheet = workbook.worksheets[0]
        header: list[str] | None = None
        rows, lines = [], []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_excel_cell(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [_header_key(c) for c in cells]
                while header and not header[-1]:
                    header.pop()
                continue
            cells = (cells + [""] * len(header))[: len(header)]
            rows.append(cells)
            lines.append(number)
    finally:
        workbook.close()
    if header is None:
        return None, [Problem(shown, "un fichier non vide (au moins une ligne d'en-têtes)")]
    frame = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header, dtype=object)
    frame["ligne"] = lines
    return frame, []


def read_raw_file(path: Path | str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read one raw table file as strings, with a ``ligne`` column (line in the file)."""
    path = Path(path)
    shown = _shown(path)
    reader = _read_xlsx if path.suffix.lower() == ".xlsx" else _read_csv
    frame, problems = reader(path, shown)
    if frame is None:
        return None, problems
    seen: dict[str, int] = {}
    columns = []
    for column in frame.columns:
        if column in seen:
            problems.append(Problem(shown, "des en-têtes de colonnes uniques ; la colonne répétée est ignorée",
                                    ligne=1, colonne=column, gravite=WARNING))
            seen[column] += 1
            column = f"{column}__{seen[column]}"
        else:
            seen[column] = 0
        columns.append(column)
    frame.columns = columns
    frame["fichier"] = shown
    return frame, problems


def _table_of(path: Path) -> str | None:
    stem = path.name.split(".")[0]
    return stem if stem in TABLES else None


# ---------------------------------------------------------------------------
# Territory metadata


def _read_metadata(folder: Path) -> tuple[dict, list[Problem]]:
    path = folder / TERRITORY_FILE
    shown = _shown(path)
    if not path.is_file():
        return {}, [Problem(shown, "un fichier territoire.yml décrivant le territoire (voir data/README.md)")]
    text, problems = _decode(path.read_bytes(), shown)
    if text is None:
        return {}, problems
    try:
        meta = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return {}, [Problem(shown, f"du YAML valide ({getattr(exc, 'problem', exc)})",
                            ligne=mark.line + 1 if mark else None)]
    if not isinstance(meta, dict):
        return {}, [Problem(shown, "un dictionnaire YAML (clés id, nom, sigle, sources…)")]
    for key in ("id", "nom", "sigle", "sources"):
        if not meta.get(key):
            problems.append(Problem(shown, f"la clé obligatoire « {key} »", colonne=key))
    if meta.get("id") and str(meta["id"]) != folder.name:
        problems.append(Problem(shown, f"un identifiant égal au nom du dossier (« {folder.name} »)",
                                colonne="id", valeur=str(meta["id"])))
    sources = meta.get("sources") or []
    if not isinstance(sources, list):
        problems.append(Problem(shown, "une liste de sources", colonne="sources"))
        meta["sources"] = sources = []
    for index, source in enumerate(sources, start=1):
        if not isinstance(source, dict) or not source.get("id"):
            problems.append(Problem(shown, f"un « id » pour la source n° {index}", colonne="sources"))
    for kind, vocab in (("piliers", "piliers"), ("financeurs", "financeurs")):
        aliases = (meta.get("libelles") or {}).get(kind) or {}
        codes = vocabulary(vocab).labels
        for alias, code in aliases.items():
            if code not in codes:
                problems.append(Problem(shown, f"un code de {kind} parmi : {', '.join(codes)}",
                                        colonne=f"libelles.{kind}", valeur=f"{alias}: {code}"))
    for problem in problems:
        object.__setattr__(problem, "territoire", folder.name)
    return meta, problems


def _context(meta: dict) -> ValidationContext:
    labels = meta.get("libelles") or {}
    return ValidationContext(
        sources=frozenset(str(s["id"]) for s in meta.get("sources") or [] if isinstance(s, dict) and s.get("id")),
        pillar_aliases=dict(labels.get("piliers") or {}),
        financer_aliases=dict(labels.get("financeurs") or {}),
    )


# ---------------------------------------------------------------------------
# Validation


def _schema_problems(table: str, frame: pd.DataFrame, context: ValidationContext, shown: str) -> list[Problem]:
    spec = TABLES[table]
    present = [c for c in spec.column_names if c in frame.columns]
    problems: list[Problem] = []
    for missing in (c for c in spec.required_columns if c not in frame.columns):
        problems.append(Problem(shown, f"une colonne « {missing} » (obligatoire dans la table {table} ; "
                                "voir data/README.md)", ligne=1, colonne=missing))
    for unknown in (c for c in frame.columns if c not in spec.column_names and c not in {"ligne", "fichier"}):
        problems.append(Problem(shown, f"une colonne de la table {table} ({', '.join(spec.column_names)}) ; "
                                "cette colonne sera ignorée", ligne=1, colonne=unknown or "(sans nom)",
                                gravite=WARNING))
    try:
        raw_schema(table, present, context).validate(frame[present], lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for _, case in cases.iterrows():
            index = case["index"]
            if case["column"] == "valeur" and index is not None and _is_textual(frame, index):
                continue
            line = int(frame.loc[index, "ligne"]) if index is not None and not pd.isna(index) else None
            problems.append(Problem(shown, str(case["check"]), ligne=line, colonne=case["column"],
                                    valeur=None if pd.isna(case["failure_case"]) else str(case["failure_case"])))
    if spec.one_of and all(c in frame.columns for c in spec.one_of):
        empty = frame[list(spec.one_of)].apply(lambda col: col.str.strip() == "").all(axis=1)
        for line in frame.loc[empty, "ligne"]:
            problems.append(Problem(shown, "au moins une de ces colonnes remplie : " + ", ".join(spec.one_of),
                                    ligne=int(line), colonne=spec.one_of[0], valeur=""))
    return problems


TEXTUAL_UNITS = ("texte", "date")


def _is_textual(frame: pd.DataFrame, index) -> bool:
    """Indicator rows whose unit says the value is a date or a phrase, not a number."""
    return "unite" in frame.columns and str(frame.loc[index, "unite"]).strip().lower() in TEXTUAL_UNITS


def _table_problems(table: str, frame: pd.DataFrame) -> list[Problem]:
    """Checks across rows (and files) of one table."""
    problems: list[Problem] = []
    # Two printed lines may be identical (a list naming a holder twice); the
    # transcriber tells them apart in « remarque », so it counts here.
    content = [c for c in TABLES[table].column_names if c in frame.columns]
    if frame.empty:
        return problems
    keyed = frame[content].apply(lambda col: col.str.strip())
    duplicated = keyed.duplicated(keep="first")
    if duplicated.any():
        first_of = {}
        for index, key in zip(keyed.index, map(tuple, keyed.itertuples(index=False))):
            if not duplicated[index]:
                first_of.setdefault(key, index)
                continue
            original = first_of[key]
            problems.append(Problem(
                frame.loc[index, "fichier"],
                f"une ligne unique : elle répète la ligne {frame.loc[original, 'ligne']} de "
                f"{frame.loc[original, 'fichier']} (même contenu)",
                ligne=int(frame.loc[index, "ligne"]),
            ))
    if table == "qualitatif" and "id" in frame.columns:
        ids = frame["id"].str.strip()
        for index in frame.index[ids.duplicated(keep="first") & (ids != "")]:
            problems.append(Problem(frame.loc[index, "fichier"], "un identifiant unique dans le territoire",
                                    ligne=int(frame.loc[index, "ligne"]), colonne="id", valeur=ids[index]))
        if "rattache_a" in frame.columns:
            known = set(ids)
            for index, parent in frame["rattache_a"].str.strip().items():
                if parent and parent not in known:
                    problems.append(Problem(frame.loc[index, "fichier"], "l'identifiant d'un énoncé existant",
                                            ligne=int(frame.loc[index, "ligne"]), colonne="rattache_a",
                                            valeur=parent))
    return problems


# ---------------------------------------------------------------------------
# Parsing validated strings into analysis-ready columns


def _safe(parser, value: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parser(value)
    except ParseError:
        return None


def _parse_table(table: str, frame: pd.DataFrame, meta: dict) -> pd.DataFrame:
    spec = TABLES[table]
    labels = meta.get("libelles") or {}
    communes = [str(c) for c in meta.get("communes") or []]
    out = frame.copy()
    for column in spec.column_names:
        if column not in out.columns:
            out[column] = ""
        out[column] = out[column].fillna("").astype(str).str.strip()
    if "annee" in out.columns:
        years = out["annee"].map(lambda v: year_span(v) or (None, None))
        out["annee_debut"] = pd.array([y[0] for y in years], dtype="Int64")
        out["annee_fin"] = pd.array([y[1] for y in years], dtype="Int64")
    for column_spec in spec.columns:
        name, kind = column_spec.name, column_spec.kind
        printed = out[name]
        if kind == "montant":
            out[f"{name}_publie"] = printed
            out[name] = pd.to_numeric(printed.map(lambda v: _safe(lambda x: parse_figure(x, "€").valeur, v)),
                                      errors="coerce").astype("Float64")
        elif kind == "pourcentage":
            out[f"{name}_publie"] = printed
            out[name] = pd.to_numeric(printed.map(lambda v: _safe(lambda x: parse_figure(x, "%").valeur, v)),
                                      errors="coerce").astype("Float64")
        elif kind in {"entier", "nombre"}:
            out[f"{name}_publie"] = printed
            values = pd.to_numeric(printed.map(lambda v: _safe(lambda x: parse_figure(x).valeur, v)),
                                   errors="coerce")
            out[name] = values.round().astype("Int64") if kind == "entier" else values.astype("Float64")
        elif kind == "niveau":
            out[name] = pd.to_numeric(printed, errors="coerce").astype("Int64")
        elif kind == "valeur":
            figures = printed.map(lambda v: _safe(parse_figure, v))
            out["valeur_publiee"] = printed
            out[name] = pd.array([f.valeur if f else None for f in figures], dtype="Float64")
            out["qualificatif"] = [f.qualificatif if f else None for f in figures]
        elif kind == "pilier":
            out[f"{name}_publie"] = printed
            vocab = vocabulary("piliers")
            out[name] = printed.map(lambda v: vocab.code(v, labels.get("piliers")) if v else None)
        elif kind == "financeur":
            out[f"{name}_publie"] = printed
            vocab = vocabulary("financeurs")
            out[name] = printed.map(lambda v: vocab.code(v, labels.get("financeurs")) if v else None)
    if "commune" in out.columns:
        out["commune_publiee"] = out["commune"]
        out["commune"] = out["commune"].map(lambda v: normalise_commune(v, communes) if v else "")
    if "porteur" in out.columns:
        out["porteur_publie"] = out["porteur"]
        out["porteur"] = out["porteur"].map(lambda v: normalise_porteur(v, communes) if v else "")
        out["porteur_cle"] = out["porteur"].map(name_key)
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------
# Territory


@dataclass
class Territory:
    """A territory's metadata and its validated tables (parsed, one DataFrame per table)."""

    id: str
    folder: Path
    meta: dict
    tables: dict[str, pd.DataFrame]
    files: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

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
            raw = empty_frame(name).assign(fichier=pd.Series(dtype="object"), ligne=pd.Series(dtype="Int64"))
            return _parse_table(name, raw, self.meta)
        return self.tables[name]

    def has(self, name: str) -> bool:
        return name in self.tables and not self.tables[name].empty

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

    def expected_file(self, table: str) -> str:
        """Where a missing table would be read from, as ``data/raw/<id>/<table>.csv``."""
        return Path(*self.folder.parts[-3:], f"{table}.csv").as_posix()

    def fingerprint(self) -> str:
        """SHA-256 of the territory's input files (names and bytes), for provenance and caching."""
        return folder_fingerprint(self.folder)


def folder_fingerprint(folder: Path) -> str:
    """SHA-256 of every file of a territory folder (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def declared_report_years(meta: dict) -> list[int]:
    """Report years declared by the sources of a territoire.yml (``annee_rapport``)."""
    years = set()
    for source in meta.get("sources") or []:
        if isinstance(source, dict) and str(source.get("annee_rapport", "")).strip().isdigit():
            years.add(int(source["annee_rapport"]))
    return sorted(years)


def read_metadata(territory: str | Path, data_dir: Path | str | None = None) -> tuple[dict, list[Problem]]:
    """Only the territoire.yml of a territory (fast: no table is read)."""
    return _read_metadata(_territory_folder(territory, data_dir))


def _territory_folder(territory: str | Path, data_dir: Path | str | None) -> Path:
    candidate = Path(territory)
    if candidate.is_dir() and (candidate / TERRITORY_FILE).exists():
        return candidate
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    return root / str(territory)


def _read_territory(folder: Path) -> Territory:
    meta, problems = _read_metadata(folder)
    context = _context(meta)
    raw_frames: dict[str, list[pd.DataFrame]] = {}
    files: dict[str, list[str]] = {}
    for path in sorted(folder.iterdir()):
        if path.is_dir() or path.name == TERRITORY_FILE or path.name.startswith((".", "~$")):
            continue
        if path.name.lower() in {"readme.md", "notes.md"}:
            continue
        table = _table_of(path)
        shown = _shown(path)
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
        problems.extend(_schema_problems(table, frame, context, shown))
        raw_frames.setdefault(table, []).append(frame)
    tables: dict[str, pd.DataFrame] = {}
    for table, frames in raw_frames.items():
        columns = TABLES[table].column_names
        aligned = [f.reindex(columns=[*columns, "fichier", "ligne"], fill_value="") for f in frames]
        combined = pd.concat(aligned, ignore_index=True)
        for column in columns:
            combined[column] = combined[column].fillna("").astype(str)
        problems.extend(_table_problems(table, combined))
        tables[table] = _parse_table(table, combined, meta)
    problems = [
        p if p.territoire else Problem(p.fichier, p.attendu, p.ligne, p.colonne, p.valeur, p.gravite, folder.name)
        for p in problems
    ]
    return Territory(folder.name, folder, meta, tables, files, problems)


def validate_territory(territory: str | Path, data_dir: Path | str | None = None) -> list[Problem]:
    """Every problem of a territory folder (errors and warnings); never raises on bad data."""
    folder = _territory_folder(territory, data_dir)
    if not folder.is_dir():
        return [Problem(_shown(folder), "un dossier de territoire existant", territoire=str(territory))]
    return _read_territory(folder).problems


def load_territory(territory: str | Path, data_dir: Path | str | None = None, strict: bool = True) -> Territory:
    """Load a territory folder into a :class:`Territory`.

    With ``strict`` (the default) any error raises :class:`DataError` listing
    every problem; otherwise rows that fail keep missing values where they
    could not be parsed, and ``Territory.problems`` lists what went wrong.
    """
    folder = _territory_folder(territory, data_dir)
    if not folder.is_dir():
        raise DataError([Problem(_shown(folder), "un dossier de territoire existant (voir `cdv liste`)")],
                        str(territory))
    result = _read_territory(folder)
    if strict and result.errors:
        raise DataError(result.problems, result.id)
    return result


def load_all(data_dir: Path | str | None = None, strict: bool = True) -> dict[str, Territory]:
    """Every territory of a data folder, keyed by id."""
    return {tid: load_territory(tid, data_dir, strict=strict) for tid in discover_territories(data_dir)}


def load_valid(data_dir: Path | str | None = None) -> tuple[list[Territory], dict[str, str]]:
    """Every territory that loads without error, and the others with the reason (French)."""
    loaded, skipped = [], {}
    for tid in discover_territories(data_dir):
        try:
            loaded.append(load_territory(tid, data_dir))
        except DataError as error:
            skipped[tid] = f"{len(error.problems)} problème(s) de données (voir `cdv valider --territoire {tid}`)"
    return loaded, skipped


def iter_problems(data_dir: Path | str | None = None, territories: Iterable[str] | None = None):
    """(territory id, problems) for each territory, the ones given or all."""
    for tid in territories or discover_territories(data_dir):
        yield tid, validate_territory(tid, data_dir)
