"""French sentences written from the embedded data: figures, agreement, quotations, missing data."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cdv_analysis.analysis import checks, indicators as ind
from cdv_analysis.presentation import narrative as nr
from cdv_analysis.rules.formatting import euros, guillemets
from cdv_analysis.analysis.indicators._common import Indicator, Value


def plain(text: str) -> str:
    """What a reader sees: Markdown escapes removed, no-break spaces as plain spaces."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u202f", " ").replace("\u00a0", " ")


def survey(territory, enquete: str) -> pd.DataFrame:
    items = ind.survey_items(territory)
    return items[items["enquete"] == enquete]


@pytest.fixture(scope="module")
def paragraphs(cabbalr, call) -> dict[str, str]:
    """Every paragraph function on every embedded territory and year."""
    texts = {}
    for t, years in ((cabbalr, (2019, 2021, 2022)), (call, (2022,))):
        for y in years:
            texts |= {
                f"{t.id} {y} piliers": nr.pillar_paragraph(ind.pillar_amounts(t, y), y),
                f"{t.id} {y} crédits": nr.credit_types_paragraph(ind.credit_types(t, y), y),
                f"{t.id} {y} financeurs": nr.financer_paragraph(ind.financer_mix(t, y), y),
                f"{t.id} {y} sélection": nr.selection_paragraph(ind.project_selection(t, y)),
                f"{t.id} {y} associations": nr.associative_paragraph(ind.associative_projects(t, y)),
                f"{t.id} {y} fcs": nr.fund_paragraph(ind.fund_projects(t, y)),
                f"{t.id} {y} constats": nr.findings_list(checks.run_checks(t, y)),
            }
        texts |= {
            f"{t.id} évolution": nr.growth_paragraph(ind.growth(ind.programmation_series(t))),
            f"{t.id} bilan": nr.contract_record_paragraph(ind.contract_record(t)),
            f"{t.id} réponses": nr.response_paragraph(ind.response_rates(t)),
            f"{t.id} coopération": nr.cooperation_paragraph(ind.cooperation_means(t), ind.cooperation_levels(t)),
            f"{t.id} santé": nr.health_paragraph(ind.health_actions(t), ind.actions_by_public(t)),
            f"{t.id} contexte": nr.qpv_gaps_paragraph(ind.qpv_gaps(t)),
            f"{t.id} énoncés": nr.statements_list(ind.statements(t)),
        }
    for enquete in ("communes", "associations", "conseils_citoyens"):
        texts[f"call enquête {enquete}"] = nr.survey_paragraph(survey(call, enquete), "unité", "unités")
    return texts


# ---------------------------------------------------------------------------
# Missing data


@pytest.mark.parametrize("write", [
    lambda f: nr.pillar_paragraph(f, 2022),
    lambda f: nr.credit_types_paragraph(f, 2022),
    lambda f: nr.financer_paragraph(f, 2022),
    nr.growth_paragraph,
    nr.contract_record_paragraph,
    nr.response_paragraph,
    nr.fund_paragraph,
    nr.statements_list,
    nr.qpv_gaps_paragraph,
    lambda f: nr.survey_paragraph(f, "commune", "communes"),
    lambda f: nr.cooperation_paragraph(f, pd.DataFrame()),
    lambda f: nr.health_paragraph(f, pd.DataFrame()),
])
def test_empty_input(write) -> None:
    assert write(pd.DataFrame()) == ""


def test_missing_tables_of_a_territory(call) -> None:
    """A paragraph without data says nothing; the synthesis box names the file once."""
    assert nr.pillar_paragraph(ind.pillar_amounts(call, 2022), 2022) == ""
    assert nr.selection_paragraph(ind.project_selection(call, 2022)) == ""
    assert nr.associative_paragraph(ind.associative_projects(call, 2022)) == ""
    box = nr.not_covered_box(ind.uncovered_topics(call))
    # Subjects, not files (issue 16): the file names stay in cdv valider and the build log.
    assert "call/projets" not in box and "data/raw" not in box and "les projets déposés et soutenus" in box


# ---------------------------------------------------------------------------
# Programmation


