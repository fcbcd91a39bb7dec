"""Turn a validated table of strings into analysis-ready columns (numbers, codes, normalised names).

Every parsed column keeps its printed text beside it (``montant_publie``…).
"""

from __future__ import annotations

import pandas as pd

from ..rules.clean import ParseError, name_key, normalise_commune, normalise_porteur, parse_figure
from ..rules.harmonise import vocabulary
from .questionnaires import default_volet
from .schemas import TABLES, printed_column, year_span

__all__ = ["parse_table"]

# Column kinds read as a vocabulary code (vocabulaires/*.yml; territory aliases under « libelles: » in territoire.yml).
_VOCABULARY_OF = {"pilier": "piliers", "financeur": "financeurs"}
# Column kinds read as a figure in a unit.
_UNIT_OF = {"montant": "€", "pourcentage": "%"}


def _safe(parser, value: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parser(value)
    except ParseError:
        return None


def _printed_word(printed: str) -> str | None:
    try:
        return parse_figure(printed).qualificatif
    except ParseError:
        return None


def _qualifiers(frame: pd.DataFrame, table: str) -> tuple[list[str], list[str]]:
    """(code, word) of each row's qualifier: the declared code, else the one its printed words give.

    The word is the one the source prints (« près de », « environ ») when it prints one, else the
    vocabulary's (``mot`` in qualificatifs.yml), so that a sentence never drops the qualifier. The
    printed figures whose words (« près de », « plus de ») say how exact a row is are the registry's
    (``TableSpec.figures``).
    """
    vocab = vocabulary("qualificatifs")
    figures = TABLES[table].figures
    columns = [printed_column(c) for c in (figures.columns if figures else ("valeur",))]
    columns = [c for c in columns if c in frame.columns]
    codes, words = [], []
    for _, row in frame.iterrows():
        printed = next((w for c in columns if (w := _printed_word(str(row[c])))), None)
        declared = str(row["qualificatif"]).strip()
        code = vocab.code(declared) or (vocab.code(printed) if printed else None) or "exact"
        if declared and declared not in vocab.labels:
            printed = declared  # the source's own words (« près de »), transcribed beside a bare value
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
        printed, printed_name = out[name], printed_column(name)
        if kind in _UNIT_OF:
            out[printed_name] = printed
            out[name] = pd.to_numeric(printed.map(lambda v, unit=_UNIT_OF[kind]: _safe(
                lambda x: parse_figure(x, unit).valeur, v)), errors="coerce").astype("Float64")
        elif kind in {"entier", "nombre"}:
            out[printed_name] = printed
            values = pd.to_numeric(printed.map(lambda v: _safe(lambda x: parse_figure(x).valeur, v)),
                                   errors="coerce")
            out[name] = values.round().astype("Int64") if kind == "entier" else values.astype("Float64")
        elif kind == "niveau":
            out[name] = pd.to_numeric(printed, errors="coerce").astype("Int64")
        elif kind == "valeur":
            figures = printed.map(lambda v: _safe(parse_figure, v))
            out[printed_name] = printed
            out[name] = pd.array([f.valeur if f else None for f in figures], dtype="Float64")
        elif kind in _VOCABULARY_OF:
            out[printed_name] = printed
            vocab, aliases = vocabulary(_VOCABULARY_OF[kind]), labels.get(_VOCABULARY_OF[kind])
            out[name] = printed.map(lambda v, vocab=vocab, aliases=aliases: vocab.code(v, aliases) if v else None)
    if "qualificatif" in spec.column_names:
        out["qualificatif"], out["qualificatif_mot"] = _qualifiers(out, table)
    if "diffusion" in spec.column_names:
        out["diffusion"] = out["diffusion"].where(out["diffusion"] != "", "publiable")
        # An « interne » row (a detail that identifies a person) never reaches a page or a shipped CSV:
        # it is validated with the raw file, then left out of every table the package works with.
        out = out[out["diffusion"] != "interne"]
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
