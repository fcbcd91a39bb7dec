"""The same figure in two passages: a sentence against its table, a table copied from another year, a count
printed twice, a share against the amounts of the same document, a count against the listed items, one
quantity with two values. Each finding names both passages."""

from __future__ import annotations

import re
from itertools import combinations

from ...rules.clean import cell_text as _text, is_approximate as _is_approximate
from ...rules.formatting import euros, nombre, pourcent
from ...ingest.load import Territory
from ...rules.stats import decimals_of, rounding_tolerance
from ._common import BREAKDOWN, FUND_NAMES, VALUE, _dims, _fmt, _readable, _row_keys, _single_year, _tolerance
from .findings import Finding


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
    from ...rules.clean import name_key

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
