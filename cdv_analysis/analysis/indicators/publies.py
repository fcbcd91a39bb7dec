"""Every figure a raw table prints for a year, with its label and source: nothing the data holds is left out."""

from __future__ import annotations

import pandas as pd

from ...rules.formatting import euros
from ...rules.harmonise import label
from ...ingest.load import Territory
from ...ingest.schemas import TABLES, printed_column
from ._common import measure_label, of_year, text

__all__ = ["FIGURE_COLUMNS", "TABLE_TOPICS", "printed_figures", "uncovered_topics"]

FIGURE_COLUMNS = ["annee", "libelle", "valeur_publiee", "source", "section", "document"]
# Codes shown by their label: measures, credit types and porteur types (vocabulaires/*.yml).
_CODED = {"mesure": "mesures", "type_porteur": "types_porteur", "type_credit": "types_credit"}


def _label(row: pd.Series, columns: tuple[str, ...]) -> str:
    parts = [measure_label(row) if c == "mesure" else label(_CODED[c], text(row[c])) if c in _CODED else text(row[c])
             for c in columns if c in row and text(row.get(c))]
    # A part the label already says is not repeated (« droit commun (hors DSC et DPV) — droit commun »).
    return " — ".join(part for i, part in enumerate(parts) if not any(part in before for before in parts[:i]))


def printed_figures(territory: Territory, year: int | str, table: str) -> pd.DataFrame:
    """One row per printed figure of ``table`` for the report of ``year``: label, value, source.

    The figures about ``year`` (or a period ending then), whatever the document, then every other
    figure the documents of that report year print (earlier years, periods: « contre 1 819 séances
    en 2018 »), so that the report shows all the figures of its sources.
    """
    frame = territory.table(table)
    if frame.empty:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    year = int(year)
    about = of_year(frame, year)
    period = frame[(frame["annee_debut"] != frame["annee_fin"]) & (frame["annee_fin"] == year)]
    documents = territory.sources_of_report_year(year)
    printed_then = frame[frame["source"].map(text).isin(documents)]
    selected = pd.concat([about, period, printed_then])
    selected = selected[~selected.index.duplicated()]
    # Imported open data (INSEE, ANCT) is not printed by any document: its own sections show it.
    imported = {sid for sid, meta in territory.sources.items() if text(meta.get("type")) == "import"}
    selected = selected[~selected["source"].map(text).isin(imported)]
    rows = []
    spec = TABLES[table]  # the registry says which columns hold and name a figure
    for _, row in selected.iterrows():
        for column in spec.figures.columns:
            printed, kind = text(row.get(printed_column(column))), spec.column(column).kind
            if printed and kind == "pourcentage" and "%" not in printed:
                printed = f"{printed} %"
            elif printed and kind == "montant" and pd.notna(row.get(column)):
                printed = euros(row[column], 0 if float(row[column]).is_integer() else 2)
            if printed:
                unit = text(row.get("unite"))
                shown = printed if not unit or unit in ("nombre", "€", "%", "date", "texte", "année", "ratio") or unit in printed \
                    else f"{printed} {unit}"
                word = text(row.get("qualificatif_mot"))
                if word and column != "part_publiee_publie" and unit not in ("texte", "date") \
                        and not shown.lower().startswith(word.split()[0].lower()):
                    shown = f"{word} {shown}"  # the qualifier the source prints before the figure
                described = text(row["annee"]) if "millesime" not in row else (
                    text(row["millesime"]) or "année non précisée")
                rows.append({"annee": described, "libelle": _label(row, spec.figures.labels), "valeur_publiee": shown,
                             "source": row["source"], "section": row["section"],
                             # the document as a reader names it, and where in it (never the internal id)
                             "document": territory.source_title(row["source"], row["section"])})
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


# What each raw table feeds in a report (for the « not covered » box of the synthesis): the registry's topics.
TABLE_TOPICS = {name: spec.topic for name, spec in TABLES.items() if spec.topic}


def uncovered_topics(territory: Territory) -> pd.DataFrame:
    """Topics of the report that no raw table of the territory feeds, with the file that would."""
    # The territory's own programmation feeds the programmation section: the printed tables are then not missing.
    fed = {"financements", "actions", "programmation"} if not territory.table("programmation").empty else set()
    rows = [{"table": name, "sujet": spec.topic, "fichier": territory.expected_file(name)}
            for name, spec in TABLES.items() if spec.topic and name not in fed and territory.table(name).empty]
    return pd.DataFrame(rows, columns=["table", "sujet", "fichier"])
