"""The report is the territory's: kind, title, subtitle, logo, framing, own prose, declared sections."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from cdv_analysis.ingest import editions
from cdv_analysis.publish import sections
from cdv_analysis.publish.assemble import tailor
from cdv_analysis.publish.execute import run_job
from cdv_analysis.publish.jobs import Job
from cdv_analysis.publish.sections import Section, sections_for

PROJECT = Path(__file__).resolve().parent.parent
NOTEBOOKS = PROJECT / "notebooks"
CDV = PROJECT / ".venv" / "bin" / "cdv"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082")


def _meta(**reports) -> dict:
    return {"id": "cad", "nom": "CA du Douaisis", "sigle": "CAD", "rapports": reports,
            "sources": [{"id": "prog2024", "type": "programmation", "annee_rapport": 2024},
                        {"id": "ra2023", "type": "rapport_annuel", "annee_rapport": 2023}]}


def test_declared_kind_title_subtitle_and_logo(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(PNG)
    meta = _meta(**{"2024": {"genre": "evaluation_finale", "titre": "Douaisis", "logo": "logo.png"},
                    "2023": {"genre": "evaluation_mi_parcours", "sous_titre": "Bilan d'étape"}})
    final = editions.edition(meta, tmp_path, 2024, "Titre par défaut")
    assert (final.kind, final.title, final.subtitle) == ("evaluation_finale", "Douaisis", "Évaluation finale 2024")
    assert final.logo.startswith("data:image/png;base64,")
    middle = editions.edition(meta, tmp_path, 2023, "Titre par défaut")
    assert (middle.kind, middle.title, middle.subtitle, middle.logo) == (
        "evaluation_mi_parcours", "Titre par défaut", "Bilan d'étape", "")
    undeclared = editions.edition(meta, tmp_path, 2022, "Titre par défaut")
    assert undeclared.subtitle == "Rapport d'évaluation 2022"  # the embedded reports keep their subtitle


def test_bad_report_keys_are_located_french_problems(tmp_path: Path) -> None:
    from cdv_analysis.ingest.metadata import read_territory_file

    folder = tmp_path / "cad"
    folder.mkdir()
    (folder / "territoire.yml").write_text(
        "id: cad\nnom: CA du Douaisis\nsigle: CAD\nsources: [{id: prog2024, type: programmation}]\n"
        "rapports:\n  2024: {genre: bilan, logo: absent.png, titre_long: x}\n  '24': {}\n", "utf-8")
    meta, problems = read_territory_file(folder)
    found = {(p.colonne, str(p.valeur)): p for p in problems}
    genre = found[("rapports.2024.genre", "bilan")]
    assert genre.is_error and genre.ligne == 6
    assert "rapport_annuel (« Rapport annuel »)" in genre.attendu
    assert "evaluation_finale (« Évaluation finale »)" in genre.attendu
    assert not found[("rapports.2024.titre_long", "None")].is_error  # an unknown key is a warning
    assert ("rapports.24", "24") in found
    assert not editions.edition_problems({"rapports": {2024: {"logo": "logo.png"}}}, folder, "t.yml") == []
    (folder / "logo.png").write_bytes(PNG)
    assert editions.edition_problems({"rapports": {2024: {"logo": "logo.png"}}}, folder, "t.yml") == []


def _image(path: Path, size: tuple[int, int], kind: str) -> Path:
    from PIL import Image

    Image.new("RGB" if kind == "JPEG" else "1", size).save(path, kind)
    return path


def test_a_logo_is_bounded_in_pixels_as_in_bytes(tmp_path: Path) -> None:
    from cdv_analysis.ingest.metadata import read_territory_file

    folder = tmp_path / "cad"
    folder.mkdir()
    for name, size, kind in (("ok.png", (2000, 64), "PNG"), ("ok.jpg", (300, 2000), "JPEG"),
                             ("ok.gif", (120, 64), "GIF"), ("ok.webp", (64, 64), "WEBP"),
                             ("large.png", (5000, 5000), "PNG"), ("wide.webp", (2001, 10), "WEBP"),
                             ("png.jpg", (10, 10), "PNG")):
        _image(folder / name, size, kind)
    assert (folder / "large.png").stat().st_size < 10_000  # 25 million pixels in a few kilobytes
    svgs = {"ok.svg": '<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg" '
                      'width="10cm" height="2cm"><rect width="10" height="10"/></svg>',  # 378 × 76 px
            "box.svg": "<svg viewBox='0 0 5000 1000'></svg>",
            "tall.svg": '<svg width="100%" height="1800pt" viewBox="0 0 100 400"></svg>',
            "scaled.svg": '<svg width="3000" viewBox="0 0 400 100"></svg>',  # 3 000 × 750 px
            "relative.svg": '<svg width="100%" viewBox="0 0 400 100"></svg>',  # 400 × 100: the page sizes it
            "bad.svg": '<svg viewBox="0 0 -4 5"></svg>', "text.svg": "pas une image"}
    for name, text in svgs.items():
        (folder / name).write_text(text, "utf-8")
    (folder / "heavy.png").write_bytes(PNG + b"\0" * 600_000)
    logos = ("ok.png", "ok.jpg", "ok.gif", "ok.webp", "ok.svg", "relative.svg", "large.png", "wide.webp",
             "png.jpg", "box.svg", "tall.svg", "scaled.svg", "bad.svg", "text.svg", "heavy.png")
    (folder / "territoire.yml").write_text(
        "id: cad\nnom: CA du Douaisis\nsigle: CAD\nsources: [{id: prog2024, type: programmation}]\nrapports:\n"
        + "".join(f"  {2001 + i}:\n    titre: Douaisis\n    logo: {name}\n" for i, name in enumerate(logos)),
        "utf-8")
    meta, problems = read_territory_file(folder)
    found = {p.valeur: (p.ligne, p.colonne, p.attendu.replace("\u202f", " ")) for p in problems}
    assert set(found) == set(logos[6:])  # the six good logos pass, each bad one is named
    assert all(p.is_error and p.fichier.endswith("cad/territoire.yml") for p in problems)
    # rapports: is line 5; each year takes three lines, its logo the third (2007, large.png: line 8 + 3 × 6).
    assert found["large.png"][:2] == (6 + 3 * 6 + 2, "rapports.2007.logo")
    assert found["large.png"][2] == ("une image d'au plus 2 000 × 2 000 pixels (le rapport l'affiche sur 64 pixels "
                                     "de haut) : celle-ci fait 5 000 × 5 000 pixels ; réduisez-la")
    assert found["wide.webp"][2].endswith("celle-ci fait 2 001 × 10 pixels ; réduisez-la")
    assert found["png.jpg"][2] == "une image JPEG, comme son extension le dit (ce fichier est une image PNG)"
    assert found["box.svg"][2].endswith("celle-ci fait 5 000 × 1 000 pixels ; réduisez-la")
    assert found["tall.svg"][2].endswith("celle-ci fait 600 × 2 400 pixels ; réduisez-la")  # 1 800 pt = 2 400 px
    assert found["scaled.svg"][2].endswith("celle-ci fait 3 000 × 750 pixels ; réduisez-la")
    assert found["bad.svg"][2].endswith("ou viewBox (« 0 0 200 80 ») ; ici viewBox=« 0 0 -4 5 »")
    assert found["text.svg"][2].endswith("; aucune balise <svg> au début du fichier")
    # the unit as every size is written (« ko », formatting.taille_fichier), and the size in octets (review 2.3)
    assert found["heavy.png"][2] == ("une image de 512\xa0ko (524 288 octets) au plus : ce fichier en fait "
                                     f"{600_000 + len(PNG):,} octets".replace(",", " "))
    shown = {name: editions.edition({"rapports": {2024: {"logo": name}}}, folder, 2024, "D").logo for name in logos}
    assert {name for name, logo in shown.items() if logo} == set(logos[:6])
    assert shown["ok.webp"].startswith("data:image/webp;base64,") and shown["ok.gif"].startswith("data:image/gif;")


def test_framing_follows_the_source_of_the_figures() -> None:
    meta = _meta()
    assert editions.figures_origin(meta, 2024) == "propre"
    assert editions.figures_origin(meta, 2023) == "transcrit"


def test_a_source_type_is_a_code_of_its_vocabulary(tmp_path: Path) -> None:
    """Review_ingest 2.2: « type: rapport-annuel » was accepted without a word; the year then counted as
    transcribed and its short title fell back to « titre »."""
    from cdv_analysis.ingest.metadata import read_territory_file
    from cdv_analysis.ingest.territory import source_title
    from cdv_analysis.rules.harmonise import codes

    folder = tmp_path / "cad"
    folder.mkdir()
    (folder / "territoire.yml").write_text(
        "id: cad\nnom: CA du Douaisis\nsigle: CAD\nsources:\n  - id: ra2023\n    titre: Bilan\n"
        "    type: rapport-annuel\n    annee_rapport: 2023\n", "utf-8")
    _, problems = read_territory_file(folder)
    [problem] = [p for p in problems if p.colonne == "sources[1].type"]
    assert (problem.ligne, problem.valeur, problem.is_error) == (7, "rapport-annuel", False)  # a warning
    assert problem.attendu.startswith("un type de source parmi : rapport_annuel, evaluation_finale, synthese, "
                                      "programmation, import")
    assert codes("types_source", donnees_propres=True) == editions.OWN_DATA_SOURCE_TYPES == ("programmation",
                                                                                             "import")
    sources = {"ra2023": {"type": "rapport_annuel", "annee_rapport": 2023},
               "ev": {"type": "evaluation_finale", "date": "2022-06-01"}}
    assert source_title(sources, "ra2023", "p. 4") == "Rapport annuel 2023, p. 4"
    assert source_title(sources, "ev") == "Rapport d'évaluation finale 2022"


def _book(*cells) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=list(cells))


def _md(text: str, notebook: str, *tags: str):
    return nbformat.v4.new_markdown_cell(text, metadata={"cdv_notebook": notebook, "cdv_section": notebook,
                                                         "tags": list(tags)})


def test_tailor_keeps_the_framing_of_the_origin_and_adds_the_territory_prose(tmp_path: Path) -> None:
    prose = tmp_path / "03_programmation.md"
    prose.write_text("Le comité de pilotage a retenu **40 actions**.", "utf-8")

    def book():
        return _book(_md("## Programmation", "03_programmation"),
                     _md("Recopiés des rapports publics.", "03_programmation", editions.TRANSCRIBED_TAG),
                     _md("Calculés à partir de votre programmation.", "03_programmation", editions.OWN_DATA_TAG),
                     nbformat.v4.new_code_cell("x = 1", metadata={"cdv_notebook": "03_programmation"}),
                     _md("## Santé", "05_sante"))

    own = [c.source for c in tailor(book(), "propre", {"03_programmation": prose}).cells]
    assert own == ["## Programmation", "Calculés à partir de votre programmation.",
                   "Le comité de pilotage a retenu **40 actions**.", "x = 1", "## Santé"]
    transcribed = [c.source for c in tailor(book(), "transcrit", {}).cells]
    assert "Recopiés des rapports publics." in transcribed and "Calculés à partir de votre programmation." not in transcribed


def _job(territory: str, kind: str, notebooks: Path = NOTEBOOKS, data: Path = PROJECT / "data" / "raw") -> Job:
    return Job(territory, 2024, str(data), "/tmp/out", "/tmp/p", str(notebooks), "k", "t", None, kind=kind)


def test_a_section_declared_for_some_kinds_and_territories(monkeypatch) -> None:
    monkeypatch.setattr(sections, "SECTIONS", ("01_synthese", Section("11_npnru", kinds=("evaluation_finale",),
                                                                    territories=("call",)), "10_sources"))
    assert sections_for(_job("call", "evaluation_finale")) == ("01_synthese", "11_npnru", "10_sources")
    assert sections_for(_job("call", "rapport_annuel")) == ("01_synthese", "10_sources")
    assert sections_for(_job("cabbalr", "evaluation_finale")) == ("01_synthese", "10_sources")
    assert sections_for(_job("call", editions.STARTER_KIND)) == sections.STARTER_SECTIONS


def test_an_undeclared_notebook_is_named(tmp_path: Path) -> None:
    shutil.copy(NOTEBOOKS / "10_sources.ipynb", tmp_path / "10_sources.ipynb")
    shutil.copy(NOTEBOOKS / "10_sources.ipynb", tmp_path / "12_nouvelle.ipynb")
    assert sections.undeclared_notebooks(tmp_path) == ["12_nouvelle.ipynb"]
    assert sections.undeclared_notebooks(NOTEBOOKS) == []


def test_a_failure_inside_a_declared_section_is_reported_against_it(tmp_path: Path, monkeypatch) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    sources = nbformat.read(NOTEBOOKS / "10_sources.ipynb", as_version=4)
    nbformat.write(sources, notebooks / "10_sources.ipynb")
    extra = nbformat.v4.new_notebook(cells=[*sources.cells[:2], nbformat.v4.new_markdown_cell("## Essai"),
                                            nbformat.v4.new_code_cell("1 / 0")],
                                     metadata={**sources.metadata, "cdv_section": "Essai NPNRU"})
    nbformat.write(extra, notebooks / "11_essai.ipynb")
    monkeypatch.setattr(sections, "SECTIONS", ("10_sources", Section("11_essai", territories=("call",))))
    job = Job("call", 2022, str(PROJECT / "data" / "raw"), str(tmp_path / "out"), str(tmp_path / "p"),
              str(notebooks), "k", "t", None, kind="rapport_annuel")
    result = run_job(job)
    assert result.status == "echec"
    assert result.section == "Essai NPNRU"
    assert result.cell == 3  # parameters, setup, « 1 / 0 »: the third code cell of 11_essai.ipynb
    assert "ZeroDivisionError" in result.message


def _cdv(*args: str, data: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CDV), *args, "--donnees", str(data)], capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(not CDV.exists(), reason="cdv not installed in .venv")
def test_a_new_territory_from_the_shipped_template_works_end_to_end(tmp_path: Path) -> None:
    data = tmp_path / "raw"
    data.mkdir()
    created = _cdv("nouveau-territoire", "cad", data=data)
    assert created.returncode == 0, created.stderr
    listed = _cdv("liste", data=data)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "- cad — Communauté d'agglomération de … (CA…)" in listed.stdout
    assert "rapports : 2023" in listed.stdout
    valid = _cdv("valider", data=data)
    assert valid.returncode == 0, valid.stdout
    assert "✔ cad : données valides" in valid.stdout
    out = tmp_path / "reports"
    built = subprocess.run([str(CDV), "rapports", "--territoire", "cad", "--donnees", str(data), "--sortie", str(out),
                            "--sortie-donnees", str(tmp_path / "processed"), "--silencieux", "--jobs", "1"],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "1 rapport : 1 construit, 0 repris du cache" in built.stdout
    page = (out / "cad" / "2023" / "rapport.html").read_text("utf-8")
    assert "Territoire à compléter — 2023" in page
    assert "Ce qu&#39;il reste à compléter" in page or "Ce qu'il reste à compléter" in page
    assert "cdv importer programmation FICHIER --territoire cad --annee 2023" in page
    assert "Couverture des chiffres publiés" not in page
    assert "Programmation" in page and "## " not in page


def test_paths_a_page_names_follow_the_data_folder(tmp_path: Path) -> None:
    """Review_ingest 3.3: with CDV_DONNEES=/home/u/mes_donnees the page named « u/mes_donnees/x/sante.csv »
    (the last three parts), while the starter page wrote « data/raw/x/… » whatever the folder."""
    import cdv_analysis as cdv
    from cdv_analysis.cli import main

    data = tmp_path / "u" / "mes_donnees"
    data.mkdir(parents=True)
    assert main(["nouveau-territoire", "x", "--donnees", str(data)]) == 0
    territory = cdv.load_territory("x", data, strict=False)
    assert territory.expected_file("sante") == "mes_donnees/x/sante.csv"
    places = editions.to_fill_in(territory, 2024)["ou"].tolist()
    assert places[0].startswith("mes_donnees/x/territoire.yml, clé")
    assert "mes_donnees/x/sante.*.csv" in places and "mes_donnees/x/textes/2024/<section>.md" in places
    assert not any("data/raw" in p or str(tmp_path) in p for p in places)
    assert cdv.load_territory("call").expected_file("sante") == "data/raw/call/sante.csv"  # the project's data
