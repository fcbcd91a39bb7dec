"""Charts comparing territories and years."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...rules.formatting import (
    euros,
)
from ...rules.harmonise import COMPARED_PILLARS, pillar_label
from ._base import (
    MIN_FONT,
    ink_on,
    ACCENT,
    PILLAR_COLORS,
    Chart,
    _euro_axis,
    _figure,
    _finish,
    _label,
    _legend_above,
    _pct,
    _percent_axis,
    _require,
)

_COMPARISON_PILLARS = COMPARED_PILLARS  # vocabulaires/piliers.yml


def _report_labels(comparison: pd.DataFrame) -> list[str]:
    return [_label(f"{row.sigle} {row.annee}", 14) for row in comparison.itertuples()]


def comparison_pillars(comparison: pd.DataFrame, source: str) -> Chart:
    """Pillar shares of every (territory, year) side by side, from ``ind.comparison_table``."""
    columns = [f"part_{code}" for code in _COMPARISON_PILLARS]
    rows = comparison.dropna(subset=columns, how="all")
    _require(rows, "la comparaison des piliers")
    labels = _report_labels(rows)
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, (ax,) = _figure(0.2 * lines + 0.3 * len(rows) + 1.8)
    left = np.zeros(len(rows))
    for code, column in zip(_COMPARISON_PILLARS, columns):
        values = rows[column].fillna(0).to_numpy(dtype=float)
        ax.barh(labels, values, left=left, color=PILLAR_COLORS[code], label=_label(pillar_label(code)), edgecolor="white")
        ink = ink_on(PILLAR_COLORS[code])
        for y, (start, value) in enumerate(zip(left, values)):
            if value >= 12:  # wide enough for its label at the narrow width
                ax.text(start + value / 2, y, _pct(value), ha="center", va="center", fontsize=MIN_FONT, color=ink)
        left += values
    ax.invert_yaxis()
    _percent_axis(ax.xaxis)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Part de la programmation")
    _legend_above(ax, ncols=2)
    leaders = rows[columns].fillna(0).idxmax(axis=1)
    lead = rows.loc[rows["part_cohesion_sociale"].idxmax()]
    if (leaders == "part_cohesion_sociale").all():
        title = (f"La cohésion sociale reçoit la plus grande part dans chacun des {len(rows)} rapports, jusqu'à "
                 f"{_pct(lead['part_cohesion_sociale'])} ({lead['sigle']} {lead['annee']})")
    else:
        title = "Le pilier le mieux doté n'est pas le même d'un rapport à l'autre"
    alt = ("Barres empilées des parts de chaque pilier dans la programmation : " + " ; ".join(
        f"{label} : " + ", ".join(f"{pillar_label(code).lower()} {_pct(row[col])}"
                                  for code, col in zip(_COMPARISON_PILLARS, columns) if pd.notna(row[col]))
        for label, (_, row) in zip(labels, rows.iterrows())) + ".")
    return _finish(fig, title, alt, source)


def comparison_per_inhabitant(comparison: pd.DataFrame, source: str) -> Chart:
    """Programmation per QPV inhabitant for every (territory, year), from ``ind.comparison_table``."""
    rows = comparison.dropna(subset=["programmation_par_habitant_qpv"])
    _require(rows, "la programmation par habitant")
    labels = _report_labels(rows)
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, (ax,) = _figure(0.2 * lines + 0.3 * len(rows) + 1.0)
    values = rows["programmation_par_habitant_qpv"].to_numpy(dtype=float)
    ax.barh(labels, values, color=ACCENT)
    for y, value in enumerate(values):
        ax.text(value, y, f" {euros(value)}", va="center", fontsize=MIN_FONT)
    ax.invert_yaxis()
    _euro_axis(ax.xaxis)
    ax.set_xlim(0, values.max() * 1.6)
    ax.set_xlabel("Programmation par habitant des quartiers prioritaires")
    top = rows.iloc[int(values.argmax())]
    title = (f"Par habitant des quartiers prioritaires, la programmation la plus élevée est celle de "
             f"{top['sigle']} en {top['annee']} : {euros(top['programmation_par_habitant_qpv'])}")
    alt = ("Barres horizontales de la programmation par habitant des quartiers prioritaires : "
           + " ; ".join(f"{label} : {euros(v)}" for label, v in zip(labels, values)) + ".")
    return _finish(fig, title, alt, source)
