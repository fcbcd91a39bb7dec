"""Consistency checks of the published figures.

The source reports contain mistakes of their own: totals that are not the sum
of their parts, shares that do not add up, percentages that no whole number of
respondents can produce, a text that contradicts its table, a table copied from
the previous year. Each check returns :class:`Finding` records; they are
warnings about the sources, never errors in the data (which are transcribed
exactly as printed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations
from collections.abc import Callable, Iterable

import pandas as pd

from .clean import cell_text as _text, is_approximate as _is_approximate
from .formatting import euros, nombre, pourcent
from .load import Territory
from .schemas import TABLES
from .stats import compatible_counts, decimals_of, pct_change, plausible_n, rounding_tolerance

__all__ = [
    "Finding",
    "run_checks",
    "check_totals",
    "check_shares",
    "check_printed_shares",
    "check_granularity",
    "check_text_against_table",
    "check_copied_tables",
    "check_repeated_counts",
    "check_printed_growth",
    "check_fund_totals",
    "check_shares_against_amounts",
    "check_counts_against_listed_items",
    "check_same_quantity_twice",
    "findings_frame",
]

WARNING = "avertissement"
INFO = "information"

# From the registry (schemas.TABLES): the tables whose figures a total and its parts break down,
# the columns that break a figure down (the rest of a row says what and where), their axes
# (a total splits along one or more axes), and the column holding each table's figure.
BREAKDOWN = {name: spec.breakdown for name, spec in TABLES.items() if spec.breakdown}
AXES = {column.name: column.axis for name in BREAKDOWN for column in TABLES[name].columns if column.axis}
VALUE = {name: TABLES[name].value_column for name in BREAKDOWN}


@dataclass(frozen=True)
class Finding:
    """One inconsistency between published figures, or between a figure and its data."""

    categorie: str
    message: str
    publie: str | None
    calcule: str | None
    source: str
    section: str
    territoire: str
    annee: str = ""
    gravite: str = WARNING

    def __str__(self) -> str:
        values = []
        if self.publie is not None:
            values.append(f"publié : {self.publie}")
        if self.calcule is not None:
            values.append(f"recalculé : {self.calcule}")
        where = f"{self.source}, {self.section}" if self.section else self.source
        detail = f" ({' ; '.join(values)})" if values else ""
        return f"[{self.categorie}] {self.message}{detail} — source : {where}"


def _fmt(table: str, value: float) -> str:
    return euros(value) if TABLES[table].column(VALUE[table]).kind == "montant" else nombre(value)


def _row_keys(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    return frame[columns].apply(lambda column: column.map(_text)).agg("|".join, axis=1)


def _filled(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].map(_text) != ""


def _dims(row: pd.Series, columns: Iterable[str]) -> dict[str, str]:
    return {c: _text(row[c]) for c in columns if c in row and _text(row[c])}


def _single_year(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["annee_debut"] == frame["annee_fin"]]


# ---------------------------------------------------------------------------
# Totals and parts


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


# ---------------------------------------------------------------------------
# Surveys


def _survey_rows(territory: Territory) -> pd.DataFrame:
    frames = []
    for table in ("enquetes", "cooperation"):
        frame = territory.table(table)
        if frame.empty:
            continue
        frame = frame.copy()
        frame["table"] = table
        if table == "cooperation":
            frame["question"] = "degré de coopération avec " + frame["partenaire"]
            frame["modalite"] = frame["libelle_niveau"]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _survey_name(table: str, enquete: object) -> str:
    """« questionnaire des associations », « tableau de coopération (communes) »: no raw table name on a page."""
    from .harmonise import label

    audience = label("acteurs", _text(enquete))
    return f"tableau de coopération ({audience})" if table == "cooperation" else f"questionnaire des {audience}"


def _readable(dims: dict[str, str]) -> dict[str, str]:
    """Breakdown values as a reader reads them: a pillar or porteur type by its label, not its code."""
    from .harmonise import label

    vocabularies = {"pilier": "piliers", "type_porteur": "types_porteur", "financeur": "financeurs"}
    return {c: label(vocabularies[c], v) if c in vocabularies else v for c, v in dims.items()}


def _bounded_granularity(territory: Territory) -> list[Finding]:
    """Questions whose n is not printed: a finding only when no n ≤ the questionnaire's respondents
    gives every printed value of the question (each question on its own, never pooled)."""
    from .indicators.gouvernance import question_fits

    items = territory.table("enquetes")
    findings = []
    if items.empty:
        return findings
    for (enquete, question), fitting in question_fits(items).items():
        if fitting:
            continue
        group = items[(items["enquete"] == enquete) & (items["question"] == question)]
        bound = int(group["n_repondants"].max())
        values = ", ".join(f"{r['pourcentage_publie']} ({r['modalite']})" if _text(r["modalite"])
                           else str(r["pourcentage_publie"]) for _, r in group.iterrows())
        first = group.iloc[0]
        findings.append(Finding(
            "pourcentage impossible",
            f"{_survey_name('enquetes', enquete)}, question {question} : {values} ne peut résulter d'aucun nombre entier "
            f"de répondants pour aucun effectif de 1 à {bound} (répondants au questionnaire ; le nombre de "
            "répondants à la question n'est pas imprimé)",
            values, f"aucun effectif ≤ {bound}", str(first["source"]), str(first["section"]), territory.id,
            str(first.get("annee", "") or "")))
    return findings


def check_granularity(territory: Territory) -> list[Finding]:
    """Percentages that no whole number of respondents can produce (GRIM test).

    Where the number of respondents is printed (per question, or for a whole table such as the
    cooperation table), each percentage is tested against it; where only the questionnaire's respondents
    are known, each question is tested against every n up to that bound (``_bounded_granularity``).
    """
    rows = _survey_rows(territory)
    findings = _bounded_granularity(territory)
    if rows.empty:
        return findings
    printed_n = rows["n_origine"].map(_text) != "questionnaire" if "n_origine" in rows else True
    usable = rows[rows["pourcentage"].notna() & rows["n_repondants"].notna() & printed_n
                  & (rows["pourcentage_publie"].fillna("") != "")  # a share counted from imported answers
                  & ~rows["pourcentage_publie"].map(_is_approximate)]
    for (table, enquete, n), group in usable.groupby(["table", "enquete", "n_repondants"]):
        n = int(n)
        impossible = [(i, r) for i, r in group.iterrows() if not compatible_counts(r["pourcentage_publie"], n)]
        if len(impossible) > 5:
            listed = "; ".join(f"{r['pourcentage_publie']} ({r['modalite']}, {r['question']})"
                               for _, r in impossible[:6])
            findings.append(Finding(
                "pourcentages impossibles",
                f"{_survey_name(table, enquete)} : {len(impossible)} pourcentages sur {len(group)} ne peuvent résulter "
                f"d'aucun nombre entier de répondants sur {n}, par exemple {listed}…",
                f"n = {n}", None, str(group["source"].iloc[0]), str(group["section"].iloc[0]), territory.id))
            impossible_rows = []
        else:
            impossible_rows = impossible
        for _, row in impossible_rows:
            neighbours = sorted(range(n + 1), key=lambda k: abs(100 * k / n - row["pourcentage"]))[:2]
            near = " ; ".join(f"{k} sur {n} = {pourcent(100 * k / n)}" for k in sorted(neighbours))
            findings.append(Finding(
                "pourcentage impossible",
                f"{_survey_name(table, enquete)} : {row['pourcentage_publie']} ({row['question']} — {row['modalite']}) "
                f"ne peut résulter d'aucun nombre entier de répondants sur {n}",
                row["pourcentage_publie"], near, str(row["source"]), str(row["section"]), territory.id,
                str(row.get("annee", "") or "")))
        if len(impossible) >= 3 and 3 * len(impossible) >= len(group):
            candidates = plausible_n(group["pourcentage_publie"].tolist(), n_max=200)
            findings.append(Finding(
                "effectif incohérent",
                f"{_survey_name(table, enquete)} : {len(impossible)} pourcentages sur {len(group)} sont impossibles avec "
                f"{n} répondants ; effectifs compatibles avec tous les pourcentages publiés (≤ 200) : "
                + (", ".join(map(str, candidates[:8])) + ("…" if len(candidates) > 8 else "") if candidates
                   else "aucun (les pourcentages viennent sans doute de questions à effectifs différents)"),
                f"n = {n}", ", ".join(f"n = {c}" for c in candidates[:3]) or None,
                str(group["source"].iloc[0]), str(group["section"].iloc[0]), territory.id))
    return findings


# ---------------------------------------------------------------------------
# Text against table, copies and repeated counts


def _key_columns(table: str) -> list[str]:
    return ["annee", "mesure", *BREAKDOWN[table]]


def check_text_against_table(territory: Territory) -> list[Finding]:
    """The same figure printed in the text and in a table (or chart) with two values."""
    findings = []
    # Project counts printed twice are reported once, by check_repeated_counts.
    for table, value in (("financements", "montant"),):
        frame = territory.table(table)
        if frame.empty:
            continue
        frame = frame[frame["mesure"] != "evolution"].copy()
        keys = _key_columns(table)
        frame["_key"] = _row_keys(frame, keys)
        for column, fmt in ((value, lambda v, t=table: _fmt(t, v)), ("part_publiee", pourcent)):
            printed_column = f"{column}_publie"
            filled = frame[frame[column].notna()]
            if column == "part_publiee":
                # « 100 % » on a table's total row is not a figure a sentence restates.
                filled = filled[~((filled["part_publiee"] == 100) & (filled["_key"].str.count(r"\|[^|]") == 1))]
            for _key, group in filled.groupby("_key"):
                by_support = {s: g for s, g in group.groupby("support") if s}
                if "texte" not in by_support or len(by_support) < 2:
                    continue
                for support, other in by_support.items():
                    # A key standing for several figures of a table is not one figure.
                    if support == "texte" or other[column].nunique() > 1:
                        continue
                    reference = other.iloc[0]
                    for _, text in by_support["texte"].drop_duplicates(column).iterrows():
                        tolerance = 0.5 if column == value else rounding_tolerance(min(
                            decimals_of(text[printed_column]), decimals_of(reference[printed_column])))
                        if _is_approximate(text[printed_column]) or abs(text[column] - reference[column]) <= tolerance:
                            continue
                        findings.append(Finding(
                            "texte ≠ tableau",
                            f"{table} {text['annee']} : le texte imprime {text[printed_column]} là où le {support} "
                            f"imprime {reference[printed_column]}",
                            f"texte : {fmt(text[column])}", f"{support} : {fmt(reference[column])}",
                            str(text["source"]), f"{text['section']} / {reference['section']}", territory.id,
                            str(text["annee"])))
    return findings


def _normalised_section(section: str) -> str:
    return re.sub(r"\b(19|20)\d{2}\b", "AAAA", section).strip().lower()


def check_copied_tables(territory: Territory) -> list[Finding]:
    """A table of one year identical, figure for figure, to the same table of another year."""
    findings = []
    for table, value in VALUE.items():
        frame = territory.table(table)
        if frame.empty:
            continue
        frame = _single_year(frame[frame[value].notna()]).copy()
        frame["_section"] = frame["section"].map(_normalised_section)
        for _section, group in frame.groupby("_section"):
            contents = {}
            for annee, rows in group.groupby("annee"):
                signature = tuple(sorted(
                    (tuple(_dims(r, BREAKDOWN[table]).items()), float(r[value]), str(r.get("part_publiee", "")))
                    for _, r in rows.iterrows()))
                if len(signature) >= 3:
                    contents[annee] = (signature, rows)
            for (year_a, (sig_a, rows_a)), (year_b, (sig_b, rows_b)) in combinations(sorted(contents.items()), 2):
                if sig_a == sig_b:
                    findings.append(Finding(
                        "tableau recopié",
                        f"{table} : le tableau {rows_b['section'].iloc[0]} de {year_b} est identique, chiffre "
                        f"pour chiffre ({len(sig_a)} valeurs), à celui de {year_a} : probable copie d'une année "
                        "sur l'autre",
                        f"{year_b} : " + ", ".join(rows_b[f"{value}_publie"]),
                        f"{year_a} : " + ", ".join(rows_a[f"{value}_publie"]),
                        str(rows_b["source"].iloc[0]), str(rows_b["section"].iloc[0]), territory.id, str(year_b)))
    return findings


def check_repeated_counts(territory: Territory) -> list[Finding]:
    """A count printed in two places of the same year with two different values."""
    frame = territory.table("projets")
    findings = []
    if frame.empty:
        return findings
    keys = _key_columns("projets")
    frame = frame[frame["nombre"].notna()].copy()
    frame["_key"] = _row_keys(frame, keys)
    for _key, group in frame.groupby("_key"):
        sections = group.groupby("section")["nombre"].agg(lambda s: tuple(sorted(set(s))))
        # A sub-section (« … – bloc « Les Associations » ») counts a part, not the same thing.
        names = list(sections.index)
        sections = sections[[not any(n != o and n.startswith(o) for o in names) for n in names]]
        if len(sections) < 2 or any(len(v) > 1 for v in sections):
            continue
        values = {v[0] for v in sections}
        if len(values) > 1:
            first = group.iloc[0]
            dims = _dims(first, BREAKDOWN["projets"])
            label = "projets " + {"deposes": "déposés", "soutenus": "soutenus", "porteurs": "(porteurs)"}.get(
                first["mesure"], first["mesure"]) + (f" ({', '.join(_readable(dims).values())})" if dims else "")
            findings.append(Finding(
                "chiffre imprimé deux fois",
                f"{label} {first['annee']} : {len(sections)} passages impriment des nombres différents",
                " / ".join(f"{nombre(v[0])} ({s})" for s, v in sections.items()), None,
                str(first["source"]), " / ".join(sections.index), territory.id, str(first["annee"])))
    return findings


def _tolerance(qualifier: object) -> float:
    from .harmonise import vocabulary

    attributes = vocabulary("qualificatifs").attributes.get(_text(qualifier) or "exact", {})
    return float(attributes.get("tolerance") or 0)


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


FUND_NAMES = {"fcs": {"fondsdecohesionsociale"},
              "fonds_de_concours": {"fondsdeconcours", "fondsdeconcourspolitiquedelaville"}}


def check_fund_totals(territory: Territory) -> list[Finding]:
    """A fund's printed envelope (FCS, fonds de concours) that differs from the sum of its listed operations."""
    from .clean import name_key

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


