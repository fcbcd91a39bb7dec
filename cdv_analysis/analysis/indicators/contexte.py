"""Contexte: QPV against the agglomeration (or its rest): gaps in points and ratios."""

from __future__ import annotations

import pandas as pd

from ...rules.clean import is_qpv_code, qpv_geography
from ...rules.harmonise import vocabulary_entries
from ...ingest.load import Territory
from ...ingest.schemas import TEXTUAL_UNITS
from ._common import ColumnInfo, Indicator

__all__ = ["contract_qpv", "qpv_gaps", "qpv_profiles", "REFERENCES", "KEY_INSEE_COLUMNS", "SPREAD_COLUMNS", "insee_values",
           "insee_vintages", "qpv_table", "theme_summary", "qpv_spread", "qpv_ranking", "ranked_qpv", "POPULATION"]

REFERENCES = ("reste de l'EPCI", "EPCI", "QPV du département", "département", "région", "France")


def _described_year(row: pd.Series) -> str:
    """The year a figure describes as printed (``millesime``), or a plain note when it is not printed."""
    printed = str(row.get("millesime") or "").strip()
    return printed if printed else "année non précisée"


def qpv_gaps(territory: Territory, year: int | str | None = None) -> pd.DataFrame:
    """Each indicator printed for the QPV and for a reference perimeter, with the gap.

    The gap is in percentage points for rates and in the indicator's unit otherwise; the ratio is
    QPV / reference. With ``year``, only the figures printed by that report year's documents (or about
    that year): a 2022 synthesis figure is not a 2019 one. A gap is computed only between two exact
    figures (``comparable``); a bound (« jusqu'à 53 % ») or an approximate value (« environ 26 % ») keeps
    its qualifier (``mot_qpv``, ``mot_reference``) and gets no gap. ``annee`` is the year the figure
    describes as printed, or « année non précisée ».
    """
    table = territory.table("contexte")
    columns = ["theme", "indicateur", "annee", "unite", "qpv", "reference", "perimetre_reference", "ecart", "ratio",
               "comparable", "mot_qpv", "mot_reference", "source"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    if year is not None:
        documents = territory.sources_of_report_year(year)
        table = table[table["source"].isin(documents) | (table["annee"].astype(str) == str(year))]
    numeric = table[table["valeur"].notna() & ~table["unite"].isin(TEXTUAL_UNITS)]
    rows = []
    # Figures of different vintages (or sources) are never compared with each other.
    for (indicator, unit, _, _), group in numeric.groupby(["indicateur", "unite", "annee", "source"], sort=False):
        qpv = group[group["perimetre"] == "QPV"]
        if qpv.empty:
            continue
        for reference_name in REFERENCES:
            reference = group[group["perimetre"] == reference_name]
            if reference.empty:
                continue
            a, b = qpv.iloc[0], reference.iloc[0]
            q, r = float(a["valeur"]), float(b["valeur"])
            exact = {str(a.get("qualificatif") or "exact"), str(b.get("qualificatif") or "exact")} == {"exact"}
            rows.append({"theme": a["theme"], "indicateur": indicator, "annee": _described_year(a),
                         "unite": unit, "qpv": q, "reference": r, "perimetre_reference": reference_name,
                         "ecart": q - r if exact else float("nan"),
                         "ratio": q / r if r and exact else float("nan"), "comparable": exact,
                         "mot_qpv": str(a.get("qualificatif_mot") or ""),
                         "mot_reference": str(b.get("qualificatif_mot") or ""), "source": a["source"]})
            break
    return pd.DataFrame(rows, columns=columns)


KEY_INSEE_COLUMNS = ("tp60", "tx_tot_empl", "ind_jeune", "tx_tot_eprec")
# Indicators drawn across many QPV (poverty first: the ranking orders the QPV on it).
SPREAD_COLUMNS = ("tp60", "tx_tot_empl", "ind_jeune", "tx_tot_eprec", "brev", "part_chomprinc", "pmimp", "decuc_q2")


def _insee_labels() -> dict[str, dict]:
    return vocabulary_entries("indicateurs_insee")


def qpv_profiles(territory: Territory, columns: tuple[str, ...] = KEY_INSEE_COLUMNS) -> Indicator:
    """One row per QPV with the key INSEE indicators (poverty, employment, youth, precarious jobs)."""
    table = territory.table("contexte")
    imported = table[table["source"].str.startswith("insee-qpv") & table["valeur"].notna()]
    imported = imported[imported["perimetre"].map(is_qpv_code).astype(bool)]  # reference rows are not QPV
    labels = _insee_labels()
    wanted = {labels[c]["libelle"]: c for c in columns if c in labels}
    imported = imported[imported["indicateur"].isin(wanted)]
    if imported.empty:
        return Indicator(pd.DataFrame(columns=["qpv", *columns]))
    profiles = imported.pivot_table(index="perimetre", columns="indicateur", values="valeur", aggfunc="first")
    profiles = profiles.rename(columns=wanted).reindex(columns=list(columns)).reset_index(names="qpv")
    profiles.columns.name = None
    return Indicator(profiles, sources=(imported["source"].iloc[0],),
                     column_info={c: ColumnInfo(labels[c]["libelle"], labels[c]["unite"]) for c in columns if c in labels})


# ---------------------------------------------------------------------------
# Every imported INSEE indicator: per QPV, by theme, with honest vintages

POPULATION = "pop_mun"


def insee_values(territory: Territory) -> pd.DataFrame:
    """The imported INSEE values in long form, with their vocabulary code, theme rank and QPV geography."""
    columns = ["code", "theme", "rang_theme", "indicateur", "unite", "qpv", "code_qp", "nom", "annee", "geographie",
               "valeur", "source", "niveau"]
    table = territory.table("contexte")
    imported = table[table["source"].str.startswith("insee-qpv") & table["valeur"].notna()]
    if imported.empty:
        return pd.DataFrame(columns=columns)
    labels = _insee_labels()
    code_of = {entry["libelle"]: code for code, entry in labels.items()}
    themes = list(dict.fromkeys(entry["theme"] for entry in labels.values()))
    out = pd.DataFrame({
        "code": imported["indicateur"].map(code_of), "theme": imported["theme"],
        "rang_theme": imported["theme"].map(lambda t: themes.index(t) if t in themes else len(themes)),
        "indicateur": imported["indicateur"], "unite": imported["unite"], "qpv": imported["perimetre"],
        "code_qp": imported["perimetre"].str.split(" – ").str[0].str.strip(),
        "nom": imported["perimetre"].str.split(" – ", n=1).str[-1],
        "annee": imported["annee_fin"].astype("Int64"), "valeur": imported["valeur"].astype(float),
        "source": imported["source"]})
    references = ~out["code_qp"].map(is_qpv_code)
    out.loc[references, "code_qp"] = ""
    out.loc[references, "nom"] = out.loc[references, "qpv"]
    out["geographie"] = out["code_qp"].map(qpv_geography)
    # Some columns give the surrounding commune's value, not the neighbourhood's; some rows a reference perimeter.
    out["niveau"] = out["code"].map(lambda c: "commune englobante" if (labels.get(c) or {}).get("perimetre")
                                    == "commune" else "quartier")
    out.loc[references, "niveau"] = "référence"
    order = {code: rank for rank, code in enumerate(labels)}
    out = out.assign(_ordre=out["code"].map(order)).sort_values(["rang_theme", "_ordre", "annee", "code_qp"])
    return out.drop(columns="_ordre").reset_index(drop=True)[columns]


def insee_vintages(values: pd.DataFrame) -> dict:
    """Geographies and indicator years of the imported values; ``mixed`` when they are not all of one year."""
    if values is None or values.empty:
        return {"geographies": [], "years": [], "mixed": False, "by_theme": {}}
    years = sorted(int(y) for y in values["annee"].dropna().unique())
    by_theme = {theme: sorted(int(y) for y in group["annee"].dropna().unique())
                for theme, group in values.groupby("theme", sort=False)}
    return {"geographies": sorted(g for g in values["geographie"].unique() if g), "years": years,
            "mixed": len(years) > 1, "by_theme": by_theme}


def _column_key(code: str, year: int, several: bool) -> str:
    return f"{code}_{year}" if several else code


def qpv_table(values: pd.DataFrame) -> Indicator:
    """One row per QPV, population first, then every indicator in the vocabulary's order.

    An indicator imported for several years gets one column per year
    (``tp60_2019``, ``tp60_2020``); ``Indicator.column_info`` describes each column
    (label, unit, theme and year). Missing values are the statistical secret.
    """
    values = values[values["niveau"] != "référence"] if values is not None and len(values) else values
    if values is None or values.empty:
        return Indicator(pd.DataFrame(columns=["code_qp", "nom"]))
    years_of = values.groupby("code")["annee"].nunique()
    keyed = values.assign(colonne=[_column_key(c, y, years_of[c] > 1) for c, y in zip(values["code"], values["annee"])])
    table = keyed.pivot_table(index=["code_qp", "nom"], columns="colonne", values="valeur", aggfunc="first",
                              sort=False)
    described = keyed.drop_duplicates("colonne").set_index("colonne")
    order = list(described.index)
    if POPULATION in order or any(c.startswith(POPULATION + "_") for c in order):
        population = [c for c in order if c == POPULATION or c.startswith(POPULATION + "_")]
        order = population + [c for c in order if c not in population]
    table = table.reindex(columns=order).reset_index()
    table.columns.name = None
    if POPULATION in table.columns:
        table = table.sort_values(POPULATION, ascending=False, kind="stable").reset_index(drop=True)
    return Indicator(table, sources=(values["source"].iloc[0],), column_info={
        c: ColumnInfo(described.at[c, "indicateur"], described.at[c, "unite"], described.at[c, "theme"],
                      int(described.at[c, "annee"])) for c in order})


def theme_summary(values: pd.DataFrame, theme: str) -> Indicator:
    """Indicators of one theme across the QPV: year, unit, QPV with a value, lowest, median, highest.

    Populations are also summed (a count adds up across QPV; rates and medians do not).
    """
    columns = ["indicateur", "niveau", "annee", "unite", "qpv", "minimum", "mediane", "maximum", "total", "references"]
    rows = values[values["theme"] == theme] if values is not None and len(values) else pd.DataFrame()
    if rows.empty:
        return Indicator(pd.DataFrame(columns=columns))
    out = []
    for (_code, year), everything in rows.groupby(["code", "annee"], sort=False):
        group = everything[everything["niveau"] != "référence"]
        if group.empty:
            continue
        references = {r.qpv: r.valeur for r in everything[everything["niveau"] == "référence"].itertuples()}
        level = group["niveau"].iloc[0]
        counts = group["unite"].iloc[0] in ("habitants", "nombre") and level == "quartier"
        out.append({"indicateur": group["indicateur"].iloc[0], "niveau": level, "annee": int(year), "unite": group["unite"].iloc[0],
                    "qpv": len(group), "minimum": group["valeur"].min(), "mediane": group["valeur"].median(),
                    "maximum": group["valeur"].max(), "total": group["valeur"].sum() if counts else float("nan"),
                    "references": references})
    return Indicator(pd.DataFrame(out, columns=columns), sources=(rows["source"].iloc[0],))


def ranked_qpv(table: pd.DataFrame, column: str, top: int = 10) -> pd.DataFrame:
    """The ``top`` highest and ``top`` lowest QPV on one indicator (all of them when there are few)."""
    known = table.dropna(subset=[column]).sort_values(column, ascending=False, kind="stable")
    if len(known) <= 2 * top:
        return known.reset_index(drop=True)
    return pd.concat([known.head(top), known.tail(top)]).reset_index(drop=True)


def _indicator_columns(table: pd.DataFrame, codes: tuple[str, ...]) -> list[str]:
    """Columns of ``ind.qpv_table`` for ``codes`` (``tp60`` or ``tp60_2019``…) that have a value."""
    return [c for c in table.columns if c.split("_20")[0] in codes and table[c].notna().any()]


def _with_columns(table: Indicator, columns: list[str]) -> Indicator:
    """``table`` (``qpv_table``) restricted to the QPV and ``columns``, each column still described."""
    if not columns:
        return Indicator(pd.DataFrame(columns=["code_qp", "nom"]))
    return Indicator(table.table[["code_qp", "nom", *columns]].copy(), sources=table.sources,
                     column_info={c: table.column_info[c] for c in columns})


def qpv_spread(table: Indicator, codes: tuple[str, ...] = SPREAD_COLUMNS) -> Indicator:
    """The key indicators of ``qpv_table`` (poverty, employment, youth, incomes…), one row per QPV."""
    if table is None or table.empty:
        return Indicator(pd.DataFrame(columns=["code_qp", "nom"]))
    return _with_columns(table, _indicator_columns(table.table, codes))


def qpv_ranking(table: Indicator, column: str | None = None) -> Indicator:
    """Every QPV with a value on one indicator, highest first (by default the poverty rate, else the first key one)."""
    if table is None or table.empty:
        return Indicator(pd.DataFrame(columns=["code_qp", "nom"]))
    key = _indicator_columns(table.table, SPREAD_COLUMNS)
    column = column or next((c for c in key if c.startswith("tp60")), key[0] if key else None)
    if column is None:
        return Indicator(pd.DataFrame(columns=["code_qp", "nom"]))
    sliced = _with_columns(table, [column])
    sliced.table = (sliced.table.dropna(subset=[column]).sort_values(column, ascending=False, kind="stable")
                    .reset_index(drop=True))
    return sliced


def contract_qpv(territory: Territory, annee: int | str) -> pd.DataFrame:
    """The QPV of the contract in force in ``annee`` (``contrats.contract_of_year``), with their geography."""
    from ...ingest.contrats import contract_of_year

    contract = contract_of_year(territory.meta, annee)
    columns = ["contrat", "generation", "nom", "code", "communes", "geographie"]
    if contract is None:
        return pd.DataFrame(columns=columns)
    rows = [{"contrat": contract.label, "generation": contract.generation, "nom": str(q.get("nom", "")),
             "code": str(q.get("code", "") or "").upper(), "communes": ", ".join(map(str, q.get("communes") or [])),
             "geographie": qpv_geography(str(q.get("code", "") or ""))} for q in contract.qpv]
    return pd.DataFrame(rows, columns=columns)
