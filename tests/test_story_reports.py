"""What a reader finds in the embedded reports: the headline figures, few empty notices, data links."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
import yaml

from cdv_analysis.publish.build import build_all

REPORTS = {("cabbalr", 2019), ("cabbalr", 2021), ("cabbalr", 2022), ("call", 2022)}


def _text(page: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def pages(embedded_reports):
    """The pages of the session's shared build (tests/conftest.py) and its indicator tables."""
    summary = embedded_reports.summary
    assert summary.ok, summary.text()
    return {(t, y): embedded_reports.page(t, y) for t, y in REPORTS}, embedded_reports.processed


@pytest.mark.parametrize("report", sorted(REPORTS))
def test_at_most_two_empty_notices(pages, report):
    assert _text(pages[0][report]).count("Aucune donnée") <= 2


@pytest.mark.parametrize("report, figures", [
    (("cabbalr", 2021), ["92 921 €", "169 541 €", "Fonds de Cohésion Sociale"]),
    (("cabbalr", 2019), ["191 974 €", "1 712 989 €", "1 230 586 €", "réussite éducative"]),
    (("call", 2022), ["241 934", "150 000"]),
])
def test_headline_figures_reach_the_reader(pages, report, figures):
    text = _text(pages[0][report])
    for figure in figures:
        assert figure in text, figure
    assert "Aucune donnée sur les projets du Fonds de Cohésion Sociale" not in text


@pytest.mark.parametrize("report", sorted(REPORTS))
def test_every_data_link_names_a_saved_table(pages, report):
    page, processed = pages[0][report], pages[1]
    links = re.findall(r'href="donnees/([^"]+)\.csv"', page)
    assert len(links) >= 5
    for name in links:
        assert (processed / report[0] / str(report[1]) / f"{name}.csv").is_file(), name


def test_csv_of_associative_projects_carries_its_paragraph_figures(pages):
    table = pd.read_csv(pages[1] / "cabbalr" / "2022" / "projets_associatifs.csv")
    values = table.dropna(subset=["chiffre_cle"]).set_index("chiffre_cle")["valeur"].astype(float)
    assert values["total"] == 75 and values["soutenus"] == 132


def test_the_synthesis_says_what_the_report_does_not_cover(pages):
    text = _text(pages[0][("call", 2022)])
    # Issue 16 item 7: the box names the subjects a reader misses (the tables' topics), not raw file paths.
    box = text.split("Ce que ce rapport ne couvre pas", 1)[1].split("omises", 1)[0]
    assert "les projets déposés et soutenus" in box and "les actions financées" in box
    assert "data/raw" not in text and "projets.csv" not in text  # never data/raw/call/projets.csv


def test_a_section_without_data_disappears_with_its_heading(pages):
    cabbalr, call = pages[0][("cabbalr", 2021)], pages[0][("call", 2022)]
    for section in ("sante", "participation-des-habitants"):
        assert f'id="{section}"' not in cabbalr and f'id="{section}"' in call


def test_anct_health_subsidies_feed_the_health_section(data_copy, tmp_path, in_process):
    """An ANCT « Santé » sub-theme imported beside an evaluation territory appears under « Santé »."""
    folder = data_copy / "cabbalr"
    meta = yaml.safe_load((folder / "territoire.yml").read_text("utf-8"))
    meta["sources"].append({"id": "anct-2022", "fichier": "subventions-2022.csv", "editeur": "ANCT",
                            "titre": "ANCT – subventions politique de la ville 2022 (open data)", "type": "import",
                            "annees": [2022], "annee_rapport": 2022})
    (folder / "territoire.yml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), "utf-8")
    (folder / "actions.anct-2022.csv").write_text(
        "dispositif,numero,axe,priorite,sous_priorite,pilier,thematique,porteur,type_porteur,intitule,commune,"
        "montant,annee,source,section,remarque\n"
        "anct,1,1.2- Santé,,,cohesion_sociale,Santé,Association Souffle,association,Ateliers bien-être,,"
        '"4 321,00",2022,anct-2022,"subventions-2022.csv, ligne 2",\n'
        "anct,2,2.1- Emploi,,,emploi_economie,Emploi,Ville de Bruay,commune,Chantier,,"
        '"8 000,00",2022,anct-2022,"subventions-2022.csv, ligne 3",\n', encoding="utf-8")
    with in_process():
        summary = build_all(data_copy, tmp_path / "r", tmp_path / "p", territories=["cabbalr"], years=[2022], jobs=1,
                            progress=False)
    assert summary.ok, summary.text()
    page = (tmp_path / "r" / "cabbalr" / "2022" / "rapport.html").read_text("utf-8")
    start = page.index('id="sante"')
    health = _text(page[start:page.index("<h2", start)])
    assert "Subventions de l'ANCT pour la santé" in health
    assert "4 321" in health.replace("\u202f", " ").replace("\u00a0", " ")
    assert "Chantier" not in health
