"""Charts of the QPV context: gaps between the QPV and their reference."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import (
    MAX_CATEGORIES,
    MIN_FONT,
    QPV_COLOR,
    REFERENCE_COLOR,
    Chart,
    _figure,
    _finish,
    _horizontal,
    _label,
    _legend_above,
    _pct,
    _percent_axis,
    _points,
    _require,
    _upper_first,
)


def qpv_gaps_bars(gaps: pd.DataFrame, source: str) -> Chart:
    """QPV against their reference perimeter for indicators in % (``indicators.qpv_gaps``)."""
    _require(gaps, "les écarts entre QPV et territoire de référence")
    rates = gaps[gaps["unite"] == "%"]
    if "comparable" in rates:  # an approximate value or a bound gives no gap in points
        rates = rates[rates["comparable"].astype(bool)]
    _require(rates, "les écarts entre QPV et territoire de référence (aucun indicateur en %)")
    rates = rates.sort_values("ecart", key=abs, ascending=False).reset_index(drop=True)
    total = len(rates)
    rates = rates.head(MAX_CATEGORIES)  # one screen: the largest gaps; every value is in the table and the CSV
    names = [_label(f"{_upper_first(r.indicateur)} ({r.annee})", 20)
             + "\n" + _label(f"référence : {r.perimetre_reference}", 20) for r in rates.itertuples()]
    lines = sum(name.count("\n") + 1 for name in names)
    fig, (ax,) = _figure(1.4 + 0.2 * lines + 0.25 * len(rates))
    position, height = np.arange(len(rates)), 0.4
    for offset, column, color, label in ((-height / 2, "qpv", QPV_COLOR, "Quartiers prioritaires (QPV)"),
                                         (height / 2, "reference", REFERENCE_COLOR, "Territoire de référence")):
        bars = ax.barh(position + offset, rates[column], height, color=color, label=label)
        ax.bar_label(bars, [_pct(v) for v in rates[column]], padding=3, fontsize=MIN_FONT)
    ax.set_yticks(position, names)
    _horizontal(ax)
    _percent_axis(ax.xaxis)
    ax.set_xlabel("Valeur de l'indicateur")
    _legend_above(ax)
    widest = rates.iloc[0]
    title = (f"{_upper_first(widest['indicateur'])} : {_points(widest['ecart'])} dans les QPV "
             f"(référence : {widest['perimetre_reference']})")
    kept = f" ({len(rates)} plus grands écarts sur {total})" if total > len(rates) else ""
    alt = (f"Barres horizontales comparant les quartiers prioritaires à leur territoire de référence{kept} : "
           + " ; ".join(f"{r.indicateur} ({r.annee}), {_pct(r.qpv)} en QPV contre {_pct(r.reference)} "
                        f"({r.perimetre_reference}), soit {_points(r.ecart)}" for r in rates.itertuples()) + ".")
    return _finish(fig, title, alt, source)