def test_pillars_cabbalr_2021(cabbalr) -> None:
    text = nr.pillar_paragraph(ind.pillar_amounts(cabbalr, 2021), 2021)
    assert euros(6_931_463) in text and euros(4_734_927) in text
    assert plain(text).startswith(
        "En 2021, la programmation s'élève à 6 931 463 € (total imprimé). "
        "Le pilier « Cohésion sociale » en reçoit la plus grande part : 4 734 927 €, soit 68,3 %.")
    assert "« Pilotage du contrat » (64 300 €, soit 0,9 %)" in plain(text)
    assert plain(text).endswith("Méthode : tableau de répartition par pilier.")


def test_pillars_summed_from_credits_cabbalr_2019(cabbalr) -> None:
    text = plain(nr.pillar_paragraph(ind.pillar_amounts(cabbalr, 2019), 2019))
    # No printed total: the sentence says the pillars add up, not what the programmation is.
    assert text.startswith("En 2019, les 3 piliers totalisent 3 277 425 €.")
    assert "Méthode : somme des crédits spécifiques et de droit commun par pilier." in text


def test_pillars_shares_only() -> None:
    shares = pd.DataFrame({"libelle": ["Cohésion sociale", "Cadre de vie et renouvellement urbain"],
                           "montant": [float("nan")] * 2, "part": [60.0, 30.0]})
    result = Indicator(shares, {"methode": Value("parts imprimées par pilier (montants non publiés)")})
    text = plain(nr.pillar_paragraph(result, 2020))
    assert "seules les parts des piliers sont publiées" in text
    assert "« Cohésion sociale » en reçoit la plus grande part : 60 %" in text
    assert "Ces parts totalisent 90 % et non 100 %." in text
    assert "Méthode : parts imprimées par pilier (montants non publiés)." in text


def test_credit_types_cabbalr_2021(cabbalr) -> None:
    text = plain(nr.credit_types_paragraph(ind.credit_types(cabbalr, 2021), 2021))
    assert "4 132 530 € sur 6 931 463 €, soit 59,6 %" in text
    assert ("va de 49,9 % pour le pilier « Emploi et développement économique » à 92,8 % "
            "pour le pilier « Cadre de vie et renouvellement urbain »") in text


def test_financers(cabbalr, call) -> None:
    shares = plain(nr.financer_paragraph(ind.financer_mix(cabbalr, 2019), 2019))
    assert "35,3 % pour État – crédits spécifiques (ANCT, BOP 147)" in shares
    assert "Les parts imprimées totalisent 109,2 % et non 100 %." in shares
    amounts = plain(nr.financer_paragraph(ind.financer_mix(cabbalr, 2022), 2022))
    # The two printed ANCT lines (« BOP 147 », « QE 2022 ») are one financer.
    assert "(crédits spécifiques) totalisent 2 312 715 €" in amounts
    assert "1 882 511 € (81,4 %) pour État" in amounts
    # CALL prints only the Région's envelope: one financer is not a breakdown by financer.
    assert ind.financer_mix(call, 2022).empty
    assert nr.financer_paragraph(ind.financer_mix(call, 2022), 2022) == ""


def test_selection_cabbalr_2021(cabbalr) -> None:
    text = nr.selection_paragraph(ind.project_selection(cabbalr, 2021))
    # « Sur les 141 projets déposés, 122 actions ont été soutenues au titre des crédits de l'ANCT » (003_…).
    assert plain(text).replace("\\", "") == ("En 2021, sur 141 projets déposés, 122 ont été soutenus (au titre des "
                                             "crédits de l'ANCT), soit 86,5 %.")


@pytest.mark.parametrize("filed, supported, expected", [
    (1, 1, "sur 1 projet déposé, 1 a été soutenu, soit 100,0 %."),
    (2, 2, "sur 2 projets déposés, 2 ont été soutenus, soit 100,0 %."),
    (3, 0, "sur 3 projets déposés, aucun n'a été soutenu, soit 0,0 %."),
])
def test_selection_agreement(filed, supported, expected) -> None:
    selection = pd.DataFrame([{"annee": "2020", "deposes": filed, "soutenus": supported,
                               "taux_selection": 100 * supported / filed}])
    assert plain(nr.selection_paragraph(selection)) == f"En 2020, {expected}"


