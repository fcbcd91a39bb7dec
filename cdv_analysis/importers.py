"""Import public open data into territory folders: INSEE QPV indicators, ANCT subsidies.

An importer only writes table files carrying its own suffix
(``contexte.insee-qpv.csv``, ``actions.anct-2022.csv``) and records the SHA-256
of each in the folder's ``.imports.json``: a file that is not there, or whose
bytes changed since, was written by hand and is never overwritten. The whole
input is checked before anything is written, so an import is all or nothing.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from .clean import ParseError, _fold_char, is_qpv_code, name_key, qpv_geography, parse_figure, parse_montant
from .formatting import euros, liste_fr, pluriel
from .harmonise import vocabulary
from .iorw import header_key, read_table, shown_path as _shown, write_atomic
from .load import TERRITORY_FILE, discover_territories, validate_territory
from .metadata import read_territory_yaml
from .portrait import OPEN_DATA_ORIGIN, proper_case
from .problems import Problem
from .schemas import TABLES

__all__ = ["ImportFailed", "ImportReport", "import_insee_qpv", "import_anct_subsidies", "MANIFEST"]

MANIFEST = ".imports.json"
INSEE_KEYS = ("code_qp", "nom_qp", "nom_commune")
ANCT_REQUIRED = ("intitule", "code_contrat", "theme", "montant")
SHEET_OPTION = " (option --feuille)"
SKIP_REASONS = {  # reason: (French explanation, what is counted)
    "secret": ("secret statistique, cellules vides", "valeur"),
    "hors_selection": ("hors de la sélection : autres QPV ou autres contrats", "ligne"),
    "sans_contrat": ("sans code contrat : niveau national ou régional", "ligne"),
}
# Checked in order on the name key of « Type de tiers »: a CCAS or a « communauté
# de communes » must not be taken for a commune.
_TYPES_PORTEUR = (
    ("ccas", "ccas|cias|actionsociale"),
    ("epci", "epci|communaute|intercommunal|metropole|agglomeration"),
    ("commune", "commune|mairie"),
    ("association", "association"),
    ("bailleur", "bailleur|hlm|habitat"),
    ("etablissement_public", "etablissementpublic"),
    ("entreprise", "entreprise|societe"),
    ("departement", "departement"),
    ("region", "region"),
    ("etat", "^etat|prefecture"),
)
_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")


class ImportFailed(Exception):
    """The input cannot be imported; nothing was written. Carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [f"Import impossible ({pluriel(len(self.problems), 'problème')}) ; aucun fichier n'a été écrit :"]
        super().__init__("\n".join(lines + [f"  - {p}" for p in self.problems]))


@dataclass
class ImportReport:
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

    @property
    def ok(self) -> bool:
        """True when every territory written validates without error."""
        return not any(p.is_error for p in self.problems)

    def text(self, limit: int = 30) -> str:
        lines = [f"Import « {self.source} » depuis {self.input} :"]
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
        else:
            lines.append("Validation après import : données valides.")
        return "\n".join(lines)


@dataclass
class _Target:
    """One territory folder an import writes to."""

    folder: Path
    meta: dict
    new: bool = False
    files: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (CSV text, rows)


# ---------------------------------------------------------------------------
# Shared steps


