"""A new or broken territory never stops the commands for the others."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cdv_analysis.ingest import load
from cdv_analysis.cli import main

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


@pytest.fixture()
def call_and_broken(tmp_path: Path, monkeypatch) -> Path:
    """``call`` beside a territory whose reading fails unexpectedly (not a data error)."""
    data = tmp_path / "raw"
    shutil.copytree(RAW / "call", data / "call")
    (data / "casse").mkdir()
    (data / "casse" / "territoire.yml").write_text("id: casse\nnom: Cassé\nsigle: CC\nsources: [{id: s}]\n", "utf-8")
    real = load._read_territory

    def read(folder: Path, *args):
        if folder.name == "casse":
            raise KeyError(float("nan"))
        return real(folder, *args)

    monkeypatch.setattr(load, "_read_territory", read)
    return data


def test_liste_reports_the_broken_territory_and_lists_the_others(capsys, call_and_broken: Path) -> None:
    code = main(["liste", "--donnees", str(call_and_broken)])
    out = capsys.readouterr().out
    assert code == 1
    assert "- casse — ✘ lecture impossible (KeyError : nan)" in out
    assert "- call — Communauté d'Agglomération de Lens-Liévin (CALL)" in out
    assert "rapports : 2022" in out


def test_valider_reports_the_broken_territory_and_validates_the_others(capsys, call_and_broken: Path) -> None:
    code = main(["valider", "--donnees", str(call_and_broken)])
    out = capsys.readouterr().out
    assert code == 1
    assert "✘ casse : lecture impossible" in out
    assert "✔ call : données valides" in out
