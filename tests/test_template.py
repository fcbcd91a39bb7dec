"""The shipped territory template (cdv_analysis/modele/): untouched, it validates; empty tables are not errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import cdv_analysis as cdv
from cdv_analysis.ingest.schemas import TABLES

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATE = PROJECT / "cdv_analysis" / "modele"


def cdv_command(*argv: str) -> subprocess.CompletedProcess:
    """The ``cdv`` command in a fresh process, as a user types it."""
    return subprocess.run([sys.executable, "-c", "import sys; from cdv_analysis.cli import main; sys.exit(main())",
                           *argv], capture_output=True, text=True, timeout=300)


def test_untouched_template_validates_in_a_fresh_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "donnees"
    data.mkdir()
    created = cdv_command("nouveau-territoire", "neuve", "--donnees", str(data))
    assert created.returncode == 0, created.stderr
    # Every table of the template is there, header only.
    assert sorted(p.name.split(".")[0] for p in (data / "neuve").glob("*.csv")) == sorted(TABLES)

    checked = cdv_command("valider", "--donnees", str(data))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Traceback" not in checked.stderr and "KeyError" not in checked.stderr
    assert "✔ neuve : données valides" in checked.stdout
    assert "erreur" not in checked.stdout

    listed = cdv_command("liste", "--donnees", str(data))
    assert listed.returncode == 0, listed.stderr
    assert "neuve" in listed.stdout and "actions (0)" in listed.stdout and "sante (0)" in listed.stdout


def test_header_only_tables_are_empty_tables(tmp_path: Path) -> None:
    shutil.copytree(TEMPLATE, tmp_path / "neuve")
    yml = tmp_path / "neuve" / "territoire.yml"
    yml.write_text(yml.read_text("utf-8").replace("id: modele", "id: neuve"), "utf-8")
    territory = cdv.load_territory("neuve", tmp_path)
    assert territory.errors == [] and territory.problems == []
    for name in TABLES:
        assert territory.table(name).empty
        assert not territory.has(name)


def test_header_only_file_beside_a_filled_one(data_copy: Path) -> None:
    """An untouched template copied into a filled territory adds no row and no problem."""
    before = cdv.load_territory("call", data_copy)
    shutil.copy(TEMPLATE / "financements.csv", data_copy / "call" / "financements.csv")
    after = cdv.load_territory("call", data_copy)
    assert after.errors == []
    assert len(after.table("financements")) == len(before.table("financements"))
    assert after.table("financements")["montant"].sum() == before.table("financements")["montant"].sum()
