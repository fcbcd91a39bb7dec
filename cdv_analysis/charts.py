"""Charts in the house style: one theme, one palette, French labels, a title and a source line.

Each chart function takes an indicator DataFrame (``cdv_analysis.indicators``)
and returns a :class:`Chart`: the figure, a title stating the finding, an alt
text for screen readers and the source line, all in French.

Figures are built as ``matplotlib.figure.Figure`` rather than through pyplot:
nothing lingers in pyplot's registry when a report draws dozens of charts, and
no backend is forced (PNGs always render through Agg; a notebook keeps its
inline backend and displays a ``Chart`` through ``_repr_png_``).
"""

from __future__ import annotations

import io
import os
import re
import textwrap
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import seaborn as sns
from babel.numbers import format_compact_currency
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .clean import ParseError, name_key, parse_figure
from .formatting import LOCALE, ecart_points, euros, guillemets, liste_fr, nombre, pluriel, pourcent, variation
from .indicators.gouvernance import COOPERATION_LEVELS
from .harmonise import pillar_label
from .stats import pct_change

__all__ = [
    "Chart",
    "apply_style",
    "PILLAR_COLORS",
    "CREDIT_COLORS",
    "CREDIT_LABELS",
    "SEQUENTIAL_CMAP",
    "pillar_bars",
    "comparison_pillars",
    "comparison_per_inhabitant",
    "qpv_profiles_bars",
    "amounts_by_bars",
    "credit_types_bars",
    "financer_mix_bars",
    "evolution_line",
    "survey_items_bars",
    "cooperation_heatmap",
    "health_series",
    "statements_by_theme",
    "qpv_gaps_bars",
]

# Paul Tol's "muted" qualitative scheme: distinguishable under the common colour-vision deficiencies.
PILLAR_COLORS = {
    "cohesion_sociale": "#332288",
    "cadre_de_vie": "#117733",
    "emploi_economie": "#DDCC77",
    "pilotage": "#AA4499",
    "transversal": "#44AA99",
}
CREDIT_COLORS = {"specifique": "#CC6677", "droit_commun": "#88CCEE"}
CREDIT_LABELS = {"specifique": "Crédits spécifiques", "droit_commun": "Droit commun"}
QPV_COLOR, REFERENCE_COLOR = "#882255", "#BBBBBB"
ACCENT = "#4477AA"  # charts without a categorical meaning (survey items, totals over time)
NEUTRAL = "#999999"  # anything outside the vocabularies (an unknown pillar, an unspecified credit)
SEQUENTIAL_CMAP = "crest"  # perceptually uniform, readable in grey scale

# Actor codes without their accents; the others print well once capitalised.
ACTOR_LABELS = {"agglomeration": "Agglomération", "elus": "Élus", "conseils_citoyens": "Conseils citoyens"}

_IMPOSSIBLE_LABEL = "pourcentage impossible avec n répondants"
_CONFIDENCE = f"de confiance à {pourcent(95, 0)}"  # babel's no-break space keeps « 95 % » whole


@dataclass
class Chart:
    """A finished chart with what a report needs to publish it accessibly."""

    figure: Figure
    title: str
    alt: str
    source: str

    def to_png(self, dpi: int = 110) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=dpi,
                            metadata={"Title": self.title, "Description": self.alt, "Source": self.source})
        return buffer.getvalue()

    def save(self, path: str | os.PathLike, dpi: int = 110) -> Path:
        """Write the PNG atomically: a reader never sees a half-written file."""
        path = Path(path)
        data = self.to_png(dpi)  # rendered first, so that a failing chart leaves nothing on disk
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            with open(temporary, "xb") as handle:  # unlike mkstemp, keeps the umask's permissions
                handle.write(data)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return path

    def close(self) -> None:
        """Release the figure's artists (it is not registered with pyplot: nothing else holds it)."""
        self.figure.clear()

    def _repr_png_(self) -> bytes:
        return self.to_png()


