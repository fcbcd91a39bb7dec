"""Figures against the figures they are made of: a total against the sum of its parts, shares against 100 %
and against their amounts, a growth rate against the amounts of the period's ends, a fund's envelope
against its listed operations."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ...rules.clean import is_approximate as _is_approximate
from ...rules.formatting import euros, pourcent
from ...ingest.load import Territory
from ...rules.stats import decimals_of, pct_change, rounding_tolerance
from ._common import AXES, BREAKDOWN, FUND_NAMES, VALUE, _dims, _filled, _fmt, _single_year, _tolerance
from .findings import INFO, WARNING, Finding


def _parts_of(total: dict[str, str], candidates: list[tuple[int, dict[str, str]]]) -> dict[frozenset, list[int]]:
    """Rows that break ``total`` down, grouped by the axes they split it along.

    A row is a part when it agrees with the total on every dimension the total
    has and adds at least one; a row that only details another part (a « dont »)
    is left out.
    """
    parts = [(i, d) for i, d in candidates
             if all(d.get(k) == v for k, v in total.items()) and set(d) > set(total)]
    kept = []
    for index, dims in parts:
        details_other = any(
            set(other) < set(dims) and all(dims.get(k) == v for k, v in other.items())
            for j, other in parts if j != index
        )
        if not details_other:
            kept.append((index, dims))
    grouped: dict[frozenset, list[int]] = {}
    for index, dims in kept:
        axes = frozenset(AXES[c] for c in set(dims) - set(total))
        grouped.setdefault(axes, []).append(index)
    return grouped


def _printed_tables(territory: Territory, with_value: bool = False):
    """Each printed table (one section, one support, one year and measure) with its rows' breakdowns."""
    for table, value in VALUE.items():
        frame = territory.table(table)
        if frame.empty:
            continue
        frame = frame[frame["mesure"] != "evolution"]
        if with_value:
            frame = frame[frame[value].notna()]
        for key, group in frame.groupby(["annee", "mesure", "section", "support"], dropna=False):
            yield table, value, key, group, [(i, _dims(r, BREAKDOWN[table])) for i, r in group.iterrows()]


def check_totals(territory: Territory) -> list[Finding]:
    """A printed total that differs from the sum of the parts printed beside it."""
    findings = []
    for table, value, (annee, mesure, section, _), group, rows in _printed_tables(territory, with_value=True):
        for index, dims in rows:
            for axes, members in _parts_of(dims, rows).items():
                if len(members) < 2:
                    continue
                total = float(group.loc[index, value])
                computed = float(group.loc[members, value].sum())
                if abs(total - computed) >= 0.5:
                    label = " × ".join(sorted(axes))
                    findings.append(Finding(
                        "total ≠ somme des parties",
                        f"{table} {annee} ({mesure}) : le total imprimé diffère de la somme de ses "
                        f"{len(members)} lignes de détail (par {label}) ; écart de {_fmt(table, computed - total)}",
                        _fmt(table, total), _fmt(table, computed),
                        str(group.loc[index, "source"]), str(section), territory.id, str(annee)))
    return findings


def _share_groups(frame: pd.DataFrame) -> Iterable[tuple[tuple, pd.DataFrame]]:
    shares = frame[frame["part_publiee"].notna() & (frame["mesure"] != "evolution")]
    return shares.groupby(["annee", "mesure", "section", "support"], dropna=False)


def check_shares(territory: Territory) -> list[Finding]:
    """Printed shares of one table that do not add up to 100 % (beyond rounding)."""
    findings = []
    for table in BREAKDOWN:
        frame = territory.table(table)
        if frame.empty:
            continue
        for (annee, _mesure, section, support), group in _share_groups(frame):
            if support not in {"tableau", "graphique"}:
                continue  # a sentence quotes some shares, not a full breakdown
            rows = [(i, _dims(r, BREAKDOWN[table])) for i, r in group.iterrows()]
            shared = set.intersection(*(set(d.items()) for _, d in rows)) if rows else set()
            for _axes, members in _parts_of(dict(shared), rows).items():
                if len(members) < 3:
                    continue
                printed = group.loc[members, "part_publiee_publie"].tolist()
                total = float(group.loc[members, "part_publiee"].sum())
                tolerance = rounding_tolerance(*(decimals_of(p) for p in printed))
                if abs(total - 100) > tolerance:
                    findings.append(Finding(
                        "parts ≠ 100 %",
                        f"{table} {annee} : les {len(members)} parts imprimées totalisent {pourcent(total)} "
                        f"au lieu de 100 % (tolérance d'arrondi : {pourcent(tolerance, 2)})",
                        " + ".join(printed), pourcent(total), str(group["source"].iloc[0]), str(section),
                        territory.id, str(annee)))
    return findings


