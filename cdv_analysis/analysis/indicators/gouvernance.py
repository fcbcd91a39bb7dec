"""Gouvernance et coopérations: response rates, questionnaire items with their uncertainty, cooperation levels."""

from __future__ import annotations


import pandas as pd

from ...rules.clean import is_approximate
from ...rules.harmonise import COOPERATION_LEVELS
from ...ingest.load import Territory
from ...rules.stats import compatible_counts, fitting_n, plausible_n, wilson_interval
from ._common import Indicator, Value, filled, of_report, text

__all__ = [
    "COOPERATION_LEVELS",
    "MEAN_LEVEL_CAVEAT",
    "response_rates",
    "survey_items",
    "survey_table",
    "survey_crosstab",
    "question_fits",
    "cooperation_levels",
    "cooperation_means",
]

# Level → label of the cooperation scale (vocabulaires/echelles.yml, through harmonise).
MEAN_LEVEL_CAVEAT = (
    "Le niveau moyen traite l'échelle de coopération (1 à 5) comme des intervalles égaux, ce qu'elle "
    "n'est pas : c'est un repère de comparaison entre partenaires, pas une mesure."
)


def response_rates(territory: Territory) -> pd.DataFrame:
    """Questionnaires sent and answered, computed response rate and the rate the report prints (as printed and as a
    number), with the source and section of the printed rate (else of the number sent)."""
    table = territory.table("gouvernance")
    columns = ["enquete", "envoyes", "repondants", "taux", "taux_publie", "taux_imprime", "source", "section"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for audience, group in table[filled(table, "perimetre")].groupby("perimetre", sort=False):
        def pick(pattern: str, unit: str | None = None) -> float | None:
            match = group[group["indicateur"].str.contains(pattern, case=False, regex=True)  # noqa: B023 (used within the iteration)
                          & group["valeur"].notna()]  # noqa: B023 (used within the iteration)
            if unit:
                match = match[match["unite"] == unit]
            return float(match["valeur"].iloc[0]) if not match.empty else None

        sent = pick(r"envoy")
        answered = pick(r"ayant répondu|répondants|réponses reçues")
        if sent is None or answered is None:
            continue
        printed = group[group["indicateur"].str.contains("taux de réponse", case=False)]
        where = printed if not printed.empty else group[group["indicateur"].str.contains("envoy", case=False)]
        rows.append({"enquete": audience, "envoyes": int(sent), "repondants": int(answered),
                     "taux": 100 * answered / sent,
                     "taux_publie": printed["valeur_publiee"].iloc[0] if not printed.empty else None,
                     "taux_imprime": float(printed["valeur"].iloc[0]) if not printed.empty else None,
                     "source": text(where["source"].iloc[0]), "section": text(where["section"].iloc[0])})
    return pd.DataFrame(rows, columns=columns)


def survey_table(territory: Territory, enquete: str | None = None, volet: str | None = None,
                 annee: int | str | None = None, crossed: bool = False) -> pd.DataFrame:
    """The ``enquetes`` rows of one questionnaire, section (``volet``) and report year.

    Whole-questionnaire counts by default; ``crossed`` gives the counts by group of the crossing attribute.
    """
    items = of_report(territory, territory.table("enquetes"), annee)
    items = items[(items["groupe"] != "") == crossed]
    if enquete:
        items = items[items["enquete"] == enquete]
    if volet:
        items = items[items["volet"] == volet]
    return items


def survey_crosstab(territory: Territory, enquete: str | None = None, annee: int | str | None = None) -> pd.DataFrame:
    """Counts by group of the crossing attribute (``cdv importer questionnaire``), with n and Wilson 95 % bounds."""
    items = survey_table(territory, enquete, annee=annee, crossed=True)
    rows = []
    for item in items.itertuples():
        low, high = (100 * b for b in wilson_interval(int(item.effectif), int(item.n_repondants)))
        rows.append({"enquete": item.enquete, "croisement": item.croisement, "groupe": item.groupe,
                     "question": item.question, "modalite": item.modalite, "effectif": item.effectif,
                     "n": item.n_repondants, "pourcentage": item.pourcentage, "ic_bas": low, "ic_haut": high,
                     "source": item.source})
    return pd.DataFrame(rows, columns=["enquete", "croisement", "groupe", "question", "modalite", "effectif", "n",
                                       "pourcentage", "ic_bas", "ic_haut", "source"])


def question_fits(items: pd.DataFrame) -> dict[tuple, list[int]]:
    """For each question (enquete, question) whose number of respondents is not printed for that question
    (``n_origine`` = ``questionnaire``: the questionnaire's respondents, an upper bound), the numbers
    n ≤ that bound for which every printed value of the question comes from a whole count (GRIM).

    Questions are never pooled: each has its own, unknown, number of respondents.
    """
    from ...rules.harmonise import vocabulary

    tolerances = {code: float(vocabulary("qualificatifs").attributes[code].get("tolerance") or 0)
                  for code in vocabulary("qualificatifs").labels}
    fits: dict[tuple, list[int]] = {}
    bounded = items[(items["n_origine"] == "questionnaire") & items["n_repondants"].notna()
                    & items["pourcentage"].notna()]
    for key, group in bounded.groupby(["enquete", "question"], sort=False):
        printed = [(text(r["pourcentage_publie"]), r["qualificatif"], tolerances.get(r["qualificatif"], 0))
                   for _, r in group.iterrows() if not any(c in text(r["pourcentage_publie"]) for c in "¾½¼/")]
        if printed:
            fits[key] = fitting_n(printed, int(group["n_repondants"].max()))
    return fits


def survey_items(territory: Territory, enquete: str | None = None, volet: str | None = None,
                 annee: int | str | None = None) -> pd.DataFrame:
    """Each questionnaire item with its number of respondents and, when that number is printed for the
    question, its count and a Wilson 95 % interval.

    No count is ever derived from an assumed number of respondents: when only the questionnaire's
    respondents are known (``n_origine`` = ``questionnaire``), ``n`` is an upper bound (``n_borne``),
    ``n_compatibles`` lists the n ≤ that bound that give every printed value of the question, and
    ``possible`` is False when none does. With a printed n, the count is the printed one or the only
    whole number that gives the printed percentage.
    """
    items = survey_table(territory, enquete, volet, annee)
    fits = question_fits(items)
    rows = []
    for _, item in items.iterrows():
        n = item["n_repondants"]
        printed = text(item["pourcentage_publie"])
        count, possible, low, high, compatible = item["effectif"], None, None, None, None
        bounded = text(item["n_origine"]) == "questionnaire"
        if bounded and (item["enquete"], item["question"]) in fits:
            compatible = fits[(item["enquete"], item["question"])]
            possible = bool(compatible)
        elif pd.notna(n) and printed and not is_approximate(printed):
            candidates = compatible_counts(printed, int(n))
            possible = bool(candidates)
            if pd.isna(count) and len(candidates) == 1:
                count = candidates[0]
        if pd.notna(n) and pd.notna(count) and int(n) > 0 and not bounded:
            low, high = (100 * bound for bound in wilson_interval(int(count), int(n)))
        rows.append({"enquete": item["enquete"], "axe": item["axe"], "question": item["question"],
                     "modalite": item["modalite"], "pourcentage": item["pourcentage"],
                     "pourcentage_publie": printed, "qualificatif": item["qualificatif"],
                     "qualificatif_mot": item["qualificatif_mot"], "n": n, "n_borne": bounded,
                     "n_compatibles": ", ".join(map(str, compatible)) if compatible else "",
                     "effectif": count, "possible": possible,
                     "ic_bas": low, "ic_haut": high, "n_origine": item["n_origine"], "source": item["source"],
                     "section": item["section"]})
    result = pd.DataFrame(rows)
    if not result.empty:
        result["effectif"] = pd.array(result["effectif"], dtype="Int64")
        result["n"] = pd.array(result["n"], dtype="Int64")
    return result


def cooperation_levels(territory: Territory, enquete: str | None = None, annee: int | str | None = None) -> Indicator:
    """Partner × level (1–5) table of printed percentages (counted ones for an imported questionnaire)."""
    table = of_report(territory, territory.table("cooperation"), annee)
    if enquete:
        table = table[table["enquete"] == enquete]
    if table.empty:
        return Indicator(pd.DataFrame())
    pivot = table.pivot_table(index="partenaire", columns="niveau", values="pourcentage", aggfunc="first", sort=False)
    pivot = pivot.reindex(columns=sorted(COOPERATION_LEVELS)).rename(columns=COOPERATION_LEVELS)
    pivot.columns.name = "niveau"
    source, section = table["source"].iloc[0], table["section"].iloc[0]
    printed = [p for p in table["pourcentage_publie"] if text(p)]  # counted shares are not printed
    return Indicator(pivot, {
        "n_publie": Value(sorted(set(table.loc[table["pourcentage_publie"].map(text) != "", "n_repondants"]
                                     .dropna().astype(int))), source, section),
        "n_plausibles": Value(plausible_n(printed, n_max=100) if printed else [], source, section),
    }, (source,))


def cooperation_means(territory: Territory, enquete: str | None = None, annee: int | str | None = None) -> pd.DataFrame:
    """Mean cooperation level per partner (see ``MEAN_LEVEL_CAVEAT``), and the dominant level."""
    table = of_report(territory, territory.table("cooperation"), annee)
    if enquete:
        table = table[table["enquete"] == enquete]
    rows = []
    for partner, group in table.groupby("partenaire", sort=False):
        weights = group["pourcentage"].astype(float)
        if weights.sum() <= 0:
            continue
        dominant = group.loc[weights.idxmax()]
        rows.append({"partenaire": partner,
                     "niveau_moyen": float((group["niveau"].astype(float) * weights).sum() / weights.sum()),
                     "niveau_dominant": COOPERATION_LEVELS[int(dominant["niveau"])],
                     "part_niveau_dominant": float(dominant["pourcentage"]),
                     "part_niveaux_4_5": float(weights[group["niveau"] >= 4].sum()),
                     "somme_publiee": float(weights.sum())})
    result = pd.DataFrame(rows)
    return result.sort_values("niveau_moyen", ascending=False).reset_index(drop=True) if rows else result