def _year(path: Path, given: int | str | None, option: str) -> int:
    if given is not None and str(given).strip():
        if re.fullmatch(r"(19|20)\d\d", str(given).strip()):
            return int(given)
        raise ImportFailed([Problem(_shown(path), f"une année sur quatre chiffres pour {option}", valeur=str(given))])
    found = set(re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", path.name))
    if len(found) == 1:
        return int(found.pop())
    raise ImportFailed([Problem(_shown(path), f"l'année des données : indiquez {option} AAAA (le nom du fichier "
                                f"{'en contient plusieurs' if found else 'ne contient pas d’année'})")])


def _read(path: Path, expected: tuple[str, ...], sheet: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """The input as strings, headers folded to ``snake_case``, checked for the ``expected`` ones."""
    if not path.is_file():
        raise ImportFailed([Problem(_shown(path), "un fichier existant (.csv ou .xlsx)")])
    frame, problems = read_table(path, sheet=sheet, key=header_key, sheet_choice=SHEET_OPTION)
    if frame is None:
        raise ImportFailed(problems)
    listed = ", ".join(expected)
    problems += [Problem(_shown(path), f"une colonne « {name} » (colonnes attendues : {listed})", ligne=1,
                         colonne=name)
                 for name in expected if name not in frame.columns]
    if any(p.is_error for p in problems):
        raise ImportFailed(problems)
    frame[list(expected)] = frame[list(expected)].apply(lambda column: column.str.strip())
    return frame, problems


def _csv(table: str, rows: list[dict]) -> tuple[str, int]:
    return pd.DataFrame(rows, columns=TABLES[table].column_names).to_csv(index=False, lineterminator="\n"), len(rows)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(folder: Path) -> tuple[dict, list[Problem]]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}, []
    try:
        return dict(json.loads(path.read_text("utf-8"))), []
    except (ValueError, TypeError) as exc:
        return {}, [Problem(_shown(path), f"le registre des imports au format JSON ({exc}) ; supprimez-le et "
                            "retirez les fichiers importés pour réimporter")]


def _metadata(folder: Path) -> tuple[dict, list[Problem]]:
    meta, problems = read_territory_yaml(folder)
    # Missing keys are for `cdv valider` to report; only an unreadable file stops an import.
    return meta or {}, problems


def _with_source(meta: dict, entry: dict) -> dict:
    """``meta`` with the source ``entry`` added, or put in place of the source of the same id."""
    sources = list(meta.get("sources") or [])
    ids = [s.get("id") if isinstance(s, dict) else None for s in sources]
    if entry["id"] in ids:
        sources[ids.index(entry["id"])] = entry
    else:
        sources.append(entry)
    return {**meta, "sources": sources}


def _commit(targets: list[_Target], entry: dict, report: ImportReport, problems: list[Problem]) -> ImportReport:
    """Refuse to overwrite hand-made files, then write every target; nothing is written on any error."""
    manifests = {}
    for target in targets:
        manifests[target.folder], found = _manifest(target.folder)
        problems += found
        for name in target.files:
            path = target.folder / name
            if path.exists() and manifests[target.folder].get(name) != _sha(path.read_bytes()):
                problems.append(Problem(_shown(path), "un fichier écrit par un import précédent et inchangé depuis : "
                                        "ce fichier a été saisi ou modifié à la main, l'import ne l'écrase pas "
                                        "(renommez-le ou supprimez-le pour réimporter)"))
    if any(p.is_error for p in problems):
        raise ImportFailed([p for p in problems if p.is_error])
    for target in targets:
        manifest = manifests[target.folder]
        for name, (text, rows) in sorted(target.files.items()):
            write_atomic(target.folder / name, text)
            manifest[name] = _sha(text.encode("utf-8"))
            report.written[_shown(target.folder / name)] = rows
        meta = _with_source(target.meta, entry)
        # Rewriting territoire.yml loses its comments: only done when something changed.
        if target.new or meta != target.meta:
            write_atomic(target.folder / TERRITORY_FILE, yaml.safe_dump(meta, allow_unicode=True, sort_keys=False))
        write_atomic(target.folder / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        if target.new:
            report.created.append(target.folder.name)
    for found in _validate_all([target.folder for target in targets]):
        report.problems += found
    return report


def _validate_all(folders: list[Path]) -> list[list[Problem]]:
    """``validate_territory`` of each folder; a national file fills hundreds, so on several cores."""
    workers = min(os.cpu_count() or 1, len(folders) // 50 + 1)
    if workers < 2:
        return [validate_territory(folder) for folder in folders]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(validate_territory, folders, chunksize=25))


# ---------------------------------------------------------------------------
# INSEE: indicators of the priority neighbourhoods


def _communes_of(printed: str) -> list[str]:
    """A QPV over several communes lists them in one cell (« Séméac, Tarbes »)."""
    return [part.strip() for part in re.split(r"[,;/]", printed) if part.strip()]


def _commune_mask(frame: pd.DataFrame, communes: list[str]) -> pd.Series:
    wanted = {name_key(c) for c in communes}
    return frame["nom_commune"].map(lambda cell: any(name_key(c) in wanted for c in _communes_of(cell)))


def _insee_selection(frame: pd.DataFrame, shown: str, data_dir: Path, territory: str | None,
                     communes: list[str] | None) -> tuple[list[tuple[_Target, pd.Series]], list[Problem], list[str]]:
    """Each territory to write with the mask of its QPV rows; problems; messages."""
    codes = frame["code_qp"].str.upper()
    present = set(codes)
    problems, messages, selection = [], [], []

    def by_codes(folder: Path, meta: dict, declared: list[str]) -> None:
        yml = _shown(folder / TERRITORY_FILE)
        problems.extend(Problem(yml, f"un code de QPV présent dans {shown} (colonne code_qp)", colonne="qpv",
                                valeur=code) for code in declared if code not in present)
        selection.append((_Target(folder, meta), codes.isin(declared)))

    if territory is None:
        if communes:
            problems.append(Problem(shown, "l'option --territoire avec --communes (le territoire à remplir)"))
        for tid in discover_territories(data_dir):
            meta, found = _metadata(data_dir / tid)
            problems += found
            declared = [str(q["code"]).upper() for q in meta.get("qpv") or [] if isinstance(q, dict) and q.get("code")]
            if declared and codes.isin(declared).any():
                by_codes(data_dir / tid, meta, declared)
            elif declared:
                messages.append(f"Territoire {tid} : aucun de ses QPV n'est dans {shown}, il n'est pas modifié.")
        if not selection and not problems:
            problems.append(Problem(shown, "des QPV d'un territoire de " + _shown(data_dir) + " : aucun territoire "
                                    "n'y déclare de code QPV présent dans le fichier ; indiquez --territoire (et --communes)"))
        return selection, problems, messages
    folder = data_dir / territory
    if not (folder / TERRITORY_FILE).is_file():
        if not _ID_RE.fullmatch(territory):
            problems.append(Problem(_shown(folder), "un identifiant de territoire en minuscules, chiffres, - ou _",
                                    valeur=territory))
        elif not communes:
            problems.append(Problem(_shown(folder), "un dossier de territoire existant, ou l'option --communes "
                                    "pour le créer à partir des QPV de ces communes"))
        else:
            mask = _commune_mask(frame, communes)
            spelled = {name_key(c): c for cell in frame.loc[mask, "nom_commune"] for c in _communes_of(cell)}
            qpv = [{"nom": row.nom_qp, "communes": _communes_of(row.nom_commune), "code": row.code_qp.upper(),
                    "type": "etat"} for row in frame[mask].sort_values("code_qp").itertuples()]
            named = [spelled.get(name_key(c), c) for c in communes]
            meta = {"id": territory, "nom": _readable_name(named), "sigle": territory.upper(),
                    "communes": named, "qpv": qpv, "origine": OPEN_DATA_ORIGIN, "sources": []}
            selection.append((_Target(folder, meta, new=True), mask))
        return selection, problems, messages
    meta, found = _metadata(folder)
    problems += found
    declared = [str(q["code"]).upper() for q in meta.get("qpv") or [] if isinstance(q, dict) and q.get("code")]
    if communes or (not declared and meta.get("communes")):
        selection.append((_Target(folder, meta), _commune_mask(frame, communes or [str(c) for c in meta["communes"]])))
    elif declared:
        by_codes(folder, meta, declared)
    else:
        problems.append(Problem(_shown(folder / TERRITORY_FILE), "des codes de QPV sous « qpv: » (code: QP…) ou "
                                "l'option --communes pour choisir les quartiers du territoire", colonne="qpv"))
    return selection, problems, messages


def _decimal(value: str) -> str:
    # INSEE writes machine numbers: its dot is always decimal, while the loader
    # reads « 1.234 » as a French thousands separator. The comma is unambiguous.
    return value.replace(".", ",") if re.fullmatch(r"-?\d+\.\d+", value) else value


_YEAR_COLUMNS = ("annee", "millesime")


def _indicator_columns(frame: pd.DataFrame, labels: dict) -> list[tuple[str, str, int | None]]:
    """(file column, vocabulary code, year the column's name gives) of each indicator column.

    A column is named as in the vocabulary (``tp60``), or with its vintage
    (``tp60_2019``): INSEE's multi-year files put several vintages side by side.
    """
    found = []
    for column in frame.columns:
        match = re.fullmatch(r"(.+?)_((?:19|20)\d\d)", column)
        if column in labels:
            found.append((column, column, None))
        elif match and match.group(1) in labels:
            found.append((column, match.group(1), int(match.group(2))))
    return found


def _perimeter(row: dict) -> str:
    """« QP062001 – Cité 12-14 (Lens) » for a QPV; « France métropolitaine » or « Lens (62498) » for a reference.

    A numeric code (commune, EPCI) tells homonyms apart; a word code (« FRANCE ») adds nothing to the name.
    """
    code = row["code_qp"].strip().upper()
    if is_qpv_code(code):
        return f"{code} – {row['nom_qp']} ({', '.join(proper_case(c) for c in _communes_of(row['nom_commune']))})"
    return f"{row['nom_qp']} ({code})" if code.isdigit() else row["nom_qp"]


def _with_references(frame: pd.DataFrame, mask: pd.Series, reference: pd.Series) -> pd.Series:
    """A target's QPV rows plus the reference rows that concern it: national ones, and those of its communes."""
    mask = mask.reindex(frame.index, fill_value=False)
    communes = [c for cell in frame.loc[mask, "nom_commune"] for c in _communes_of(cell)]
    return mask | (reference & ((frame["nom_commune"] == "") | _commune_mask(frame, communes)))


def _readable_name(communes: list[str], shown: int = 3) -> str:
    """« Montpellier », « Lens et Liévin », « Saint-Denis, Le Havre, Montpellier et 3 autres communes »."""
    names = [proper_case(c) for c in communes]
    if len(names) > shown + 1:
        names = names[:shown] + [f"{len(names) - shown} autres communes"]
    return liste_fr(names)


def import_insee_qpv(path: Path | str, data_dir: Path | str, territory: str | None = None,
                     communes: list[str] | None = None, vintage: int | str | None = None,
                     sheet: str | None = None) -> ImportReport:
    """Write ``contexte.insee-qpv.csv`` of a territory from INSEE's QPV indicator file.

    The QPV are those whose ``code`` is listed in the territory's territoire.yml,
    or those of ``communes``; with ``communes`` a missing territory folder is
    created. Without ``territory``, every territory declaring QPV codes found in
    the file is filled. Blank cells (statistical secrecy) are counted, not written.

    Each value keeps the year the file gives it: a column suffix (``tp60_2019``),
    else a year column (``annee`` or ``millesime``), else ``vintage``
    (``--millesime``), else the year in the file name. A file mixing vintages
    is recorded as such, never as a single year.
    """
    path, data_dir = Path(path), Path(data_dir)
    frame, problems = _read(path, INSEE_KEYS, sheet)
    shown, vocab = _shown(path), vocabulary("indicateurs_insee")
    columns = _indicator_columns(frame, vocab.labels)
    year_column = next((c for c in _YEAR_COLUMNS if c in frame.columns), None)
    if year_column:  # the file's own years win over --millesime
        frame[year_column] = frame[year_column].str.strip()
        problems += [Problem(shown, "une année sur quatre chiffres", ligne=int(line), colonne=year_column, valeur=value)
                     for line, value in zip(frame["ligne"], frame[year_column])
                     if not re.fullmatch(r"(19|20)\d\d", value)]
    elif any(year is None for _, _, year in columns):
        year_column, vintage = None, _year(path, vintage, "--millesime")
    for column, _, _ in columns:
        frame[column] = frame[column].str.strip()
        for line, value in zip(frame["ligne"], frame[column]):
            try:
                if value:
                    parse_figure(value)
            except ParseError:
                problems.append(Problem(shown, "un nombre (ex. « 43,9 » ou « 10136 ») ou une cellule vide "
                                        "(secret statistique)", ligne=int(line), colonne=column, valeur=value))
    if not columns:
        problems.append(Problem(shown, "au moins une colonne d'indicateur (" + ", ".join(vocab.labels) + ")", ligne=1))
    # Rows that are not a QPV (« FRANCE », a commune or EPCI code) are reference values.
    reference = ~frame["code_qp"].map(is_qpv_code)
    selection, found, messages = _insee_selection(frame[~reference], shown, data_dir, territory, communes)
    problems += found
    for target, mask in selection:
        if not mask.any():
            problems.append(Problem(_shown(target.folder), "au moins un QPV du territoire dans " + shown
                                    + (" (communes : " + ", ".join(communes) + ")" if communes else "")))
    if any(p.is_error for p in problems):
        raise ImportFailed([p for p in problems if p.is_error])
    selection = [(target, _with_references(frame, mask, reference)) for target, mask in selection]

    def year_of(row: dict, column_year: int | None) -> int:
        return column_year or (int(row[year_column]) if year_column else int(vintage))

    chosen = frame[pd.concat([m for _, m in selection], axis=1).any(axis=1)].to_dict("records")
    years = sorted({year_of(row, y) for row in chosen for _, _, y in columns})
    source = f"insee-qpv-{years[0]}" if len(years) == 1 else f"insee-qpv-{years[0]}-{years[-1]}"
    report = ImportReport(source, path.name, messages=messages)
    ignored = [c for c in frame.columns if c not in {c for c, _, _ in columns}
               and c not in {*INSEE_KEYS, "ligne", "fichier", year_column}]
    if ignored:
        report.messages.append("Colonnes non importées (absentes de vocabulaires/indicateurs_insee.yml) : "
                               + ", ".join(ignored) + ".")
    if len(years) > 1:
        report.messages.append(f"Millésimes mélangés dans le fichier : {liste_fr(years)} ; chaque valeur garde le sien.")
    report.skipped["hors_selection"] = len(frame) - len(chosen)
    order = {code: rank for rank, code in enumerate(vocab.labels)}
    columns.sort(key=lambda entry: (order[entry[1]], entry[2] or 0))
    geographies = set()
    for target, mask in selection:
        rows = []
        for row in frame[mask].sort_values(["code_qp", "ligne"]).to_dict("records"):
            geographies.add(qpv_geography(row["code_qp"]))
            for column, code, column_year in columns:
                if not row[column]:
                    report.skipped["secret"] += 1
                    continue
                rows.append({
                    "perimetre": _perimeter(row),
                    "theme": vocab.attributes[code]["theme"], "indicateur": vocab.labels[code],
                    "valeur": _decimal(row[column]), "unite": vocab.attributes[code]["unite"],
                    "annee": year_of(row, column_year), "source": source,
                    "section": f"{path.name}, ligne {row['ligne']}, colonne {column}", "support": "tableau",
                })
        target.files["contexte.insee-qpv.csv"] = _csv("contexte", rows)
    geography = liste_fr(sorted(f"QPV {g}" for g in geographies if g)) if geographies - {""} else ""
    span = str(years[0]) if len(years) == 1 else f"millésimes {liste_fr(years)}"
    details = ", ".join(part for part in (f"géographie {geography}" if geography else "",
                                          span if len(years) > 1 else f"millésime {span}") if part)
    entry = {"id": source, "fichier": path.name,
             "titre": f"INSEE – indicateurs des quartiers prioritaires ({details})",
             "editeur": "INSEE", "type": "import", "annees": years}
    return _commit([target for target, _ in selection], entry, report, problems)


# ---------------------------------------------------------------------------
# ANCT: subsidies of the politique de la ville, one row per funded action


def _most_common(printed: pd.Series) -> str:
    filled = Counter(printed[printed != ""])
    return filled.most_common(1)[0][0] if filled else ""


def _type_porteur(printed: str) -> str:
    key = name_key(printed)
    return next((code for code, pattern in _TYPES_PORTEUR if re.search(pattern, key)), "autre") if key else ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", "".join(map(_fold_char, text))).strip("-")


def _anct_folders(data_dir: Path, codes: list[str], labels: dict[str, str]) -> tuple[dict, dict, list[Problem]]:
    """Folder of each contract code: the territory declaring it, else a new slug of its label."""
    existing, metas, problems = {}, {}, []
    for tid in discover_territories(data_dir):
        meta, found = _metadata(data_dir / tid)
        problems += found
        code = str((meta.get("contrat") or {}).get("code") or "").strip().upper()
        if code:
            existing.setdefault(code, tid)
            metas[tid] = meta
    taken = {child.name for child in data_dir.iterdir()} if data_dir.is_dir() else set()
    folders = {}
    for code in codes:
        if code in existing:
            folders[code] = existing[code]
            continue
        slug = _slug(labels[code]) or code.lower()
        folders[code] = slug if slug not in taken else f"{slug}-{_slug(code)}"
        taken.add(folders[code])
    return folders, metas, problems


_NUMBERED_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)*)\s*[-–—.):]?\s*(.*)$", re.S)
_LOWER_WORDS = {
    "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "sous", "sur", "agglomeration",
    "communaute", "communes", "contrat", "intercommunal", "metropole", "politique", "territoire", "ville", "urbaine",
}


