"""Default folders of cdv_analysis/config.py: an empty environment variable counts as unset."""

from __future__ import annotations

from pathlib import Path

from cdv_analysis import config


def test_an_empty_variable_is_unset_for_every_folder(monkeypatch, tmp_path):
    for variable in ("CDV_NOTEBOOKS", "CDV_RAPPORTS", "CDV_DONNEES"):
        monkeypatch.setenv(variable, "")
    monkeypatch.chdir(tmp_path)
    # before: CDV_NOTEBOOKS="" gave Path("") — the working directory — while the others fell back
    assert config.notebooks_dir() == config.PROJECT_DIR / "notebooks" != Path("")
    assert config.reports_dir() == config.PROJECT_DIR / "reports"
    monkeypatch.setenv("CDV_NOTEBOOKS", str(tmp_path / "mes_notebooks"))
    assert config.notebooks_dir() == tmp_path / "mes_notebooks"
