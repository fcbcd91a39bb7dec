"""The ``cdv`` command line: French messages, suggestions and truthful exit codes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from cdv_analysis.cli import main, suggestion

PROJECT = Path(__file__).resolve().parent.parent
CDV = PROJECT / ".venv" / "bin" / "cdv"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_year_without_report_names_the_existing_years(capsys, raw_dir) -> None:
    code, out, err = run(capsys, "rapports", "--territoire", "call", "--annee", "2019", "--donnees", str(raw_dir))
    assert code == 1
    assert out == ""
    assert "Aucun rapport pour 2019" in err
    assert "call : 2022" in err


def test_year_missing_for_every_territory(capsys, raw_dir) -> None:
    code, _, err = run(capsys, "rapports", "--annee", "1999", "--donnees", str(raw_dir))
    assert code == 1
    assert "Aucun rapport pour 1999" in err and "call : 2022" in err and "cabbalr :" in err


def test_unknown_territory_suggests_the_closest(capsys, raw_dir) -> None:
    code, out, err = run(capsys, "rapports", "--territoire", "cal", "--donnees", str(raw_dir))
    assert code == 1 and out == ""
    assert "Territoire inconnu : cal." in err
    assert "Territoires disponibles : cabbalr, call." in err
    assert "Vouliez-vous dire « call »" in err


def test_unknown_territory_in_validation(capsys, raw_dir) -> None:
    code, _, err = run(capsys, "valider", "--territoire", "cabalr", "--donnees", str(raw_dir))
    assert code == 1
    assert "Vouliez-vous dire « cabbalr »" in err


def test_mistyped_command_suggests_the_right_one(capsys) -> None:
    code, out, err = run(capsys, "rapport")
    assert code == 2 and out == ""
    assert err.startswith("utilisation : cdv ")
    assert "cdv : erreur : commande inconnue : « rapport »" in err
    assert "Vouliez-vous dire « rapports » ?" in err
    assert "invalid choice" not in err


def test_non_integer_year_is_a_french_error(capsys) -> None:
    code, _, err = run(capsys, "rapports", "--annee", "deux-mille")
    assert code == 2
    assert "valeur entière attendue pour --annee : « deux-mille »" in err
    assert "invalid" not in err and "usage" not in err


def test_missing_arguments_in_french(capsys) -> None:
    code, _, err = run(capsys, "importer")
    assert code == 2
    assert "arguments obligatoires manquants : jeu, fichier" in err
    assert "required" not in err


def test_unknown_option_in_french(capsys) -> None:
    code, _, err = run(capsys, "liste", "--bla")
    assert code == 2
    assert "arguments non reconnus : --bla" in err


def test_help_is_french(capsys) -> None:
    code, out, _ = run(capsys, "rapports", "--help")
    assert code == 0
    assert out.startswith("utilisation : cdv rapports")
    assert "affiche cette aide et quitte" in out
    assert "options :" in out
    for english in ("usage:", "show this help", "options:"):
        assert english not in out


def test_top_level_help_lists_commands_in_french(capsys) -> None:
    code, out, _ = run(capsys, "-h")
    assert code == 0
    assert "affiche la version et quitte" in out
    assert "construit les rapports HTML" in out


def test_no_command_prints_help_and_fails(capsys) -> None:
    code, out, _ = run(capsys)
    assert code == 2
    assert out.startswith("utilisation : cdv")


def test_empty_data_dir_did_nothing_and_says_so(capsys, tmp_path) -> None:
    code, _, err = run(capsys, "valider", "--donnees", str(tmp_path))
    assert code == 1
    assert "rien n'a été fait" in err
    code, _, err = run(capsys, "rapports", "--donnees", str(tmp_path))
    assert code == 1
    assert "aucun rapport à construire" in err


def test_missing_data_dir(capsys, tmp_path) -> None:
    code, _, err = run(capsys, "rapports", "--donnees", str(tmp_path / "absent"))
    assert code == 1
    assert "Dossier de données introuvable" in err


@pytest.mark.parametrize("word, candidates, expected", [
    ("rapport", ["liste", "rapports", "valider"], " Vouliez-vous dire « rapports » ?"),
    ("zzz", ["liste", "rapports"], ""),
    ("cal", ["cabbalr", "call"], " Vouliez-vous dire « call » ou « cabbalr » ?"),
])
def test_suggestion(word, candidates, expected) -> None:
    assert suggestion(word, candidates) == expected


@pytest.mark.skipif(not CDV.exists(), reason="the cdv script is installed by make in .venv")
def test_real_command_line_process() -> None:
    done = subprocess.run([str(CDV), "rapports", "--territoire", "call", "--annee", "2019"],
                          capture_output=True, text=True, cwd=PROJECT, timeout=120)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "call : 2022" in done.stderr
    done = subprocess.run([str(CDV), "rapport"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Vouliez-vous dire « rapports » ?" in done.stderr


def test_liste_announces_the_years_rapports_builds(capsys, tmp_path) -> None:
    """An INSEE-only territory of three vintages (2018–2020) gets one portrait, of 2020: `cdv liste` says so."""
    from cdv_analysis.importers import import_insee_qpv
    from test_portraits import REGION_COMMUNES, insee_region_file

    data = tmp_path / "donnees"
    data.mkdir()
    import_insee_qpv(insee_region_file(tmp_path / "in"), data, territory="region", communes=list(REGION_COMMUNES),
                     vintage=2020)
    code, out, _ = run(capsys, "liste", "--donnees", str(data))
    assert code == 0
    assert "rapports : 2020 ; années couvertes par les données : 2018, 2019, 2020" in out
    code, _, err = run(capsys, "rapports", "--territoire", "region", "--annee", "2019", "--donnees", str(data))
    assert code == 1 and "region : 2020" in err  # what `cdv rapports` offers is what `cdv liste` said


def _check_value_of_python_3_14(self, action, value) -> None:
    """argparse's check as CPython 3.14 words it (gh-117766): the choices joined with str(), unquoted."""
    import argparse

    if action.choices is not None and value not in action.choices:
        choices = ", ".join(map(str, action.choices))
        raise argparse.ArgumentError(action, f"invalid choice: {str(value)!r} (choose from {choices})")