# ---------------------------------------------------------------------------
# Issue 16: a share against the amounts of the same document, a count against the listed items, two
# passages giving the same quantity. Each finding names both passages.


def _within(printed: float, computed: float, printed_text: str, qualifier: object) -> bool:
    """Whether a computed value agrees with a printed one, given its decimals and its qualifier."""
    rounding = 0.5 * 10 ** -decimals_of(printed_text) + 1e-9
    code = _text(qualifier) or "exact"
    if code == "minimum":
        return computed >= printed - rounding
    if code == "maximum":
        return computed <= printed + rounding
    return abs(computed - printed) <= max(rounding, abs(printed) * _tolerance(code))


def check_shares_against_amounts(territory: Territory) -> list[Finding]:
    """A share printed in a sentence (« 59,6 % des crédits de la programmation sont des crédits spécifiques »)
    against the share the same document's printed amounts give (its part over the year's programmation)."""
    money = territory.table("financements")
    findings = []
    if money.empty:
        return findings
    money = _single_year(money[money["mesure"] == "programmation"])
    dims = list(BREAKDOWN["financements"])
    shares = money[money["part_publiee"].notna() & money["montant"].isna()]
    for _, share in shares.iterrows():
        same = money[(money["source"] == share["source"]) & (money["annee"] == share["annee"])
                     & money["montant"].notna()]
        totals = same[same[dims].apply(lambda c: c.map(_text) == "").all(axis=1)
                      & (same["champ"].map(_text).isin(("", "programmation_contrat")))]
        wanted = _dims(share, dims)
        if not wanted or totals.empty or not {"pilier", "type_credit"} & set(wanted) or "financeur" in wanted:
            continue
        parts = same[same.apply(lambda r: _dims(r, dims) == wanted, axis=1)]  # noqa: B023
        if parts.empty:
            continue
        part, total = parts.iloc[0], totals.sort_values("support").iloc[0]
        computed = 100 * float(part["montant"]) / float(total["montant"])
        if not _within(float(share["part_publiee"]), computed, share["part_publiee_publie"], share["qualificatif"]):
            findings.append(Finding(
                "part imprimée ≠ part des montants du document",
                f"financements {share['annee']} : la part imprimée de « {' / '.join(_readable(wanted).values())} » "
                f"ne correspond pas à {euros(part['montant'])} sur {euros(total['montant'])} imprimés dans le même "
                "document",
                share["part_publiee_publie"], pourcent(computed, max(decimals_of(share["part_publiee_publie"]), 1)),
                str(share["source"]), f"{share['section']} / {part['section']} / {total['section']}", territory.id,
                str(share["annee"])))
    return findings


