"""Contexte: QPV against the agglomeration (or its rest): gaps in points and ratios."""

from __future__ import annotations

import pandas as pd

from ..load import Territory

__all__ = ["qpv_gaps", "REFERENCES"]

REFERENCES = ("reste de l'EPCI", "EPCI", "QPV du département", "département", "région", "France")


def qpv_gaps(territory: Territory) -> pd.DataFrame:
    """Each indicator printed for the QPV and for a reference perimeter, with the gap.

    The gap is in percentage points for rates and in the indicator's unit
    otherwise; the ratio is QPV / reference.
    """
    table = territory.table("contexte")
    columns = ["theme", "indicateur", "annee", "unite", "qpv", "reference", "perimetre_reference", "ecart", "ratio",
               "source"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    numeric = table[table["valeur"].notna() & ~table["unite"].isin(["texte", "date"])]
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
            q, r = float(qpv["valeur"].iloc[0]), float(reference["valeur"].iloc[0])
            rows.append({"theme": qpv["theme"].iloc[0], "indicateur": indicator, "annee": qpv["annee"].iloc[0],
                         "unite": unit, "qpv": q, "reference": r, "perimetre_reference": reference_name,
                         "ecart": q - r, "ratio": q / r if r else float("nan"), "source": qpv["source"].iloc[0]})
            break
    return pd.DataFrame(rows, columns=columns)
