"""CABBALR's annual reports answer the questions their chapters answer (issue 17).

One référentiel per annual report (``referentiel.ra<year>.yml``): questions reconstructed from the report's
chapters, criteria citing rows of that report only, the source's own conclusion quoted word for word. The
figures asserted here are recomputed by hand from the source texts in tests/fixtures/sources/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import source_texts as st

from cdv_analysis.ingest import referentiel as rf
from cdv_analysis.analysis.indicators import reponses
from cdv_analysis.presentation.narrative import answer_blocks
from cdv_analysis.presentation.narrative.reponses import question_anchor

# Annual report year → its source id and the plain text of the document it transcribes.
ANNUAL = {2019: ("ra2019", "004_64e695ba06afb542.txt"), 2021: ("ra2021", "003_678994254640ab32.txt"),
          2022: ("ra2022", "001_df5781284065b3b7.txt")}


def _by_id(cabbalr, year: int) -> dict:
    return {a.question.id: a for a in reponses.answers(cabbalr, year)}


@pytest.mark.parametrize("year", sorted(ANNUAL))
def test_each_annual_report_has_its_own_referentiel_of_reconstructed_questions(cabbalr, year):
    source, _ = ANNUAL[year]
    found = rf.referentiel_of_year(cabbalr, year)
    assert found is not None and found.source == source and found.fichier.endswith(f"referentiel.{source}.yml")
    # The annual reports print no evaluative question: each is the one a chapter answers.
    assert {q.statut for q in found.questions} == {"reconstituee"}
    assert {"programmation", "gouvernance"} <= {q.section for q in found.questions}
    # No verdict: the annual reports state none, and the référentiel adds none.
    assert not any(q.avis_evaluateur for q in found.questions)


@pytest.mark.parametrize("year", sorted(ANNUAL))
def test_every_question_has_an_answer_block_with_an_indicator_or_a_statement(cabbalr, year):
    source, _ = ANNUAL[year]
    found = reponses.answers(cabbalr, year)
    assert [a.question.id for a in found] == [q.id for q in rf.referentiel_of_year(cabbalr, year).questions]
    for answer in found:
        assert len(answer.indicators) + int(answer.statements["retenu"].sum()) >= 1, answer.question.id
        # Every indicator row comes from this year's report, never from another year's document.
        assert set(answer.indicators["source"]) <= {source}, answer.question.id
        block = answer_blocks([answer]).replace("\\", "")  # Markdown escapes out
        assert answer.question.question in block and "**Solidité des éléments.**" in block


@pytest.mark.parametrize("year", sorted(ANNUAL))
def test_quoted_conclusions_and_statements_are_the_source_s_words(cabbalr, year):
    _, document = ANNUAL[year]
    text = st.source_text(document, fold=False)
    quoted = []
    for answer in reponses.answers(cabbalr, year):
        for row, qualifiers in answer.conclusion:
            quoted += [row, *qualifiers]
        quoted += [row for _, row in answer.statements.iterrows()]
    assert quoted
    wrong = [row["id"] for row in quoted if st.foreign_pieces(row["texte"], text, fold=False)]
    assert wrong == []


def test_2021_programmation_answers_with_the_printed_totals_and_shares(cabbalr):
    answer = _by_id(cabbalr, 2021)["PRG"]
    rows = answer.indicators.set_index("critere_id")
    # Printed twice, two totals: 6 931 143 € in the text, 6 931 463 € beside the tables.
    assert rows.loc["PRG.1", "valeur"].tolist() == ["6 931 143 €", "6 931 463 €", "141", "122"]
    # Cohésion sociale: 4 734 927 / 6 931 463 = 68,3 % (the table's rate), the other pillars' sum the rest.
    assert 4_734_927 + 724_721 + 1_407_515 + 64_300 == 6_931_463
    assert round(100 * 4_734_927 / 6_931_463, 1) == 68.3
    assert rows.loc["PRG.2", "valeur"].tolist()[0] == "4 734 927,00 € (68,3\xa0%)"
    # Specific credits: 2 704 035 + 702 549 + 672 671 + 53 275 = 4 132 530 €, 59,6 % of 6 931 463 €.
    assert 2_704_035 + 702_549 + 672_671 + 53_275 == 4_132_530 and round(100 * 4_132_530 / 6_931_463, 1) == 59.6
    assert rows.loc["PRG.3", "valeur"].tolist() == ["59,6%", "4 132 530,00 €"]
    assert answer.conclusion == []  # the report draws no conclusion on its programmation


def test_2021_achievements_quote_the_source_s_finding_on_associations(cabbalr):
    answer = _by_id(cabbalr, 2021)["REA"]
    [(row, qualifiers)] = answer.conclusion
    assert row["id"] == "r21-c2" and qualifiers == []
    rea = answer.indicators.set_index("libelle")["valeur"]
    # 54 + 18 + 2 + 1 = 75 associative projects; 54 / 75 = 72,0 %.
    assert 54 + 18 + 2 + 1 == 75 and round(100 * 54 / 75, 1) == 72.0
    assert rea["projets soutenus — associations"] == "75"
    assert rea["projets soutenus — COHESION SOCIALE — associations"] == "54 (72,0\xa0%)"
    assert rea["montant programmé — Fonds de Cohésion Sociale — crédits spécifiques"] == "92 921 €"
    # The three fonds de concours: 68 049 + 32 111 + 69 381 = 169 541 €.
    assert 68_049 + 32_111 + 69_381 == 169_541
    assert rea["montant programmé — Fonds de concours Politique de la Ville — crédits spécifiques"] == "169 541 €"


def test_2021_synthesis_findings_follow_the_rule(cabbalr):
    found = reponses.findings(cabbalr, 2021)
    # One per question (3), the change since 2019 (no question gives it), then the first headline figure the source
    # prints that no finding gives already: the total (6 931 463 €) and the 141 and 122 projects are in question 1's
    # sentence, the selection rate 122 / 141 = 86,5 % is the code's (never credited to the source), 68,3 % is said:
    # « 59,6% des crédits de la programmation » (003_…, ra2021).
    assert found["regle"].tolist() == ["question"] * 3 + ["evolution", "chiffre_cle"]
    # (6 931 463 − 5 530 289) / 5 530 289 = +25,3 %.
    assert found.iloc[3]["valeur"] == "+25,3\xa0%"
    assert found.iloc[4]["valeur"] == "59,6\xa0%" and found.iloc[4]["auteur"] == "source"
    assert found.iloc[4]["source"] == "ra2021"
    assert "86,5" not in " ".join(found["valeur"])


@pytest.fixture(scope="module")
def cabbalr_pages(embedded_reports) -> Path:
    """The session's shared build of every embedded report (tests/conftest.py): CABBALR's folder."""
    assert embedded_reports.summary.ok, embedded_reports.summary.text()
    return embedded_reports.reports / "cabbalr"


@pytest.mark.parametrize("year", sorted(ANNUAL))
def test_each_question_is_answered_on_its_report_page_and_linked_from_the_synthesis(cabbalr_pages, cabbalr, year):
    page = (cabbalr_pages / str(year) / "rapport.html").read_text("utf-8")
    for number, answer in enumerate(reponses.answers(cabbalr, year), start=1):
        anchor = question_anchor(number, answer.question.question)
        start = page.index(f'id="{anchor}"')
        ends = [i for i in (page.find("<h3", start), page.find("<h2", start)) if i > 0]
        block = page[start:min(ends)]
        # At least one indicator table (its rows) or one quoted statement under the question.
        rows = block.count("<tr") - block.count("<thead")
        quotes = block.count("«")
        assert rows >= len(answer.indicators) and rows + quotes >= 1, answer.question.id
        for _, row in answer.statements[answer.statements["retenu"]].iterrows():
            assert st.normalised(row["texte"])[:60] in st.normalised(re.sub(r"<[^>]+>", " ", block)), row["id"]
        assert f'href="#{anchor}"' in page  # the synthesis' finding links to its block


def test_a_finding_whose_sentence_gives_its_figure_does_not_repeat_it_and_aucun_means_no_figure(cabbalr):
    from cdv_analysis.presentation.narrative import findings_markdown

    assert reponses.says_figure("soutient 22 projets pour 92 921 €", "92\u202f921\xa0€")
    assert reponses.says_figure("33 % contre 18 %", "33%") and not reponses.says_figure("133 %", "33 %")
    assert not reponses.says_figure("6 931 463 €", "931 463 €") and not reponses.says_figure("68,35 %", "68,3 %")
    found = reponses.findings(cabbalr, 2019)
    text = findings_markdown(found).replace("\\", "")
    # Question 2's sentence has its 5 530 289 €: no « (financements … : 5 530 289 €) » after it.
    assert "(montant programmé (tous financeurs)" not in text and "5 530 289 €" in text
    # Question 1's key figure is the QPV's rate (33 %), the one its sentence sets against the agglomeration's.
    assert found.iloc[0]["valeur"] == "33%"
    # Question 4 (« chiffre_cle: aucun »): the protocol has no figure, so none is put beside it.
    assert found.iloc[3]["valeur"] == "" and found.iloc[3]["libelle"] == ""


def test_2019_programmation_answers_with_its_printed_mix_whose_shares_overshoot(cabbalr):
    answer = _by_id(cabbalr, 2019)["PRG"]
    rows = answer.indicators.set_index("critere_id")
    assert rows.loc["PRG.1", "valeur"].tolist() == ["5 530 289 €", "153", "129"]
    shares = rows.loc["PRG.2", "valeur"].tolist()
    assert shares == ["35,3%", "14,6%", "4,7%", "3,3%", "6,2%", "6,1%", "24,4%", "14,6%"]
    # What the concordance note says: the eight printed shares sum to 109,2 %, and the CGET's 1 712 989 € are
    # 31,0 % of 5 530 289 €, not the 35,3 % printed; the five themes of the CGET credits do make 1 712 989 €.
    assert round(sum(float(s.rstrip("%").replace(",", ".")) for s in shares), 1) == 109.2
    assert round(100 * 1_712_989 / 5_530_289, 1) == 31.0
    assert 1_230_586 + 239_939 + 114_627 + 112_727 + 15_110 == 1_712_989
    note = answer.question.concordance
    assert "109,2 %" in note and "31,0 %" in note and "127" in note
    [(row, _)] = answer.conclusion
    assert row["id"] == "r19-c1" and row["texte"].startswith("L’éducation (PRE), le lien social")


def test_2019_governance_quotes_the_report_s_conclusion_with_what_follows_it(cabbalr):
    answer = _by_id(cabbalr, 2019)["GOV"]
    assert [(row["id"], [q["id"] for q in qs]) for row, qs in answer.conclusion] == [
        ("r19-concl1", []), ("r19-concl2", ["r19-concl3"])]
    text = answer_blocks([answer]).replace("\\", "")
    assert "« plus et mieux »" in text and text.index("signé avec l’Etat le 6 mars 2020") < text.index(
        "il confirme les 10 priorités")


def test_2022_answers_carry_the_printed_discrepancies(cabbalr):
    answers = _by_id(cabbalr, 2022)
    prg = answers["PRG"].indicators.set_index("critere_id")
    assert prg.loc["PRG.1", "valeur"].tolist() == ["5 955 899 €", "5 955 889 €", "171", "132"]
    # The pillars sum to the table's total, not to the opening text's: 4 353 742 + 72 933 + 1 432 769 + 96 445.
    assert 4_353_742 + 72_933 + 1_432_769 + 96_445 == 5_955_889
    # The five specific credits: 1 714 733 + 167 778 + 154 314 + 177 972 + 97 918 = 2 312 715 €, 38,8 % ≈ 39 %.
    assert 1_714_733 + 167_778 + 154_314 + 177_972 + 97_918 == 2_312_715
    assert round(100 * 2_312_715 / 5_955_889) == 39
    assert prg.loc["PRG.3", "valeur"].tolist()[-2:] == ["39 %", "2 312 715 €"]
    rea = answers["REA"]
    # The seven fonds de concours listed: 33 272 + 70 000 × 4 + 58 662 + 20 053 = 391 987 €, 391 934 € printed.
    assert 33_272 + 4 * 70_000 + 58_662 + 20_053 == 391_987
    assert "391 987 €" in rea.question.concordance and "391 934 €" in rea.question.concordance
    # The associative table is the 2021 one, figure for figure: the announced fall does not show in it.
    same = {y: _by_id(cabbalr, y)["REA"].indicators.query("critere_id == 'REA.1'")["valeur"].tolist()
            for y in (2021, 2022)}
    assert same[2021] == same[2022] == ["75", "54 (72,0\xa0%)", "18 (24,0\xa0%)", "2 (2,7\xa0%)", "1 (1,3\xa0%)"]
    [(row, _)] = rea.conclusion
    assert row["id"] == "r22-c2"
    gov = answers["GOV"].indicators.set_index("libelle")["valeur"]
    assert gov["délai réservé aux Conseils municipaux et Conseils Citoyens pour formuler un avis sur le rapport"] == (
        "3 mois")
