"""The consistency checks find the mistakes printed in the source reports, and only those."""

from __future__ import annotations

import dataclasses

from cdv_analysis.analysis.checks import (
    check_copied_tables,
    check_fund_totals,
    check_granularity,
    check_printed_growth,
    check_repeated_counts,
    check_shares,
    check_text_against_table,
    check_totals,
    run_checks,
)


def _values(findings):
    return {(f.publie, f.calcule) for f in findings}


def test_text_total_contradicting_table_2021_and_2022(cabbalr):
    findings = check_text_against_table(cabbalr)
    published = {f.publie.replace("\u202f", " ").replace("\u00a0", " ") for f in findings}
    assert "texte : 6 931 143 €" in published
    assert "texte : 5 955 899 €" in published
    assert all(f.categorie == "texte ≠ tableau" for f in findings)


def test_shares_summing_to_109_percent_in_2019(cabbalr):
    findings = check_shares(cabbalr)
    assert len(findings) == 1
    assert findings[0].annee == "2019" and "109,2" in findings[0].calcule


def test_associative_table_copied_from_2021_to_2022(cabbalr):
    [finding] = check_copied_tables(cabbalr)
    assert finding.annee == "2022" and "2021" in finding.message


def test_project_counts_printed_with_two_values_in_2019(cabbalr):
    findings = check_repeated_counts(cabbalr)
    assert {f.annee for f in findings} == {"2019"}
    assert any("129" in f.publie and "127" in f.publie for f in findings)


def test_totals_that_do_add_up_raise_nothing(cabbalr):
    # 2021 and 2022 pillar tables, FCS axes and crédits spécifiques all add up in the sources.
    assert [f for f in check_totals(cabbalr) if f.annee in {"2021", "2022"}] == []


def test_granularity_finds_impossible_percentages_and_the_real_n(call):
    findings = check_granularity(call)
    messages = " ".join(f.message for f in findings)
    # 63,7 % and 52,7 %: no n from 1 to 19 gives them (each question tested on its own).
    assert "63,7 %" in messages and "52,7 %" in messages
    cooperation = [f for f in findings if "coopération" in f.message]
    # One discrepancy, one finding (it was reported twice, « pourcentages impossibles » and « effectif incohérent »):
    # 24 of the 25 printed shares are impossible with 19 (only 0 % is possible), every one is k/21 (4,8 = 1/21,
    # 52,4 = 11/21, 19 = 4/21…), and it names both passages: the table and the one printing the 19 respondents.
    assert [f.categorie for f in cooperation] == ["effectif incohérent"]
    (finding,) = cooperation
    assert finding.publie == "n = 19" and finding.calcule == "n = 21, n = 42, n = 63"
    assert "24 pourcentages sur 25 ne peuvent résulter d'aucun nombre entier de répondants sur 19" in finding.message
    assert "effectifs compatibles avec tous les pourcentages publiés (≤ 200) : 21, 42, 63" in finding.message
    assert finding.section == ("03. L'évaluation finale – POUR LES COMMUNES – degré de coopération estimé entre les "
                               "communes et les principaux signataires du Contrat de Ville (tableau) / 02. L'élaboration "
                               "de l'évaluation – Une méthode au service de la mise en synergie de tous les acteurs – "
                               "LES COMMUNES: 19 questionnaires, 19 auditions")
    # 42,1 % of 19 is possible (8/19): never reported.
    assert "42,1 % (" not in messages


def test_granularity_does_not_assume_every_respondent_answered(call):
    # Issue 16: associations 47 % (7/15) and 35,7 % (5/14) are possible with fewer than the 21 respondents,
    # and questions with different n are never pooled into one « effectif incohérent ».
    findings = check_granularity(call)
    messages = " ".join(f.message for f in findings)
    assert "47 %" not in messages and "35,7 %" not in messages
    assert not [f for f in findings if f.categorie == "effectif incohérent" and "questionnaire des" in f.message]
    assert not [f for f in findings if "questionnaire des associations" in f.message]


def test_approximate_amounts_are_compared_within_their_tolerance(call):
    # « près 3 900 000 » → « près 5 760 000 » gives 47,7 % exactly, but 47 % is within the qualifier's margin.
    assert check_printed_growth(call) == []
    money = call.table("financements").assign(qualificatif="exact")
    exact = dataclasses.replace(call, tables={**call.tables, "financements": money})
    findings = check_printed_growth(exact)
    assert len(findings) == 2 and all("47,7" in f.calcule for f in findings)


