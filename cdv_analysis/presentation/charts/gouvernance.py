"""Charts of governance: survey items with their intervals, cooperation levels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ...rules.formatting import (
    guillemets,
    liste_fr,
    nombre,
    pluriel,
    pourcent,
)
from ...analysis.indicators.gouvernance import COOPERATION_LEVELS
from ...analysis.indicators._common import Indicator, unpack
from ._base import (
    MAX_CATEGORIES,
    MIN_FONT,
    TITLE_LIMIT,
    ink_on,
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
    A long questionnaire is split into charts of at most ``MAX_CATEGORIES`` answers,
    whole questions kept together, shown one after the other (``Chart.continued``);
    the title and the alt text of the first speak of the whole questionnaire.
    """
    _require(items, "le questionnaire")
    items = items.reset_index(drop=True)
    facts = _survey_facts(items)
    heading, alt = _survey_words(items, facts)
    title = title or heading
    parts = _split_items(items)
    if len(parts) == 1:
        return _finish(_survey_figure(items, facts), title, alt, source)
    charts = []
    for number, part in enumerate(parts, start=1):
        suffix = f" ({number}/{len(parts)})" if number == 1 else f" (suite, {number}/{len(parts)})"
        part_alt = alt if number == 1 else (
            f"Suite des barres horizontales du questionnaire : {liste_fr(dict.fromkeys(part['question']))}.")
        charts.append(_finish(_survey_figure(part, facts), title + suffix, part_alt, source))
    charts[0].continued = charts[1:]
    return charts[0]


def _split_items(items: pd.DataFrame) -> list[pd.DataFrame]:
    """Consecutive runs of whole questions, each at most ``MAX_CATEGORIES`` answers (a longer question alone)."""
    parts: list[pd.DataFrame] = []
    current: list[int] = []
    for _, group in items.groupby(items["question"].ne(items["question"].shift()).cumsum(), sort=False):
        if current and len(current) + len(group) > MAX_CATEGORIES:
            parts.append(items.loc[current])
            current = []
        current += list(group.index)
    parts.append(items.loc[current])
    return parts


def _survey_facts(items: pd.DataFrame) -> pd.DataFrame:
    """Per answer: percentage, interval, doubtful flag, and its label (« 42,1 % (8/19) »)."""
    percents = items["pourcentage"].astype(float)
    bounds = items.reindex(columns=["ic_bas", "ic_haut"]).astype(float)  # the columns may be missing
    impossible = items.reindex(columns=["possible"])["possible"].astype("boolean").eq(False).fillna(False)
    counts = [_count_label(row) for _, row in items.iterrows()]
    printed = items.get("pourcentage_publie", percents)
    shown = [_qualifier(as_printed) + _pct(p) for p, as_printed in zip(percents, printed)]
    labels = [_label(f"{value} ({count})" if count else value) for value, count in zip(shown, counts)]
    return pd.DataFrame({"percent": percents, "low": bounds["ic_bas"], "high": bounds["ic_haut"],
                         "impossible": impossible.astype(bool), "label": labels}, index=items.index)


def _survey_figure(items: pd.DataFrame, facts: pd.DataFrame):
    facts = facts.loc[items.index]
    percents, low, high, impossible = facts["percent"], facts["low"], facts["high"], facts["impossible"]
    names = [_label(f"{row.question} — {row.modalite}", 22) for row in items.itertuples()]
    lines = sum(name.count("\n") + 1 for name in names)
    fig, (ax,) = _figure(1.5 + 0.17 * lines + 0.15 * len(items))
    position = range(len(items))
    bars = ax.barh(position, percents, color=ACCENT,
                   xerr=[percents - low, high - percents] if low.notna().any() else None,
                   error_kw={"ecolor": "#222222", "elinewidth": 1.2, "capsize": 3})
    for bar, doubtful in zip(bars, impossible):
        if doubtful:
            bar.set(facecolor="white", edgecolor=ACCENT, hatch="///")
    ax.bar_label(bars, list(facts["label"]), padding=4, fontsize=MIN_FONT)
    ax.set_yticks(position, names, fontsize=MIN_FONT)
    _horizontal(ax)
    ax.set_xlim(0, max(100, np.nanmax(np.fmax(percents, high))) * 1.7)
    ax.set_xticks([0, 50, 100])
    _percent_axis(ax.xaxis)
    ax.set_xlabel("Part des répondants")
    counted = items.reindex(columns=["n_origine"])["n_origine"].eq("reponses")  # imported raw answers
    handles = [Patch(color=ACCENT, label="part des répondants (réponses comptées)" if counted.all()
                     else "pourcentage publié" if not counted.any() else "pourcentage publié ou compté")]
    if facts["low"].notna().any():
        handles.append(Line2D([], [], color="#222222", marker="|", markersize=8,
                              label=f"intervalle {_CONFIDENCE} (Wilson)"))
    if facts["impossible"].any():
        handles.append(Patch(facecolor="white", edgecolor=ACCENT, hatch="///", label=_IMPOSSIBLE_LABEL))
    _legend_above(ax, ncols=1, handles=handles)
    return fig


def _survey_words(items: pd.DataFrame, facts: pd.DataFrame) -> tuple[str, str]:
    """The heading (the finding) and the long description of the whole questionnaire."""
    low, high, impossible = facts["low"], facts["high"], facts["impossible"]
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
                 for row, label, a, b, doubtful in zip(items.itertuples(), facts["label"], low, high, impossible)]
    alt = (f"Barres horizontales des réponses au questionnaire {survey}{respondents}, avec l'intervalle {_CONFIDENCE} "
           "de chaque pourcentage. " + " ; ".join(described) + ".")
    if impossible.any():
        wrong = pluriel(int(impossible.sum()), "pourcentage publié est impossible",
                        "pourcentages publiés sont impossibles")
        alt += f" {_upper_first(wrong)} avec le nombre de répondants déclaré."
    return heading, alt


def cooperation_heatmap(levels: Indicator | pd.DataFrame, source: str, title: str | None = None) -> Chart:
    """Partner × cooperation level table of printed percentages (``indicators.cooperation_levels``)."""
    levels, result = unpack(levels)
    _require(levels, "les niveaux de coopération")
    values = levels.astype(float)
    rank = {name: number for number, name in COOPERATION_LEVELS.items()}
    # Level numbers under the cells, their names in the axis title: five names side by side do not fit the column.
    columns = [str(rank[c]) if c in rank else _label(c, 8) for c in values.columns]
    fig, (ax,) = _figure(1.6 + 0.45 * len(values))
    # No colour bar: every cell prints its value (and the table beside the chart holds them all).
    sns.heatmap(values, ax=ax, cmap=SEQUENTIAL_CMAP, vmin=0, annot=values.map(_pct).to_numpy(), fmt="",
                linewidths=1.5, linecolor="white", annot_kws={"fontsize": MIN_FONT}, cbar=False)
    mesh = ax.collections[0]
    for text, colour in zip(ax.texts, mesh.get_facecolors()):
        text.set_color(ink_on(colour[:3]))  # at least 4.5:1 on its cell, whatever the shade
    ax.set_xticklabels(columns, rotation=0)
    ax.set_yticklabels([_label(name, 16) for name in values.index], rotation=0)
    ax.set_xlabel(_label("Niveau de coopération (de 1, le plus faible, à 5) : " + ", ".join(
        f"{rank[c]} {c}" for c in values.columns if c in rank), 52, TITLE_LIMIT))
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