def test_an_unknown_command_or_import_is_french_whatever_argparse_says(capsys, monkeypatch) -> None:
    import argparse

    monkeypatch.setattr(argparse.ArgumentParser, "_check_value", _check_value_of_python_3_14)
    code, _, err = run(capsys, "rapport")
    assert code == 2
    assert ("commande inconnue : « rapport » (possibles : liste, valider, rapports, nouveau-territoire, importer). "
            "Vouliez-vous dire « rapports » ?") in err
    code, _, err = run(capsys, "importer", "insee", "f.csv")
    assert code == 2
    assert ("choix invalide pour jeu : « insee » (possibles : insee-qpv, anct-subventions, programmation, "
            "questionnaire). Vouliez-vous dire « insee-qpv » ?") in err


def test_valider_reads_each_territory_once(capsys, raw_dir, monkeypatch) -> None:
    from cdv_analysis.ingest import load

    reads = []
    original = load._read_territory
    monkeypatch.setattr(load, "_read_territory", lambda folder, *a, **k: reads.append(folder.name) or original(folder, *a, **k))
    code, out, _ = run(capsys, "valider", "--territoire", "call", "--territoire", "cabbalr", "--donnees", str(raw_dir))
    assert code == 0
    assert reads == ["call", "cabbalr"]  # validated, then checked on the same tables
    assert "✔ call : données valides" in out and "✔ cabbalr : données valides" in out
    assert "incohérences relevées dans les sources" in out  # the checks still run


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_the_importer_help_names_every_import_whole(capsys, monkeypatch, columns) -> None:
    """Not only open data: the registry's imports, each name on one line (never cut at its hyphen)."""
    monkeypatch.setenv("COLUMNS", columns)
    code, out, _ = run(capsys, "-h")
    assert code == 0
    line = " ".join(out.split()[out.split().index("importer"):])
    assert line.startswith("importer importe un fichier dans un dossier de territoire "
                           "(insee-qpv, anct-subventions, programmation, questionnaire)")
    assert not [row for row in out.splitlines() if re.search(r"\w-$", row)]
    code, out, _ = run(capsys, "importer", "-h")
    assert not [row for row in out.splitlines() if re.search(r"\w-$", row)]
    assert "données ouvertes (INSEE, ANCT)" not in out
