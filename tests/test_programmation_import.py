"""`cdv importer programmation`: the service's own sheet, as it is, into the canonical programmation table."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

import cdv_analysis as cdv
from cdv_analysis.cli import main
from cdv_analysis.rules.harmonise import vocabulary
from cdv_analysis.importers import ImportFailed, import_programmation
from cdv_analysis.ingest.load import read_metadata
from programmation_sheets import (ACTIONS, BY_FINANCER, HEADERS, TITLE, TOTAL, TOTAL_AMOUNT, douaisis_long_csv,
                                  douaisis_xlsx)
from openpyxl import load_workbook


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    assert main(["nouveau-territoire", "cad", "--donnees", str(folder)]) == 0
    return folder


def plain(text: str) -> str:
    """French output with ordinary spaces (babel writes narrow no-break spaces)."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _written(data: Path) -> pd.DataFrame:
    return pd.read_csv(data / "cad" / "programmation.2024.csv", dtype=str, keep_default_na=False)


def test_a_total_row_is_refused_by_its_label_and_nothing_is_written(tmp_path: Path, data: Path) -> None:
    sheet = douaisis_xlsx(tmp_path / "programmation-2024.xlsx")
    with pytest.raises(ImportFailed) as refused:
        import_programmation(sheet, data, "cad", 2024)
    assert [(p.ligne, p.valeur) for p in refused.value.problems] == [(12, "TOTAL")]
    assert "ligne de total ou de sous-total" in plain(str(refused.value))
    assert not (data / "cad" / "programmation.2024.csv").exists()
    assert not (data / "cad" / ".imports.json").exists()


def test_an_unlabelled_row_equal_to_the_sum_of_the_others_is_refused(tmp_path: Path, data: Path) -> None:
    sheet = douaisis_xlsx(tmp_path / "p.xlsx")
    book = load_workbook(sheet)
    book.active.cell(row=12, column=2).value = None  # « TOTAL » erased: the amounts still add up
    book.save(sheet)
    with pytest.raises(ImportFailed) as refused:
        import_programmation(sheet, data, "cad", 2024)
    [problem] = refused.value.problems
    assert problem.ligne == 12 and "égale à la somme de toutes les autres lignes" in problem.attendu
    assert plain(problem.valeur) == "54 000,00 €"


def test_an_unlabelled_subtotal_of_the_rows_above_is_refused(tmp_path: Path, data: Path) -> None:
    sheet = douaisis_xlsx(tmp_path / "p.xlsx", with_total=False)
    book = load_workbook(sheet)
    book.active.insert_rows(8)  # after 2024-001 and 2024-002: their subtotal, without a label
    for column, value in ((11, "10 000"), (12, "5 500"), (13, "3 500"), (16, "1 500")):
        book.active.cell(row=8, column=column).value = value
    book.save(sheet)
    with pytest.raises(ImportFailed) as refused:
        import_programmation(sheet, data, "cad", 2024)
    [problem] = [p for p in refused.value.problems if p.ligne == 8]
    assert "égale à la somme des lignes 6 à 7" in problem.attendu


def test_the_sheet_as_it_is_gives_one_row_per_action_and_financer(tmp_path: Path, data: Path) -> None:
    sheet = douaisis_xlsx(tmp_path / "programmation-2024.xlsx", with_total=False)
    summary = import_programmation(sheet, data, "cad", 2024)
    assert summary.ok
    rows = _written(data)
    assert len(rows) == sum(1 for a in ACTIONS for amount in a[10:16] if amount) == 19
    amounts = rows.assign(m=rows["montant"].astype(float)).groupby("financeur")["m"].sum().to_dict()
    assert amounts == BY_FINANCER and sum(amounts.values()) == TOTAL_AMOUNT
    first = rows[rows["dossier"] == "2024-001"].iloc[0]
    assert first["qpv"] == "QN05901M ; QN05902M" and first["pilier"] == "cohesion_sociale"
    assert first["remarque"] == "Reconduction 2023" and first["section"] == "programmation-2024.xlsx, ligne 6"
    assert set(rows.loc[rows["dossier"] == "2024-002", "commune"]) == {"Douai"}  # merged over two rows
    assert set(rows.loc[rows["financeur"] == "droit_commun", "type_credit"]) == {"droit_commun"}
    assert set(rows.loc[rows["financeur"] == "caf", "type_credit"]) == {""}  # no declared credit type
    text = plain(summary.text())
    assert "6 actions, 54 000,00 € au total" in text
    assert "ligne 11, colonne « Coût total » : valeur « 5 000,00 € »" in text and "écart de 500,00 €" in text
    assert "Colonnes laissées de côté" not in text  # the comment column is a known one
    meta = read_metadata("cad", data)[0]
    source = next(s for s in meta["sources"] if s["id"] == "programmation-2024")
    assert source["type"] == "programmation" and source["annee_rapport"] == 2024
    territory = cdv.load_territory("cad", data)
    assert float(territory.table("programmation")["montant"].sum()) == TOTAL_AMOUNT