def test_associative_projects_cabbalr_2021(cabbalr) -> None:
    text = plain(nr.associative_paragraph(ind.associative_projects(cabbalr, 2021)))
    # 75 (a table) and 122 (a sentence) are counts of two passages: not divided into a share.
    assert text.startswith("75 projets soutenus sont portés par des associations ; le rapport compte par ailleurs "
                           "122 projets soutenus au total, dans un autre passage.")
    assert "61,5" not in text
    assert "« Cohésion sociale » (54 projets, 72 %)" in text
    assert "« Pilotage du contrat » (1 projet, 1,3 %)" in text


def test_fund_cabbalr_2022(cabbalr) -> None:
    result = ind.fund_projects(cabbalr, 2022)
    fund = result.table
    text = plain(nr.fund_paragraph(result))
    assert text.startswith("En 2022, 31 projets sont financés au titre du dispositif "
                           "« Fonds de Cohésion Sociale », pour un total de 97 918 €.")
    assert "1 projet, 15 000 €" in text
    for axis in fund["axe"]:
        assert plain(guillemets(axis)) in text


def test_growth_call(call) -> None:
    text = plain(nr.growth_paragraph(ind.growth(ind.programmation_series(call))))
    # What the amounts cover (all schemes, not the programmation) and their « près de » travel with them.
    assert text.startswith("De 2016 à 2022, le montant (total des financements politique de la ville (tous "
                           "dispositifs)) passe de près de 3 900 000 € à près de 5 760 000 € : une hausse d'environ "
                           "48 % (montants approchés).")
    assert "Montant intermédiaire : près de 4 586 000 € en 2019." in text
    assert "47,7" not in text and "1 860 000" not in text


def test_growth_single_year() -> None:
    series = pd.DataFrame({"annee": [2022], "montant": [100.0], "montant_publie": ["100 €"]})
    assert plain(nr.growth_paragraph(ind.growth(series))) == (
        "Un seul montant annuel (programmation du contrat de ville) est disponible : 100 € en 2022.")


def test_contract_record_cabbalr(cabbalr) -> None:
    text = plain(nr.contract_record_paragraph(ind.contract_record(cabbalr)))
    assert text.startswith("Sur la période 2015-2022, le bilan imprimé compte 1 263 projets déposés, "
                           "1 044 projets soutenus et 789 projets soutenus portés par des associations.")
    # Issue 16: each sum named by what the source says it covers. « dont 13 586 346 € de crédits A.N.C.T. (Etat)
    # obtenus » is not a programmed amount; « Droit commun (hors DSC et DPV) : 16 925 173 € » keeps its qualifier.
    assert "13 586 346 € (crédits obtenus, crédits spécifiques, A.N.C.T. (Etat))" in text
    assert "16 925 173 € (droit commun (hors DSC et DPV))" in text and "montant programmé" not in text


# ---------------------------------------------------------------------------
# Gouvernance


def test_response_rates_call(call) -> None:
    assert plain(nr.response_paragraph(ind.response_rates(call))) == (
        "19 communes sur 19 ont répondu (100 %) ; 21 associations sur 70 (30 %).")  # 21 / 70 = 30 exactly


def test_survey_communes_call(call) -> None:
    # Issue 16: the n of each question is not printed, so no count is derived (no « 8 communes sur 19 »):
    # the 19 respondents of the questionnaire are an upper bound.
    items = survey(call, "communes")
    first = plain(nr.survey_item_sentence(items.iloc[0], "commune", "communes"))
    # The question (a short rewording) is not between « »: only the source's words are.
    assert first == ("Moyens humains dédiés à la Politique de la Ville, "
                     "réponse « insuffisants » : 42,1 %, sur au plus 19 communes ayant répondu au questionnaire "
                     "(nombre de répondants à la question non publié ; effectifs compatibles avec les pourcentages "
                     "imprimés : 19).")
    text = plain(nr.survey_paragraph(items, "commune", "communes"))
    assert " sur 19," not in text and "soit" not in text
    assert "63,7 %, sur au plus 19 communes ayant répondu au questionnaire ; aucun nombre de communes de 1 à 19 " \
           "ne donne ce pourcentage" in text
    # « 72,2% » is printed without its space; the sentence restores it.
    assert "72,2 %, sur au plus 19" in text
    assert "- **Votre regard sur la Politique de la Ville**" in text
    assert all(re.match(r"( {4})?- ", line) for line in text.splitlines())