def _numbered(printed: str) -> tuple[str, str]:
    """(number, label) of « 1.2- Santé » → (``1.2``, ``Santé``); no number gives ``""``."""
    match = _NUMBERED_RE.match(printed or "")
    if not match:
        return "", (printed or "").strip()
    return match.group(1).replace(",", "."), match.group(2).strip()


@dataclass(frozen=True)
class AnctLayout:
    """One file layout of ANCT: which printed header holds each field."""

    name: str
    label: str
    columns: dict[str, str]

    def required(self) -> list[str]:
        return [self.columns[f] for f in ANCT_REQUIRED]


def anct_layouts() -> list[AnctLayout]:
    """The layouts of ``vocabulaires/formats_anct.yml``, in file order."""
    text = resources.files("cdv_analysis").joinpath("vocabulaires", "formats_anct.yml").read_text("utf-8")
    return [AnctLayout(name, entry["libelle"], dict(entry["colonnes"])) for name, entry in yaml.safe_load(text).items()]


def _anct_layout(frame: pd.DataFrame, shown: str) -> tuple[AnctLayout, dict[str, str]]:
    """The layout whose required headers are all in ``frame``, and field → column of the frame."""
    keys = {name_key(column): column for column in frame.columns if column not in {"ligne", "fichier"}}
    scored = []
    for layout in anct_layouts():
        found = {field: keys[name_key(header)] for field, header in layout.columns.items() if name_key(header) in keys}
        if all(field in found for field in ANCT_REQUIRED):
            return layout, found
        scored.append((len(found), layout, found))
    _, closest, found = max(scored, key=lambda entry: entry[0])
    missing = [closest.columns[f] for f in ANCT_REQUIRED if f not in found]
    raise ImportFailed([Problem(shown, f"une colonne « {header} » (mise en page la plus proche : {closest.label} ; "
                                f"colonnes attendues : {', '.join(closest.columns.values())} ; mises en page "
                                "reconnues : cdv_analysis/vocabulaires/formats_anct.yml)", ligne=1, colonne=header)
                        for header in missing])