def check_printed_shares(territory: Territory) -> list[Finding]:
    """A printed share that is not the part's amount divided by the printed total."""
    findings = []
    for table, value, (annee, _mesure, section, _), group, rows in _printed_tables(territory):
        for index, dims in rows:
            total = group.loc[index, value]
            if pd.isna(total) or total == 0:
                continue
            for members in _parts_of(dims, rows).values():
                for member in members:
                    part, printed = group.loc[member, value], group.loc[member, "part_publiee_publie"]
                    if pd.isna(part) or not printed or _is_approximate(printed):
                        continue
                    computed = 100 * float(part) / float(total)
                    decimals = decimals_of(printed)
                    if abs(computed - float(group.loc[member, "part_publiee"])) > rounding_tolerance(decimals):
                        findings.append(Finding(
                            "part imprimée ≠ part recalculée",
                            f"{table} {annee} : la part imprimée de « "
                            f"{' / '.join(_dims(group.loc[member], BREAKDOWN[table]).values())} » ne correspond "
                            f"pas à {_fmt(table, part)} sur {_fmt(table, total)}",
                            printed, pourcent(computed, max(decimals, 1)), str(group.loc[member, "source"]),
                            str(section), territory.id, str(annee)))
    return findings


def _growth_range(totals: pd.DataFrame, first: int, last: int) -> tuple[float, float]:
    """Lowest and highest growth (%) the printed amounts of two years allow, given their qualifiers."""
    start = totals[totals["annee_debut"] == first].iloc[0]
    end = totals[totals["annee_debut"] == last].iloc[0]
    a, b = float(start["montant"]), float(end["montant"])
    ta, tb = _tolerance(start.get("qualificatif")), _tolerance(end.get("qualificatif"))
    return (100 * (b * (1 - tb) / (a * (1 + ta)) - 1), 100 * (b * (1 + tb) / (a * (1 - ta)) - 1))


def check_printed_growth(territory: Territory) -> list[Finding]:
    """A printed growth rate that the printed amounts of the period's ends do not give."""
    frame = territory.table("financements")
    findings = []
    if frame.empty:
        return findings
    growth = frame[(frame["mesure"] == "evolution") & frame["part_publiee"].notna()]
    totals = _single_year(frame[(frame["mesure"] == "programmation") & frame["montant"].notna()])
    totals = totals[~totals[list(BREAKDOWN["financements"])].apply(lambda c: _filled(totals, c.name)).any(axis=1)]
    for _, row in growth.iterrows():
        if _dims(row, BREAKDOWN["financements"]):
            continue
        start = totals[totals["annee_debut"] == row["annee_debut"]]["montant"]
        end = totals[totals["annee_debut"] == row["annee_fin"]]["montant"]
        if start.nunique() != 1 or end.nunique() != 1 or not start.iloc[0] > 0:
            continue
        computed = pct_change(start.iloc[0], end.iloc[0])
        decimals = decimals_of(row["part_publiee_publie"])
        # An approximate amount (« près de 3 900 000 ») is compared within its qualifier's tolerance.
        low, high = _growth_range(totals, row["annee_debut"], row["annee_fin"])
        rounding = rounding_tolerance(decimals)
        if low - rounding <= row["part_publiee"] <= high + rounding:
            continue
        if abs(computed - row["part_publiee"]) > rounding:
            findings.append(Finding(
                "évolution imprimée ≠ évolution recalculée",
                f"évolution {row['annee']} : {row['part_publiee_publie']} imprimés, alors que les montants "
                f"imprimés ({euros(start.iloc[0])} en {row['annee_debut']}, {euros(end.iloc[0])} en "
                f"{row['annee_fin']}) donnent {pourcent(computed)}",
                row["part_publiee_publie"], pourcent(computed), str(row["source"]), str(row["section"]),
                territory.id, str(row["annee"]), INFO if abs(computed - row["part_publiee"]) < 1 else WARNING))
    return findings


def check_fund_totals(territory: Territory) -> list[Finding]:
    """A fund's printed envelope (FCS, fonds de concours) that differs from the sum of its listed operations."""
    from ...rules.clean import name_key

    actions, money = territory.table("actions"), territory.table("financements")
    findings = []
    if actions.empty or money.empty:
        return findings
    for (annee, dispositif), group in actions[actions["montant"].notna()].groupby(["annee", "dispositif"]):
        if dispositif not in FUND_NAMES or len(group) < 2:
            continue
        computed = float(group["montant"].sum())
        envelopes = money[(money["annee"] == annee) & money["montant"].notna() & money["thematique"].map(
            lambda t: name_key(t) in FUND_NAMES[dispositif])]  # noqa: B023 (used within the iteration)
        for _, envelope in envelopes.drop_duplicates("montant").iterrows():
            if abs(float(envelope["montant"]) - computed) >= 0.5:
                findings.append(Finding(
                    "total ≠ somme des parties",
                    f"{envelope['thematique']} {annee} : le montant imprimé diffère de la somme des "
                    f"{len(group)} opérations listées ; écart de {euros(computed - float(envelope['montant']))}",
                    envelope["montant_publie"], euros(computed), str(envelope["source"]),
                    f"{envelope['section']} / {group['section'].iloc[0]}", territory.id, str(annee)))
    return findings
