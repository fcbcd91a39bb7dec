"""Turn a validated table of strings into analysis-ready columns (numbers, codes, normalised names).

Every parsed column keeps its printed text beside it (``montant_publie``…).
"""

from __future__ import annotations

import pandas as pd

from .clean import ParseError, name_key, normalise_commune, normalise_porteur, parse_figure
from .harmonise import vocabulary
from .schemas import TABLES, year_span

__all__ = ["parse_table"]


def _safe(parser, value: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parser(value)
    except ParseError:
        return None


# The printed figure whose words (« près de », « plus de ») say how exact a row is.
FIGURE_COLUMN = {"financements": ("montant", "part_publiee"), "projets": ("nombre", "part_publiee"),
                 "enquetes": ("pourcentage",), "cooperation": ("pourcentage",)}


def _printed_word(printed: str) -> str | None:
    try:
        return parse_figure(printed).qualificatif
    except ParseError:
        return None


def _qualifiers(frame: pd.DataFrame, table: str) -> tuple[list[str], list[str]]:
    """(code, word) of each row's qualifier: the declared code, else the one its printed words give.

    The word is the one the source prints (« près de », « environ ») when it prints one, else the
    vocabulary's (``mot`` in qualificatifs.yml), so that a sentence never drops the qualifier.
    """
    vocab = vocabulary("qualificatifs")
    columns = [f"{c}_publie" for c in FIGURE_COLUMN.get(table, ())] or ["valeur_publiee"]
    columns = [c for c in columns if c in frame.columns]
    codes, words = [], []
    for _, row in frame.iterrows():
        printed = next((w for c in columns if (w := _printed_word(str(row[c])))), None)
        code = str(row["qualificatif"]).strip() or (vocab.code(printed) if printed else None) or "exact"
        if printed and vocab.code(printed) != code:
            printed = None  # a printed « près » under a declared bound: the declared meaning wins
        codes.append(code)
        words.append(printed or str(vocab.attributes.get(code, {}).get("mot") or ""))
    return codes, words


def parse_table(table: str, frame: pd.DataFrame, meta: dict) -> pd.DataFrame:
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
        elif kind == "pilier":
            out[f"{name}_publie"] = printed
            vocab = vocabulary("piliers")
            out[name] = printed.map(lambda v: vocab.code(v, labels.get("piliers")) if v else None)  # noqa: B023 (used within the iteration)
        elif kind == "financeur":
            out[f"{name}_publie"] = printed
            vocab = vocabulary("financeurs")
            out[name] = printed.map(lambda v: vocab.code(v, labels.get("financeurs")) if v else None)  # noqa: B023 (used within the iteration)
    if "qualificatif" in spec.column_names:
        out["qualificatif"], out["qualificatif_mot"] = _qualifiers(out, table)
    if "diffusion" in spec.column_names:
        out["diffusion"] = out["diffusion"].where(out["diffusion"] != "", "publiable")
    if "commune" in out.columns:
        out["commune_publiee"] = out["commune"]
        out["commune"] = out["commune"].map(lambda v: normalise_commune(v, communes) if v else "")
    if "porteur" in out.columns:
        out["porteur_publie"] = out["porteur"]
        out["porteur"] = out["porteur"].map(lambda v: normalise_porteur(v, communes) if v else "")
        out["porteur_cle"] = out["porteur"].map(name_key)
    return out.reset_index(drop=True)
