"""Every figure a raw table prints for a year, with its label and source: nothing the data holds is left out."""

from __future__ import annotations

import pandas as pd

from ..formatting import euros
from ..harmonise import label
from ..load import Territory
from ._common import of_year, text

__all__ = ["FIGURE_COLUMNS", "TABLE_TOPICS", "printed_figures", "uncovered_topics"]

FIGURE_COLUMNS = ["annee", "libelle", "valeur_publiee", "source", "section"]
# The columns that name a figure, in reading order, for each kind of raw table.
_LABELS = {
    "financements": ("mesure", "pilier_publie", "thematique", "financeur_publie", "type_credit"),
    "projets": ("mesure", "pilier_publie", "thematique", "type_porteur", "porteur_publie", "commune_publiee"),
}
_INDICATOR_LABELS = ("theme", "indicateur", "modalite", "perimetre")
_VALUES = {"financements": ("montant_publie", "part_publiee_publie"), "projets": ("nombre_publie", "part_publiee_publie")}
# Codes shown by their label: measures, credit types and porteur types (vocabulaires/*.yml).
_CODED = {"mesure": "mesures", "type_porteur": "types_porteur"}
_CREDITS = {"specifique": "crédits spécifiques", "droit_commun": "droit commun"}


def _label(row: pd.Series, columns: tuple[str, ...]) -> str:
    parts = [label(_CODED[c], text(row[c])) if c in _CODED else _CREDITS.get(text(row[c]), text(row[c]))
             for c in columns if c in row and text(row.get(c))]
    return " — ".join(dict.fromkeys(parts))


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
    labels = _LABELS.get(table, _INDICATOR_LABELS)
    values = _VALUES.get(table, ("valeur_publiee",))
    for _, row in selected.iterrows():
        for column in values:
            printed = text(row.get(column))
            if printed and column.startswith("part") and "%" not in printed:
                printed = f"{printed} %"
            elif printed and column == "montant_publie" and pd.notna(row.get("montant")):
                printed = euros(row["montant"], 0 if float(row["montant"]).is_integer() else 2)
            if printed:
                unit = text(row.get("unite"))
                shown = printed if not unit or unit in ("nombre", "€", "%", "date", "texte", "année") or unit in printed \
                    else f"{printed} {unit}"
                word = text(row.get("qualificatif_mot"))
                if word and column != "part_publiee_publie" and unit not in ("texte", "date") \
                        and not shown.lower().startswith(word.split()[0].lower()):
                    shown = f"{word} {shown}"  # the qualifier the source prints before the figure
                described = text(row["annee"]) if "millesime" not in row else (
                    text(row["millesime"]) or "année non précisée")
                rows.append({"annee": described, "libelle": _label(row, labels), "valeur_publiee": shown,
                             "source": row["source"], "section": row["section"]})
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


# What each raw table feeds in a report (for the « not covered » box of the synthesis).
TABLE_TOPICS = {
    "financements": "la programmation financière", "projets": "les projets déposés et soutenus",
    "actions": "les actions financées", "contexte": "le contexte des quartiers",
    "gouvernance": "la gouvernance", "enquetes": "les questionnaires de l'évaluation",
    "cooperation": "la coopération entre partenaires", "sante": "la santé",
    "participation": "la participation des habitants", "qualitatif": "la parole des acteurs",
}


def uncovered_topics(territory: Territory) -> pd.DataFrame:
    """Topics of the report that no raw table of the territory feeds, with the file that would."""
    rows = [{"table": name, "sujet": topic, "fichier": territory.expected_file(name)}
            for name, topic in TABLE_TOPICS.items() if territory.table(name).empty]
    return pd.DataFrame(rows, columns=["table", "sujet", "fichier"])
