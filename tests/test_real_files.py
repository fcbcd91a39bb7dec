"""Input files as real programs write them: Excel's declared extent, several sheets, ANCT's real layouts."""

from __future__ import annotations

import csv

import pytest
import yaml

import cdv_analysis as cdv
from cdv_analysis.cli import main
from cdv_analysis.importers import ImportFailed, import_anct_subsidies, readable_name
from cdv_analysis.ingest.iorw import read_table
from file_builders import (
    GISPRO_HEADERS, OPEN_DATA_HEADERS, gispro_rows, hand_made_xlsx, write_csv, write_xlsx,
)

HUNDRED = [["code", "libelle"]] + [[f"C{i:03d}", f"Ligne {i}"] for i in range(1, 101)]


def _errors(data, territory):
    return [p for p in cdv.validate_territory(territory, data) if p.is_error]


# ---------------------------------------------------------------------------
# Excel read to its real extent


def test_workbook_declaring_a1_is_read_whole(tmp_path):
    from openpyxl import load_workbook

    path = write_xlsx(tmp_path / "table.xlsx", {"Feuil1": HUNDRED}, declared_dimension="A1")
    book = load_workbook(path, read_only=True)
    assert book.active.max_row == 1  # what a reader trusting the declaration sees
    book.close()
    frame, problems = read_table(path)
    assert problems == [] and len(frame) == 100
    assert frame["libelle"].iloc[-1] == "Ligne 100" and frame["ligne"].iloc[-1] == 101


def test_hand_made_workbook_with_inline_strings_and_serial_dates(tmp_path):
    rows = [["annee", "date", "montant"], [2022, 44652, "1 500,00"], [2023, 45017, 2500.5]]
    frame, problems = read_table(hand_made_xlsx(tmp_path / "export.xlsx", rows))
    assert problems == []
    assert frame[["annee", "date", "montant"]].values.tolist() == [["2022", "44652", "1 500,00"],
                                                                   ["2023", "45017", "2500,5"]]


def test_loader_reads_a_hundred_rows_of_a_table_declared_a1(data_copy):
    rows = [["dispositif", "intitule", "montant", "annee", "source", "section"]]
    rows += [["fcs", f"Action {i}", f"{i * 100}", "2022", "ra2022", "p. 12"] for i in range(1, 101)]
    write_xlsx(data_copy / "cabbalr" / "actions.saisie.xlsx", {"actions": rows}, declared_dimension="A1")
    territory = cdv.load_territory("cabbalr", data_copy)
    added = territory.table("actions").query("fichier.str.endswith('actions.saisie.xlsx')", engine="python")
    assert len(added) == 100 and added["montant"].sum() == 100 * 101 / 2 * 100


def test_loader_reads_the_sheet_named_after_the_table(data_copy):
    rows = [["dispositif", "intitule", "montant", "annee", "source", "section"],
            ["fcs", "Action lue", "1 000", "2022", "ra2022", "p. 12"]]
    write_xlsx(data_copy / "cabbalr" / "actions.saisie.xlsx", {"Notes": [["à ignorer"]], "Actions": rows})
    actions = cdv.load_territory("cabbalr", data_copy).table("actions")
    assert actions.loc[actions["fichier"].str.endswith("saisie.xlsx"), "intitule"].tolist() == ["Action lue"]


def test_loader_refuses_a_workbook_without_the_table_sheet(data_copy):
    write_xlsx(data_copy / "cabbalr" / "actions.saisie.xlsx", {"Feuil1": [["a"]], "Feuil2": [["b"]]})
    errors = _errors(data_copy, "cabbalr")
    assert [str(e).split(" : ", 1)[1] for e in errors] == [
        "une feuille « actions » ; feuilles du classeur : « Feuil1 », « Feuil2 »"]


# ---------------------------------------------------------------------------
# ANCT layouts


def test_gispro_export_in_cp1252_is_recognised_and_mapped(tmp_path):
    source = write_csv(tmp_path / "in" / "export_gispro_2022.csv", GISPRO_HEADERS, gispro_rows(), ";", "cp1252")
    data = tmp_path / "raw"
    report = import_anct_subsidies(source, data)
    assert report.ok and "Mise en page reconnue : Export du logiciel de gestion des subventions" in report.text()
    assert sorted(report.created) == ["contrat-de-ville-de-bethune-bruay", "contrat-de-ville-de-lens-lievin"]
    assert report.skipped["sans_contrat"] == 1 and report.skipped_amount == 10_000
    assert report.unknown_themes == {}
    lens = cdv.load_territory("contrat-de-ville-de-lens-lievin", data)
    assert (lens.nom, lens.sigle, lens.meta["origine"], lens.meta["departement"]) == (
        "Contrat de ville de Lens-Lievin", "C0621", "donnees-ouvertes", "62")
    actions = lens.table("actions")
    assert actions["montant"].tolist() == [1500.0, 1500.0, 1500.5]
    assert actions["pilier"].tolist() == ["cohesion_sociale", "emploi_economie", "cohesion_sociale"]
    assert actions["thematique"].tolist() == ["Santé", "Emploi", "Éducation"]
    assert actions["axe"].tolist() == ["1.2- Santé", "2.1- Emploi", "1.1 - Education"]
    assert actions["numero"].tolist() == ["2022-00101", "2022-00102", "2022-00103"]
    assert actions["commune"].tolist() == ["Lens", "Liévin", "Lens"]
    assert actions["remarque"].iloc[0] == "Objectif : Objectif de l'action 1"
    bethune = cdv.load_territory("contrat-de-ville-de-bethune-bruay", data)
    assert bethune.nom == "Contrat de ville de Béthune-Bruay"
    assert bethune.table("actions")[["pilier", "thematique"]].values.tolist() == [["cadre_de_vie", "Environnement"]]