def test_valider_no_longer_reports_the_five_false_discrepancies(call):
    findings = [str(f) for f in run_checks(call)]
    assert not [f for f in findings if "évolution imprimée" in f]
    assert not [f for f in findings if "47 % (fonction du répondant" in f or "35,7 % (participation" in f]
    assert not [f for f in findings if "effectif incohérent" in f and "questionnaire des" in f]
    # 63,7 %, 52,7 % and the cooperation table, once (it was counted twice: 4 findings).
    assert len(findings) == 3


def test_findings_are_filtered_by_year(cabbalr):
    assert {f.annee for f in run_checks(cabbalr, 2021)} <= {"2021", ""}
    assert run_checks(cabbalr, 2019) and all(f.annee in {"2019", ""} for f in run_checks(cabbalr, 2019))


def test_findings_are_french_and_cite_their_source(cabbalr, call):
    for territory in (cabbalr, call):
        for finding in run_checks(territory):
            text = str(finding)
            assert "source :" in text and finding.source in territory.sources
            assert "nan" not in text.lower().split()


def test_cli_prints_findings_after_validation(raw_dir, capsys):
    from cdv_analysis.cli import main

    assert main(["valider", "--donnees", str(raw_dir)]) == 0
    out = capsys.readouterr().out
    assert "incohérences relevées dans les sources" in out
    assert "6 931 143" in out.replace("\u202f", " ").replace("\u00a0", " ")


def test_fonds_de_concours_2022_rows_do_not_add_up_to_the_printed_envelope(cabbalr):
    findings = check_fund_totals(cabbalr)
    assert [(f.annee, f.publie) for f in findings] == [("2022", "391 934 €")]
    assert "391 987" in findings[0].calcule.replace("\u202f", " ")


def _with(territory, table, frame):
    return dataclasses.replace(territory, tables={**territory.tables, table: frame})


def test_new_checks_are_silent_on_consistent_sources(cabbalr, call):
    from cdv_analysis.analysis.checks import (check_counts_against_listed_items, check_same_quantity_twice,
                                     check_shares_against_amounts)

    for territory in (cabbalr, call):
        assert check_shares_against_amounts(territory) == []  # 59,6 %, 39 %, 68,3 %, 73 % all agree
        assert check_counts_against_listed_items(territory) == []  # 31 FCS projects, 31 listed
        assert check_same_quantity_twice(territory) == []


def test_a_printed_share_is_checked_against_the_amounts_of_its_document(cabbalr):
    from cdv_analysis.analysis.checks import check_shares_against_amounts

    money = cabbalr.table("financements").copy()
    row = money.index[(money["part_publiee_publie"] == "59,6%")][0]
    money.loc[row, ["part_publiee", "part_publiee_publie"]] = [65.0, "65 %"]
    (finding,) = check_shares_against_amounts(_with(cabbalr, "financements", money))
    # 4 132 530 € of specific credits over the 6 931 463 € of the same report: 59,6 %, not 65 %.
    assert finding.publie == "65 %" and finding.calcule.replace("\u202f", " ").startswith("59,6")
    assert finding.section.count(" / ") == 2  # the sentence, the part's table and the total's table


def test_a_count_is_checked_against_the_items_its_document_lists(cabbalr):
    from cdv_analysis.analysis.checks import check_counts_against_listed_items

    projects = cabbalr.table("projets").copy()
    row = projects.index[(projects["annee"] == "2022") & (projects["thematique"] == "Fonds de Cohésion Sociale")][0]
    projects.loc[row, "nombre"] = 30
    (finding,) = check_counts_against_listed_items(_with(cabbalr, "projets", projects))
    assert (finding.publie, finding.calcule) == ("30", "31") and " / " in finding.section


def test_two_passages_giving_the_same_quantity_are_compared(call):
    from cdv_analysis.analysis.checks import check_same_quantity_twice

    context = call.table("contexte").copy()
    rows = context.index[(context["indicateur"] == "quartiers prioritaires") & (context["perimetre"] == "EPCI")]
    assert context.loc[rows, "section"].nunique() >= 2
    context.loc[rows[-1], ["valeur", "valeur_publiee"]] = [22.0, "22"]
    findings = check_same_quantity_twice(_with(call, "contexte", context))
    assert len(findings) == 1 and "21" in findings[0].publie and "22" in findings[0].publie
    assert " / " in findings[0].section
