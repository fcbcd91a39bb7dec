"""Charts of imported open data: INSEE QPV profiles, ANCT subsidies."""

from __future__ import annotations

import pandas as pd

from ..formatting import (
    euros,
    liste_fr,
    nombre,
    pluriel,
)
from ._base import (
    ACCENT,
    NEUTRAL,
    PILLAR_COLORS,
    Chart,
    _euro_axis,
    _figure,
    _finish,
    _pct,
    _percent_axis,
    _require,
    _wrap,
)


def qpv_profiles_bars(profiles: pd.DataFrame, source: str) -> Chart:
    """Small multiples: one panel per key INSEE indicator, one bar per QPV (``ind.qpv_profiles``)."""
    _require(profiles, "les profils des quartiers")
    labels, units = profiles.attrs.get("libelles", {}), profiles.attrs.get("unites", {})
    columns = [c for c in labels if profiles[c].notna().any()]
    _require(profiles[columns] if columns else pd.DataFrame(), "les profils des quartiers")
    names = [_wrap(str(q).split(" – ", 1)[-1], 28) for q in profiles["qpv"]]
    fig, axes = _figure(0.45 * len(profiles) + 1.6, width=10.0, ncols=len(columns))
    for ax, column in zip(axes, columns):
        values = profiles[column].astype(float)
        ax.barh(names, values.fillna(0), color=[ACCENT if pd.notna(v) else NEUTRAL for v in values])
        for y, value in enumerate(values):
            label = "secret" if pd.isna(value) else (_pct(value) if units.get(column) == "%" else nombre(value, 1))
            ax.text(0 if pd.isna(value) else value, y, f" {label}", va="center", fontsize=8)
        ax.set_title(_wrap(labels[column], 22), fontsize=10)
        ax.invert_yaxis()
        if ax is not axes[0]:
            ax.set_yticklabels([])
        if units.get(column) == "%":
            _percent_axis(ax.xaxis)
        ax.set_xlim(0, (values.max() if values.notna().any() else 1) * 1.35)
    poverty = profiles.dropna(subset=["tp60"]) if "tp60" in profiles else pd.DataFrame()
    if len(poverty):
        worst = poverty.loc[poverty["tp60"].astype(float).idxmax()]
        title = (f"Taux de pauvreté le plus élevé : {_pct(worst['tp60'])} dans le quartier "
                 f"{str(worst['qpv']).split(' – ', 1)[-1]}")
    else:
        title = f"Profil de {pluriel(len(profiles), 'quartier prioritaire', 'quartiers prioritaires')} (INSEE)"
    alt = ("Barres horizontales par quartier pour " + liste_fr([labels[c] for c in columns]) + " : " + " ; ".join(
        f"{row['qpv']} : " + ", ".join(f"{labels[c]} {'secret' if pd.isna(row[c]) else nombre(row[c], 1)}"
                                      for c in columns) for _, row in profiles.iterrows()) + ".")
    return _finish(fig, title, alt, source)


def amounts_by_bars(table: pd.DataFrame, source: str, what: str = "thème", top: int = 12) -> Chart:
    """Amounts and shares by category (``ind.actions_by``), largest first."""
    _require(table, f"les montants par {what}")
    shown = table.head(top)
    labels = [_wrap(label, 34) for label in shown["libelle"]]
    fig, (ax,) = _figure(0.42 * len(shown) + 1.2)
    colours = ([PILLAR_COLORS.get(code, NEUTRAL) for code in shown.iloc[:, 0]]
               if shown.columns[0] == "pilier" else ACCENT)
    ax.barh(labels, shown["montant"].astype(float), color=colours)
    for y, (amount, share) in enumerate(zip(shown["montant"], shown["part"])):
        ax.text(amount, y, f" {euros(amount)} ({_pct(share)})", va="center", fontsize=9)
    ax.invert_yaxis()
    _euro_axis(ax.xaxis)
    ax.set_xlim(0, float(shown["montant"].max()) * 1.45)
    ax.set_xlabel("Montant engagé")
    first = shown.iloc[0]
    title = f"Premier {what} : « {first['libelle']} », {_pct(first['part'])} des montants engagés"
    alt = (f"Barres horizontales des montants engagés par {what} : "
           + " ; ".join(f"{r.libelle} {euros(r.montant)} ({_pct(r.part)})" for r in shown.itertuples()) + ".")
    return _finish(fig, title, alt, source)
