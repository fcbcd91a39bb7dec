"""Survey percentages that no whole number of respondents can produce (GRIM test)."""

from __future__ import annotations

import pandas as pd

from ...rules.clean import cell_text as _text, is_approximate as _is_approximate
from ...rules.formatting import pourcent
from ...ingest.load import Territory
from ...rules.stats import compatible_counts, plausible_n
from .findings import Finding


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
    from ...rules.harmonise import label

    audience = label("acteurs", _text(enquete))
    return f"tableau de coopération ({audience})" if table == "cooperation" else f"questionnaire des {audience}"


def _bounded_granularity(territory: Territory) -> list[Finding]:
    """Questions whose n is not printed: a finding only when no n ≤ the questionnaire's respondents
    gives every printed value of the question (each question on its own, never pooled)."""
    from ..indicators.gouvernance import question_fits

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


def _respondents_passage(territory: Territory, enquete: object, n: int) -> str:
    """The passage that prints the ``n`` respondents of a questionnaire (« communes ayant répondu » : 19), if any."""
    table = territory.table("gouvernance")
    if table.empty:
        return ""
    rows = table[(table["perimetre"].map(_text) == _text(enquete)) & (table["valeur"] == n)
                 & table["indicateur"].str.contains(r"ayant répondu|répondants|réponses reçues", case=False, regex=True)]
    return str(rows["section"].iloc[0]) if not rows.empty else ""


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
        listed = "; ".join(f"{r['pourcentage_publie']} ({r['modalite']}, {r['question']})" for _, r in impossible[:6])
        table_section = str(group["section"].iloc[0])
        year = str(group["annee"].iloc[0] or "") if "annee" in group else ""  # the report a finding belongs to
        if len(impossible) >= 3 and 3 * len(impossible) >= len(group):
            # One discrepancy, one finding: the printed n does not fit, and which n fit every printed value.
            candidates = plausible_n(group["pourcentage_publie"].tolist(), n_max=200)
            where_n = _respondents_passage(territory, enquete, n)
            fitting = (", ".join(map(str, candidates[:8])) + ("…" if len(candidates) > 8 else "") if candidates
                       else "aucun (les pourcentages viennent sans doute de questions à effectifs différents)")
            findings.append(Finding(
                "effectif incohérent",
                f"{_survey_name(table, enquete)} : {len(impossible)} pourcentages sur {len(group)} ne peuvent résulter "
                f"d'aucun nombre entier de répondants sur {n}"
                + (" (effectif imprimé dans un autre passage, nommé avec la source)" if where_n else "")
                + f", par exemple {listed}{'…' if len(impossible) > 6 else ''} ; effectifs compatibles avec tous "
                f"les pourcentages publiés (≤ 200) : {fitting}",
                f"n = {n}", ", ".join(f"n = {c}" for c in candidates[:3]) or None,
                str(group["source"].iloc[0]), f"{table_section} / {where_n}" if where_n else table_section,
                territory.id, year))
            continue
        if len(impossible) > 5:
            findings.append(Finding(
                "pourcentages impossibles",
                f"{_survey_name(table, enquete)} : {len(impossible)} pourcentages sur {len(group)} ne peuvent résulter "
                f"d'aucun nombre entier de répondants sur {n}, par exemple {listed}…",
                f"n = {n}", None, str(group["source"].iloc[0]), table_section, territory.id, year))
            continue
        for _, row in impossible:
            neighbours = sorted(range(n + 1), key=lambda k: abs(100 * k / n - row["pourcentage"]))[:2]
            near = " ; ".join(f"{k} sur {n} = {pourcent(100 * k / n)}" for k in sorted(neighbours))
            findings.append(Finding(
                "pourcentage impossible",
                f"{_survey_name(table, enquete)} : {row['pourcentage_publie']} ({row['question']} — {row['modalite']}) "
                f"ne peut résulter d'aucun nombre entier de répondants sur {n}",
                row["pourcentage_publie"], near, str(row["source"]), str(row["section"]), territory.id,
                str(row.get("annee", "") or "")))
    return findings