def test_the_import_is_idempotent_and_tracked(tmp_path: Path, data: Path) -> None:
    sheet = douaisis_xlsx(tmp_path / "programmation-2024.xlsx", with_total=False)
    import_programmation(sheet, data, "cad", 2024)
    first = (data / "cad" / "programmation.2024.csv").read_bytes()
    import_programmation(sheet, data, "cad", 2024)
    assert (data / "cad" / "programmation.2024.csv").read_bytes() == first
    assert "programmation.2024.csv" in json.loads((data / "cad" / ".imports.json").read_text("utf-8"))


def test_a_hand_edited_table_is_never_overwritten(tmp_path: Path, data: Path) -> None:
    sheet = douaisis_xlsx(tmp_path / "programmation-2024.xlsx", with_total=False)
    import_programmation(sheet, data, "cad", 2024)
    target = data / "cad" / "programmation.2024.csv"
    target.write_text(target.read_text("utf-8") + "\n", "utf-8")
    with pytest.raises(ImportFailed, match="modifié à la main"):
        import_programmation(sheet, data, "cad", 2024)


def test_an_unknown_pillar_lists_every_known_pillar(tmp_path: Path, data: Path) -> None:
    sheet = douaisis_xlsx(tmp_path / "p.xlsx", with_total=False)
    book = load_workbook(sheet)
    book.active.cell(row=8, column=HEADERS.index("Pilier") + 1).value = "Pilier jeunesse"
    book.save(sheet)
    with pytest.raises(ImportFailed) as refused:
        import_programmation(sheet, data, "cad", 2024)
    [problem] = refused.value.problems
    assert (problem.ligne, problem.colonne, problem.valeur) == (8, "Pilier", "Pilier jeunesse")
    assert all(code in problem.attendu for code in vocabulary("piliers").labels)


def test_an_unknown_financer_lists_every_known_financer_then_the_territory_declares_it(tmp_path: Path,
                                                                                     data: Path) -> None:
    sheet = douaisis_xlsx(tmp_path / "p.xlsx", with_total=False)
    book = load_workbook(sheet)
    book.active.cell(row=5, column=len(HEADERS) + 1).value = "Fondation du Nord"
    book.active.cell(row=6, column=len(HEADERS) + 1).value = "750"
    book.save(sheet)
    with pytest.raises(ImportFailed) as refused:
        import_programmation(sheet, data, "cad", 2024)
    [problem] = refused.value.problems
    assert (problem.ligne, problem.colonne) == (5, "Fondation du Nord")
    assert all(code in problem.attendu for code in vocabulary("financeurs").labels)
    (data / "cad" / "vocabulaire.yml").write_text("financeurs:\n  Fondation du Nord: autres\n", "utf-8")
    import_programmation(sheet, data, "cad", 2024)
    rows = _written(data)
    assert rows.loc[rows["financeur"] == "autres", "montant"].tolist() == ["750"]
    assert cdv.validate_territory("cad", data) == []  # vocabulaire.yml is not taken for a table


def test_a_long_layout_csv_in_windows_1252_gives_the_same_amounts(tmp_path: Path, data: Path) -> None:
    import_programmation(douaisis_long_csv(tmp_path / "programmation-2024.csv"), data, "cad")
    rows = _written(data)
    assert rows.assign(m=rows["montant"].astype(float)).groupby("financeur")["m"].sum().to_dict() == BY_FINANCER
    assert rows["dossier"].nunique() == len(ACTIONS)