def apply_style() -> None:
    """The house theme (global matplotlib settings, as any seaborn theme)."""
    sns.set_theme(context="notebook", style="whitegrid", font_scale=1.0, rc={
        "figure.titlesize": 14, "figure.titleweight": "bold", "axes.titlesize": 12,
        "axes.labelsize": 11, "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 10,
        "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": "#888888",
    })


# --- shared helpers ------------------------------------------------------------------------------------------

def _require(frame: pd.DataFrame, what: str) -> None:
    if frame is None or frame.empty:
        raise ValueError(f"aucune donnée à représenter pour {what}")


def _figure(height: float, width: float = 9.0, ncols: int = 1) -> tuple[Figure, list[Axes]]:
    apply_style()
    figure = Figure(figsize=(width, height + 0.4), layout="constrained")
    return figure, list(np.atleast_1d(figure.subplots(1, ncols)))


def _chars(figure: Figure, points: float) -> int:
    """Characters of a ``points``-sized font that fit across the figure (a bold glyph averages ≈ 0.65 em)."""
    return int(figure.get_figwidth() * 72 / (0.65 * points))


def _wrap(text: object, width: int) -> str:
    # Guillemets stay with their words: the spaces inside them become no-break spaces, which textwrap keeps.
    text = re.sub(r"«\s+", "«\u00a0", re.sub(r"\s+»", "\u00a0»", str(text)))
    return textwrap.fill(text, width, break_on_hyphens=False)


def _finish(figure: Figure, title: str, alt: str, source: str) -> Chart:
    figure.suptitle(_wrap(title, _chars(figure, 14)), x=0.01, ha="left")
    source_line = f"Source : {source}"
    # As the figure's x label, the source line gets its room from the constrained layout.
    figure.supxlabel(_wrap(source_line, _chars(figure, 8.5)), x=0.01, ha="left", fontsize=8.5, color="#666666")
    return Chart(figure, title, alt, source_line)


def _compact_euros(value: float) -> str:
    return format_compact_currency(value, "EUR", locale=LOCALE, fraction_digits=1)


def _euro_axis(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _: _compact_euros(value)))


def _percent_axis(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _: pourcent(value, 0)))


def _decimals(value: float) -> int:
    """Decimals as the sources print them: ``80 %`` but ``42,1 %``."""
    return 0 if float(value).is_integer() else 1


def _pct(value: float) -> str:
    return pourcent(value, _decimals(value))


def _points(value: float) -> str:
    return ecart_points(value, _decimals(value))


def _qualifier(printed: object) -> str:
    """The qualifier a source prints before a figure (``plus de ``, ``près de ``), to keep on its label."""
    try:
        qualifier = parse_figure(str(printed)).qualificatif
    except ParseError:
        return ""
    return f"{qualifier} " if qualifier else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _legend_above(ax: Axes, ncols: int = 3, **kwargs) -> None:
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncols=ncols, frameon=False, borderaxespad=0, **kwargs)


def _horizontal(ax: Axes, room: float = 0.3) -> None:
    """Bars read top-down in data order, with ``room`` on the right for their labels."""
    ax.invert_yaxis()
    ax.yaxis.grid(False)
    # Not ax.margins: stacked bars leave sticky edges at the stack ends, which cancel the margin.
    ax.set_xlim(0, ax.dataLim.x1 * (1 + room))


def _year(frame: pd.DataFrame, preposition: str = "") -> str:
    """`` 2021`` or `` en 2021`` after a noun, from the indicator's ``attrs``; empty when unknown."""
    year = frame.attrs.get("annee")
    return f"{preposition} {year}" if year else ""


# --- programmation -------------------------------------------------------------------------------------------

