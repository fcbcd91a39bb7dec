"""Charts of governance: survey items with their intervals, cooperation levels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from ..formatting import (
    guillemets,
    liste_fr,
    nombre,
    pluriel,
    pourcent,
)
from ..indicators.gouvernance import COOPERATION_LEVELS
from ..indicators._common import Indicator, unpack
from ._base import (
    _CONFIDENCE,
    _IMPOSSIBLE_LABEL,
    ACCENT,
    SEQUENTIAL_CMAP,
    Chart,
    _figure,
    _finish,
    _horizontal,
    _label,
    _legend_above,
    _pct,
    _percent_axis,
    _qualifier,
    _require,
    _upper_first,
)


def _count_label(item) -> str:
    n, count = item.get("n"), item.get("effectif")
    if pd.isna(n):
        return ""
    if bool(item.get("n_borne")):  # only the questionnaire's respondents are known: an upper bound
        return f"n ≤ {int(n)}"
    return f"{int(count)}/{int(n)}" if pd.notna(count) else f"n = {int(n)}"


def survey_items_bars(items: pd.DataFrame, source: str, title: str | None = None) -> Chart:
    """Questionnaire items (``indicators.survey_items``): percentages with their Wilson 95 % intervals.

    Percentages that no whole number of respondents can give (``possible`` is
    False) are hatched: the printed figure is then doubtful, not just uncertain.
    """
    _require(items, "le questionnaire")
    items = items.reset_index(drop=True)
    percents = items["pourcentage"].astype(float)
    bounds = items.reindex(columns=["ic_bas", "ic_haut"]).astype(float)  # the columns may be missing
    low, high = bounds["ic_bas"], bounds["ic_haut"]
    impossible = items.reindex(columns=["possible"])["possible"].astype("boolean").eq(False).fillna(False)
    counts = [_count_label(row) for _, row in items.iterrows()]
    printed = items.get("pourcentage_publie", percents)
    shown = [_qualifier(as_printed) + _pct(p) for p, as_printed in zip(percents, printed)]
    labels = [_label(f"{value} ({count})" if count else value) for value, count in zip(shown, counts)]
    names = [_label(f"{row.question} — {row.modalite}", 48) for row in items.itertuples()]
    lines = sum(name.count("\n") + 1 for name in names)
    fig, (ax,) = _figure(1.8 + 0.2 * lines + 0.2 * len(items), width=10)
    bars = ax.barh(range(len(items)), percents, color=ACCENT,
                   xerr=[percents - low, high - percents] if low.notna().any() else None,
                   error_kw={"ecolor": "#222222", "elinewidth": 1.2, "capsize": 3})
    for bar, doubtful in zip(bars, impossible):
        if doubtful:
            bar.set(facecolor="white", edgecolor=ACCENT, hatch="///")
    ax.bar_label(bars, labels, padding=4, fontsize=9)
    ax.set_yticks(range(len(items)), names, fontsize=9)
    _horizontal(ax)
    ax.set_xlim(0, max(100, np.nanmax(np.fmax(percents, high)) * 1.35))
    ax.set_xticks(range(0, 101, 20))
    _percent_axis(ax.xaxis)
    ax.set_xlabel("Part des répondants")
    counted = items.reindex(columns=["n_origine"])["n_origine"].eq("reponses")  # imported raw answers
    handles = [Patch(color=ACCENT, label="part des répondants (réponses comptées)" if counted.all()
                     else "pourcentage publié" if not counted.any() else "pourcentage publié ou compté")]
    if low.notna().any():
        handles.append(Line2D([], [], color="#222222", marker="|", markersize=8,
                              label=f"intervalle {_CONFIDENCE} (Wilson)"))
    if impossible.any():
        handles.append(Patch(facecolor="white", edgecolor=ACCENT, hatch="///", label=_IMPOSSIBLE_LABEL))
    _legend_above(ax, ncols=1, handles=handles)

    survey = liste_fr(dict.fromkeys(str(e).replace("_", " ") for e in items["enquete"]))
    sizes = sorted({int(n) for n in items["n"].dropna()}) if "n" in items else []
    respondents = f" ({pluriel(sizes[0], 'répondant')})" if len(sizes) == 1 else ""
    widths = (high - low).dropna()
    if widths.empty:
        heading = f"Questionnaire {survey}{respondents} : {pluriel(len(items), 'réponse publiée', 'réponses publiées')}"
    else:
        heading = (f"Questionnaire {survey}{respondents} : des intervalles {_CONFIDENCE} "
                 f"larges de {nombre(widths.min())} à {nombre(widths.max())} points")
    described = [f"{row.question} ({row.modalite}) : {label}"
                 + (f", intervalle de {pourcent(a)} à {pourcent(b)}" if pd.notna(a) else "")
                 + (", pourcentage impossible pour ce nombre de répondants" if doubtful else "")
                 for row, label, a, b, doubtful in zip(items.itertuples(), labels, low, high, impossible)]
    alt = (f"Barres horizontales des réponses au questionnaire {survey}{respondents}, avec l'intervalle {_CONFIDENCE} "
           "de chaque pourcentage. " + " ; ".join(described) + ".")
    if impossible.any():
        wrong = pluriel(int(impossible.sum()), "pourcentage publié est impossible",
                        "pourcentages publiés sont impossibles")
        alt += f" {_upper_first(wrong)} avec le nombre de répondants déclaré."
    return _finish(fig, title or heading, alt, source)


def cooperation_heatmap(levels: Indicator | pd.DataFrame, source: str, title: str | None = None) -> Chart:
    """Partner × cooperation level table of printed percentages (``indicators.cooperation_levels``)."""
    levels, result = unpack(levels)
    _require(levels, "les niveaux de coopération")
    values = levels.astype(float)
    rank = {name: number for number, name in COOPERATION_LEVELS.items()}
    columns = [_label(f"{rank[c]}. {c}" if c in rank else c, 12) for c in values.columns]
    fig, (ax,) = _figure(1.6 + 0.5 * len(values), width=9)
    sns.heatmap(values, ax=ax, cmap=SEQUENTIAL_CMAP, vmin=0, annot=values.map(_pct).to_numpy(), fmt="",
                linewidths=1.5, linecolor="white", annot_kws={"fontsize": 10},
                cbar_kws={"format": FuncFormatter(lambda v, _: pourcent(v, 0)), "label": "Part des répondants"})
    ax.set_xticklabels(columns, rotation=0)
    ax.set_yticklabels([_label(name, 40) for name in values.index], rotation=0)
    ax.set_xlabel("Niveau de coopération (de 1, le plus faible, à 5)")
    ax.set_ylabel("Partenaire")
    partner, level = values.stack().idxmax()
    heading = (f"{partner} : {_pct(values.loc[partner, level])} des répondants situent la coopération "
             f"au niveau {guillemets(level)}")
    alt = ("Carte de chaleur des niveaux de coopération déclarés avec chaque partenaire, en part des répondants. "
           + " ; ".join(f"{name} : " + ", ".join(f"{c} {_pct(v)}" for c, v in row.dropna().items())
                        for name, row in values.iterrows()) + ".")
    printed_n, plausible = result.get("n_publie") or [], result.get("n_plausibles") or []
    if printed_n and plausible and not set(printed_n) & set(plausible):
        alt += (f" Ces pourcentages ne peuvent pas venir de {liste_fr(printed_n)} répondants ; ils sont "
                f"compatibles avec {liste_fr(plausible[:3])} répondants.")
    return _finish(fig, title or heading, alt, source)
