"""INSEE: indicators of the priority neighbourhoods (QPV) into ``contexte.insee-qpv.csv``."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..rules.clean import ParseError, is_qpv_code, name_key, parse_figure, qpv_geography
from ..rules.formatting import liste_fr
from ..rules.harmonise import vocabulary
from ..ingest.iorw import header_key, shown_path as _shown
from ..ingest.load import TERRITORY_FILE, discover_territories
from ..presentation.portrait import OPEN_DATA_ORIGIN, proper_case
from ..ingest.problems import Problem
from .base import (FEUILLE, ImportFailed, Importer, ImportPlan, ImportSummary, Option, Target, csv_text, input_year,
                   read_input, skipped_territory, territory_metadata)

__all__ = ["InseeQpv", "import_insee_qpv", "INSEE_KEYS"]

INSEE_KEYS = ("code_qp", "nom_qp", "nom_commune")


def _communes_of(printed: str) -> list[str]:
    """A QPV over several communes lists them in one cell (« Séméac, Tarbes »)."""
    return [part.strip() for part in re.split(r"[,;/]", printed) if part.strip()]


def _commune_mask(frame: pd.DataFrame, communes: list[str]) -> pd.Series:
    wanted = {name_key(c) for c in communes}
    return frame["nom_commune"].map(lambda cell: any(name_key(c) in wanted for c in _communes_of(cell)))


def _declared_qpv(meta: dict) -> list[str]:
    """The QPV codes a territoire.yml declares (``qpv: [{code: QP…}]``), upper case."""
    from ..ingest.contrats import declared_qpv_codes

    return declared_qpv_codes(meta)  # ``qpv:`` and the ``qpv:`` of each contract of ``contrats:``


def _insee_selection(frame: pd.DataFrame, shown: str, data_dir: Path, territory: str | None,
                     communes: list[str] | None) -> tuple[list[tuple[Target, pd.Series]], list[Problem], list[str]]:
    """Each territory to write with the mask of its QPV rows; problems; messages."""
    codes = frame["code_qp"].str.upper()
    present = set(codes)
    problems, messages, selection = [], [], []

    def by_codes(tid: str, meta: dict, declared: list[str]) -> None:
        target = Target.of(data_dir, tid, meta)
        yml = _shown(target.folder / TERRITORY_FILE)
        problems.extend(Problem(yml, f"un code de QPV présent dans {shown} (colonne code_qp)", colonne="qpv",
                                valeur=code) for code in declared if code not in present)
        selection.append((target, codes.isin(declared)))

    if territory is None:
        if communes:
            problems.append(Problem(shown, "l'option --territoire avec --communes (le territoire à remplir)"))
        for tid in discover_territories(data_dir):
            meta, found = territory_metadata(data_dir / tid)
            if meta is None:  # a bad territoire.yml stops only its own territory
                messages.append(skipped_territory(tid, found))
                continue
            declared = _declared_qpv(meta)
            if declared and codes.isin(declared).any():
                by_codes(tid, meta, declared)
            elif declared:
                messages.append(f"Territoire {tid} : aucun de ses QPV n'est dans {shown}, il n'est pas modifié.")
        if not selection and not problems:
            problems.append(Problem(shown, "des QPV d'un territoire de " + _shown(data_dir) + " : aucun territoire "
                                    "n'y déclare de code QPV présent dans le fichier ; indiquez --territoire (et --communes)"))
        return selection, problems, messages
    folder = Target.of(data_dir, territory, {}).folder  # refuses an id that is not a safe folder name
    if not (folder / TERRITORY_FILE).is_file():
        if not communes:
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
            selection.append((Target(folder, meta, new=True), mask))
        return selection, problems, messages
    meta, found = territory_metadata(folder)
    problems += found
    if meta is None:
        return selection, problems, messages
    declared = _declared_qpv(meta)
    listed = meta.get("communes") if isinstance(meta.get("communes"), list) else []
    if communes or (not declared and listed):
        selection.append((Target(folder, meta), _commune_mask(frame, communes or [str(c) for c in listed])))
    elif declared:
        by_codes(territory, meta, declared)
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


class InseeQpv(Importer):
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

    name = "insee-qpv"
    help = "indicateurs INSEE des quartiers prioritaires (QPV) dans la table contexte"
    options = (
        Option("--territoire", "territory", "ID", "territoire à remplir (créé avec --communes)"),
        Option("--communes", "communes", "C1,C2", "QPV de ces communes", comma_list=True),
        Option("--millesime", "vintage", "AAAA", "millésime (défaut : année du nom du fichier)"),
        FEUILLE,
    )

    def read(self) -> tuple[pd.DataFrame, list[Problem]]:
        frame, problems = read_input(self.path, self.settings.get("sheet"), key=header_key)
        listed = ", ".join(INSEE_KEYS)
        problems += [Problem(self.shown, f"une colonne « {name} » (colonnes attendues : {listed})", ligne=1,
                             colonne=name) for name in INSEE_KEYS if name not in frame.columns]
        if any(p.is_error for p in problems):
            raise ImportFailed(problems)
        frame[list(INSEE_KEYS)] = frame[list(INSEE_KEYS)].apply(lambda column: column.str.strip())
        return frame, problems

    def check(self, data: tuple[pd.DataFrame, list[Problem]]) -> tuple[dict, list[Problem]]:
        frame, problems = data
        shown, vocab = self.shown, vocabulary("indicateurs_insee")
        territory, communes = self.settings.get("territory"), self.settings.get("communes")
        vintage = self.settings.get("vintage")
        columns = _indicator_columns(frame, vocab.labels)
        year_column = next((c for c in _YEAR_COLUMNS if c in frame.columns), None)
        if year_column:  # the file's own years win over --millesime
            frame[year_column] = frame[year_column].str.strip()
            problems += [Problem(shown, "une année sur quatre chiffres", ligne=int(line), colonne=year_column,
                                 valeur=value)
                         for line, value in zip(frame["ligne"], frame[year_column])
                         if not re.fullmatch(r"(19|20)\d\d", value)]
        elif any(year is None for _, _, year in columns):
            year_column, vintage = None, input_year(self.path, vintage, "--millesime")
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
            problems.append(Problem(shown, "au moins une colonne d'indicateur (" + ", ".join(vocab.labels) + ")",
                                    ligne=1))
        # Rows that are not a QPV (« FRANCE », a commune or EPCI code) are reference values.
        reference = ~frame["code_qp"].map(is_qpv_code)
        selection, found, messages = _insee_selection(frame[~reference], shown, self.data_dir, territory, communes)
        problems += found
        for target, mask in selection:
            if not mask.any():
                problems.append(Problem(_shown(target.folder), "au moins un QPV du territoire dans " + shown
                                        + (" (communes : " + ", ".join(communes) + ")" if communes else "")))
        checked = {"frame": frame, "columns": columns, "year_column": year_column, "vintage": vintage,
                   "selection": selection, "reference": reference, "messages": messages, "vocab": vocab}
        return checked, problems

    def plan(self, checked: dict) -> ImportPlan:
        frame, columns, vocab = checked["frame"], checked["columns"], checked["vocab"]
        year_column, vintage = checked["year_column"], checked["vintage"]
        selection = [(target, _with_references(frame, mask, checked["reference"]))
                     for target, mask in checked["selection"]]

        def year_of(row: dict, column_year: int | None) -> int:
            return column_year or (int(row[year_column]) if year_column else int(vintage))

        chosen = frame[pd.concat([m for _, m in selection], axis=1).any(axis=1)].to_dict("records")
        years = sorted({year_of(row, y) for row in chosen for _, _, y in columns})
        source = f"insee-qpv-{years[0]}" if len(years) == 1 else f"insee-qpv-{years[0]}-{years[-1]}"
        summary = ImportSummary(source, self.path.name, messages=checked["messages"])
        ignored = [c for c in frame.columns if c not in {c for c, _, _ in columns}
                   and c not in {*INSEE_KEYS, "ligne", "fichier", year_column}]
        if ignored:
            summary.messages.append("Colonnes non importées (absentes de vocabulaires/indicateurs_insee.yml) : "
                                    + ", ".join(ignored) + ".")
        if len(years) > 1:
            summary.messages.append(f"Millésimes mélangés dans le fichier : {liste_fr(years)} ; "
                                    "chaque valeur garde le sien.")
        summary.skipped["hors_selection"] = len(frame) - len(chosen)
        order = {code: rank for rank, code in enumerate(vocab.labels)}
        columns.sort(key=lambda entry: (order[entry[1]], entry[2] or 0))
        geographies = set()
        for target, mask in selection:
            rows = []
            for row in frame[mask].sort_values(["code_qp", "ligne"]).to_dict("records"):
                geographies.add(qpv_geography(row["code_qp"]))
                for column, code, column_year in columns:
                    if not row[column]:
                        summary.skipped["secret"] += 1
                        continue
                    rows.append({
                        "perimetre": _perimeter(row),
                        "theme": vocab.attributes[code]["theme"], "indicateur": vocab.labels[code],
                        "valeur": _decimal(row[column]), "unite": vocab.attributes[code]["unite"],
                        "annee": year_of(row, column_year), "source": source,
                        "section": f"{self.path.name}, ligne {row['ligne']}, colonne {column}", "support": "tableau",
                    })
            target.files["contexte.insee-qpv.csv"] = csv_text("contexte", rows)
        geography = liste_fr(sorted(f"QPV {g}" for g in geographies if g)) if geographies - {""} else ""
        span = str(years[0]) if len(years) == 1 else f"millésimes {liste_fr(years)}"
        details = ", ".join(part for part in (f"géographie {geography}" if geography else "",
                                              span if len(years) > 1 else f"millésime {span}") if part)
        entry = {"id": source, "fichier": self.path.name,
                 "titre": f"INSEE – indicateurs des quartiers prioritaires ({details})",
                 "editeur": "INSEE", "type": "import", "annees": years}
        return ImportPlan([target for target, _ in selection], entry, summary)


def import_insee_qpv(path: Path | str, data_dir: Path | str, territory: str | None = None,
                     communes: list[str] | None = None, vintage: int | str | None = None,
                     sheet: str | None = None) -> ImportSummary:
    """:class:`InseeQpv` run on ``path`` (see there)."""
    return InseeQpv(path, data_dir, territory=territory, communes=communes, vintage=vintage, sheet=sheet).run()
