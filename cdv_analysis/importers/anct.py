"""ANCT: subsidies of the politique de la ville, one row per funded action, into ``actions.anct-<year>.csv``."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from ..rules.clean import ParseError, label_case, name_key, parse_montant
from ..rules.harmonise import vocabulary, vocabulary_entries
from ..ingest.contrats import declared_contract_codes
from ..ingest.ids import distinct_slugs
from ..ingest.load import discover_territories
from ..presentation.portrait import OPEN_DATA_ORIGIN
from ..ingest.problems import Problem
from ..ingest.schemas import TABLES
from .base import FEUILLE, ImportFailed, Importer, ImportPlan, ImportSummary, Option, Target, input_year, read_input, \
    skipped_territory, territory_metadata

__all__ = ["AnctSubsidies", "import_anct_subsidies", "anct_layouts", "readable_name", "ANCT_REQUIRED"]

ANCT_REQUIRED = ("intitule", "code_contrat", "theme", "montant")
def _most_common(printed: pd.Series) -> str:
    filled = Counter(value for value in printed.tolist() if value != "")  # a list: far quicker to count than a Series
    return filled.most_common(1)[0][0] if filled else ""


@cache
def _porteur_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """(code, pattern) of vocabulaires/types_porteur.yml (``motif``), in the order they are tried (``rang``)."""
    found = [(int(a["rang"]), code, re.compile(str(a["motif"])))
             for code, a in vocabulary("types_porteur").attributes.items() if a.get("motif")]
    return tuple((code, pattern) for _, code, pattern in sorted(found))


def _type_porteur(printed: str) -> str:
    key = name_key(printed)
    return next((code for code, pattern in _porteur_patterns() if pattern.search(key)), "autre") if key else ""


def _anct_folders(data_dir: Path, codes: list[str], labels: dict[str, str]) -> tuple[dict, dict, list[str]]:
    """Folder of each contract code: the territory declaring it, else a new safe id made from its label.

    Two codes never share a folder (``C-1`` and ``C.1`` with one label get two), and
    no code or label is ever taken as a path (``ids.distinct_slugs``).
    """
    existing, metas, messages = {}, {}, []
    for tid in discover_territories(data_dir):
        meta, found = territory_metadata(data_dir / tid)
        if meta is None:  # a bad territoire.yml stops only its own territory (its folder name stays taken)
            messages.append(skipped_territory(tid, found))
            continue
        for code in declared_contract_codes(meta):  # ``contrat:`` and every generation of ``contrats:``
            existing.setdefault(code, tid)
            metas[tid] = meta
    taken = {entry.name.lower() for entry in data_dir.iterdir()} if data_dir.is_dir() else set()
    folders = {code: existing[code] for code in codes if code in existing}
    folders.update(distinct_slugs({code: (labels[code], code) for code in codes if code not in existing}, taken))
    return folders, metas, messages


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
    return [AnctLayout(name, entry["libelle"], dict(entry["colonnes"]))
            for name, entry in vocabulary_entries("formats_anct").items()]


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
    return label_case(printed, _LOWER_WORDS)


class AnctSubsidies(Importer):
    """Write ``actions.anct-<year>.csv`` of each contract in ANCT's subsidies file (or of ``contract`` only).

    The file may be the open-data base of financed actions or the back-office
    export (GISPRO / Dauphin): the layout is recognised from the headers
    (``vocabulaires/formats_anct.yml``). A contract goes to the territory whose
    territoire.yml declares its code (``contrat: {code: …}`` or a ``code`` of ``contrats:``); otherwise a
    territory is created, named after the contract. Rows without a contract code
    are counted, with their amount.
    """

    name = "anct-subventions"
    help = "subventions politique de la ville de l'ANCT : une table actions par contrat de ville"
    options = (
        Option("--contrat", "contract", "CODE", "ce contrat de ville seulement"),
        Option("--annee", "year", "AAAA", "année (défaut : année du nom du fichier)"),
        FEUILLE,
    )

    def read(self) -> tuple[pd.DataFrame, list[Problem], int]:
        year = input_year(self.path, self.settings.get("year"), "--annee")
        raw, problems = read_input(self.path, self.settings.get("sheet"))
        return raw, problems, year

    def check(self, data: tuple[pd.DataFrame, list[Problem], int]) -> tuple[dict, list[Problem]]:
        raw, problems, year = data
        shown, contract = self.shown, self.settings.get("contract")
        layout, columns = _anct_layout(raw, shown)
        frame = pd.DataFrame({field: raw[column].fillna("").astype(str).str.strip()
                              for field, column in columns.items()})
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
                problems += [Problem(shown, "un montant en euros (ex. « 12 500,00 » ou « 12500.5 »)",
                                     ligne=int(line), colonne=header["montant"], valeur=value)
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
        folders, metas, messages = _anct_folders(self.data_dir, sorted(labels), labels)
        checked = {"frame": frame, "layout": layout, "year": year, "amount_of": amount_of, "chosen": chosen,
                   "no_contract": no_contract, "labels": labels, "folders": folders, "metas": metas,
                   "messages": messages}
        return checked, problems

    def plan(self, checked: dict) -> ImportPlan:
        frame, layout, year, chosen = checked["frame"], checked["layout"], checked["year"], checked["chosen"]
        no_contract, labels, folders, metas = (checked[k] for k in ("no_contract", "labels", "folders", "metas"))
        source, name = f"anct-{year}", self.path.name
        summary = ImportSummary(source, name)
        summary.messages += [f"Mise en page reconnue : {layout.label}.", *checked["messages"]]
        summary.skipped.update(sans_contrat=int(no_contract.sum()), hors_selection=int((~chosen & ~no_contract).sum()))
        summary.skipped_amount = float(frame.loc[no_contract, "montant"].map(checked["amount_of"]).sum())
        themes = _AnctThemes()
        pairs = frame[["theme", "sous_theme"]].drop_duplicates()
        pillar_of = {(t, s): themes.pillar(t, s) for t, s in pairs.itertuples(index=False)}
        theme_of = {(t, s): themes.theme(t, s) for t, s in pairs.itertuples(index=False)}
        keys = list(zip(frame["theme"], frame["sous_theme"]))
        pillars = pd.Series([pillar_of[k] for k in keys], index=frame.index)
        unknown = frame.loc[chosen & (pillars == ""), "theme"].where(lambda t: t != "", frame["sous_theme"])
        summary.unknown_themes.update({theme: n for theme, n in unknown.value_counts().items() if theme})
        prj = frame["numero_prj"]
        remarks = ("PRJ " + prj).where(prj != "", "")
        objective = ("Objectif : " + frame["objectif"]).where(frame["objectif"] != "", "")
        actions = pd.DataFrame({
            "annee": str(year), "dispositif": "anct", "numero": frame["numero"],
            "axe": frame["sous_theme"].where(frame["sous_theme"] != "", frame["theme"]),
            "thematique": [theme_of[k] for k in keys], "pilier": pillars, "porteur": frame["porteur"],
            "type_porteur": frame["type_tiers"].map({v: _type_porteur(v) for v in frame["type_tiers"].unique()}),
            "intitule": frame["intitule"], "commune": frame["commune"], "montant": frame["montant"], "source": source,
            "section": f"{name}, ligne " + frame["ligne"].astype(str),
            "remarque": (remarks + (" ; " + objective).where((remarks != "") & (objective != ""), objective)),
        }).reindex(columns=TABLES["actions"].column_names, fill_value="")
        targets = []
        by_folder = frame[chosen].assign(folder=frame.loc[chosen, "code"].map(folders))
        for tid, group in by_folder.groupby("folder", sort=True):  # a territory may declare two contracts' codes
            code = group["code"].min()  # a new folder is made for one code only
            if tid in metas:
                target = Target.of(self.data_dir, tid, metas[tid])
            else:
                meta = {"id": tid, "nom": labels[code] or f"Contrat de ville {code}", "sigle": code,
                        "region": _most_common(group["region"]), "departement": _most_common(group["departement"]),
                        "contrat": {"code": code}, "origine": OPEN_DATA_ORIGIN, "sources": []}
                target = Target.of(self.data_dir, tid, {k: v for k, v in meta.items() if v or k == "sources"},
                                   new=True)
            rows = actions.loc[group.sort_values("ligne").index]
            target.files[f"actions.anct-{year}.csv"] = (rows.to_csv(index=False, lineterminator="\n"), len(rows))
            targets.append(target)
            from .programmation import own_programmation_overlap  # (programmation imports this module)

            summary.messages += own_programmation_overlap(target.folder, year, rows)
        entry = {"id": source, "fichier": name, "titre": f"ANCT – subventions politique de la ville {year} "
                 f"({'open data' if layout.name == 'donnees_ouvertes' else layout.label})",
                 "editeur": "ANCT", "type": "import", "annees": [year], "annee_rapport": year}
        return ImportPlan(targets, entry, summary)


def import_anct_subsidies(path: Path | str, data_dir: Path | str, contract: str | None = None,
                          year: int | str | None = None, sheet: str | None = None) -> ImportSummary:
    """:class:`AnctSubsidies` run on ``path`` (see there)."""
    return AnctSubsidies(path, data_dir, contract=contract, year=year, sheet=sheet).run()
