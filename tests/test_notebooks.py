"""Notebooks are committed clean: no outputs, a parameters cell, short cells; the library holds the logic."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from cdv_analysis.rules import formatting as fr
from cdv_analysis.publish.assemble import assemble
from cdv_analysis.publish.sections import COMPARISON, PORTRAIT_SECTIONS, SECTIONS, STARTER_SECTIONS

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_every_section_and_the_comparison_exist():
    assert {p.stem for p in ALL} == set(SECTIONS) | set(PORTRAIT_SECTIONS) | set(STARTER_SECTIONS) | {COMPARISON}


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
    headings = [c.source.splitlines()[0] for c in book.cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert headings == ["## Synthèse", "## Contexte des quartiers", "## Programmation", "## Gouvernance et coopérations", "## Santé",
                        "## Participation des habitants", "## Enseignements et préconisations", "## Annexes", "## Qualité des données",
                        "## Sources et méthode"]
    ids = [c.get("id") for c in book.cells]
    assert len(ids) == len(set(ids))


SECTION_PATHS = [NOTEBOOKS / f"{name}.ipynb" for name in dict.fromkeys(SECTIONS + PORTRAIT_SECTIONS + STARTER_SECTIONS)]
STORY = SECTION_PATHS


@pytest.mark.parametrize("path", SECTION_PATHS, ids=lambda p: p.stem)
def test_setup_cell_is_the_shared_one(path):
    from cdv_analysis.presentation.notebook import SETUP_CELL

    setup = [c for c in nbformat.read(path, as_version=4).cells if "setup" in c.metadata.get("tags", [])]
    assert [c.source for c in setup] == [SETUP_CELL]


@pytest.mark.parametrize("path", STORY, ids=lambda p: p.stem)
def test_headings_are_markdown_and_the_story_opens_with_a_question(path):
    book = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in book.cells if c.cell_type == "code")
    assert 'show_markdown("#' not in code and "show_markdown(f\"#" not in code
    markdown = "\n\n".join(c.source for c in book.cells if c.cell_type == "markdown")
    assert markdown.startswith("## ")
    assert markdown.split("\n\n")[1].startswith(("**Question", "**Méthode"))


def test_insee_themes_each_have_a_conditional_heading():
    """02_contexte writes one heading per theme of the INSEE vocabulary: a new theme needs its heading."""
    import yaml

    from cdv_analysis.config import PACKAGE_DIR

    vocabulary = yaml.safe_load((PACKAGE_DIR / "vocabulaires" / "indicateurs_insee.yml").read_text("utf-8"))
    themes = list(dict.fromkeys(entry["theme"] for entry in vocabulary.values()))
    cells = nbformat.read(NOTEBOOKS / "02_contexte.ipynb", as_version=4).cells
    headings = [c.source.removeprefix("#### ") for c in cells if c.source.startswith("#### ")]
    assert headings == [theme[:1].upper() + theme[1:] for theme in themes]
    assert all("conditionnel" in c.metadata.get("tags", []) for c in cells if c.source.startswith("#### "))
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert all(f'ind.theme_summary(values, "{theme}")' in code for theme in themes)


def test_assembly_refuses_a_section_whose_setup_differs(tmp_path):
    book = nbformat.read(NOTEBOOKS / "05_sante.ipynb", as_version=4)
    setup = next(c for c in book.cells if "setup" in c.metadata.get("tags", []))
    setup.source += "\nimport numpy as np"
    nbformat.write(book, tmp_path / "05_sante.ipynb")
    with pytest.raises(ValueError, match="05_sante.ipynb.*setup"):
        assemble([NOTEBOOKS / "01_synthese.ipynb", tmp_path / "05_sante.ipynb"])


def test_assembly_refuses_an_unknown_parameter_and_names_the_known_ones():
    paths = [NOTEBOOKS / f"{name}.ipynb" for name in SECTIONS]
    assemble(paths, {"territoire": "call", "annee": 2022, "donnees": None, "sortie_donnees": None})
    with pytest.raises(ValueError, match="teritoire.*territoire, annee, donnees, sortie_donnees"):
        assemble(paths, {"teritoire": "call", "annee": 2022})


def test_open_report_refuses_an_unknown_parameter():
    from cdv_analysis.presentation.notebook import open_report

    with pytest.raises(ValueError, match="anne .*connus : territoire, annee"):
        open_report("call", 2022, anne=2021)


def test_empty_conditional_sections_disappear():
    from cdv_analysis.publish.render import drop_empty_sections

    def heading(text):
        return nbformat.v4.new_markdown_cell(text, metadata={"tags": ["conditionnel"]})

    def shown():
        return nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("display_data", {"text/html": "<p/>"})])

    book = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## Section"),
        heading("### Vide"), nbformat.v4.new_code_cell("pass"),
        heading("### Pleine"), shown(),
        heading("### Parent"), heading("#### Enfant vide"), nbformat.v4.new_code_cell("pass"),
        heading("#### Enfant plein"), shown(),
    ])
    kept = [c.source for c in drop_empty_sections(book).cells if c.cell_type == "markdown"]
    assert kept == ["## Section", "### Pleine", "### Parent", "#### Enfant plein"]


def test_the_quality_section_keeps_its_declared_anchor_whatever_its_heading_says():
    from cdv_analysis.publish.coverage import insert_coverage
    from cdv_analysis.publish.render import render_html
    from cdv_analysis.publish.sections import QUALITY_ANCHOR

    def cell(source, notebook):
        made = (nbformat.v4.new_markdown_cell if source.startswith("#") else nbformat.v4.new_code_cell)(source)
        made.metadata["cdv_notebook"] = notebook
        return made

    book = nbformat.v4.new_notebook(cells=[
        cell("## Qualité des données", "07_enseignements"),  # the heading's own slug, taken by another section
        cell("## Fiabilité des chiffres publiés", "08_qualite"), cell("### Contrôles", "08_qualite"),
        cell("## Sources et méthode", "10_sources")])
    page = render_html(book, "t", "s", {})
    assert page.count(f'id="{QUALITY_ANCHOR}"') == 1
    assert f'id="{QUALITY_ANCHOR}">Fiabilité des chiffres publiés' in page
    assert 'id="qualite-des-donnees-2">Qualité des données' in page and 'id="controles"' in page
    assert f'href="#{QUALITY_ANCHOR}"' in page and "celltag_cdv-ancre" not in page
    body = page[page.index("<main"):page.index("</main>")]
    placed = insert_coverage(body, "<section>BLOC</section>")
    assert body.index("Fiabilité") < placed.index("BLOC") < placed.index('id="sources-et-methode"')


def test_present_saves_shows_and_returns_the_chart(call, tmp_path, monkeypatch):
    from cdv_analysis.presentation import charts, narrative, notebook

    from cdv_analysis.analysis import indicators as ind

    shown = []
    monkeypatch.setattr(notebook, "_display", lambda obj: shown.append(getattr(obj, "data", str(obj))))
    ctx = notebook.ReportContext(call, 2022, tmp_path)
    chart = ctx.present(ind.cooperation_levels(call), "cooperation_niveaux", chart=charts.cooperation_heatmap,
                        text=lambda r: narrative.cooperation_paragraph(ind.cooperation_means(call), r),
                        title="Titre de l'évaluateur", caption="Lecture : *exemple*.")
    assert chart.title == "Titre de l'évaluateur" and chart.shown
    saved = (tmp_path / "call" / "2022" / "cooperation_niveaux.csv").read_text("utf-8")
    assert "n_plausibles" in saved and "52.4" in saved
    page = "\n".join(shown)
    assert page.count('<figure class="cdv-chart"') == 1
    assert "Lecture : *exemple*." in page
    assert 'href="donnees/cooperation_niveaux.csv"' in page
    # Issue 18: the link names its table and its size (the many links of a page are told apart).
    size = fr.taille_fichier((tmp_path / "call" / "2022" / "cooperation_niveaux.csv").stat().st_size)
    assert f"Télécharger les données : Titre de l&#x27;évaluateur (CSV, {size})" in page
    assert ctx.present(ind.fund_projects(call, 2022), "fonds_cohesion_sociale") is None
    assert not (tmp_path / "call" / "2022" / "fonds_cohesion_sociale.csv").exists()