def test_open_data_layout_as_xlsx_declaring_a1_with_odd_headers(tmp_path):
    header = ["\ufeffN°", "Numéro de l'action  PRJ", "LIBELLE DE L'ACTION", "Raison sociale longue", "Type de tiers",
              "Code\u00a0contrat ville", "Libellé contrat ville", " Thème ", "Sous-thèmes", "Mt engagé", "Région"]
    rows = [[str(n), f"PRJ-{n}", f"Action {n}", "Association X", "Association", "C0011", "Contrat de ville de Y",
             "1 - Pilier cohésion sociale", "1.2- Santé" if n % 2 else "1.7 - Sport", "1 000,00 €", "Occitanie"]
            for n in range(1, 101)]
    source = write_xlsx(tmp_path / "in" / "base_2021.xlsx", {"Base": [header, *rows]}, declared_dimension="A1")
    report = import_anct_subsidies(source, tmp_path / "raw")
    assert report.written == {str(tmp_path / "raw" / "contrat-de-ville-de-y" / "actions.anct-2021.csv"): 100}
    actions = cdv.load_territory("contrat-de-ville-de-y", tmp_path / "raw").table("actions")
    assert actions["thematique"].value_counts().to_dict() == {"Santé": 50, "Sport": 50}
    assert actions["montant"].sum() == 100_000


def test_unknown_numbered_theme_is_reported_with_its_rows(tmp_path):
    actions = [("D1", "Action", "Tiers", "Association", "100", "9 - Autre", "9.1 - Divers", "C1", "CV", "X")]
    source = write_csv(tmp_path / "export_2022.csv", GISPRO_HEADERS, gispro_rows(actions))
    report = import_anct_subsidies(source, tmp_path / "raw")
    assert report.unknown_themes == {"9 - Autre": 1}
    assert "« 9 - Autre » : 1 ligne" in report.text()


def test_several_sheets_need_feuille(tmp_path, capsys):
    data = tmp_path / "raw"
    book = {"Lisez-moi": [["Export ANCT"]], "Données": [list(OPEN_DATA_HEADERS),
                                                        ["1", "", "Action", "Asso", "Association", "C9", "CV Z",
                                                         "Santé", "", "10", ""]]}
    source = write_xlsx(tmp_path / "anct_2022.xlsx", book)
    with pytest.raises(ImportFailed, match=r"la feuille à lire \(option --feuille\) ; feuilles du classeur : "
                                           "« Lisez-moi », « Données »"):
        import_anct_subsidies(source, data)
    assert main(["importer", "anct-subventions", str(source), "--feuille", "donnees", "--donnees", str(data)]) == 0
    assert cdv.load_territory("cv-z", data).table("actions")["pilier"].tolist() == ["cohesion_sociale"]


@pytest.mark.parametrize("printed, readable", [
    ("CONTRAT DE VILLE DE LENS-LIEVIN", "Contrat de ville de Lens-Lievin"),
    ("CONTRAT DE VILLE DE BOULOGNE-SUR-MER", "Contrat de ville de Boulogne-sur-Mer"),
    ("CONTRAT DE VILLE DE SAINT-MARTIN-D'HERES", "Contrat de ville de Saint-Martin-d'Heres"),
    ("Contrat de ville de l'Agglo du Grand Nord", "Contrat de ville de l'Agglo du Grand Nord"),
])
def test_contract_names_in_sensible_case(printed, readable):
    assert readable_name(printed) == readable


# ---------------------------------------------------------------------------
# territoire.yml and the template


@pytest.mark.parametrize("text, expected", [
    ("id: cabbalr\nnom: [oups\n", "du YAML valide"),
    ("- id: cabbalr\n- nom: CABBALR\n", "un dictionnaire YAML (clés id, nom, sigle, sources…), et non une liste"),
    ("id: cabbalr\nnom: CABBALR\nsigle: CA\n", "la clé obligatoire « sources »"),
])
def test_broken_territory_file_gives_one_message_and_others_validate(data_copy, text, expected):
    (data_copy / "cabbalr" / "territoire.yml").write_text(text, "utf-8")
    problems = cdv.validate_territory("cabbalr", data_copy)
    assert len(problems) == 1 and expected in str(problems[0]) and problems[0].territory == "cabbalr"
    assert _errors(data_copy, "call") == []


def test_new_territory_from_the_packaged_template_anywhere(tmp_path, capsys):
    data = tmp_path / "ailleurs" / "donnees"
    assert main(["nouveau-territoire", "mon-contrat", "--donnees", str(data)]) == 0
    meta = yaml.safe_load((data / "mon-contrat" / "territoire.yml").read_text("utf-8"))
    assert meta["id"] == "mon-contrat"
    with (data / "mon-contrat" / "actions.csv").open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == [c.name for c in cdv.TABLES["actions"].columns]
    assert cdv.discover_territories(data) == ["mon-contrat"]


def test_template_is_not_a_territory_of_the_embedded_data(raw_dir):
    assert cdv.discover_territories(raw_dir) == ["cabbalr", "call"]
    assert not (raw_dir / "_modele").exists()
