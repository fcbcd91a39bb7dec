"""Two generations of contrats de ville (2015–2023 on QP codes, 2024–2030 « Quartiers 2030 » on QN codes)."""

from __future__ import annotations

from pathlib import Path

import yaml

from cdv_analysis.ingest import contrats
from cdv_analysis.presentation import narrative
from cdv_analysis.ingest.load import validate_territory

TWO_CONTRACTS = {
    "id": "demo", "nom": "Communauté d'agglomération de démonstration", "sigle": "CAD",
    "contrats": [
        {"id": "cdv-2015", "generation": "2015", "signature": "2015-06-27", "fin": "2023-12-31",
         "qpv": [{"nom": "Cité 12-14", "code": "QP062040", "communes": ["Lens"]},
                 {"nom": "Grande Résidence", "code": "QP062041", "communes": ["Lens"]}],
         "priorites": ["emploi des jeunes", "réussite éducative"]},
        {"id": "quartiers-2030", "nom": "Contrat de ville 2024–2030 « Quartiers 2030 »", "generation": "2024",
         "signature": "2024-03-29", "fin": "2030-12-31",
         "qpv": [{"nom": "Cité 12-14 – Grande Résidence", "code": "QN06207M", "communes": ["Lens"]}],
         "priorites": ["tranquillité publique", "accès aux soins", "emploi"]},
    ],
    "sources": [{"id": "ra2023", "titre": "Rapport annuel 2023", "annee_rapport": 2023},
                {"id": "ra2024", "titre": "Rapport annuel 2024", "annee_rapport": 2024}],
}


def test_a_report_year_belongs_to_the_contract_in_force():
    assert [c.generation for c in contrats.contracts(TWO_CONTRACTS)] == ["2015", "2024"]
    assert contrats.contract_of_year(TWO_CONTRACTS, 2023).id == "cdv-2015"
    assert contrats.contract_of_year(TWO_CONTRACTS, 2024).id == "quartiers-2030"
    assert contrats.contract_of_year(TWO_CONTRACTS, 2031) is None
    assert contrats.declared_qpv_codes(TWO_CONTRACTS) == ["QP062040", "QP062041", "QN06207M"]


def test_older_keys_are_one_contract_of_their_generation():
    call = yaml.safe_load((Path(__file__).parent.parent / "data/raw/call/territoire.yml").read_text("utf-8"))
    (only,) = contrats.contracts(call)
    assert (only.generation, only.first_year, only.last_year) == ("2015", 2015, 2023)
    assert contrats.contracts({"qpv": [{"nom": "A", "code": "QN06201M"}]})[0].generation == "2024"


def test_comparisons_across_generations_say_the_geography_changed():
    assert contrats.geography_change([2021, 2022, 2023]) is None
    note = contrats.geography_change([2022, 2024, 2025])
    assert "décret n° 2023-1314" in note and "codes « QN… »" in note
    assert "comparer 2022 à 2024 et 2025, c'est comparer des périmètres différents." in note
    # before: « une comparaison entre 2019, 2021 et 2022 et 2024 » (review_ingest 3.1)
    assert "; comparer 2019, 2021 et 2022 à 2024, c'est" in contrats.geography_change([2019, 2021, 2022, 2024])
    assert narrative.geography_note([2023]) == ""


def test_contract_paragraph_names_generation_qpv_and_priorities():
    text = narrative.contract_paragraph(TWO_CONTRACTS, 2024, [2023, 2024])
    assert "Contrat de ville 2024–2030 « Quartiers 2030 » (2024–2030)" in text
    assert "1 quartier prioritaire de la géographie 2024 (décret n° 2023-1314" in text
    assert "tranquillité publique ; accès aux soins ; emploi" in text
    assert "La géographie prioritaire a changé au 1er janvier 2024" in text
    older = narrative.contract_paragraph(TWO_CONTRACTS, 2023, [2023])
    assert "2 quartiers prioritaires de la géographie 2015" in older and "a changé" not in older


def test_codes_of_the_other_geography_are_located_errors(tmp_path):
    wrong = yaml.safe_load(yaml.safe_dump(TWO_CONTRACTS))
    wrong["contrats"][0]["qpv"][1]["code"] = "QN06208A"  # a 2024 code in the 2015 contract
    wrong["contrats"][1]["signature"] = "2023-12-01"
    wrong["sources"].append({"id": "ra2031", "annee_rapport": 2031})
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "territoire.yml").write_text(yaml.safe_dump(wrong, allow_unicode=True, sort_keys=False), "utf-8")
    messages = [str(p) for p in validate_territory(folder) if p.is_error]
    assert any("colonne « contrats[1].qpv[2].code » : valeur « QN06208A » ; attendu : un code de QPV de 2015" in m
               and "ligne" in m for m in messages), messages
    assert any("contrats[2].signature" in m and "une date de 2024 à 2030" in m for m in messages), messages
    assert any("sources[3].annee_rapport" in m and "(2015–2023, 2023–2030)" in m for m in messages), messages


def test_two_generations_validate(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "territoire.yml").write_text(yaml.safe_dump(TWO_CONTRACTS, allow_unicode=True), "utf-8")
    assert not [p for p in validate_territory(folder) if p.is_error]
