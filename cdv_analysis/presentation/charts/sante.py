"""Charts of the health section."""

from __future__ import annotations

import pandas as pd
from matplotlib.ticker import MaxNLocator

from ...rules.formatting import (
    euros,
    nombre,
    pluriel,
)
from ._base import ACCENT, PILLAR_COLORS, Chart, _euro_axis, _figure, _finish, _require


def health_series(actions: pd.DataFrame, source: str, title: str | None = None) -> Chart:
    """Health actions per year (``indicators.health_actions``): amounts and counts side by side."""
    _require(actions, "les actions de santé")
    actions = actions.sort_values("annee")
    years = actions["annee"].astype(int).astype(str)
    # Stacked, not side by side: two panels would not fit the narrow column.
    fig, (money, counts) = _figure(4.6, nrows=2)
    for ax, column, color, label, panel in (
            (money, "montant", PILLAR_COLORS["cohesion_sociale"], euros, "Montant financé"),
            (counts, "actions", ACCENT, nombre, "Nombre d'actions")):
        heights = actions[column].astype(float)
        bars = ax.bar(years, heights.fillna(0), color=color, width=0.6)
        ax.bar_label(bars, [label(v) for v in heights], padding=3)
        ax.set_title(panel, loc="left")
        ax.xaxis.grid(False)
        ax.margins(y=0.15)
    _euro_axis(money.yaxis)
    counts.yaxis.set_major_locator(MaxNLocator(integer=True))
    known = actions.dropna(subset=["actions"])
    last = actions.iloc[-1]
    amount = f" ({euros(last['montant'])} en {int(last['annee'])})" if pd.notna(last["montant"]) else ""
    if len(known) > 1:
        heading = (f"Santé : de {pluriel(known['actions'].iloc[0], 'action')} en {int(known['annee'].iloc[0])} "
                 f"à {pluriel(known['actions'].iloc[-1], 'action')} en {int(known['annee'].iloc[-1])}{amount}")
    elif len(known) == 1:
        heading = f"Santé : {pluriel(known['actions'].iloc[0], 'action')} en {int(known['annee'].iloc[0])}{amount}"
    else:
        heading = f"Santé : {euros(last['montant'])} financés en {int(last['annee'])}"
    alt = ("Deux diagrammes en barres par année : montant financé et nombre d'actions de santé. "
           + " ; ".join(f"{year} : {pluriel(row.actions, 'action')}, {euros(row.montant)}"
                        for year, row in zip(years, actions.itertuples())) + ".")
    return _finish(fig, title or heading, alt, source)
