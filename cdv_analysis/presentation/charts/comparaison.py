"""Charts comparing territories and years."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...analysis.indicators.synthese import PILLAR_SHARE_COLUMNS, per_head_shown
from ...rules.formatting import euros
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
    columns = PILLAR_SHARE_COLUMNS
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
    # The shares are of the amounts a report shares out by pillar, not always of its programmation (CABBALR
    # 2019: 70,6 % of the 3 277 425 € shared out, beside a 5 530 289 € programmation).
    ax.set_xlabel(_label("Part de chaque pilier dans les montants répartis par pilier", 40))
    _legend_above(ax, ncols=2)
    leaders = rows[columns].fillna(0).idxmax(axis=1)
    if (leaders == "part_cohesion_sociale").all():
        lead = rows.loc[rows["part_cohesion_sociale"].idxmax()]
        title = (f"La cohésion sociale reçoit la plus grande part dans chacun des {len(rows)} rapports, jusqu'à "
                 f"{_pct(lead['part_cohesion_sociale'])} ({lead['sigle']} {lead['annee']})")
    else:
        title = "Le pilier le mieux doté n'est pas le même d'un rapport à l'autre"
    alt = ("Barres empilées des parts de chaque pilier dans les montants que chaque rapport répartit par pilier : "
           + " ; ".join(f"{label} : " + ", ".join(f"{pillar_label(code).lower()} {_pct(row[col])}"
                                                  for code, col in zip(_COMPARISON_PILLARS, columns)
                                                  if pd.notna(row[col])) + _other_base(row)
                        for label, (_, row) in zip(labels, rows.iterrows())) + ".")
    return _finish(fig, title, alt, source)


def _other_base(row: pd.Series) -> str:
    """What a report's pillar shares are of, when it is not the programmation beside them (``base_piliers``)."""
    base, total = row.get("base_piliers"), row.get("programmation")
    if base is None or pd.isna(base) or (total is not None and pd.notna(total) and abs(base - total) < 0.5):
        return ""
    return f" (parts des {euros(base)} répartis par pilier" + (
        f", non des {euros(total)} publiés pour l'année)" if total is not None and pd.notna(total) else ")")


def comparison_per_inhabitant(comparison: pd.DataFrame, source: str) -> Chart:
    """Published amount per QPV inhabitant for every (territory, year), from ``ind.comparison_table``: a figure
    the code computes, « environ » when the amount or the population is approximate, named as the amount each
    report publishes (a programmation or a total of all schemes), never « la programmation »."""
    rows = comparison.dropna(subset=["programmation_par_habitant_qpv"])
    _require(rows, "le montant publié par habitant")
    labels = _report_labels(rows)
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, (ax,) = _figure(0.2 * lines + 0.3 * len(rows) + 1.0)
    values = rows["programmation_par_habitant_qpv"].to_numpy(dtype=float)
    qualifiers = rows.get("qualificatif_par_habitant", pd.Series("", index=rows.index))
    shown = [per_head_shown(value, qualifier) for value, qualifier in zip(values, qualifiers)]
    ax.barh(labels, values, color=ACCENT)
    for y, (value, text) in enumerate(zip(values, shown)):
        ax.text(value, y, f" {text}", va="center", fontsize=MIN_FONT)
    ax.invert_yaxis()
    _euro_axis(ax.xaxis)
    ax.set_xlim(0, values.max() * 1.9)
    ax.set_xlabel("Montant publié par habitant des QPV")
    top = int(values.argmax())
    title = (f"Par habitant des quartiers prioritaires, le montant publié le plus élevé est celui de "
             f"{rows.iloc[top]['sigle']} en {rows.iloc[top]['annee']} : {shown[top]}")
    alt = ("Barres horizontales du montant publié par chaque rapport, divisé par la population des quartiers "
           "prioritaires : " + " ; ".join(f"{label} : {text}" for label, text in zip(labels, shown)) + ".")
    return _finish(fig, title, alt, source)