def pillar_bars(pillars: pd.DataFrame, source: str) -> Chart:
    """Programmation by pillar (``indicators.pillar_amounts``): amounts when printed, else shares."""
    _require(pillars, "la répartition par pilier")
    shares = pillars["part"].astype(float)
    amounts = pillars["montant"].astype(float)
    has_amounts = bool(amounts.notna().all())
    labels = [f"{euros(a)} ({pourcent(s)})" for a, s in zip(amounts, shares)] if has_amounts \
        else [pourcent(s) for s in shares]
    fig, (ax,) = _figure(1.3 + 0.55 * len(pillars))
    bars = ax.barh([_wrap(label, 28) for label in pillars["libelle"]], amounts if has_amounts else shares,
                   color=[PILLAR_COLORS.get(code, NEUTRAL) for code in pillars["pilier"]])
    ax.bar_label(bars, labels, padding=4)
    _horizontal(ax, 0.45 if has_amounts else 0.2)
    if has_amounts:
        _euro_axis(ax.xaxis)
        ax.set_xlabel("Montant programmé")
    else:
        _percent_axis(ax.xaxis)
        ax.set_xlabel("Part de la programmation (montants non publiés)")
    top = pillars.loc[shares.idxmax()]
    year = _year(pillars)
    title = f"Le pilier {_lower_first(top['libelle'])} concentre {pourcent(shares.max())} de la programmation{year}"
    alt = (f"Barres horizontales de la programmation{year} par pilier : "
           + " ; ".join(f"{name}, {label}" for name, label in zip(pillars["libelle"], labels))
           + (f". Total : {euros(amounts.sum())}." if has_amounts else "."))
    return _finish(fig, title, alt, source)


def credit_types_bars(credits: pd.DataFrame, source: str) -> Chart:
    """Specific credits against ordinary credits, stacked by pillar (``indicators.credit_types``)."""
    _require(credits, "la répartition des crédits")
    fig, (ax,) = _figure(1.6 + 0.55 * len(credits))
    names = [_wrap(label, 28) for label in credits["libelle"]]
    left = np.zeros(len(credits))
    widest = credits["total"].max()
    for kind in ("specifique", "droit_commun"):
        values = credits[kind].astype(float).to_numpy()
        bars = ax.barh(names, values, left=left, color=CREDIT_COLORS[kind], label=CREDIT_LABELS[kind])
        # Only segments wide enough to hold their amount are labelled inside; the total is always printed.
        ax.bar_label(bars, [_compact_euros(v) if v >= 0.15 * widest else "" for v in values],
                     label_type="center", fontsize=9)
        left += values
    ax.bar_label(bars, [euros(t) for t in credits["total"]], padding=4)
    _horizontal(ax)
    _euro_axis(ax.xaxis)
    ax.set_xlabel("Montant programmé")
    _legend_above(ax, ncols=2)
    overall = 100 * credits["specifique"].sum() / credits["total"].sum()
    title = f"Les crédits spécifiques représentent {pourcent(overall)} des crédits programmés{_year(credits, ' en')}"
    alt = (f"Barres empilées par pilier des crédits spécifiques et de droit commun programmés{_year(credits, ' en')} : "
           + " ; ".join(f"{row.libelle}, {euros(row.total)} dont {euros(row.specifique)} de crédits spécifiques "
                        f"({pourcent(row.part_specifique)})" for row in credits.itertuples())
           + f". Les crédits spécifiques font {pourcent(overall)} du total.")
    return _finish(fig, title, alt, source)