def test_an_unquoted_cell_holding_the_separator_is_refused_as_one_field_too_many(tmp_path: Path, data: Path,
                                                                                 capsys) -> None:
    # The wide layout saved by hand as « ; » text: the title line, the header (17 fields), the six actions;
    # the first action's « QN05901M ; QN05902M » left unquoted splits into two fields (18).
    sheet = tmp_path / "programmation-2024.csv"
    lines = [TITLE, ";".join(HEADERS), *(";".join(action) for action in ACTIONS)]
    sheet.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(ImportFailed) as refused:
        import_programmation(sheet, data, "cad", 2024)
    [problem] = refused.value.problems  # and no amount error on a later, shifted column
    assert (problem.fichier, problem.ligne, problem.colonne) == (str(sheet), 3, None)
    assert problem.attendu.startswith("17 champs comme la ligne d'en-têtes, et non 18 ")
    assert "mettez entre guillemets la cellule qui contient le séparateur « ; »" in problem.attendu
    assert main(["importer", "programmation", str(sheet), "--territoire", "cad", "--donnees", str(data)]) != 0
    assert f"{sheet}, ligne 3 : 17 champs comme la ligne d'en-têtes, et non 18" in capsys.readouterr().err
    assert not (data / "cad" / "programmation.2024.csv").exists()
    with sheet.open("w", encoding="utf-8", newline="") as handle:  # the same cell quoted, as Excel writes it
        writer = csv.writer(handle, delimiter=";")
        writer.writerows([[TITLE], HEADERS, *ACTIONS])
    assert sheet.read_text("utf-8").splitlines()[2].count('"QN05901M ; QN05902M"') == 1
    assert import_programmation(sheet, data, "cad", 2024).ok
    rows = _written(data)
    assert set(rows.loc[rows["dossier"] == "2024-001", "qpv"]) == {"QN05901M ; QN05902M"}
    assert rows.assign(m=rows["montant"].astype(float)).groupby("financeur")["m"].sum().to_dict() == BY_FINANCER


def test_a_workbook_of_several_sheets_needs_the_sheet_name(tmp_path: Path, data: Path) -> None:
    sheet = douaisis_xlsx(tmp_path / "p.xlsx", with_total=False, other_sheet=True)
    with pytest.raises(ImportFailed, match="« Programmation 2024 », « Notes »"):
        import_programmation(sheet, data, "cad", 2024)
    assert import_programmation(sheet, data, "cad", 2024, sheet="Programmation 2024").ok


def test_actions_also_imported_from_anct_are_reported(tmp_path: Path, data: Path) -> None:
    (data / "cad" / "actions.anct-2024.csv").write_text(
        "dispositif,numero,porteur,intitule,montant,annee,source,section\n"
        "anct,2024-003,Mission locale du Douaisis,Accompagnement vers l'emploi,10 000,2024,ra2023,ANCT\n"
        "anct,,Association Horizon,Fête de quartier,1 500,2024,ra2023,ANCT\n"
        "anct,,Autre porteur,Autre action,900,2024,ra2023,ANCT\n", "utf-8")
    summary = import_programmation(douaisis_xlsx(tmp_path / "p.xlsx", with_total=False), data, "cad", 2024)
    text = plain(summary.text())
    assert "2 actions figurent aussi dans les subventions ANCT importées pour 2024" in text
    assert "ligne 8 : dossier 2024-003" in text and "ligne 10 : même porteur, même intitulé, même montant" in text


def test_cli_refusal_is_french_and_names_the_territories(tmp_path: Path, data: Path, capsys) -> None:
    sheet = douaisis_xlsx(tmp_path / "p.xlsx", with_total=False)
    code = main(["importer", "programmation", str(sheet), "--territoire", "inconnu", "--annee", "2024",
                 "--donnees", str(data)])
    assert code == 1
    assert "un territoire existant pour --territoire ; territoires : cad" in capsys.readouterr().err
    assert TOTAL[1] == "TOTAL"


def test_a_total_row_typed_among_the_actions_is_a_validation_error(data: Path) -> None:
    (data / "cad" / "actions.saisie.csv").write_text(
        "dispositif,porteur,intitule,montant,annee,source,section\n"
        "fcs,Association Horizon,Aide aux devoirs,1 500 €,2023,ra2023,FCS\n"
        "fcs,,TOTAL FCS,1 500 €,2023,ra2023,FCS\n", "utf-8")
    [problem] = [p for p in cdv.validate_territory("cad", data) if p.is_error]
    assert (problem.ligne, problem.colonne, problem.valeur) == (3, "intitule", "TOTAL FCS")


