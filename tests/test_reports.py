"""End to end: notebooks executed by papermill, HTML by nbconvert, cache, failure isolation."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from cdv_analysis.cli import main
from cdv_analysis.publish.build import build_all

PROJECT = Path(__file__).resolve().parent.parent


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


EMBEDDED = {("call", 2022), ("cabbalr", 2019), ("cabbalr", 2021), ("cabbalr", 2022)}


@pytest.fixture(scope="module")
def built(embedded_reports):
    """Every embedded report (two in parallel), built once for the test session (tests/conftest.py); read-only."""
    return embedded_reports.summary, embedded_reports.reports, embedded_reports.processed


def test_reports_are_built(built):
    summary, out, _ = built
    assert summary.ok, summary.text()
    assert {(r.territory, r.year) for r in summary.results} == EMBEDDED | {(None, None)}  # and the comparison
    for tid, year in sorted(EMBEDDED):
        folder = out / tid / str(year)
        assert (folder / "rapport.html").is_file() and (folder / "rapport.ipynb").is_file()
        assert not (folder / "rapport.echec.ipynb").exists()
    assert (out / "index.html").is_file()


def test_html_is_french_self_contained_and_shows_seed_figures(built):
    _, out, _ = built
    page = (out / "cabbalr" / "2021" / "rapport.html").read_text("utf-8")
    assert '<html lang="fr">' in page
    text = _plain(page)
    for figure in ("6 931 463 €", "68,3 %", "4 734 927 €", "141", "122", "59,6 %"):
        assert figure in text, figure
    assert "6 931 143" in text  # the text total that contradicts the table, in « Qualité des données »
    assert "import cdv_analysis" not in page and "jp-InputArea" not in page  # no code cells
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")
    assert 'class="toc"' in page
    images = re.findall(r"<img [^>]*>", page)
    # Issue 18: charts are SVG images (text kept as text), embedded so that no script can run.
    assert len(images) >= 3 and all('src="data:image/svg+xml;base64,' in image for image in images)
    assert all(alt.strip() for alt in _alts(page))


def _alts(page: str) -> list[str]:
    return re.findall(r'<img [^>]*alt="([^"]*)"', page)


def test_call_report_has_governance_health_and_findings(built):
    _, out, _ = built
    text = _plain((out / "call" / "2022" / "rapport.html").read_text("utf-8"))
    # Issue 16: the n of each question is not printed, so no count is derived (« 8 communes sur 19 » was
    # invented); the share is given with the questionnaire's 19 respondent communes as an upper bound.
    assert ("actions innovantes, réponse « en partie » : 42,1 %, sur au plus 19 communes ayant répondu au "
            "questionnaire") in text
    assert "8 communes sur 19" not in text and "communes sur 19, soit" not in text
    assert "63,7 %" in text and "aucun nombre entier" in text
    assert "207 654 €" in text  # health amounts 2022
    assert "Qualité des données" in text and "n = 21" in text


def test_toc_links_resolve(built):
    _, out, _ = built
    page = (out / "call" / "2022" / "rapport.html").read_text("utf-8")
    nav = page.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    targets = re.findall(r'href="#([^"]+)"', nav)
    assert len(targets) >= 7
    for target in targets:
        assert f'id="{target}"' in page, target


def test_indicator_tables_are_written_to_processed(built):
    _, _, processed = built
    pillars = processed / "cabbalr" / "2021" / "piliers.csv"
    assert pillars.is_file() and "4734927" in pillars.read_text("utf-8")
    assert (processed / "call" / "2022" / "cooperation_niveaux.csv").is_file()


def test_second_run_is_served_from_cache(embedded_reports_copy, raw_dir):
    out, processed = embedded_reports_copy.reports, embedded_reports_copy.processed
    stamps = {str(page): page.stat().st_mtime_ns for page in out.glob("*/*/rapport.html")}
    again = build_all(raw_dir, out, processed, territories=["call", "cabbalr"], years=[2022, 2021], jobs=2,
                      progress=False)
    assert [r.status for r in again.results] == ["cache"] * 3
    # Served from cache: no page rewritten, and each page carries the key recorded beside it.
    for result in again.results:
        assert Path(result.html).stat().st_mtime_ns == stamps[result.html]
        record = json.loads((Path(result.html).parent / ".empreinte.json").read_text("utf-8"))
        assert record["cle"][:16] in Path(result.html).read_text("utf-8")


def test_cache_key_is_the_content_not_the_path(embedded_reports_copy, tmp_path, in_process):
    fresh_out, processed = embedded_reports_copy.reports, embedded_reports_copy.processed
    data = tmp_path / "raw"
    shutil.copytree(PROJECT / "data" / "raw", data)
    # Identical data in another folder: same content, same key, nothing to rebuild.
    first = build_all(data, fresh_out, processed, territories=["call", "cabbalr"], years=[2022], progress=False)
    assert [r.status for r in first.results] == ["cache", "cache"]
    yml = data / "call" / "territoire.yml"
    yml.write_text(yml.read_text("utf-8") + "\n# modifié\n", "utf-8")
    with in_process():
        second = build_all(data, fresh_out, processed, territories=["call", "cabbalr"], years=[2022], progress=False)
    assert {(r.territory, r.status) for r in second.results} == {("call", "construit"), ("cabbalr", "cache")}, [r.message for r in second.results]


def test_broken_notebook_fails_alone_and_keeps_the_good_report(embedded_reports_copy, raw_dir, tmp_path, monkeypatch,
                                                               capsys, in_process):
    out, processed = embedded_reports_copy.reports, embedded_reports_copy.processed
    notebooks = tmp_path / "notebooks"
    shutil.copytree(PROJECT / "notebooks", notebooks)
    health = notebooks / "05_sante.ipynb"
    book = nbformat.read(health, as_version=4)
    book.cells.insert(3, nbformat.v4.new_code_cell(
        'if territoire == "call":\n    raise RuntimeError("section cassée exprès")'))
    nbformat.write(book, health)
    good = (out / "call" / "2022" / "rapport.html").read_bytes()
    monkeypatch.setenv("CDV_NOTEBOOKS", str(notebooks))
    with in_process():
        code = main(["rapports", "--donnees", str(raw_dir), "--sortie", str(out), "--sortie-donnees", str(processed),
                     "--territoire", "call", "--territoire", "cabbalr", "--annee", "2022", "--silencieux"])
    printed = capsys.readouterr().out
    assert code == 1
    assert "✘ call 2022" in printed and "« Santé »" in printed and "section cassée exprès" in printed
    assert (out / "call" / "2022" / "rapport.html").read_bytes() == good
    failed = nbformat.read(out / "call" / "2022" / "rapport.echec.ipynb", as_version=4)
    assert any("section cassée exprès" in json.dumps(c.get("outputs", []), ensure_ascii=False) for c in failed.cells)
    assert (out / "cabbalr" / "2022" / "rapport.html").is_file()  # the other report was built
    assert "cabbalr 2022" not in printed.split("✘", 1)[1]
