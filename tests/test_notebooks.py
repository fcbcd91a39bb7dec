"""Notebooks are committed clean: no outputs, a parameters cell, short cells; the library holds the logic."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from cdv_analysis.report import COMPARISON, PORTRAIT_SECTIONS, SECTIONS, assemble

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_every_section_and_the_comparison_exist():
    assert {p.stem for p in ALL} == set(SECTIONS) | set(PORTRAIT_SECTIONS) | {COMPARISON}


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_notebook_is_clean_and_parameterised(path):
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "outputs must be stripped"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is book.cells[0]
    for cell in code:
        logic = [line for line in cell.source.splitlines() if line.strip() and not line.strip().startswith("#")]
        assert len(logic) <= 15, f"cell too long for a story notebook:\n{cell.source}"


def test_assembled_report_has_one_parameters_and_one_setup_cell():
    book = assemble(NOTEBOOKS / f"{name}.ipynb" for name in SECTIONS)
    tags = [tag for cell in book.cells for tag in cell.metadata.get("tags", [])]
    assert tags.count("parameters") == 1 and tags.count("setup") == 1
    sections = [c.metadata["cdv_section"] for c in book.cells]
    assert sections[0] == "Synthèse" and sections[-1] == "Sources et méthode"
    headings = [c.source for c in book.cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert headings == ["## Synthèse", "## Contexte des quartiers", "## Programmation", "## Gouvernance et coopérations", "## Santé",
                        "## Participation des habitants", "## Qualité des données", "## Sources et méthode"]
    ids = [c.get("id") for c in book.cells]
    assert len(ids) == len(set(ids))