def financer_mix_bars(mix: pd.DataFrame, source: str) -> Chart:
    """Financing by financer as printed (``indicators.financer_mix``): amounts when all printed, else shares."""
    _require(mix, "la répartition par financeur")
    has_amounts = bool(mix["montant"].notna().all())
    shares = (mix["part"] if has_amounts else mix["part_publiee"]).astype(float)
    mix = mix.assign(_share=shares).sort_values("_share", ascending=False, kind="stable")
    labels = [f"{euros(a)} ({pourcent(s)})" for a, s in zip(mix["montant"], mix["_share"])] if has_amounts \
        else [_pct(s) for s in mix["_share"]]
    kinds = mix["type_credit"].where(mix["type_credit"].isin(list(CREDIT_COLORS)), "")
    fig, (ax,) = _figure(1.6 + 0.5 * len(mix))
    bars = ax.barh([_wrap(label, 32) for label in mix["libelle_publie"]],
                   mix["montant"].astype(float) if has_amounts else mix["_share"],
                   color=[CREDIT_COLORS.get(kind, NEUTRAL) for kind in kinds])
    ax.bar_label(bars, labels, padding=4)
    _horizontal(ax, 0.45 if has_amounts else 0.2)
    if has_amounts:
        _euro_axis(ax.xaxis)
        ax.set_xlabel("Montant")
    else:
        _percent_axis(ax.xaxis)
        ax.set_xlabel("Part publiée du financement")
    present = [kind for kind in (*CREDIT_COLORS, "") if kind in set(kinds)]
    _legend_above(ax, handles=[Patch(color=CREDIT_COLORS.get(k, NEUTRAL), label=CREDIT_LABELS.get(
        k, "Type de crédit non précisé")) for k in present])
    top = mix.iloc[0]
    title = f"Premier financeur{_year(mix, ' en')} : {top['libelle_publie']} ({pourcent(top['_share'])})"
    alt = (f"Barres horizontales du financement{_year(mix)} par financeur, tel qu'imprimé : "
           + " ; ".join(f"{name}, {label}" for name, label in zip(mix["libelle_publie"], labels)) + ".")
    printed_total = shares.sum()
    if not has_amounts and abs(printed_total - 100) > 0.5:
        alt += f" Les parts publiées totalisent {pourcent(printed_total)}."
    return _finish(fig, title, alt, source)


def evolution_line(series: pd.DataFrame, source: str) -> Chart:
    """Total programmation over the years (``indicators.growth(indicators.programmation_series(t))``)."""
    _require(series, "l'évolution de la programmation")
    series = series.sort_values("annee")
    years, amounts = series["annee"].astype(int).tolist(), series["montant"].astype(float)
    fig, (ax,) = _figure(4.2)
    ax.plot(years, amounts, marker="o", markersize=8, linewidth=2.5, color=ACCENT)
    printed = series.get("montant_publie", amounts)
    for year, amount, as_printed in zip(years, amounts, printed):
        ax.annotate(_qualifier(as_printed) + euros(amount), (year, amount), xytext=(0, 10),
                    textcoords="offset points", ha="center")
    ax.set_xticks(years, [str(year) for year in years])
    ax.set_ylim(0, amounts.max() * 1.2)
    ax.margins(x=0.15)
    ax.xaxis.grid(False)
    _euro_axis(ax.yaxis)
    ax.set_xlabel("Année")
    ax.set_ylabel("Montant programmé")
    first, last = amounts.iloc[0], amounts.iloc[-1]
    if len(years) == 1:
        title = f"La programmation atteint {euros(last)} en {years[0]}"
    else:
        title = (f"La programmation passe de {euros(first)} en {years[0]} à {euros(last)} en {years[-1]} "
                 f"({variation(pct_change(first, last))})")
    alt = "Courbe du montant programmé par année : " + " ; ".join(
        f"{year}, {euros(amount)}" for year, amount in zip(years, amounts)) + "."
    if "tcam" in series and len(years) > 1:
        alt += f" Taux de croissance annuel moyen sur la période : {variation(series['tcam'].iloc[-1])}."
    return _finish(fig, title, alt, source)


# --- gouvernance ---------------------------------------------------------------------------------------------

def _count_label(item) -> str:
    n, count = item.get("n"), item.get("effectif")
    if pd.isna(n):
        return ""
    return f"{int(count)}/{int(n)}" if pd.notna(count) else f"n = {int(n)}"