class _AnctThemes:
    """Pillar and theme of ANCT's printed (often numbered) themes and sub-themes, from themes_anct.yml."""

    def __init__(self) -> None:
        self.vocab = vocabulary("themes_anct")
        self.pillar_by_number, self.theme_by_number, self.theme_by_key = {}, {}, {}
        for code, attributes in self.vocab.attributes.items():
            if attributes.get("numero") is not None:
                self.pillar_by_number[str(attributes["numero"])] = code
            for number, label in (attributes.get("themes") or {}).items():
                self.theme_by_number[str(number)] = (code, label)
                self.theme_by_key[name_key(label)] = (code, label)

    def _label_pillar(self, label: str) -> str:
        return self.vocab.code(label) or self.vocab.code(re.sub(r"(?i)^pilier\s*", "", label)) or ""

    def pillar(self, theme: str, sub_theme: str) -> str:
        """Pillar code by the theme's number or label, else by the sub-theme's; ``""`` when unknown."""
        for printed in (theme, sub_theme):
            number, label = _numbered(printed)
            code = self.pillar_by_number.get(number.split(".")[0]) if number else None
            code = code or (self._label_pillar(label) if label else "")
            if code:
                return code
        return ""

    def theme(self, theme: str, sub_theme: str) -> str:
        """Theme label (« Santé ») of the sub-theme by number or label, else of the theme; else the printed label."""
        for printed in (sub_theme, theme):
            number, label = _numbered(printed)
            known = self.theme_by_number.get(number) or self.theme_by_key.get(name_key(label))
            if known:
                return known[1]
        return _numbered(sub_theme)[1] or _numbered(theme)[1]