def test_an_anct_import_after_the_programmation_reports_the_overlap(tmp_path: Path, data: Path) -> None:
    from cdv_analysis.importers import import_anct_subsidies

    import_programmation(douaisis_xlsx(tmp_path / "p.xlsx", with_total=False), data, "cad", 2024)
    meta = (data / "cad" / "territoire.yml").read_text("utf-8").replace("  code: null", "  code: C5901")
    (data / "cad" / "territoire.yml").write_text(meta, "utf-8")
    anct = tmp_path / "subventions-2024.csv"
    anct.write_text("N°;Libellé de l'action;Raison sociale longue;Type de tiers;Code contrat ville;"
                    "Libellé contrat ville;Thème;Mt engagé\n"
                    "2024-003;Accompagnement vers l'emploi;Mission locale du Douaisis;Association;C5901;CV Douaisis;"
                    "Emploi;10 000\n"
                    "X-1;Autre action;Autre porteur;Association;C5901;CV Douaisis;Emploi;900\n", "utf-8")
    text = plain(import_anct_subsidies(anct, data, year=2024).text())
    assert "cad : 1 subvention figure déjà dans la programmation 2024 du territoire" in text
    assert "subventions-2024.csv, ligne 2 : dossier 2024-003" in text


def test_actions_of_a_scheme_no_section_shows_are_named_once(data: Path) -> None:
    (data / "cad" / "actions.saisie.csv").write_text(
        "dispositif,porteur,intitule,montant,annee,source,section\n"
        + "".join(f"contrat_de_ville,Porteur {i},Action {i},1 000 €,2023,ra2023,Tableau\n" for i in range(40))
        + "fcs,Association Horizon,Aide aux devoirs,1 500 €,2023,ra2023,FCS\n", "utf-8")
    [warning] = [p for p in cdv.validate_territory("cad", data) if p.colonne == "dispositif"]
    assert not warning.is_error and warning.valeur == "contrat_de_ville" and warning.ligne == 2
    assert "40 actions de ce dispositif ne figurent dans aucune section" in warning.attendu
    assert "cdv importer programmation" in warning.attendu


def test_a_long_layout_amount_without_its_financer_is_refused(tmp_path: Path, data: Path) -> None:
    sheet = tmp_path / "prog2024.csv"
    sheet.write_text("Intitulé;Porteur;Financeur;Montant\nAction A;Asso A;Etat;1000\nAction B;Asso B;;5000\n", "utf-8")
    with pytest.raises(ImportFailed) as refused:
        import_programmation(sheet, data, "cad", 2024)
    [problem] = refused.value.problems  # the 5 000 € of line 3 are not dropped in silence
    assert (problem.fichier, problem.ligne, problem.colonne, problem.valeur) == (str(sheet), 3, "Financeur", "")
    assert plain(problem.attendu).startswith("le financeur de ce montant de 5 000,00 € (cellule obligatoire")
    assert f"{sheet}, ligne 3, colonne « Financeur » : valeur «  » ; attendu : le financeur" in plain(
        str(refused.value))
    assert not (data / "cad" / "programmation.2024.csv").exists()


def test_each_financer_row_of_a_long_layout_keeps_its_own_line_and_comment(tmp_path: Path, data: Path) -> None:
    sheet = tmp_path / "prog2024.csv"
    sheet.write_text("Intitulé;Porteur;Financeur;Montant;Commentaires\n"
                     "Action A;Asso A;Etat;1000;\n"
                     "Action A;Asso A;Agglo;2000;reconduction\n"
                     "Action B;Asso B;Agglo;500;première année\n"
                     "Action A;Asso A;Agglo;300;avenant\n", "utf-8")
    import_programmation(sheet, data, "cad", 2024)
    rows = {(r["intitule"], r["financeur"]): (r["montant"], r["section"], r["remarque"])
            for r in _written(data).fillna("").to_dict("records")}
    assert rows == {  # the Agglo's two rows of action A: 2 000 + 300 €, from lines 3 and 5, both comments kept
        ("Action A", "anct"): ("1000", "prog2024.csv, ligne 2", ""),
        ("Action A", "epci"): ("2300", "prog2024.csv, lignes 3 et 5", "reconduction ; avenant"),
        ("Action B", "epci"): ("500", "prog2024.csv, ligne 4", "première année"),
    }