def survey_items_bars(items: pd.DataFrame, source: str) -> Chart:
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
    labels = [f"{value} ({count})" if count else value for value, count in zip(shown, counts)]
    names = [_wrap(f"{row.question} — {row.modalite}", 48) for row in items.itertuples()]
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
    handles = [Patch(color=ACCENT, label="pourcentage publié")]
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
        title = f"Questionnaire {survey}{respondents} : {pluriel(len(items), 'réponse publiée', 'réponses publiées')}"
    else:
        title = (f"Questionnaire {survey}{respondents} : des intervalles {_CONFIDENCE} "
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
    return _finish(fig, title, alt, source)


def cooperation_heatmap(levels: pd.DataFrame, source: str) -> Chart:
    """Partner × cooperation level table of printed percentages (``indicators.cooperation_levels``)."""
    _require(levels, "les niveaux de coopération")
    values = levels.astype(float)
    rank = {name: number for number, name in COOPERATION_LEVELS.items()}
    columns = [_wrap(f"{rank[c]}. {c}" if c in rank else c, 12) for c in values.columns]
    fig, (ax,) = _figure(1.6 + 0.5 * len(values), width=9)
    sns.heatmap(values, ax=ax, cmap=SEQUENTIAL_CMAP, vmin=0, annot=values.map(_pct).to_numpy(), fmt="",
                linewidths=1.5, linecolor="white", annot_kws={"fontsize": 10},
                cbar_kws={"format": FuncFormatter(lambda v, _: pourcent(v, 0)), "label": "Part des répondants"})
    ax.set_xticklabels(columns, rotation=0)
    ax.set_yticklabels(values.index, rotation=0)
    ax.set_xlabel("Niveau de coopération (de 1, le plus faible, à 5)")
    ax.set_ylabel("Partenaire")
    partner, level = values.stack().idxmax()
    title = (f"{partner} : {_pct(values.loc[partner, level])} des répondants situent la coopération "
             f"au niveau {guillemets(level)}")
    alt = ("Carte de chaleur des niveaux de coopération déclarés avec chaque partenaire, en part des répondants. "
           + " ; ".join(f"{name} : " + ", ".join(f"{c} {_pct(v)}" for c, v in row.dropna().items())
                        for name, row in values.iterrows()) + ".")
    printed_n, plausible = levels.attrs.get("n_publie") or [], levels.attrs.get("n_plausibles") or []
    if printed_n and plausible and not set(printed_n) & set(plausible):
        alt += (f" Ces pourcentages ne peuvent pas venir de {liste_fr(printed_n)} répondants ; ils sont "
                f"compatibles avec {liste_fr(plausible[:3])} répondants.")
    return _finish(fig, title, alt, source)


# --- santé, participation, contexte -----------------------------------------------------------------------------

def health_series(actions: pd.DataFrame, source: str) -> Chart:
    """Health actions per year (``indicators.health_actions``): amounts and counts side by side."""
    _require(actions, "les actions de santé")
    actions = actions.sort_values("annee")
    years = actions["annee"].astype(int).astype(str)
    fig, (money, counts) = _figure(4.0, ncols=2)
    for ax, column, color, label, heading in (
            (money, "montant", PILLAR_COLORS["cohesion_sociale"], euros, "Montant financé"),
            (counts, "actions", ACCENT, nombre, "Nombre d'actions")):
        heights = actions[column].astype(float)
        bars = ax.bar(years, heights.fillna(0), color=color, width=0.6)
        ax.bar_label(bars, [label(v) for v in heights], padding=3)
        ax.set_title(heading)
        ax.set_xlabel("Année")
        ax.xaxis.grid(False)
        ax.margins(y=0.15)
    _euro_axis(money.yaxis)
    counts.yaxis.set_major_locator(MaxNLocator(integer=True))
    known = actions.dropna(subset=["actions"])
    last = actions.iloc[-1]
    amount = f" ({euros(last['montant'])} en {int(last['annee'])})" if pd.notna(last["montant"]) else ""
    if len(known) > 1:
        title = (f"Santé : de {pluriel(known['actions'].iloc[0], 'action')} en {int(known['annee'].iloc[0])} "
                 f"à {pluriel(known['actions'].iloc[-1], 'action')} en {int(known['annee'].iloc[-1])}{amount}")
    elif len(known) == 1:
        title = f"Santé : {pluriel(known['actions'].iloc[0], 'action')} en {int(known['annee'].iloc[0])}{amount}"
    else:
        title = f"Santé : {euros(last['montant'])} financés en {int(last['annee'])}"
    alt = ("Deux diagrammes en barres par année : montant financé et nombre d'actions de santé. "
           + " ; ".join(f"{year} : {pluriel(row.actions, 'action')}, {euros(row.montant)}"
                        for year, row in zip(years, actions.itertuples())) + ".")
    return _finish(fig, title, alt, source)


def statements_by_theme(statements: pd.DataFrame, source: str, top: int = 10, actors: int = 6) -> Chart:
    """Qualitative statements (``indicators.statements``) counted by theme, coloured by actor.

    Keeps the ``top`` themes; actors beyond the ``actors`` most frequent are grouped.
    """
    _require(statements, "les énoncés qualitatifs")
    # Sources print one theme in several cases (« COHESION SOCIALE », « Cohésion sociale »): count them as one.
    table = statements.assign(_theme=statements["theme"].map(name_key))
    printed = table.groupby("_theme")["theme"].agg(lambda t: _upper_first(t.value_counts().index[0]))
    kept = table["_theme"].value_counts().index[:top]
    shown = table[table["_theme"].isin(kept)]
    speaker = shown["acteur"].map(lambda a: ACTOR_LABELS.get(a, _upper_first(str(a).replace("_", " "))))
    speaker = speaker.where(speaker.isin(speaker.value_counts().index[:actors]), "Autres acteurs")
    counts = pd.crosstab(shown["_theme"], speaker).loc[kept]
    counts = counts[[c for c in counts.sum().sort_values(ascending=False).index if c != "Autres acteurs"]
                    + (["Autres acteurs"] if "Autres acteurs" in counts else [])]
    fig, (ax,) = _figure(1.9 + 0.45 * len(counts))
    names = [_wrap(printed[key], 34) for key in counts.index]
    left = np.zeros(len(counts))
    palette = sns.color_palette("colorblind", len(counts.columns))
    for actor, color in zip(counts.columns, palette):
        color = NEUTRAL if actor == "Autres acteurs" else color
        bars = ax.barh(names, counts[actor], left=left, color=color, label=actor)
        left += counts[actor].to_numpy()
    ax.bar_label(bars, [nombre(total) for total in left], padding=4)
    _horizontal(ax, 0.12)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Nombre d'énoncés")
    _legend_above(ax, title="Acteur", alignment="left")
    total = counts.sum(axis=1)
    title = (f"Le thème {guillemets(printed[total.index[0]])} revient le plus souvent : "
             f"{pluriel(total.iloc[0], 'énoncé')} sur {nombre(len(table))}")
    alt = (f"Barres empilées du nombre d'énoncés par thème ({len(counts)} thèmes les plus fréquents sur "
           f"{table['_theme'].nunique()}), par acteur : "
           + " ; ".join(f"{printed[key]}, {pluriel(total[key], 'énoncé')} ("
                        + ", ".join(f"{actor} {n}" for actor, n in counts.loc[key].items() if n) + ")"
                        for key in counts.index) + ".")
    return _finish(fig, title, alt, source)


def qpv_gaps_bars(gaps: pd.DataFrame, source: str) -> Chart:
    """QPV against their reference perimeter for indicators in % (``indicators.qpv_gaps``)."""
    _require(gaps, "les écarts entre QPV et territoire de référence")
    rates = gaps[gaps["unite"] == "%"]
    _require(rates, "les écarts entre QPV et territoire de référence (aucun indicateur en %)")
    rates = rates.sort_values("ecart", key=abs, ascending=False).reset_index(drop=True)
    names = [_wrap(f"{_upper_first(r.indicateur)} ({r.annee})", 36) + f"\nréférence : {r.perimetre_reference}"
             for r in rates.itertuples()]
    lines = sum(name.count("\n") + 1 for name in names)
    fig, (ax,) = _figure(1.8 + 0.3 * lines + 0.2 * len(rates))
    position, height = np.arange(len(rates)), 0.4
    for offset, column, color, label in ((-height / 2, "qpv", QPV_COLOR, "Quartiers prioritaires (QPV)"),
                                         (height / 2, "reference", REFERENCE_COLOR, "Territoire de référence")):
        bars = ax.barh(position + offset, rates[column], height, color=color, label=label)
        ax.bar_label(bars, [_pct(v) for v in rates[column]], padding=3, fontsize=9)
    ax.set_yticks(position, names)
    _horizontal(ax)
    _percent_axis(ax.xaxis)
    ax.set_xlabel("Valeur de l'indicateur")
    _legend_above(ax, ncols=2)
    widest = rates.iloc[0]
    title = (f"{_upper_first(widest['indicateur'])} : {_points(widest['ecart'])} dans les QPV "
             f"(référence : {widest['perimetre_reference']})")
    alt = ("Barres horizontales comparant les quartiers prioritaires à leur territoire de référence : "
           + " ; ".join(f"{r.indicateur} ({r.annee}), {_pct(r.qpv)} en QPV contre {_pct(r.reference)} "
                        f"({r.perimetre_reference}), soit {_points(r.ecart)}" for r in rates.itertuples()) + ".")
    return _finish(fig, title, alt, source)


# --- comparison across territories ---------------------------------------------------------------------------

_COMPARISON_PILLARS = ("cohesion_sociale", "cadre_de_vie", "emploi_economie", "pilotage")


def _report_labels(comparison: pd.DataFrame) -> list[str]:
    return [f"{row.sigle} {row.annee}" for row in comparison.itertuples()]


def comparison_pillars(comparison: pd.DataFrame, source: str) -> Chart:
    """Pillar shares of every (territory, year) side by side, from ``ind.comparison_table``."""
    columns = [f"part_{code}" for code in _COMPARISON_PILLARS]
    rows = comparison.dropna(subset=columns, how="all")
    _require(rows, "la comparaison des piliers")
    labels = _report_labels(rows)
    fig, (ax,) = _figure(0.55 * len(rows) + 1.4)
    left = np.zeros(len(rows))
    for code, column in zip(_COMPARISON_PILLARS, columns):
        values = rows[column].fillna(0).to_numpy(dtype=float)
        ax.barh(labels, values, left=left, color=PILLAR_COLORS[code], label=pillar_label(code), edgecolor="white")
        red, green, blue = (int(PILLAR_COLORS[code][i:i + 2], 16) for i in (1, 3, 5))
        ink = "white" if 0.299 * red + 0.587 * green + 0.114 * blue < 150 else "#1d2733"
        for y, (start, value) in enumerate(zip(left, values)):
            if value >= 6:
                ax.text(start + value / 2, y, _pct(value), ha="center", va="center", fontsize=9, color=ink)
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
    fig, (ax,) = _figure(0.5 * len(rows) + 1.2)
    values = rows["programmation_par_habitant_qpv"].to_numpy(dtype=float)
    ax.barh(labels, values, color=ACCENT)
    for y, value in enumerate(values):
        ax.text(value, y, f" {euros(value)}", va="center", fontsize=9)
    ax.invert_yaxis()
    _euro_axis(ax.xaxis)
    ax.set_xlim(0, values.max() * 1.25)
    ax.set_xlabel("Programmation par habitant des quartiers prioritaires")
    top = rows.iloc[int(values.argmax())]
    title = (f"Par habitant des quartiers prioritaires, la programmation la plus élevée est celle de "
             f"{top['sigle']} en {top['annee']} : {euros(top['programmation_par_habitant_qpv'])}")
    alt = ("Barres horizontales de la programmation par habitant des quartiers prioritaires : "
           + " ; ".join(f"{label} : {euros(v)}" for label, v in zip(labels, values)) + ".")
    return _finish(fig, title, alt, source)


# --- imported open data ---------------------------------------------------------------------------------------

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
