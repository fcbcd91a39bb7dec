"""Turn a validated table of strings into analysis-ready columns (numbers, codes, normalised names).

Every parsed column keeps its printed text beside it (``montant_publie``…).
"""

from __future__ import annotations

import pandas as pd

from .clean import ParseError, name_key, normalise_commune, normalise_porteur, parse_figure
from .harmonise import vocabulary
from .questionnaires import default_volet
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
            out["qualificatif"] = [f.qualificatif if f else None for f in figures]
        elif kind == "pilier":
            out[f"{name}_publie"] = printed
            vocab = vocabulary("piliers")
            out[name] = printed.map(lambda v: vocab.code(v, labels.get("piliers")) if v else None)  # noqa: B023 (used within the iteration)
        elif kind == "financeur":
            out[f"{name}_publie"] = printed
            vocab = vocabulary("financeurs")
            out[name] = printed.map(lambda v: vocab.code(v, labels.get("financeurs")) if v else None)  # noqa: B023 (used within the iteration)
    if "commune" in out.columns:
        out["commune_publiee"] = out["commune"]
        out["commune"] = out["commune"].map(lambda v: normalise_commune(v, communes) if v else "")
    if "porteur" in out.columns:
        out["porteur_publie"] = out["porteur"]
        out["porteur"] = out["porteur"].map(lambda v: normalise_porteur(v, communes) if v else "")
        out["porteur_cle"] = out["porteur"].map(name_key)
    if table in ("enquetes", "cooperation"):
        _counted_shares(out)
    if table == "enquetes":
        out["volet"] = [v or default_volet(e) for v, e in zip(out["volet"], out["enquete"])]
    return out.reset_index(drop=True)


def _counted_shares(out: pd.DataFrame) -> None:
    """Imported questionnaires give counts, not printed shares: the share is counted / respondents.

    ``pourcentage_publie`` stays empty, so nothing reads it as a printed figure.
    """
    counted = out["pourcentage"].isna() & out["effectif"].notna() & out["n_repondants"].fillna(0).gt(0)
    if counted.any():
        shares = 100 * out.loc[counted, "effectif"].astype(float) / out.loc[counted, "n_repondants"].astype(float)
        out.loc[counted, "pourcentage"] = shares.astype("Float64")
