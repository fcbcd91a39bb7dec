"""The territory's own programmation sheet, as the service keeps it, into ``programmation.<annee>.csv``.

The sheet may have a title and notes above its header, merged cells, one column
per financer (or a long layout: one ``financeur`` and one ``montant`` column),
amounts typed as text (« 1 500,00 € »), several QPV per action
(« QN05901M ; QN05902M ») and comment columns. Its headers are recognised through
``vocabulaires/programmation.yml``, extended by the territory's own
``vocabulaire.yml``. The canonical table has one row per action and financer.

Refused (nothing written, every problem located): a ``TOTAL`` / ``Sous-total`` row
(by its label, or a row equal to the sum of the others), an unknown pillar or
financer (the message lists every known code). A stated « coût total » that the
financers' amounts do not add up to is a warning naming the row. Actions also
imported from ANCT for the same year are reported, and counted once.

The sheet is read by :mod:`.programmation_sheet` (vocabulary, header row, data rows) and its actions are
checked and written as canonical rows by :mod:`.programmation_rows`; this module compares them with ANCT
and plans the import.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..rules.clean import ParseError, cell_text, name_key
from ..rules.formatting import euros, liste_fr, pluriel
from ..rules.harmonise import label, labels
from ..ingest.load import discover_territories, load_territory
from ..ingest.problems import Problem
from ..ingest.schemas import TABLES
from .base import FEUILLE, ImportFailed, Importer, ImportPlan, ImportSummary, Option, Target, input_year, territory_metadata
from .programmation_rows import SheetActions, _amount, actions_of, canonical_rows
from .programmation_sheet import TERRITORY_VOCABULARY, SheetVocabulary, read_sheet, sheet_vocabulary

__all__ = ["Programmation", "import_programmation", "SheetVocabulary", "sheet_vocabulary", "read_sheet",
           "TERRITORY_VOCABULARY", "SOURCE_TYPE"]

SOURCE_TYPE = "programmation"
CREDIT_TYPE_LABELS = labels("types_credit")  # vocabulaires/types_credit.yml


def _same_action(known: pd.DataFrame, dossier: str, porteur: str, intitule: str, amount: str):
    """The one rule by which an action of one table is an action of another: same dossier, or same porteur,
    intitulé and amount rounded to the euro. Gives ``why(dossier, porteur, intitule, amount)``: the French
    reason, or None."""
    dossiers = {name_key(d) for d in known[dossier].map(cell_text) if d}
    triples = {(name_key(p), name_key(i), round(float(m or 0), 0))
               for p, i, m in zip(known[porteur], known[intitule], known[amount].fillna(0))}

    def why(number: object, holder: object = None, title: object = None, money: float | None = None) -> str | None:
        if name_key(number) and name_key(number) in dossiers:
            return f"dossier {number}"
        if money is not None and (name_key(holder), name_key(title), round(money, 0)) in triples:
            return "même porteur, même intitulé, même montant"
        return None
    return why


def anct_overlap(actions: SheetActions, territory, year: int) -> list[tuple[int, str]]:
    """(sheet line, why) of each action also imported from ANCT for ``year``: same dossier, or same porteur,
    intitulé and amount (the ANCT's credits, compared with the sheet's BOP 147 amount)."""
    if territory is None:
        return []
    imported = territory.table("actions")
    imported = imported[(imported["dispositif"] == "anct") & (imported["annee"].astype(str) == str(year))]
    if imported.empty:
        return []
    why = _same_action(imported, "numero", "porteur_publie", "intitule", "montant")
    found = []
    for record in actions.frame.to_dict("records"):
        reason = why(record.get("dossier"), record.get("porteur"), record.get("intitule"),
                     float(record.get("montant_anct", 0.0) or 0.0))
        if reason:
            found.append((record["ligne"], reason))
    return found


def own_programmation_overlap(folder: Path, year: int, anct_rows: pd.DataFrame) -> list[str]:
    """French lines naming the ANCT actions of ``year`` already in the territory's own programmation (same
    dossier, or same porteur, intitulé and BOP 147 amount): reported, and never added to its totals."""
    if not any(folder.glob("programmation.*")):
        return []
    try:
        territory = load_territory(folder, strict=False)
    except Exception:  # noqa: BLE001 — the validation after the import says what is wrong with the folder
        return []
    own = territory.table("programmation")
    own = own[own["annee"].astype(str) == str(year)]
    if own.empty:
        return []
    dossier_of = _same_action(own, "dossier", "porteur_publie", "intitule", "montant")
    anct_of = _same_action(own[own["financeur"] == "anct"], "dossier", "porteur_publie", "intitule", "montant")
    found = []
    for _, row in anct_rows.iterrows():  # a dossier number matches any row; the amount only the ANCT's credits
        reason = dossier_of(row["numero"]) or anct_of(
            None, row["porteur"], row["intitule"], _money_value(row["montant"]))
        if reason:
            found.append(f"  - {row['section']} : {reason}")
    if not found:
        return []
    return [f"{folder.name} : {pluriel(len(found), 'subvention figure', 'subventions figurent')} déjà dans la "
            f"programmation {year} du territoire (comptées une seule fois : les montants de l'année viennent de la "
            "programmation) :", *found]


def _money_value(printed: object) -> float:
    try:
        return float(_amount(str(printed)) or 0.0)
    except ParseError:
        return 0.0


# ---------------------------------------------------------------------------
# The importer


class Programmation(Importer):
    """``cdv importer programmation FICHIER --territoire ID --annee AAAA [--feuille NOM]``."""

    name = "programmation"
    help = "programmation du territoire (tableau du service, une ligne par action) dans la table programmation"
    options = (
        Option("--territoire", "territory", "ID", "territoire dont c'est la programmation (obligatoire)"),
        Option("--annee", "year", "AAAA", "année de la programmation (défaut : année du nom du fichier)"),
        FEUILLE,
    )

    def read(self) -> dict:
        territory = str(self.settings.get("territory") or "").strip()
        known = discover_territories(self.data_dir)
        if territory not in known:
            raise ImportFailed([Problem(self.shown, "un territoire existant pour --territoire ; territoires : "
                                        + (", ".join(known) or "aucun (cdv nouveau-territoire ID)"),
                                        colonne="--territoire", valeur=territory)])
        year = input_year(self.path, self.settings.get("year"), "--annee")
        folder = self.data_dir / territory
        vocab, problems = sheet_vocabulary(folder)
        if any(p.is_error for p in problems):
            raise ImportFailed(problems)
        layout, rows, found = read_sheet(self.path, vocab, self.settings.get("sheet"))
        return {"territory": territory, "year": year, "vocab": vocab, "layout": layout, "rows": rows,
                "problems": problems + found}

    def check(self, data: dict) -> tuple[dict, list[Problem]]:
        actions = actions_of(data["layout"], data["rows"], data["vocab"], self.shown)
        problems = data["problems"] + actions.problems
        if actions.frame.empty:
            problems.append(Problem(self.shown, "au moins une action sous la ligne d'en-têtes",
                                    ligne=data["layout"].header_line))
        try:
            existing = load_territory(data["territory"], self.data_dir, strict=False)
        except Exception:  # noqa: BLE001 — the overlap is then not checked; validation after import says why
            existing = None
        meta, found = territory_metadata(self.data_dir / data["territory"])
        problems += found
        warnings = [p for p in problems if not p.is_error]
        return {**data, "meta": meta, "actions": actions, "overlap": anct_overlap(actions, existing, data["year"]),
                "warnings": warnings}, problems

    def plan(self, checked: dict) -> ImportPlan:
        year, actions, vocab = checked["year"], checked["actions"], checked["vocab"]
        source = f"programmation-{year}"
        sheet = self.settings.get("sheet")
        sheet_name = f"{self.path.name}" + (f", feuille « {sheet} »" if sheet else "")
        rows = canonical_rows(actions, vocab, year, source, sheet_name)
        text = pd.DataFrame(rows, columns=TABLES["programmation"].column_names).to_csv(index=False,
                                                                                        lineterminator="\n")
        meta = checked["meta"]
        target = Target.of(self.data_dir, checked["territory"], meta)
        target.files[f"programmation.{year}.csv"] = (text, len(rows))
        summary = ImportSummary(source, self.path.name)
        summary.messages += _summary_lines(actions, vocab, checked["overlap"], year)
        if checked["warnings"]:
            summary.messages.append(f"{pluriel(len(checked['warnings']), 'avertissement')} (import fait) :")
            summary.messages += [f"  avertissement — {p}" for p in checked["warnings"]]
        entry = {"id": source, "fichier": self.path.name, "titre": f"Programmation {year} (tableau du service)",
                 "editeur": str(meta.get("nom") or checked["territory"]), "type": SOURCE_TYPE, "annees": [year],
                 "annee_rapport": year}
        return ImportPlan([target], entry, summary)


def _summary_lines(actions: SheetActions, vocab: SheetVocabulary, overlap: list[tuple[int, str]],
                   year: int) -> list[str]:
    frame = actions.frame
    amounts = {c: float(frame[f"montant_{c}"].sum()) for c in actions.financers}
    total = sum(amounts.values())
    lines = [f"{pluriel(len(frame), 'action')}, {euros(total, 2)} au total, "
             f"{pluriel(len(actions.financers), 'financeur')} :"]
    for code, amount in amounts.items():
        kind = vocab.credit_type(code)
        lines.append(f"  - {label('financeurs', code)} : {euros(amount, 2)}"
                     f" ({CREDIT_TYPE_LABELS.get(kind, 'type de crédit non précisé')})")
    if actions.ignored_columns:
        lines.append("Colonnes laissées de côté (commentaires ou non reconnues) : "
                     + liste_fr(f"« {c} »" for c in actions.ignored_columns) + ".")
    if overlap:
        lines.append(f"{pluriel(len(overlap), 'action figure', 'actions figurent')} aussi dans les subventions ANCT "
                     f"importées pour {year} (comptées une seule fois : les montants de l'année viennent de la "
                     "programmation) :")
        lines += [f"  - ligne {line} : {why}" for line, why in overlap]
    return lines


def import_programmation(path: Path | str, data_dir: Path | str, territory: str, year: int | str | None = None,
                         sheet: str | None = None) -> ImportSummary:
    """:class:`Programmation` run on ``path`` (see there)."""
    return Programmation(path, data_dir, territory=territory, year=year, sheet=sheet).run()