def readable_name(printed: str) -> str:
    """A contract label in sentence case when printed in capitals (« CONTRAT DE VILLE DE LENS-LIEVIN »)."""
    if not printed or any(char.islower() for char in printed):
        return printed

    def word(part: str, first: bool) -> str:
        lower = part.lower()
        if not first and name_key(lower) in _LOWER_WORDS:
            return lower
        return lower[:1].upper() + lower[1:]

    words = re.split(r"(\s+|-|')", printed.strip())
    out = [piece if re.fullmatch(r"\s+|-|'", piece) or not piece else word(piece, index == 0)
           for index, piece in enumerate(words)]
    return "".join(out)


def import_anct_subsidies(path: Path | str, data_dir: Path | str, contract: str | None = None,
                          year: int | str | None = None, sheet: str | None = None) -> ImportReport:
    """Write ``actions.anct-<year>.csv`` of each contract in ANCT's subsidies file (or of ``contract`` only).

    The file may be the open-data base of financed actions or the back-office
    export (GISPRO / Dauphin): the layout is recognised from the headers
    (``vocabulaires/formats_anct.yml``). A contract goes to the territory whose
    territoire.yml declares its code (``contrat: {code: …}``); otherwise a
    territory is created, named after the contract. Rows without a contract code
    are counted, with their amount.
    """
    path, data_dir = Path(path), Path(data_dir)
    year = _year(path, year, "--annee")
    if not path.is_file():
        raise ImportFailed([Problem(_shown(path), "un fichier existant (.csv ou .xlsx)")])
    raw, problems = read_table(path, sheet=sheet, sheet_choice=SHEET_OPTION)
    if raw is None:
        raise ImportFailed(problems)
    shown = _shown(path)
    layout, columns = _anct_layout(raw, shown)
    frame = pd.DataFrame({field: raw[column].fillna("").astype(str).str.strip() for field, column in columns.items()})
    for name in layout.columns:
        frame[name] = frame[name] if name in frame else ""
    for name in ("numero_prj", "region", "departement", "commune", "objectif"):
        frame[name] = frame[name] if name in frame else ""
    frame["ligne"] = raw["ligne"]
    header = {field: layout.columns.get(field, field) for field in frame.columns}
    # Real files repeat the same few hundred amounts, themes and kinds of holder:
    # each distinct value is parsed or looked up once.
    amount_of = {}
    for value in frame["montant"].unique():
        try:
            amount_of[value] = parse_montant(value) if value else 0.0
        except ParseError:
            amount_of[value] = 0.0
            problems += [Problem(shown, "un montant en euros (ex. « 12 500,00 » ou « 12500.5 »)", ligne=int(line),
                                 colonne=header["montant"], valeur=value)
                         for line in frame.loc[frame["montant"] == value, "ligne"]]
    problems += [Problem(shown, "un libellé d'action (cellule obligatoire)", ligne=int(line),
                         colonne=header["intitule"], valeur="")
                 for line in frame.loc[frame["intitule"] == "", "ligne"]]
    frame["code"] = frame["code_contrat"].str.upper()
    no_contract = frame["code"] == ""
    chosen = ~no_contract & ((frame["code"] == contract.strip().upper()) if contract else True)
    if contract and not chosen.any():
        problems.append(Problem(shown, f"au moins une ligne du contrat « {contract} »",
                                colonne=header["code_contrat"]))
    labels = {code: readable_name(_most_common(printed))
              for code, printed in frame[chosen].groupby("code")["libelle_contrat"]}
    folders, metas, found = _anct_folders(data_dir, sorted(labels), labels)
    problems += found
    if any(p.is_error for p in problems):
        raise ImportFailed([p for p in problems if p.is_error])
    source = f"anct-{year}"
    report = ImportReport(source, path.name)
    report.messages.append(f"Mise en page reconnue : {layout.label}.")
    report.skipped.update(sans_contrat=int(no_contract.sum()), hors_selection=int((~chosen & ~no_contract).sum()))
    report.skipped_amount = float(frame.loc[no_contract, "montant"].map(amount_of).sum())
    themes = _AnctThemes()
    pairs = frame[["theme", "sous_theme"]].drop_duplicates()
    pillar_of = {(t, s): themes.pillar(t, s) for t, s in pairs.itertuples(index=False)}
    theme_of = {(t, s): themes.theme(t, s) for t, s in pairs.itertuples(index=False)}
    keys = list(zip(frame["theme"], frame["sous_theme"]))
    pillars = pd.Series([pillar_of[k] for k in keys], index=frame.index)
    unknown = frame.loc[chosen & (pillars == ""), "theme"].where(lambda t: t != "", frame["sous_theme"])
    report.unknown_themes.update({theme: n for theme, n in unknown.value_counts().items() if theme})
    prj = frame["numero_prj"]
    remarks = ("PRJ " + prj).where(prj != "", "")
    objective = ("Objectif : " + frame["objectif"]).where(frame["objectif"] != "", "")
    actions = pd.DataFrame({
        "annee": str(year), "dispositif": "anct", "numero": frame["numero"],
        "axe": frame["sous_theme"].where(frame["sous_theme"] != "", frame["theme"]),
        "thematique": [theme_of[k] for k in keys], "pilier": pillars, "porteur": frame["porteur"],
        "type_porteur": frame["type_tiers"].map({v: _type_porteur(v) for v in frame["type_tiers"].unique()}),
        "intitule": frame["intitule"], "commune": frame["commune"], "montant": frame["montant"], "source": source,
        "section": f"{path.name}, ligne " + frame["ligne"].astype(str),
        "remarque": (remarks + (" ; " + objective).where((remarks != "") & (objective != ""), objective)),
    }).reindex(columns=TABLES["actions"].column_names, fill_value="")
    targets = []
    for code, group in frame[chosen].groupby("code", sort=True):
        tid = folders[code]
        if tid in metas:
            target = _Target(data_dir / tid, metas[tid])
        else:
            meta = {"id": tid, "nom": labels[code] or f"Contrat de ville {code}", "sigle": code,
                    "region": _most_common(group["region"]), "departement": _most_common(group["departement"]),
                    "contrat": {"code": code}, "origine": OPEN_DATA_ORIGIN, "sources": []}
            target = _Target(data_dir / tid, {k: v for k, v in meta.items() if v or k == "sources"}, new=True)
        rows = actions.loc[group.sort_values("ligne").index]
        target.files[f"actions.anct-{year}.csv"] = (rows.to_csv(index=False, lineterminator="\n"), len(rows))
        targets.append(target)
    entry = {"id": source, "fichier": path.name, "titre": f"ANCT – subventions politique de la ville {year} "
             f"({'open data' if layout.name == 'donnees_ouvertes' else layout.label})",
             "editeur": "ANCT", "type": "import", "annees": [year], "annee_rapport": year}
    return _commit(targets, entry, report, problems)
