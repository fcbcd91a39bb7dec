"""Charts of the programmation: pillars, credit types, financers, evolution."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from ...rules.formatting import (
    euros,
    pourcent,
    variation,
)
from ...rules.clean import upper_first
from ...rules.harmonise import vocabulary
from ...analysis.indicators._common import Indicator, text, unpack
from ...analysis.indicators.montants import amount_shown, change_between
from ._base import (
    MIN_FONT,
    ink_on,
    ACCENT,
    CREDIT_COLORS,
    CREDIT_LABELS,
    NEUTRAL,
    PILLAR_COLORS,
    Chart,
    _compact_euros,
    _euro_axis,
    _figure,
    _finish,
    _horizontal,
    _label,
    _legend_above,
    _lower_first,
    _pct,
    _percent_axis,
    _require,
    _year,
)


def _amount_or_share_bars(names: list[str], values, has_amounts: bool, labels: list[str], colors: list[str],
                          height: float, axis_titles: tuple[str, str]):
    """Horizontal bars of amounts (when every amount is printed) or else of shares, each with its label."""
    fig, (ax,) = _figure(height)
    bars = ax.barh(names, values, color=colors)
    ax.bar_label(bars, labels, padding=4)
    _horizontal(ax, 1.1 if has_amounts else 0.3)
    (_euro_axis if has_amounts else _percent_axis)(ax.xaxis)
    ax.set_xlabel(axis_titles[0] if has_amounts else axis_titles[1])
    return fig, ax


def _is_programmation(result, total: float) -> bool:
    """Whether ``total`` is the year's programmation (``context["programmation"]``; an indicator computed from
    the territory's own programmation is one; unknown → not said to be)."""
    known = getattr(result, "context", {}).get("programmation")
    own = "programmation du territoire" in str(result.get("methode") or "")
    return own or (known is not None and abs(float(known) - float(total)) < 0.5)


def pillar_bars(pillars: Indicator | pd.DataFrame, source: str, title: str | None = None) -> Chart:
    """Programmation by pillar (``indicators.pillar_amounts``): amounts when printed, else shares."""
    pillars, result = unpack(pillars)
    _require(pillars, "la répartition par pilier")
    shares = pillars["part"].astype(float)
    amounts = pillars["montant"].astype(float)
    has_amounts = bool(amounts.notna().all())
    labels = [f"{euros(a)} ({pourcent(s)})" for a, s in zip(amounts, shares)] if has_amounts \
        else [pourcent(s) for s in shares]
    fig, _ = _amount_or_share_bars(
        [_label(label, 14) for label in pillars["libelle"]], amounts if has_amounts else shares, has_amounts,
        labels, [PILLAR_COLORS.get(code, NEUTRAL) for code in pillars["pilier"]], 1.1 + 0.5 * len(pillars),
        ("Montant programmé", "Part de la programmation (montants non publiés)"))
    top = pillars.loc[shares.idxmax()]
    year = _year(result)
    whole = f"de la programmation{year}"
    if has_amounts and not _is_programmation(result, amounts.sum()):
        # Issue 16: 70,6 % of the 3 277 425 € the pillar tables share out is not 70,6 % of a 5 530 289 € programmation.
        whole = f"des {euros(amounts.sum())} répartis par pilier{_year(result, ' en')}"
    heading = f"Le pilier {_lower_first(top['libelle'])} concentre {pourcent(shares.max())} {whole}"
    alt = (f"Barres horizontales de la programmation{year} par pilier : "
           + " ; ".join(f"{name}, {label}" for name, label in zip(pillars["libelle"], labels))
           + (f". Total : {euros(amounts.sum())}." if has_amounts else "."))
    return _finish(fig, title or heading, alt, source)


def credit_types_bars(credits: Indicator | pd.DataFrame, source: str, title: str | None = None) -> Chart:
    """Specific credits against ordinary credits, stacked by pillar (``indicators.credit_types``)."""
    credits, result = unpack(credits)
    _require(credits, "la répartition des crédits")
    fig, (ax,) = _figure(1.6 + 0.5 * len(credits))
    names = [_label(label, 14) for label in credits["libelle"]]
    left = np.zeros(len(credits))
    widest = credits["total"].max()
    kinds = [k for k in ("specifique", "droit_commun", "non_precise") if k in credits.columns]
    for kind in kinds:  # « non_precise »: financers of no declared kind of credit, never left out
        values = credits[kind].astype(float).to_numpy()
        bars = ax.barh(names, values, left=left, color=CREDIT_COLORS.get(kind, NEUTRAL),
                       label=CREDIT_LABELS.get(kind, "Type de crédit non précisé"))
        # Only segments wide enough to hold their amount are labelled inside; the total is always printed.
        ax.bar_label(bars, [_compact_euros(v) if v >= 0.3 * widest else "" for v in values],
                     label_type="center", fontsize=MIN_FONT, color=ink_on(CREDIT_COLORS[kind]))
        left += values
    ax.bar_label(bars, [euros(t) for t in credits["total"]], padding=4)
    _horizontal(ax, 0.75)
    _euro_axis(ax.xaxis)
    ax.set_xlabel("Montant programmé")
    _legend_above(ax, ncols=len(kinds))
    overall = 100 * credits["specifique"].sum() / credits["total"].sum()
    whole = "des crédits programmés" if _is_programmation(result, credits["total"].sum()) else \
        f"des {euros(credits['total'].sum())} ventilés par type de crédit"  # a base of its own (issue 16)
    heading = f"Les crédits spécifiques représentent {pourcent(overall)} {whole}{_year(result, ' en')}"
    alt = (f"Barres empilées par pilier des crédits spécifiques et de droit commun programmés{_year(result, ' en')} : "
           + " ; ".join(f"{row.libelle}, {euros(row.total)} dont {euros(row.specifique)} de crédits spécifiques "
                        f"({pourcent(row.part_specifique)})" for row in credits.itertuples())
           + f". Les crédits spécifiques font {pourcent(overall)} du total.")
    return _finish(fig, title or heading, alt, source)


