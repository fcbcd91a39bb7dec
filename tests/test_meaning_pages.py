"""Issue 16 on the built pages: each figure shown with the perimeter, base, vintage and qualifier its source gives.

Figures recomputed by hand from the sources (tests/fixtures/sources/):
- CALL 2022 (002_…): « Total des financements Politique de la Ville sur la CALL … près 3 900 000 euros (2016) …
  près 5 760 000 euros (2022) », all funders and schemes; (5 760 000 − 3 900 000) / 3 900 000 = 47,7 % of
  approximate amounts, the source prints « 47 % ».
- CABBALR synthesis 2022 (000_…): « dont 13 586 346 € de crédits A.N.C.T. (Etat) obtenus », « Droit commun (hors DSC
  et DPV) : 16 925 173 € ».
- CABBALR 2019 (004_…): pillar tables 717 269 + 1 595 490, 454 883 + 406 645, 13 005 + 90 133 = 3 277 425 €, of which
  Cohésion sociale 2 312 759 € = 70,6 %; specific credits 1 595 490 + 406 645 = 2 002 135 € of 3 174 287 € = 63,1 %;
  the programmation is 5 530 289 €. The 39 000 QPV inhabitants are the 2022 synthesis's (21 quartiers).
"""

from __future__ import annotations

import html
import re

import pytest


def _text(path) -> str:
    page = path.read_text("utf-8")
    page = re.sub(r"(?s)<(script|style|svg)\b.*?</\1>", " ", page)
    alts = " ".join(html.unescape(a) for a in re.findall(r'\balt="([^"]*)"', page))  # chart titles live here
    words = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"\s+", " ", f"{words} {alts}").replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture(scope="module")
def pages(embedded_reports):
    assert embedded_reports.summary.ok, embedded_reports.summary.text()
    reports = embedded_reports.root / "reports"
    return {name: _text(reports / name) for name in (
        "comparaison.html", "call/2022/rapport.html", "cabbalr/2019/rapport.html", "cabbalr/2021/rapport.html",
        "cabbalr/2022/rapport.html")}


def test_comparison_page_shows_perimeter_base_vintage_and_qualifier(pages):
    text = pages["comparaison.html"]
    assert "près de 5 760 000 € (total des financements politique de la ville (tous dispositifs))" in text
    assert "environ +48 % depuis 2016 (montants approchés)" in text and "47,7" not in text
    assert "70,6 % des 3 277 425 € répartis par pilier" in text
    assert "63,1 % des 3 174 287 € des tableaux par pilier qui les distinguent" in text
    # 5 530 289 / 39 000 = 142 € and 6 931 463 / 39 000 = 178 € divided by a 2022 population: gone.
    assert "142 €" not in text and "178 €" not in text and "153 €" in text  # 5 955 889 / 39 000
    assert "territoire.yml" not in text and "population_qpv" not in text
    # CALL's amount is a total of all schemes: the sentence comparing amounts per inhabitant says both kinds.
    assert ("Par habitant des quartiers prioritaires de l'année, le montant publié (programmation du contrat de "
            "ville, ou total des financements de la politique de la ville tous dispositifs") in text
    # 5 760 000 / 56 000 = 102,86 € of « près de » and « environ » figures, and 5 955 889 / 39 000 = 152,71 €.
    assert "va d'environ 103 € (CALL, 2022) à 153 € (CABBALR, 2022)" in text
    assert "environ 103 € (total des financements politique de la ville (tous dispositifs))" in text  # the table
    assert "la programmation la plus élevée" not in text and "Part de la programmation" not in text


def test_call_chart_names_its_perimeter_and_keeps_its_qualifiers(pages):
    text = pages["call/2022/rapport.html"]
    assert ("Total des financements politique de la ville (tous dispositifs) : de près de 3 900 000 € en 2016 à "
            "près de 5 760 000 € en 2022 (environ +48 %)") in text
    assert "La programmation passe de 3 900 000" not in text and "+47,7 %" not in text
    # The printed-figures table names the sum by what it covers, « près de » kept.
    assert "total des financements politique de la ville (tous dispositifs) près de 5 760 000 €" in text
    assert "montant programmé près de" not in text
    assert "Les montants sont ceux de la programmation" not in text  # the reading guide no longer says so


def test_cabbalr_pages_name_obtained_credits_and_the_base_of_their_shares(pages):
    synthesis = pages["cabbalr/2022/rapport.html"]
    assert "13 586 346 € (crédits obtenus, crédits spécifiques" in synthesis
    assert re.search(r"16 925 173 € \(droit commun \(hors DSC( \([^)]*\))? et DPV", synthesis)  # acronyms spelled out
    assert "montant programmé — A.N.C.T." not in synthesis and "montant programmé — droit commun 16 925" not in synthesis
    y2019 = pages["cabbalr/2019/rapport.html"]
    assert "Le pilier cohésion sociale concentre 70,6 % des 3 277 425 € répartis par pilier en 2019" in y2019
    assert "Les crédits spécifiques représentent 63,1 % des 3 174 287 € ventilés par type de crédit en 2019" in y2019
    assert "70,6 % de la programmation" not in y2019 and "63,1 % des crédits programmés" not in y2019
    for year in (2019, 2021):
        assert "39 000" not in pages[f"cabbalr/{year}/rapport.html"], year


def test_download_links_say_what_they_hold_not_a_file_name(pages):
    for name, text in pages.items():
        assert not re.search(r"Télécharger les données : [\w-]+\.csv", text), name
    assert "Télécharger les données : projets déposés et soutenus (CSV" in pages["cabbalr/2019/rapport.html"]
    # A unit code is no word of the page: « environ 3/4 » of the partners, not « environ 3/4 ratio ».
    assert "environ 3/4 ratio" not in pages["call/2022/rapport.html"] and "environ 3/4" in pages["call/2022/rapport.html"]


def test_each_report_names_the_kind_of_document_it_is_built_from(embedded_reports):
    # CABBALR's sources for 2019, 2021 and 2022 are its annual reports on the contract (« Rapport sur la mise en
    # œuvre de la politique de la ville – année … »); CALL's 2022 source is the contract's final evaluation.
    reports = embedded_reports.root / "reports"
    expected = {"cabbalr/2019": "Rapport annuel 2019", "cabbalr/2021": "Rapport annuel 2021",
                "cabbalr/2022": "Rapport annuel 2022", "call/2022": "Évaluation finale 2022"}
    for folder, subtitle in expected.items():
        page = (reports / folder / "rapport.html").read_text("utf-8")
        assert f'<span class="subtitle">{subtitle}</span></h1>' in page, folder
        assert "Rapport d&#39;évaluation 20" not in page.split("</h1>")[0], folder


def test_annexes_are_named_by_what_they_hold_without_a_gap_in_their_lettering(embedded_reports):
    # CABBALR has no questionnaire: lettered annexes started at « Annexe B ». They are now named only.
    reports = embedded_reports.root / "reports"
    for folder, expected in {"cabbalr/2019": ["Chiffres imprimés", "Énoncés des acteurs"],
                             "call/2022": ["Questionnaires", "Chiffres imprimés", "Énoncés des acteurs"]}.items():
        page = (reports / folder / "rapport.html").read_text("utf-8")
        annexes = page.split('id="annexes"', 1)[1].split("<h2", 1)[0]
        assert [html.unescape(h) for h in re.findall(r"<h3[^>]*>(.*?)<", annexes)] == expected, folder
        assert not re.search(r"Annexe [A-Z] —", page), folder
