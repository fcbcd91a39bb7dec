"""Charts of imported open data: INSEE QPV profiles, ANCT subsidies."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...rules.formatting import (
    chiffre,
    euros,
    liste_fr,
    nombre,
    pluriel,
)
from ...analysis.indicators._common import Indicator, unpack
from ._base import (
    MIN_FONT,
    NARROW_WIDTH,
    _compact_euros,
    ACCENT,
    NEUTRAL,
    PILLAR_COLORS,
    QPV_COLOR,
    Chart,
    _upper_first,
    _euro_axis,
    _figure,
    _finish,
    _pct,
    _number_axis,
    _percent_axis,
    _require,
    _label,
    _wrap,
)


# A chart never outgrows a printed A4 page (inches, at the narrow width), title and source line included.
MAX_HEIGHT = 10.0
_TITLE_ROOM = 2.5  # inches kept for the title and the source line above and below the plot
MAX_ALT = 1000  # characters: beyond, a screen reader user is sent to the table
MANY_QPV = 20  # above, one bar per QPV no longer reads: rankings and distributions instead


def _height(wanted: float) -> float:
    return min(wanted, MAX_HEIGHT - _TITLE_ROOM)


def bounded_alt(head: str, items: list[str], tail: str = "", limit: int = MAX_ALT) -> str:
    """``head`` then as many ``items`` as fit in ``limit`` characters, then how many were left to the table."""
    note = " ; … et {n} autres : toutes les valeurs sont dans le tableau qui suit."
    kept: list[str] = []
    for index, item in enumerate(items):
        rest = len(items) - index - 1
        candidate = head + " ; ".join(kept + [item]) + (note.format(n=rest) if rest else "." + tail)
        if len(candidate) > limit:
            break
        kept.append(item)
    left = len(items) - len(kept)
    text = head + " ; ".join(kept) + (note.format(n=left) if left else "." + tail)
    return text[:limit]


def _qpv_name(label: object) -> str:
    return str(label).split(" – ", 1)[-1]


def _described(result: Indicator | pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str], dict[str, str], dict]:
    """(table, label, unit and year of each described column) of an imported-indicators table."""
    table, result = unpack(result)
    columns = result.column_info
    return (table, {c: i.label for c, i in columns.items()}, {c: i.unit for c, i in columns.items()},
            {c: i.year for c, i in columns.items()})


def qpv_profiles_bars(profiles: Indicator, source: str, title: str | None = None) -> Chart:
    """Small multiples: one panel per key INSEE indicator, one bar per QPV (``ind.qpv_profiles``).

    Meant for a few QPV; the figure height is capped (an A4 page) and the alt
    text bounded, the full values being in the table beside the chart.
    """
    profiles, labels, units, _ = _described(profiles)
    _require(profiles, "les profils des quartiers")
    columns = [c for c in labels if profiles[c].notna().any()]
    _require(profiles[columns] if columns else pd.DataFrame(), "les profils des quartiers")
    names = [_label(_qpv_name(q), 18) for q in profiles["qpv"]]  # data: drawn literally, never mathtext
    # One panel per indicator, stacked: side by side they would not fit the narrow column.
    fig, axes = _figure(_height((0.3 * len(profiles) + 0.7) * len(columns)), nrows=len(columns))
    for ax, column in zip(axes, columns):
        values = profiles[column].astype(float)
        ax.barh(names, values.fillna(0), color=[ACCENT if pd.notna(v) else NEUTRAL for v in values])
        for y, value in enumerate(values):
            label = "secret" if pd.isna(value) else (_pct(value) if units.get(column) == "%" else nombre(value, 1))
            ax.text(0 if pd.isna(value) else value, y, f" {label}", va="center", fontsize=MIN_FONT)
        ax.set_title(_wrap(labels[column], 48), fontsize=10, loc="left")
        ax.invert_yaxis()
        (_percent_axis if units.get(column) == "%" else _number_axis)(ax.xaxis)
        ax.set_xlim(0, (values.max() if values.notna().any() else 1) * 1.35)
    poverty = profiles.dropna(subset=["tp60"]) if "tp60" in profiles else pd.DataFrame()
    if len(poverty) and not title:
        worst = poverty.loc[poverty["tp60"].astype(float).idxmax()]
        title = (f"Taux de pauvreté le plus élevé : {_pct(worst['tp60'])} dans le quartier "
                 f"{_qpv_name(worst['qpv'])}")
    else:
        title = title or f"Profil de {pluriel(len(profiles), 'quartier prioritaire', 'quartiers prioritaires')} (INSEE)"
    alt = bounded_alt("Barres horizontales par quartier pour " + liste_fr([labels[c] for c in columns]) + " : ", [
        f"{_qpv_name(row['qpv'])} : " + ", ".join(f"{labels[c]} {'secret' if pd.isna(row[c]) else nombre(row[c], 1)}"
                                                 for c in columns) for _, row in profiles.iterrows()])
    return _finish(fig, title, alt, source)


def _chars_across(points: float) -> int:
    """Characters of a regular ``points``-sized font across the plot of the narrow column (≈ 0.55 em a glyph)."""
    return int((NARROW_WIDTH - 0.3) * 72 / (0.55 * points))


def _format(value: float, unit: str) -> str:
    return chiffre(value, unit)


def qpv_ranking_bars(table: Indicator, column: str | None = None, source: str = "", top: int = 10,
                     title: str | None = None) -> Chart:
    """The ``top`` highest and lowest QPV on one indicator of ``ind.qpv_table`` (every QPV when few).

    ``column`` defaults to the first indicator of ``table`` (``ind.qpv_ranking`` keeps only one).
    """
    from ...analysis.indicators.contexte import ranked_qpv

    table, labels, units, years = _described(table)
    _require(table, "le classement des quartiers")
    column = column or next(c for c in labels if c in table.columns)
    label, unit = labels[column], units[column]
    ranked = ranked_qpv(table, column, top)
    _require(ranked, f"le classement des quartiers ({label})")
    split = len(ranked) == 2 * top and table[column].notna().sum() > 2 * top
    names = [_qpv_name(n) for n in ranked["nom"]]
    if len(set(names)) < len(names):  # two quarters of the same name: their codes tell them apart
        names = [f"{n} ({code})" for n, code in zip(names, ranked["code_qp"])]
    # Each name on one line above its bar, across the whole width: beside the bars, in the narrow column, long
    # names wrapped over three lines overlapped each other once 20 bars shared the capped height.
    names = [_label(n, limit=_chars_across(MIN_FONT)) for n in names]
    gap = 0.6 if split else 0.0  # the highest and the lowest, set apart
    rows = [i + (gap if i >= top and split else 0.0) for i in range(len(ranked))]
    fig, (ax,) = _figure(_height(0.3 * (len(ranked) + gap) + 0.9))
    values = ranked[column].astype(float)
    colours = [ACCENT if not split or i < top else NEUTRAL for i in range(len(ranked))]
    ax.barh(rows, values, height=0.42, color=colours)
    for y, value, name in zip(rows, values, names):
        ax.text(value, y, f" {_format(value, unit)}", va="center", fontsize=MIN_FONT)
        ax.text(0, y - 0.27, name, va="bottom", ha="left", fontsize=MIN_FONT)
    ax.set_yticks([])
    ax.set_ylim(rows[-1] + 0.4, -0.85)  # inverted: the highest on top, room for the first name
    if unit == "%":
        _percent_axis(ax.xaxis)
    else:
        _number_axis(ax.xaxis)
    ax.set_xlim(0, float(values.max()) * 1.35 or 1)
    if split:
        ax.axhline(top - 0.5 + gap / 2 - 0.2, color="#1d2733", linewidth=0.8, linestyle="--")
    known = int(table[column].notna().sum())
    ax.set_xlabel(_wrap(f"{_upper_first(label)} ({years[column]})", 44))
    first, last = ranked.iloc[0], ranked.iloc[-1]
    scope = (f"les {top} plus élevés et les {top} plus bas des {known} quartiers" if split
             else pluriel(known, "quartier"))
    title = title or (f"{_upper_first(label)} : de {_format(last[column], unit)} ({_qpv_name(last['nom'])}) à "
                      f"{_format(first[column], unit)} ({_qpv_name(first['nom'])}), {scope}")
    alt = bounded_alt(f"Barres horizontales, {label}, {scope} : ",
                      [f"{_qpv_name(n)} {_format(v, unit)}" for n, v in zip(ranked["nom"], values)])
    return _finish(fig, title, alt, source)


def qpv_distributions(table: Indicator, columns: list[str] | None = None, source: str = "",
                      title: str | None = None) -> Chart:
    """Small multiples: for each indicator, its values across every QPV (one dot per QPV, median marked).

    ``columns`` defaults to every indicator of ``table`` (``ind.qpv_spread`` keeps the key ones).
    """
    table, labels, units, years = _described(table)
    _require(table, "la distribution des indicateurs")
    columns = columns or list(labels)
    columns = [c for c in columns if c in table.columns and table[c].notna().any()]
    _require(table[columns] if columns else pd.DataFrame(), "la distribution des indicateurs")
    fig, axes = _figure(_height(1.3 * len(columns) + 0.8), nrows=len(columns))
    rng = np.random.default_rng(0)  # fixed jitter: the same page for the same data
    for ax, column in zip(axes, columns):
        values = table[column].dropna().astype(float)
        ax.scatter(values, rng.uniform(-0.3, 0.3, len(values)), s=12, color=ACCENT, alpha=0.7)
        ax.axvline(values.median(), color=QPV_COLOR, linewidth=1.5)
        ax.set_yticks([])
        ax.set_ylim(-0.6, 0.6)
        ax.set_title(_wrap(f"{_upper_first(labels[column])} ({years[column]}) — médiane "
                           f"{_format(values.median(), units[column])}", 44), fontsize=MIN_FONT, loc="left")
        (_percent_axis if units[column] == "%" else _number_axis)(ax.xaxis)
    for ax in axes[len(columns):]:
        ax.set_visible(False)
    quarters = pluriel(int(table[columns].notna().any(axis=1).sum()), "quartier prioritaire", "quartiers prioritaires")
    title = title or f"Répartition de {quarters} sur {pluriel(len(columns), 'indicateur')} (un point par quartier)"
    alt = bounded_alt("Nuages de points, un par indicateur, un point par quartier, médiane marquée : ", [
        f"{labels[c]} de {_format(table[c].min(), units[c])} à {_format(table[c].max(), units[c])}, médiane "
        f"{_format(table[c].median(), units[c])}" for c in columns])
    return _finish(fig, title, alt, source)


_CATEGORIES = {"thematique": "thème", "pilier": "pilier", "type_porteur": "type de porteur",
               "financeur": "financeur", "porteur": "porteur", "qpv": "quartier", "commune": "commune"}
_PLURALS = {"thème": "thèmes", "type de porteur": "types de porteur", "quartier": "quartiers"}


def with_others(table: pd.DataFrame, top: int, what: str) -> pd.DataFrame:
    """The ``top - 1`` largest rows and one « Autres (n thèmes, x €) » row for the rest: no category dropped."""
    if len(table) <= top:
        return table
    kept, rest = table.iloc[:top - 1], table.iloc[top - 1:]
    amount = float(rest["montant"].sum())
    words = _PLURALS.get(what, what + "s")
    other = {column: "" for column in table.columns}
    other.update({table.columns[0]: "", "libelle": f"Autres ({nombre(len(rest))} {words}, {euros(amount)})",
                  "montant": amount, "part": float(rest["part"].sum())})
    if "actions" in table.columns:
        other["actions"] = int(rest["actions"].sum())
    return pd.concat([kept, pd.DataFrame([other])], ignore_index=True)


def amounts_by_bars(table: Indicator | pd.DataFrame, source: str, what: str | None = None, top: int = 12,
                    title: str | None = None) -> Chart:
    """Amounts and shares by category (``ind.actions_by``), largest first.

    ``what`` names the category in French; by default it follows the table's first column.
    """
    table, _ = unpack(table)
    what = what or _CATEGORIES.get(str(table.columns[0]), "thème")
    _require(table, f"les montants par {what}")
    shown = with_others(table, top, what)
    labels = [_label(label, 18) for label in shown["libelle"]]
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, (ax,) = _figure(0.2 * lines + 0.15 * len(shown) + 1.2)
    colours = ([PILLAR_COLORS.get(code, NEUTRAL) for code in shown.iloc[:, 0]]
               if shown.columns[0] == "pilier" else ACCENT)
    ax.barh(labels, shown["montant"].astype(float), color=colours)
    for y, (amount, share) in enumerate(zip(shown["montant"], shown["part"])):
        ax.text(amount, y, f" {_compact_euros(amount)} ({_pct(share)})", va="center", fontsize=MIN_FONT)
    ax.invert_yaxis()
    _euro_axis(ax.xaxis)
    ax.set_xlim(0, float(shown["montant"].max()) * 1.9)
    ax.set_xlabel("Montant engagé")
    first = shown.iloc[0]
    title = title or f"Premier {what} : « {first['libelle']} », {_pct(first['part'])} des montants engagés"
    alt = (f"Barres horizontales des montants engagés par {what} : "
           + " ; ".join(f"{r.libelle} {euros(r.montant)} ({_pct(r.part)})" for r in shown.itertuples()) + ".")
    return _finish(fig, title, alt, source)
