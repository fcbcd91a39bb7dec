"""Indicators recomputed from the embedded data."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from cdv_analysis.analysis import indicators as ind


def test_cabbalr_2021_pillar_shares_recomputed_from_amounts(cabbalr):
    result = ind.pillar_amounts(cabbalr, 2021)
    pillars = result.table
    assert pillars["pilier"].tolist() == ["cohesion_sociale", "cadre_de_vie", "emploi_economie", "pilotage"]
    assert pillars["montant"].sum() == 6_931_463
    assert result.get("total_publie") == 6_931_463
    assert result.values["total_publie"].source == "ra2021"
    assert pillars["part"].round(1).tolist() == pillars["part_publiee"].astype(float).tolist() == [68.3, 10.5, 20.3, 0.9]


def test_cabbalr_2021_specific_credits_share(cabbalr):
    result = ind.credit_types(cabbalr, 2021)
    credits = result.table
    assert credits["specifique"].sum() == 4_132_530
    assert credits["droit_commun"].sum() == 2_798_933
    share = 100 * credits["specifique"].sum() / credits["total"].sum()
    assert round(share, 1) == 59.6  # the share the report prints
    cadre = credits.set_index("pilier").loc["cadre_de_vie"]
    assert cadre["part_specifique"] == pytest.approx(100 * 672_671 / 724_721)


def test_cabbalr_2022_financers_and_share_of_specific_credits(cabbalr):
    result = ind.financer_mix(cabbalr, 2022)
    mix = result.table
    assert mix["montant"].sum() == 2_312_715
    assert mix.groupby("financeur")["montant"].sum().to_dict() == {
        "anct": 1_882_511, "region": 332_286, "epci": 97_918}
    total = ind.programmation_series(cabbalr).set_index("annee").loc[2022, "montant"]
    assert round(100 * mix["montant"].sum() / total) == 39  # printed « 39 % »


def test_cabbalr_2019_financing_shares_as_printed(cabbalr):
    result = ind.financer_mix(cabbalr, 2019)
    mix = result.table
    assert len(mix) == 8 and mix["montant"].isna().all()
    assert result.get("somme_parts_publiees") == pytest.approx(109.2)


def test_project_selection_rates(cabbalr):
    rates = {year: ind.project_selection(cabbalr, year).iloc[0] for year in (2019, 2021, 2022)}
    assert (rates[2021]["deposes"], rates[2021]["soutenus"]) == (141, 122)
    assert rates[2021]["taux_selection"] == pytest.approx(100 * 122 / 141)
    assert (rates[2022]["deposes"], rates[2022]["soutenus"]) == (171, 132)
    assert (rates[2019]["deposes"], rates[2019]["soutenus"]) == (153, 129)  # 129 printed twice, 127 once


def test_associative_projects_2022(cabbalr):
    result = ind.associative_projects(cabbalr, 2022)
    associative = result.table
    assert associative["nombre"].sum() == result.get("total") == 75
    # 75 associative projects (a table) and 132 supported projects (a sentence) are two passages: not divided.
    assert result.get("part_des_soutenus") is None
    # The CSV behind the paragraph carries the figures it quotes.
    saved = result.to_frame().set_index("chiffre_cle")["valeur"].dropna()
    assert saved["total"] == 75 and saved["soutenus"] == 132


def test_fcs_2022_by_axis(cabbalr):
    result = ind.fund_projects(cabbalr, 2022)
    fund = result.table
    assert fund["projets"].sum() == 31 and fund["montant"].sum() == 97_918
    assert fund["montant"].tolist() == [8_250, 15_000, 26_850, 32_818, 15_000]


def test_call_financing_growth_2016_2022(call):
    growth = ind.growth(ind.programmation_series(call))
    assert growth["annee"].tolist() == [2016, 2019, 2022]
    last = growth.iloc[-1]
    assert last["variation"] == 1_860_000
    assert last["variation_pct"] == pytest.approx(47.69, abs=0.01)
    assert last["tcam"] == pytest.approx(6.72, abs=0.01)


def test_call_response_rates(call):
    rates = ind.response_rates(call).set_index("enquete")
    assert rates.loc["communes", "taux"] == 100
    assert rates.loc["associations", "taux"] == pytest.approx(30.0)
    assert (rates.loc["associations", "envoyes"], rates.loc["associations", "repondants"]) == (70, 21)


def test_call_survey_items_derive_no_count_from_an_assumed_n(call):
    # Issue 16: the n of each question is not printed; 19 is the questionnaire's respondents, an upper bound.
    items = ind.survey_items(call, "communes")
    assert items["effectif"].isna().all() and items["n_borne"].all() and items["ic_bas"].isna().all()
    innovative = items[items["pourcentage_publie"] == "42,1 %"].iloc[0]
    assert innovative["possible"] and innovative["n_compatibles"] == "19"
    associations = ind.survey_items(call, "associations").set_index("modalite")
    assert associations.loc["CLS", "n_compatibles"] == "14"  # 42,9 / 35,7 / 28,6 % fit 14, not 21
    assert associations.loc["cadre", "n_compatibles"] == "15, 17, 19"


def test_call_survey_items_counts_and_intervals(call):
    enquetes = call.table("enquetes").assign(n_origine="publie")  # as if each question's n were printed
    items = ind.survey_items(dataclasses.replace(call, tables={**call.tables, "enquetes": enquetes}), "communes")
    innovative = items[items["pourcentage_publie"] == "42,1 %"].iloc[0]
    assert innovative["effectif"] == 8 and innovative["possible"]
    assert innovative["ic_bas"] == pytest.approx(23.1, abs=0.05)
    assert innovative["ic_haut"] == pytest.approx(63.7, abs=0.05)
    coherence = items[items["pourcentage_publie"] == "63,7 %"].iloc[0]
    assert not coherence["possible"]
    assert pd.isna(coherence["effectif"])


def test_call_cooperation_distribution_and_means(call):
    result = ind.cooperation_levels(call)
    levels = result.table
    assert list(levels.columns) == ["relation", "connexion", "cohésion", "connexion dynamique", "cohésion dynamique"]
    assert levels.loc["Région", "relation"] == pytest.approx(52.4)
    assert result.get("n_publie") == [19] and result.get("n_plausibles")[0] == 21
    means = ind.cooperation_means(call).set_index("partenaire")
    assert means.loc["Etat", "niveau_moyen"] == pytest.approx(
        (1 * 4.8 + 2 * 38.1 + 3 * 23.8 + 4 * 14.3 + 5 * 19) / 100)
    assert means.index[0] == "Etat" and means.index[-1] == "Région"


def test_call_health_actions(call):
    actions = ind.health_actions(call).set_index("annee")
    assert actions.loc[2015, "actions"] == 3 and actions.loc[2022, "actions"] == 22
    assert actions.loc[2022, "montant"] == 207_654
    publics = ind.actions_by_public(call)
    assert publics.set_index("public")["part"].to_dict() == {"adultes": 26, "jeunes": 18, "enfants": 14}


def test_cabbalr_qpv_gaps(cabbalr):
    gaps = ind.qpv_gaps(cabbalr)
    poverty = gaps[gaps["indicateur"] == "taux de pauvreté"].iloc[0]
    assert (poverty["qpv"], poverty["reference"], poverty["perimetre_reference"]) == (43, 20, "reste de l'EPCI")
    assert poverty["ratio"] == pytest.approx(2.15)
    taxed = gaps[gaps["indicateur"] == "part des ménages imposés"].set_index("annee")
    # Two vintages, each against its own reference: never mixed; the synthesis does not print its year.
    assert taxed.loc["2013", "ecart"] == pytest.approx(24 - 45.6)
    assert taxed.loc["année non précisée", "ecart"] == pytest.approx(24 - 45)


def test_qpv_gaps_of_a_report_year_and_their_qualifiers(cabbalr, call):
    # Issue 16: the 2019 report shows the 2019 document's figures only (the 24 % of 2013), not the 2022
    # synthesis (24 % again, undated): two figures that would read as a series.
    gaps_2019 = ind.qpv_gaps(cabbalr, 2019)
    assert set(gaps_2019["source"]) == {"ra2019"}
    assert list(gaps_2019.loc[gaps_2019["indicateur"] == "part des ménages imposés", "annee"]) == ["2013"]
    assert ind.qpv_gaps(cabbalr, 2021).empty
    # CALL: « jusqu'à 53 % » in the QPV against « environ 26 % »: qualifiers kept, no gap in points computed.
    gaps = ind.qpv_gaps(call, 2022)
    poverty = gaps[gaps["indicateur"].str.contains("seuil de pauvreté")].iloc[0]
    assert (poverty["mot_qpv"], poverty["mot_reference"], poverty["annee"]) == ("jusqu'à", "environ",
                                                                                 "année non précisée")
    assert not poverty["comparable"] and pd.isna(poverty["ecart"])


def test_contract_record_2015_2022(cabbalr):
    record = ind.contract_record(cabbalr)
    values = dict(zip(record["libelle"] + " " + record["precision"], record["valeur"]))
    assert values["projets déposés "] == 1263 and values["projets soutenus "] == 1044
    assert values["crédits sollicités crédits spécifiques"] == 26_286_227


def test_printed_figures_name_each_sum_by_what_it_covers(cabbalr, call):
    # Issue 16: « dont 13 586 346 € de crédits A.N.C.T. (Etat) obtenus » and « Droit commun (hors DSC et DPV) :
    # 16 925 173 € » (synthesis 2022), « Total des financements Politique de la Ville … près 5 760 000 euros » (CALL):
    # none is a « montant programmé ».
    synthesis = ind.printed_figures(cabbalr, 2022, "financements")
    labels = dict(zip(synthesis["valeur_publiee"].map(_plain), synthesis["libelle"]))
    assert labels["13 586 346 €"] == "crédits obtenus — A.N.C.T. (Etat) — crédits spécifiques"
    assert labels["16 925 173 €"] == "droit commun (hors DSC et DPV)"
    figures = ind.printed_figures(call, 2022, "financements")
    totals = figures[figures["valeur_publiee"].map(_plain).str.contains("(?:3 900|4 586|5 760) 000 €")]
    assert sorted(totals["valeur_publiee"].map(_plain)) == ["près de 3 900 000 €", "près de 4 586 000 €",
                                                            "près de 5 760 000 €"]
    assert set(totals["libelle"]) == {"total des financements politique de la ville (tous dispositifs)"}


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_key_figures_and_comparison(cabbalr, call):
    figures = ind.key_figures(cabbalr, 2021).set_index("cle")
    assert figures.loc["programmation", "valeur"] == 6_931_463
    assert figures.loc["programmation", "champ"] == "programmation_contrat"
    # The printed share (« 59,6 % des crédits de la programmation »), never recomputed over another base.
    assert _plain(figures.loc["part_credits_specifiques", "valeur_affichee"]) == "59,6 %"
    comparison = ind.comparison_table([cabbalr, call]).set_index(["territoire", "annee"])
    assert comparison.loc[("call", 2022), "programmation_par_habitant_qpv"] == pytest.approx(5_760_000 / 56_000)
    assert comparison.loc[("call", 2022), "champ_programmation"] == "financements_pv_tous_dispositifs"
    assert comparison.loc[("cabbalr", 2022), "evolution_depuis_premiere_annee"] == pytest.approx(
        100 * (5_955_889 - 5_530_289) / 5_530_289)


def test_comparison_row_says_perimeter_base_vintage_and_qualifier(cabbalr, call):
    comparison = ind.comparison_table([cabbalr, call]).set_index(["territoire", "annee"])
    # CALL: « près 5 760 000 euros », total des financements of all schemes, not a programmation; its change
    # (5 760 000 − 3 900 000) / 3 900 000 = 47,7 % is of approximate amounts: « environ +48 % ».
    call_row = comparison.loc[("call", 2022)]
    assert _plain(call_row["programmation_affichee"]) == (
        "près de 5 760 000 € (total des financements politique de la ville (tous dispositifs))")
    assert _plain(call_row["evolution_affichee"]) == "environ +48 % depuis 2016 (montants approchés)"
    # CABBALR 2019: 70,6 % = 2 312 759 / 3 277 425 and 63,1 % = 2 002 135 / 3 174 287, beside 5 530 289 €.
    y2019 = comparison.loc[("cabbalr", 2019)]
    assert y2019["programmation"] == 5_530_289
    assert _plain(y2019["part_cohesion_sociale_affichee"]) == "70,6 % des 3 277 425 € répartis par pilier"
    assert _plain(y2019["part_credits_specifiques_affichee"]).startswith("63,1 % des 3 174 287 € ")
    # 2021: 4 734 927 / 6 931 463 = 68,3 % of the programmation itself: no base to add; printed 59,6 % as printed.
    y2021 = comparison.loc[("cabbalr", 2021)]
    assert _plain(y2021["part_cohesion_sociale_affichee"]) == "68,3 %"
    assert _plain(y2021["part_credits_specifiques_affichee"]) == "59,6 %"
    assert _plain(y2021["evolution_affichee"]) == "+25,3 % depuis 2019"  # (6 931 463 − 5 530 289) / 5 530 289
    # The 39 000 inhabitants of the 21 quartiers of 2022 divide no 2019 or 2021 programmation.
    assert pd.isna(y2019["programmation_par_habitant_qpv"]) and pd.isna(y2021["programmation_par_habitant_qpv"])
    assert comparison.loc[("cabbalr", 2022), "programmation_par_habitant_qpv"] == pytest.approx(5_955_889 / 39_000)


def test_key_figures_carry_their_meaning(cabbalr, call):
    # CALL 2022: the source prints « Total des financements Politique de la Ville … près 5 760 000 euros »,
    # all funders and schemes: not the programmation of the contract, and « près de » is kept.
    figures = ind.key_figures(call, 2022).set_index("cle")
    assert "programmation" not in figures.index
    headline = figures.loc["financements_politique_ville"]
    assert headline["valeur"] == 5_760_000 and _plain(headline["valeur_affichee"]) == "près de 5 760 000 €"
    assert headline["champ"] == "financements_pv_tous_dispositifs" and headline["qualificatif"] == "approche"
    assert _plain(figures.loc["population", "valeur_affichee"]) == "près de 241 934"
    assert _plain(figures.loc["population_qpv", "valeur_affichee"]) == "environ 56 000"
    # CABBALR 2019: the pillar share and the specific-credit share are of 3 277 425 € and 3 174 287 €,
    # not of the 5 530 289 € programmation beside them: the label says so.
    y2019 = ind.key_figures(cabbalr, 2019).set_index("cle")
    assert y2019.loc["programmation", "valeur"] == 5_530_289
    assert "3 277 425 €" in _plain(y2019.loc["part_pilier_principal", "indicateur"])
    assert "3 174 287 €" in _plain(y2019.loc["part_credits_specifiques", "indicateur"])
    # « 39 000 habitants » describes the 21 quartiers of 2022: not a 2019 or 2021 figure.
    assert "population_qpv" not in y2019.index
    assert "population_qpv" not in ind.key_figures(cabbalr, 2021).set_index("cle").index
    assert ind.key_figures(cabbalr, 2022).set_index("cle").loc["population_qpv", "valeur"] == 39_000


def test_statements_are_verbatim_and_filterable(call):
    ideal = ind.statements(call, theme="contrat idéal")
    assert len(ideal) == 9 and set(ideal["nature"]) == {"attente"}
    assert len(ind.statements(call)) == len(call.table("qualitatif"))


def test_agglomeration_envelopes_from_financements(cabbalr, call):
    envelopes = {year: ind.agglomeration_envelopes(cabbalr, year).set_index("dispositif") for year in (2019, 2021, 2022)}
    assert envelopes[2021].loc["Fonds de Cohésion Sociale", "montant"] == 92_921
    assert envelopes[2021].loc["Fonds de Cohésion Sociale", "projets"] == 22
    assert envelopes[2021].loc["Fonds de concours Politique de la Ville", "montant"] == 169_541
    assert envelopes[2019].loc["Fonds de Concours Politique de la Ville", "montant"] == 191_974
    assert len(envelopes[2022]) == 2  # the five FCS axes stay in fund_projects
    assert ind.agglomeration_envelopes(call, 2022)["montant"].tolist() == [150_000]


def test_printed_figures_cover_the_cget_2019_pillars(cabbalr):
    figures = ind.printed_figures(cabbalr, 2019, "financements")
    shown = " ".join(figures["valeur_publiee"]).replace("\u202f", " ").replace("\u00a0", " ")
    assert "1 712 989 €" in shown and "1 230 586 €" in shown
    assert figures["libelle"].str.contains("Réussite Educative").any()
    assert set(figures["source"]) == {"ra2019"}


def test_printed_figures_include_earlier_years_printed_by_the_year_documents(cabbalr, call):
    """« contre 1819 séances en 2018 » is printed by the 2019 report: its table of printed figures shows it."""
    figures = ind.printed_figures(cabbalr, 2019, "realisations")
    swim = figures[figures["libelle"].str.contains("séances de natation")]
    assert sorted(swim["annee"]) == ["2017", "2018", "2019"] and set(swim["source"]) == {"ra2019"}
    assert (figures["annee"] == "2016").any()  # the first Busin'ESS, recalled in 2019
    # Figures the 2022 evaluation prints about 2018 and 2021 (CPTS, interviews of the communes).
    sante = ind.printed_figures(call, 2022, "sante")
    assert {"2018", "2021"} <= set(sante["annee"])
    # Another report year's documents stay out: 2021 shows the 2021 figures of the synthesis, not its 2019 ones.
    later = ind.printed_figures(cabbalr, 2021, "financements")
    assert not ((later["source"] == "synthese2022") & (later["annee"] != "2021")).any()


def test_every_nature_has_a_display_label(call):
    """The natures added to the schema (a source's conclusions and recommendations) are named, not shown as codes."""
    from cdv_analysis.analysis.indicators.participation import NATURE_LABELS
    from cdv_analysis.ingest.schemas import NATURES

    assert set(NATURE_LABELS) == set(NATURES)
    assert NATURE_LABELS["conclusion"] == "conclusions" and NATURE_LABELS["preconisation"] == "préconisations"
    shown = {NATURE_LABELS[nature] for nature in ind.statements(call)["nature"]}
    assert {"conclusions", "préconisations"} <= shown
