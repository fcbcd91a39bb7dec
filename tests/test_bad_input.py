"""Bad input gets a clear French error naming file, row and column; nothing is lost or written."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

import cdv_analysis as cdv
from cdv_analysis.cli import main


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict], fields: list[str], delimiter=",", encoding="utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


def _corrupt(path: Path, row_index: int, column: str, value: str) -> int:
    """Set one cell; returns the file line number of that row (header is line 1)."""
    rows = _rows(path)
    rows[row_index][column] = value
    _write(path, rows, list(rows[0]))
    return row_index + 2


def _errors(data: Path, territory: str) -> list[cdv.Problem]:
    return [p for p in cdv.validate_territory(territory, data) if p.is_error]


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_malformed_amount_is_reported_with_file_line_column(data_copy):
    target = data_copy / "cabbalr" / "financements.ra2021.csv"
    line = _corrupt(target, 5, "montant", "4 73x 927 €")
    errors = _errors(data_copy, "cabbalr")
    assert len(errors) == 1
    error = errors[0]
    assert error.fichier.endswith("financements.ra2021.csv")
    assert (error.ligne, error.colonne, error.valeur) == (line, "montant", "4 73x 927 €")
    message = str(error)
    assert f"ligne {line}" in message and "« montant »" in message and "montant en euros" in message


def test_a_phrase_is_a_value_only_in_a_textual_unit_whose_other_cells_are_still_checked(data_copy):
    target = data_copy / "call" / "contexte.eval2022.csv"
    rows = _rows(target)
    textual = [i for i, row in enumerate(rows) if row["unite"] == "texte"]
    numeric = [i for i, row in enumerate(rows) if row["unite"] == "nombre"]
    assert textual and numeric and any(not rows[i]["valeur"][:1].isdigit() for i in textual)
    assert _errors(data_copy, "call") == []  # « une cinquantaine de minutes » in unit « texte »: a phrase, accepted
    rows[numeric[0]]["valeur"] = "une vingtaine"  # the same kind of phrase in unit « nombre »: refused
    rows[textual[0]]["annee"] = "20x2"  # a textual row keeps every other check
    _write(target, rows, list(rows[0]))
    found = {(p.ligne, p.colonne, p.valeur) for p in _errors(data_copy, "call")}
    assert found == {(numeric[0] + 2, "valeur", "une vingtaine"), (textual[0] + 2, "annee", "20x2")}


def test_cli_valider_exit_codes_and_message(data_copy, capsys):
    assert main(["valider", "--donnees", str(data_copy)]) == 0
    capsys.readouterr()
    line = _corrupt(data_copy / "cabbalr" / "financements.ra2021.csv", 3, "montant", "douze mille")
    assert main(["valider", "--donnees", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert "financements.ra2021.csv" in out and f"ligne {line}" in out and "« montant »" in out
    assert "✔ call : données valides" in out  # the other territory still validates


def test_unknown_pillar(data_copy):
    target = data_copy / "cabbalr" / "financements.ra2021.csv"
    rows = _rows(target)
    index = next(i for i, r in enumerate(rows) if r["pilier"])
    line = _corrupt(target, index, "pilier", "Pilier imaginaire")
    [error] = _errors(data_copy, "cabbalr")
    assert (error.ligne, error.colonne, error.valeur) == (line, "pilier", "Pilier imaginaire")
    assert "pilier connu" in error.attendu and "libelles" in error.attendu


def test_territory_alias_makes_a_new_pillar_label_known(data_copy):
    target = data_copy / "cabbalr" / "financements.ra2021.csv"
    rows = _rows(target)
    index = next(i for i, r in enumerate(rows) if r["pilier"])
    _corrupt(target, index, "pilier", "Vivre ensemble")
    yml = data_copy / "cabbalr" / "territoire.yml"
    yml.write_text(yml.read_text("utf-8") + "\nlibelles:\n  piliers:\n    Vivre ensemble: cohesion_sociale\n", "utf-8")
    assert _errors(data_copy, "cabbalr") == []


def test_missing_required_column(data_copy):
    target = data_copy / "call" / "cooperation.eval2022.csv"
    rows = _rows(target)
    fields = [f for f in rows[0] if f != "niveau"]
    _write(target, [{k: r[k] for k in fields} for r in rows], fields)
    errors = _errors(data_copy, "call")
    assert [(e.colonne, e.ligne) for e in errors] == [("niveau", 1)]
    assert "colonne « niveau »" in errors[0].attendu


def test_missing_territory_file(data_copy):
    (data_copy / "call" / "territoire.yml").unlink()
    # Without territoire.yml the folder is no longer a territory...
    assert cdv.discover_territories(data_copy) == ["cabbalr"]
    # ...and asking for it by name says which file is missing.
    errors = _errors(data_copy, "call")
    assert any("territoire.yml" in e.fichier for e in errors)
    with pytest.raises(cdv.DataError, match="territoire.yml"):
        cdv.load_territory("call", data_copy)


def test_unreadable_encoding(data_copy):
    target = data_copy / "call" / "participation.eval2022.csv"
    target.write_bytes(target.read_text("utf-8").encode("utf-16"))
    [error] = _errors(data_copy, "call")
    assert error.fichier.endswith("participation.eval2022.csv")
    assert "UTF-8" in error.attendu and "Windows-1252" in error.attendu


def test_mixed_encodings_are_refused(data_copy):
    target = data_copy / "call" / "participation.eval2022.csv"
    text = target.read_text("utf-8")
    target.write_bytes(text.encode("utf-8") + b"\n" + "é".encode("cp1252"))
    [error] = _errors(data_copy, "call")
    assert "mélange" in error.attendu


def test_cp1252_semicolon_and_bom_files_are_accepted(data_copy, call):
    target = data_copy / "call" / "enquetes.eval2022.csv"
    rows = _rows(target)
    _write(target, rows, list(rows[0]), delimiter=";", encoding="cp1252")
    other = data_copy / "call" / "cooperation.eval2022.csv"
    other.write_bytes(b"\xef\xbb\xbf" + other.read_bytes())
    territory = cdv.load_territory("call", data_copy)
    assert territory.table("enquetes")["question"].tolist() == call.table("enquetes")["question"].tolist()
    assert territory.table("cooperation")["pourcentage"].sum() == pytest.approx(
        call.table("cooperation")["pourcentage"].sum())


def test_xlsx_files_are_read_like_csv(data_copy, cabbalr):
    from openpyxl import Workbook

    source = data_copy / "cabbalr" / "actions.ra2022.csv"
    rows = _rows(source)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(rows[0]))
    for row in rows:
        values = list(row.values())
        sheet.append(values)
    # A number typed as a number in Excel must read the same as the printed text.
    sheet.cell(row=2, column=list(rows[0]).index("montant") + 1, value=2000)
    workbook.save(data_copy / "cabbalr" / "actions.ra2022.xlsx")
    source.unlink()
    territory = cdv.load_territory("cabbalr", data_copy)
    fcs = territory.table("actions").query("dispositif == 'fcs' and annee == '2022'")
    assert fcs["montant"].sum() == 97_918
    assert any(f.endswith("actions.ra2022.xlsx") for f in territory.files["actions"])


def test_empty_file(data_copy):
    (data_copy / "call" / "sante.eval2022-sante.csv").write_text("", "utf-8")
    [error] = _errors(data_copy, "call")
    assert error.fichier.endswith("sante.eval2022-sante.csv") and "non vide" in error.attendu


def test_duplicated_row_names_both_lines(data_copy):
    target = data_copy / "call" / "cooperation.eval2022.csv"
    rows = _rows(target)
    _write(target, rows + [rows[2]], list(rows[0]))
    [error] = _errors(data_copy, "call")
    assert error.ligne == len(rows) + 2
    assert "ligne 4" in error.attendu


def test_row_with_too_many_fields(data_copy):
    target = data_copy / "call" / "cooperation.eval2022.csv"
    rows = _rows(target)
    # A valid row with one field more than the header (whatever columns the table gains later).
    extra = [*rows[-1].values(), "en trop"]
    assert len(extra) == len(rows[0]) + 1
    with target.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(extra)
    [error] = _errors(data_copy, "call")
    assert error.ligne == len(_rows(target)) + 1 and "champs" in error.attendu


def test_misnamed_file_is_flagged_not_silently_read(data_copy):
    (data_copy / "call" / "financement.extra.csv").write_text("annee\n2022\n", "utf-8")
    problems = cdv.validate_territory("call", data_copy)
    flagged = [p for p in problems if p.fichier.endswith("financement.extra.csv")]
    assert flagged and not flagged[0].is_error and "table connue" in flagged[0].attendu


def test_validation_and_loading_never_write_into_raw_data(data_copy, capsys):
    _corrupt(data_copy / "cabbalr" / "projets.ra2021.csv", 0, "nombre", "beaucoup")
    before = _tree_digest(data_copy)
    main(["valider", "--donnees", str(data_copy)])
    main(["liste", "--donnees", str(data_copy)])
    cdv.load_territory("call", data_copy)
    cdv.load_territory("cabbalr", data_copy, strict=False)
    with pytest.raises(cdv.DataError):
        cdv.load_territory("cabbalr", data_copy)
    assert _tree_digest(data_copy) == before


def test_strict_loading_raises_a_french_error_with_every_problem(data_copy):
    _corrupt(data_copy / "cabbalr" / "projets.ra2021.csv", 0, "nombre", "beaucoup")
    _corrupt(data_copy / "cabbalr" / "financements.ra2021.csv", 1, "mesure", "inconnue")
    with pytest.raises(cdv.DataError) as caught:
        cdv.load_territory("cabbalr", data_copy)
    message = str(caught.value)
    assert "2 erreurs" in message and "projets.ra2021.csv" in message and "financements.ra2021.csv" in message
    lenient = cdv.load_territory("cabbalr", data_copy, strict=False)
    assert len(lenient.errors) == 2


def test_unknown_territory_in_cli(data_copy, capsys):
    assert main(["valider", "--donnees", str(data_copy), "--territoire", "atlantis"]) == 1
    assert "Territoire inconnu : atlantis" in capsys.readouterr().err


def test_a_skipped_territory_is_counted_by_its_errors_in_agreed_french(data_copy):
    from cdv_analysis.ingest.load import load_valid

    _corrupt(data_copy / "cabbalr" / "projets.ra2021.csv", 0, "nombre", "beaucoup")
    (data_copy / "cabbalr" / "financement.extra.csv").write_text("annee\n2022\n", "utf-8")  # one more warning
    problems = cdv.validate_territory("cabbalr", data_copy)
    assert sum(p.is_error for p in problems) == 1 and len(problems) > 1
    loaded, skipped = load_valid(data_copy)
    assert [t.id for t in loaded] == ["call"]  # before: « N problème(s) », warnings counted
    assert skipped == {"cabbalr": "1 erreur de données (voir `cdv valider --territoire cabbalr`)"}