def financer_mix_bars(mix: Indicator | pd.DataFrame, source: str, title: str | None = None) -> Chart:
    """Financing by financer as printed (``indicators.financer_mix``): amounts when all printed, else shares."""
    mix, result = unpack(mix)
    _require(mix, "la répartition par financeur")
    has_amounts = bool(mix["montant"].notna().all())
    shares = (mix["part"] if has_amounts else mix["part_publiee"]).astype(float)
    mix = mix.assign(_share=shares).sort_values("_share", ascending=False, kind="stable")
    labels = [f"{euros(a)} ({pourcent(s)})" for a, s in zip(mix["montant"], mix["_share"])] if has_amounts \
        else [_pct(s) for s in mix["_share"]]
    kinds = mix["type_credit"].where(mix["type_credit"].isin(list(CREDIT_COLORS)), "")
    fig, ax = _amount_or_share_bars(
        [_label(label, 16) for label in mix["libelle_publie"]],
        mix["montant"].astype(float) if has_amounts else mix["_share"], has_amounts,
        labels, [CREDIT_COLORS.get(kind, NEUTRAL) for kind in kinds], 1.6 + 0.45 * len(mix),
        ("Montant", "Part publiée du financement"))
    present = [kind for kind in (*CREDIT_COLORS, "") if kind in set(kinds)]
    _legend_above(ax, ncols=2, handles=[Patch(color=CREDIT_COLORS.get(k, NEUTRAL), label=CREDIT_LABELS.get(
        k, "Type de crédit non précisé")) for k in present])
    top = mix.iloc[0]
    heading = f"Premier financeur{_year(result, ' en')} : {top['libelle_publie']} ({pourcent(top['_share'])})"
    alt = (f"Barres horizontales du financement{_year(result)} par financeur, tel qu'imprimé : "
           + " ; ".join(f"{name}, {label}" for name, label in zip(mix["libelle_publie"], labels)) + ".")
    printed_total = shares.sum()
    if not has_amounts and abs(printed_total - 100) > 0.5:
        alt += f" Les parts publiées totalisent {pourcent(printed_total)}."
    return _finish(fig, title or heading, alt, source)


def evolution_line(series: pd.DataFrame, source: str, title: str | None = None) -> Chart:
    """Total programmation over the years (``indicators.growth(indicators.programmation_series(t))``)."""
    _require(series, "l'évolution de la programmation")
    series = series.sort_values("annee")
    years, amounts = series["annee"].astype(int).tolist(), series["montant"].astype(float)
    fig, (ax,) = _figure(3.4)
    ax.plot(years, amounts, marker="o", markersize=7, linewidth=2.5, color=ACCENT)
    rows = [row for _, row in series.iterrows()]
    for year, amount, row in zip(years, amounts, rows):
        # The qualifier (« près de ») on its own line, so that the amounts fit side by side in the narrow column.
        qualifier = text(row.get("qualificatif_mot"))
        ax.annotate(_label(qualifier) + ("\n" if qualifier else "") + _label(euros(amount)), (year, amount),
                    xytext=(0, 8), textcoords="offset points", ha="center", va="bottom", fontsize=MIN_FONT)
    ax.set_xticks(years, [str(year) for year in years])
    ax.set_ylim(0, amounts.max() * 1.3)
    ax.margins(x=0.15)
    ax.xaxis.grid(False)
    _euro_axis(ax.yaxis)
    ax.set_xlabel("Année")
    # Issue 16: the series is named by what it covers (« total des financements politique de la ville (tous
    # dispositifs) » is not the programmation), each amount keeps its qualifier, and approximate amounts give an
    # approximate change, never « +47,7 % ».
    champ = str(series["champ"].iloc[0]) if "champ" in series and pd.notna(series["champ"].iloc[0]) else ""
    programmation = champ in ("", "programmation_contrat")
    court = vocabulary("champs").attributes.get(champ, {}).get("court", champ)
    what = "Montant programmé" if programmation else upper_first(court)
    ax.set_ylabel(_label(what, 28))
    shown = [amount_shown(row, perimeter=False) for row in rows]
    change = change_between(rows[0], rows[-1])
    change_text, approximate = change.shown, change.approximate
    if len(years) == 1:
        heading = (f"La programmation atteint {shown[-1]} en {years[0]}" if programmation
                   else f"{what} : {shown[-1]} en {years[0]}")
    elif programmation:
        heading = f"La programmation passe de {shown[0]} en {years[0]} à {shown[-1]} en {years[-1]} ({change_text})"
    else:
        heading = f"{what} : de {shown[0]} en {years[0]} à {shown[-1]} en {years[-1]} ({change_text})"
    alt = f"Courbe par année ({_lower_first(what)}) : " + " ; ".join(
        f"{year}, {amount}" for year, amount in zip(years, shown)) + "."
    if "tcam" in series and len(years) > 1 and not approximate:
        alt += f" Taux de croissance annuel moyen sur la période : {variation(series['tcam'].iloc[-1])}."
    return _finish(fig, title or heading, alt, source)