def test_a_territoire_yml_with_a_schema_error_refuses_the_import_with_its_place(tmp_path: Path, data: Path) -> None:
    described = data / "cad" / "territoire.yml"
    described.write_text(described.read_text("utf-8") + "nombre_communes_epci: beaucoup\n", "utf-8")
    line = described.read_text("utf-8").splitlines().index("nombre_communes_epci: beaucoup") + 1
    with pytest.raises(ImportFailed) as refused:
        import_programmation(douaisis_xlsx(tmp_path / "p.xlsx", with_total=False), data, "cad", 2024)
    [problem] = refused.value.problems  # a French error on the file and key, not an AttributeError
    assert (problem.fichier, problem.ligne, problem.colonne, problem.valeur) == (
        str(described), line, "nombre_communes_epci", "beaucoup")
    assert not (data / "cad" / "programmation.2024.csv").exists()


@pytest.mark.parametrize("text, encoding, expected", [
    # before: « du YAML valide ('utf-8' codec can't decode…) », English and with no line
    ("# Vocabulaire propre à la CAD, financeurs ajoutés à la main\nfinanceurs:\n  Fondation du Nord: autres\n"
     "piliers:\n  Pilier écologie: cadre_de_vie\nignorer: [Notes]\n", "cp1252", None),
    ("financeurs:\n  Fondation du Nord: autres\n  Fondation du Nord: epci\n", "utf-8",
     (3, None, "du YAML valide (clé « Fondation du Nord » répétée")),
    ("piliers:\n  Pilier 4: ecologie\n", "utf-8", (None, "piliers", "un code de pilier parmi : ")),
    ("types_credit:\n  autres: exceptionnel\n", "utf-8", (None, "types_credit", "un type de crédit parmi : ")),
])
def test_the_territory_vocabulary_is_read_as_every_outside_yaml(tmp_path: Path, data: Path, text: str,
                                                                  encoding: str, expected) -> None:
    own = data / "cad" / "vocabulaire.yml"
    own.write_bytes(text.encode(encoding))
    sheet = douaisis_xlsx(tmp_path / "p.xlsx", with_total=False)
    if expected is None:  # a Windows-1252 file is read as the territory's tables are
        assert import_programmation(sheet, data, "cad", 2024).ok
        return
    with pytest.raises(ImportFailed) as refused:
        import_programmation(sheet, data, "cad", 2024)
    [problem] = refused.value.problems
    assert problem.fichier.endswith("cad/vocabulaire.yml") and (problem.ligne, problem.colonne) == expected[:2]
    assert problem.attendu.startswith(expected[2]), problem.attendu


def test_a_csv_sheet_is_read_within_the_declared_limits(tmp_path: Path, data: Path, monkeypatch) -> None:
    import dataclasses

    from cdv_analysis.ingest.iorw import limits

    sheet = tmp_path / "programmation-2024.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([[TITLE], HEADERS, *ACTIONS])
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, rows=5))
    with pytest.raises(ImportFailed) as refused:  # before: the sheet's own reader ignored LIMITS
        import_programmation(sheet, data, "cad", 2024)
    [problem] = refused.value.problems
    assert (problem.fichier, problem.ligne) == (str(sheet), None)
    assert problem.attendu.startswith("au plus 5 lignes : ce fichier a plus de 5 lignes remplies ; découpez-le")
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, rows=500, file_bytes=1024))
    with pytest.raises(ImportFailed, match="un fichier d'au plus 1\xa0ko : celui-ci fait 1,"):
        import_programmation(sheet, data, "cad", 2024)
    assert not (data / "cad" / "programmation.2024.csv").exists()


def test_merged_cells_are_filled_without_loading_the_whole_workbook(tmp_path: Path, data: Path,
                                                                     monkeypatch) -> None:
    import openpyxl

    opened = []
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        opened.append(kwargs.get("read_only", False))
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    import_programmation(douaisis_xlsx(tmp_path / "p.xlsx", with_total=False), data, "cad", 2024)
    assert opened and all(opened)  # before: a second, full load only for the merged ranges
    rows = _written(data)
    assert set(rows.loc[rows["dossier"] == "2024-002", "commune"]) == {"Douai"}  # merged over rows 6-7