def test_survey_other_cases(call) -> None:
    associations = plain(nr.survey_paragraph(survey(call, "associations"), "association", "associations"))
    # 47 % fits 15, 17 or 19 respondents; 35,7 % with 42,9 % and 28,6 % of the same question fits 14.
    assert "47 %, sur au plus 21 associations" in associations and "compatibles avec les pourcentages imprimés : 15, 17, 19" in associations
    assert "imprimés : 14)" in associations
    # Printed values stay as printed: 57 % is not 57,1 %.
    assert "57 %, sur au plus 21" in associations and "57,1" not in associations and "81,0" not in associations
    assert "plus de 60 %, sur au plus 21 associations ayant répondu au questionnaire" in associations
    # Items without an axis open the list rather than fall under the last heading.
    assert associations.startswith("- Domaine d'intervention principal, réponse")
    councils = plain(nr.survey_paragraph(survey(call, "conseils_citoyens"), "conseil citoyen", "conseils citoyens"))
    assert "43 % (nombre de répondants non publié)." in councils


def test_survey_item_counts() -> None:
    row = pd.Series({"question": "q", "modalite": "oui", "n": 5, "effectif": 1, "ic_bas": 3.6, "ic_haut": 62.4,
                     "pourcentage_publie": "20 %", "pourcentage": 20.0, "possible": True})
    assert "1 commune sur 5 (20 % imprimés)" in plain(nr.survey_item_sentence(row, "commune", "communes"))
    row = pd.Series({**row, "n": pd.NA, "effectif": 3, "pourcentage_publie": "", "pourcentage": float("nan")})
    assert plain(nr.survey_item_sentence(row, "commune", "communes")) == (
        "Q, réponse « oui » : 3 communes (nombre de répondants non publié).")


def test_cooperation_call(call) -> None:
    text = plain(nr.cooperation_paragraph(ind.cooperation_means(call), ind.cooperation_levels(call)))
    assert text.startswith("Le niveau moyen de coopération le plus élevé est celui du partenaire « Etat » "
                           "(3,05 sur 5), le plus bas celui du partenaire « Région » (1,86 sur 5).")
    assert "33,3 % pour « Etat »" in text and "9,5 % pour « Région »" in text
    assert ind.MEAN_LEVEL_CAVEAT in text
    assert ("Le rapport indique 19 répondants ; les effectifs compatibles avec tous les pourcentages publiés "
            "(jusqu'à 100) sont 21, 42, 63 et 84.") in text


# ---------------------------------------------------------------------------
# Santé, contexte, statements, findings


def test_health_call(call) -> None:
    text = plain(nr.health_paragraph(ind.health_actions(call), ind.actions_by_public(call)))
    assert ("Le nombre d'actions de santé financées passe de 3 actions en 2015 à 22 actions en 2022, "
            "soit une multiplication par 7,3.") in text
    assert "de 12 337 € en 2015 à 207 654 € en 2022, soit une multiplication par 16,8." in text
    assert "adultes (26 %), jeunes (18 %) et enfants (14 %)" in text


def test_qpv_gaps_call_keeps_qualifiers_and_computes_no_gap(call) -> None:
    # Issue 16: « jusqu'à 53 % » against « environ 26 % », the year not printed: no « (2022) », no « +27 points ».
    text = plain(nr.qpv_gaps_paragraph(ind.qpv_gaps(call, 2022)))
    assert ("part de la population vivant en dessous du seuil de pauvreté (année non précisée) : jusqu'à 53 % "
            "dans les QPV contre environ 26 % dans l'EPCI") in text
    assert "points" not in text and "(2022)" not in text


def test_key_figures_sentence_by_key(cabbalr, call) -> None:
    text = plain(nr.key_figures_paragraph(ind.key_figures(call, 2022), call.nom, 2022))
    assert ("le total des financements de la politique de la ville, tous dispositifs et financeurs confondus, "
            "représente près de 5 760 000 €") in text and "programmation" not in text
    text = plain(nr.key_figures_paragraph(ind.key_figures(cabbalr, 2019), cabbalr.nom, 2019))
    assert "la programmation du contrat de ville représente 5 530 289 €" in text
    assert "le pilier « Cohésion sociale » reçoit 70,6 % des 3 277 425 € répartis par pilier" in text