def check_counts_against_listed_items(territory: Territory) -> list[Finding]:
    """A count of a fund's projects printed in a summary against the operations the document lists."""
    from .clean import name_key

    projects, actions = territory.table("projets"), territory.table("actions")
    findings = []
    if projects.empty or actions.empty:
        return findings
    for dispositif, names in FUND_NAMES.items():
        counts = projects[(projects["mesure"] == "soutenus") & projects["nombre"].notna()
                          & projects["thematique"].map(lambda t: name_key(t) in names)]  # noqa: B023
        for _, count in counts.iterrows():
            listed = actions[(actions["dispositif"] == dispositif) & (actions["annee"] == count["annee"])
                             & (actions["source"] == count["source"])]
            if listed.empty or int(count["nombre"]) == len(listed):
                continue
            findings.append(Finding(
                "nombre ≠ éléments listés",
                f"{count['thematique']} {count['annee']} : le document compte {nombre(count['nombre'])} projets "
                f"et en liste {nombre(len(listed))}",
                nombre(count["nombre"]), nombre(len(listed)), str(count["source"]),
                f"{count['section']} / {listed['section'].iloc[0]}", territory.id, str(count["annee"])))
    return findings


INDICATOR_TABLES = ("contexte", "gouvernance", "participation", "sante", "realisations")


def check_same_quantity_twice(territory: Territory) -> list[Finding]:
    """The same quantity (indicator, perimeter, detail, unit, year) printed by two passages of one document
    with two values that their qualifiers cannot reconcile."""
    findings = []
    for table in INDICATOR_TABLES:
        frame = territory.table(table)
        if frame.empty:
            continue
        frame = frame[frame["valeur"].notna()]
        keys = ["source", "annee", "perimetre", "indicateur", "modalite", "unite"]
        for _key, group in frame.groupby(keys, dropna=False):
            by_section = group.drop_duplicates("section")
            if len(by_section) < 2:
                continue
            first = by_section.iloc[0]
            for _, other in by_section.iloc[1:].iterrows():
                a, b = float(first["valeur"]), float(other["valeur"])
                tolerance = max(_tolerance(first["qualificatif"]), _tolerance(other["qualificatif"]))
                rounding = 0.5 * 10 ** -min(decimals_of(first["valeur_publiee"]), decimals_of(other["valeur_publiee"]))
                if abs(a - b) <= max(rounding, max(abs(a), abs(b)) * tolerance) + 1e-9:
                    continue
                if "minimum" in (first["qualificatif"], other["qualificatif"]) or "maximum" in (
                        first["qualificatif"], other["qualificatif"]):
                    continue  # a bound and a value need not be equal
                findings.append(Finding(
                    "même quantité, deux valeurs",
                    f"{table} {first['annee']} : « {first['indicateur']} » ({first['perimetre']}) est imprimé "
                    f"{first['valeur_publiee']} dans un passage et {other['valeur_publiee']} dans un autre",
                    f"{first['valeur_publiee']} / {other['valeur_publiee']}", None, str(first["source"]),
                    f"{first['section']} / {other['section']}", territory.id, str(first["annee"])))
    return findings


CHECKS: tuple[Callable[[Territory], list[Finding]], ...] = (
    check_totals,
    check_shares,
    check_printed_shares,
    check_text_against_table,
    check_copied_tables,
    check_repeated_counts,
    check_printed_growth,
    check_fund_totals,
    check_granularity,
    check_shares_against_amounts,
    check_counts_against_listed_items,
    check_same_quantity_twice,
)


def run_checks(territory: Territory, year: int | None = None) -> list[Finding]:
    """Every finding for a territory (optionally only those about one year or a period ending then)."""
    findings = [finding for check in CHECKS for finding in check(territory)]
    if year is not None:
        findings = [f for f in findings if not f.annee or str(year) in f.annee or f.annee.endswith(str(year))]
    return findings


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """Findings as a table (for reports and data/processed)."""
    columns = ["categorie", "gravite", "annee", "message", "publie", "calcule", "source", "section", "territoire"]
    return pd.DataFrame([{c: getattr(f, c) for c in columns} for f in findings], columns=columns)