def test_qpv_gaps_cabbalr(cabbalr) -> None:
    text = plain(nr.qpv_gaps_paragraph(ind.qpv_gaps(cabbalr)))
    assert text.startswith("Les plus grands écarts en points : taux de pauvreté (année non précisée) : 43 % dans "
                           "les QPV contre 20 % dans le reste de l'EPCI, soit +23 points")
    assert ("revenu médian (2013) : 1 077 € dans les QPV contre 1 476 € dans l'EPCI, "
            "soit un rapport de 0,73") in text


def test_statements_quoted_verbatim_and_nested(call) -> None:
    statements = ind.statements(call)
    text = plain(nr.statements_list(statements))
    for _, row in statements.iterrows():
        if row["nature"] == "intitule":  # a heading of the source (issue 16): its plain words, never a quotation
            assert plain(guillemets(row["texte"])) not in text and f"- *{plain(row['texte'])}*" in text
        else:
            assert plain(guillemets(row["texte"])) in text
    assert (statements["nature"] == "intitule").sum() >= 6  # the two tables of missions, the « 4 séries de moyens »
    lines = text.splitlines()
    # Issue 18: each quotation is marked up as such (<q>), its attribution after it; the document by its short
    # title, never its internal id (issue 16).
    assert lines[0] == f"- <q>{plain(guillemets(statements['texte'].iloc[0]))}</q> — agglomération, Rapport d'évaluation finale 2022"
    # e22s-c2 details e22s-c1: nested, and its attribution (the same) is not repeated.
    assert lines[1] == f"    - <q>{plain(guillemets(statements['texte'].iloc[1]))}</q>"
    # e22s-g4-1 details e22s-g4, itself under e22s-g3: two levels down.
    deep = statements.loc[statements["id"] == "e22s-g4-1", "texte"].iloc[0]
    assert f"\n            - <q>{plain(guillemets(deep))}</q>" in text


def test_statements_limit_and_cycle() -> None:
    statements = pd.DataFrame({"id": ["a", "b", "c", "d"], "rattache_a": ["", "a", "", "d"],
                               "texte": ["un", "deux", "trois", "quatre"], "acteur": ["elus"] * 4,
                               "source": ["s"] * 4})
    text = plain(nr.statements_list(statements, limit=1))
    assert text == "- <q>« un »</q> — élus\n    - <q>« deux »</q>\n- … et 2 autres énoncés."
    assert "« quatre »" in nr.statements_list(statements).replace("\u00a0", " ")


def test_findings(cabbalr) -> None:
    findings = checks.run_checks(cabbalr, 2021)
    text = plain(nr.findings_list(findings))
    assert text.startswith("- **texte ≠ tableau** : financements 2021 : le texte imprime 6 931 143 €")
    assert "(publié : texte : 6 931 143 € ; recalculé : tableau : 6 931 463 €) — source : ra2021, " in text
    assert len(text.splitlines()) == len(findings)
    assert nr.findings_list([]) == "Aucune incohérence n'a été relevée dans les chiffres publiés."


# ---------------------------------------------------------------------------
# Every paragraph


def test_no_missing_value_leaks(paragraphs) -> None:
    leak = re.compile(r"\bnan\b|NaN|None|<NA>|NaT|n\.d\.|\b(19|20)\d\d\.0\b")
    for name, text in paragraphs.items():
        assert not leak.search(text), (name, leak.search(text), text)


def test_no_english_words(paragraphs) -> None:
    english = re.compile(r"\b(the|and|of|with|from|pillar|share|growth|total of|missing|year|amount)\b")
    for name, text in paragraphs.items():
        assert not english.search(text), (name, english.search(text), text)


def test_every_embedded_paragraph_is_written(paragraphs) -> None:
    written = [name for name, text in paragraphs.items() if text]
    assert len(written) >= 30
    for name in written:
        if "énoncés" not in name and "constats" not in name and "enquête" not in name:
            assert paragraphs[name].rstrip().endswith("."), name
