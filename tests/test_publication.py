"""Publishing one report: what ships beside the page, in which order, and what a failed step leaves behind."""

from __future__ import annotations

import errno
import json
import re
import shutil
from pathlib import Path

import pytest

from cdv_analysis.ingest.editions import STARTER_KIND
from cdv_analysis.publish import execute, publication
from cdv_analysis.publish.cache import CACHE_FILE, is_cached
from cdv_analysis.publish.jobs import Job, Status

PROJECT = Path(__file__).resolve().parent.parent
NOTEBOOKS = PROJECT / "notebooks"


def _starter_job(tmp_path: Path) -> Job:
    """The short page of a territory with no data: the cheapest real report (assembled, rendered, published)."""
    (tmp_path / "raw").mkdir(exist_ok=True)
    return Job("neuf", 2024, str(tmp_path / "raw"), str(tmp_path / "out"), str(tmp_path / "p"), str(NOTEBOOKS),
               "cle-nouvelle", "Territoire neuf", None, kind=STARTER_KIND)


def _copy_without_running(input_path, output_path, *args, **kwargs) -> None:
    shutil.copy(input_path, output_path)  # stands for papermill: what is tested comes after the execution


def _disk_full(processed: Path, folder: Path) -> Path:
    raise OSError(errno.ENOSPC, "No space left on device", str(folder / publication.DATA_FOLDER / "a.csv"))


def test_a_failed_data_copy_keeps_the_previous_page_and_record(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(execute, "_execute", _copy_without_running)
    monkeypatch.setattr(execute, "publish_data", _disk_full)
    job = _starter_job(tmp_path)
    job.folder.mkdir(parents=True)
    (job.folder / "rapport.html").write_text("page précédente", "utf-8")
    (job.folder / CACHE_FILE).write_text(json.dumps({"cle": "cle-precedente"}), "utf-8")
    result = execute.run_job(job)
    assert result.status == Status.FAILED
    assert "espace" in result.message or "plein" in result.message, result.message
    assert not is_cached(job)  # the next build does it again
    assert json.loads((job.folder / CACHE_FILE).read_text("utf-8")) == {"cle": "cle-precedente"}
    assert (job.folder / "rapport.html").read_text("utf-8") == "page précédente"


def test_a_first_build_whose_data_copy_fails_is_not_cached(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(execute, "_execute", _copy_without_running)
    monkeypatch.setattr(execute, "publish_data", _disk_full)
    job = _starter_job(tmp_path)
    assert execute.run_job(job).status == Status.FAILED
    assert not (job.folder / CACHE_FILE).exists() and not is_cached(job)


def test_a_published_report_is_cached_with_its_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(execute, "_execute", _copy_without_running)
    job = _starter_job(tmp_path)
    assert execute.run_job(job).status == Status.BUILT
    assert is_cached(job)
    assert (job.folder / publication.DATA_FOLDER).is_dir()
    assert sorted(p.name for p in job.folder.iterdir()) == [CACHE_FILE, "donnees", "rapport.html", "rapport.ipynb"]


def test_a_failed_copy_leaves_no_temporary_folder(tmp_path: Path, monkeypatch) -> None:
    processed, folder = tmp_path / "processed", tmp_path / "rapport"
    processed.mkdir()
    (processed / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (folder / "donnees").mkdir(parents=True)
    (folder / "donnees" / "ancien.csv").write_text("old", encoding="utf-8")

    def full(source, target, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(publication.shutil, "copy2", full)
    with pytest.raises(OSError):
        publication.publish_data(processed, folder)
    assert sorted(p.name for p in folder.iterdir()) == ["donnees"]
    assert sorted(p.name for p in (folder / "donnees").iterdir()) == ["ancien.csv"]


@pytest.mark.parametrize("first,opening", [("01_synthese", 3), ("00_a_completer", 1)])
def test_own_prose_of_a_first_section_goes_after_its_opening(tmp_path: Path, first: str, opening: int) -> None:
    """The first section holds the report's parameters and setup cells: the prose goes after its heading,
    question and reading guide (``opening`` Markdown cells, the other origin's guide dropped), not above them."""
    from cdv_analysis.publish.assemble import assemble, tailor

    prose = tmp_path / f"{first}.md"
    prose.write_text("Texte propre au territoire.", "utf-8")
    book = assemble([NOTEBOOKS / f"{first}.ipynb", NOTEBOOKS / "10_sources.ipynb"])
    cells = tailor(book, "transcrit", {first: prose}).cells
    at = next(i for i, c in enumerate(cells) if c.source == "Texte propre au territoire.")
    assert at == 2 + opening
    assert [c.cell_type for c in cells[:at + 2]] == ["code", "code", *["markdown"] * (opening + 1), "code"]
    assert cells[2].source.startswith("## ") and "parameters" in cells[0].metadata["tags"]


@pytest.mark.parametrize("notebook,position", [("05_sante", 3), ("01_synthese", 4), ("02_contexte", 5)])
def test_a_failing_cell_is_numbered_within_its_section_notebook(notebook: str, position: int) -> None:
    """« cellule 3 » of « Santé » is the third code cell of notebooks/05_sante.ipynb (parameters and setup
    included), not the third-and-thirtieth code cell of the assembled report."""
    import nbformat

    from cdv_analysis.publish.assemble import assemble

    book = assemble([NOTEBOOKS / f"{name}.ipynb" for name in ("01_synthese", "02_contexte", "05_sante")])
    section = nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4)
    target = [c for c in section.cells if c.cell_type == "code"][position - 1].source
    assert target.strip()
    for cell in book.cells:
        if cell.cell_type == "code":
            cell.metadata["papermill"] = {"start_time": "t"}
    failing = next(c for c in book.cells if c.cell_type == "code" and c.source == target
                   and c.metadata["cdv_notebook"] == notebook)
    failing.metadata["papermill"]["exception"] = True
    assert execute._failure_details(book) == (section.metadata["cdv_section"], position)


HOSTILE_PROSE = 'Le comité a retenu **40 actions**. <img src=x onerror="alert(1)"><script>alert(2)</script>'


def test_own_prose_ships_sanitised_beside_the_page(tmp_path: Path, monkeypatch) -> None:
    """textes/<annee>/*.md is data: the published rapport.ipynb holds it as the page's sanitised HTML."""
    import nbformat

    monkeypatch.setattr(execute, "_execute", _copy_without_running)
    job = _starter_job(tmp_path)
    prose = Path(job.data_dir) / "neuf" / "textes" / "2024" / "00_a_completer.md"
    prose.parent.mkdir(parents=True)
    prose.write_text(HOSTILE_PROSE, "utf-8")
    assert execute.run_job(job).status == Status.BUILT
    audit = nbformat.read(job.folder / "rapport.ipynb", as_version=4)
    own = [c.source for c in audit.cells if "texte-territoire" in c.metadata.get("tags", [])]
    assert len(own) == 1 and "<strong>40 actions</strong>" in own[0]
    assert "onerror" not in own[0] and "<script" not in own[0]
    assert "onerror" not in (job.folder / "rapport.html").read_text("utf-8")
    assert any(c.source.startswith("## ") for c in audit.cells if c.cell_type == "markdown")  # the rest as written


def test_the_failed_notebook_is_as_safe_as_the_audit_notebook(tmp_path: Path, monkeypatch) -> None:
    """rapport.echec.ipynb lies in the public report folder: outputs sanitised, no machine path, traceback kept."""
    import nbformat

    job = _starter_job(tmp_path)

    def fails(input_path, output_path, *args, **kwargs):
        book = nbformat.read(input_path, as_version=4)
        cell = next(c for c in book.cells if c.cell_type == "code" and "setup" not in c.metadata.get("tags", [])
                    and "parameters" not in c.metadata.get("tags", []))
        cell.outputs = [
            nbformat.v4.new_output("display_data", {"text/html": '<p>x</p><img src=x onerror="alert(1)">'}),
            nbformat.v4.new_output("stream", name="stderr", text=f"UserWarning: {job.data_dir}/neuf/a.csv\n"),
            nbformat.v4.new_output("error", ename="ValueError", evalue="montant illisible",
                                   traceback=[f'File "{job.data_dir}/neuf/actions.csv", line 3']),
        ]
        cell.metadata["papermill"] = {"exception": True, "start_time": "t"}
        nbformat.write(book, output_path)
        raise RuntimeError("ValueError: montant illisible")

    monkeypatch.setattr(execute, "_execute", fails)
    result = execute.run_job(job)
    assert result.status == Status.FAILED and result.failed_notebook
    shipped = (job.folder / execute.FAILED_NOTEBOOK).read_text("utf-8")
    assert "onerror" not in shipped and "<p>x</p>" in shipped
    assert job.data_dir not in shipped and str(tmp_path) not in shipped
    assert 'File \\"<donnees>/neuf/actions.csv\\", line 3' in shipped  # still says where it failed
    assert "UserWarning: <donnees>/neuf/a.csv" in shipped


def test_the_index_lists_year_folders_and_skips_a_kept_copy(tmp_path: Path, raw_dir) -> None:
    from cdv_analysis.publish.index import write_index

    out = tmp_path / "reports"
    for folder in ("call/2022", "call/2022-ancien", "cabbalr/2019", "cabbalr/2021"):
        (out / folder).mkdir(parents=True)
        (out / folder / "rapport.html").write_text("<p>page</p>", "utf-8")
    page = write_index(out, raw_dir).read_text("utf-8")
    links = re.findall(r'<a href="([^"]+)">Rapport (\d{4})</a>', page)
    assert links == [("cabbalr/2019/rapport.html", "2019"), ("cabbalr/2021/rapport.html", "2021"),
                     ("call/2022/rapport.html", "2022")]
    assert "2022-ancien" not in page and "Aucun rapport" not in page


def test_a_portrait_is_decided_once_when_planning(tmp_path: Path) -> None:
    """The sections, subtitle and title follow the plan (whose cache key chose the portrait's notebooks),
    even if the folder changes before the worker runs the job."""
    from cdv_analysis.importers import import_insee_qpv
    from cdv_analysis.publish.plan import plan_jobs
    from cdv_analysis.publish.render import job_page_title, job_subtitle
    from cdv_analysis.publish.sections import PORTRAIT_SECTIONS, sections_for
    from test_importers import insee_file

    data = tmp_path / "donnees"
    data.mkdir()
    import_insee_qpv(insee_file(tmp_path / "in"), data, territory="lens", communes=["Lens", "Liévin"], vintage=2020)
    jobs, _ = plan_jobs(data, tmp_path / "out", tmp_path / "p", NOTEBOOKS, ["lens"], None, False)
    assert [j.label for j in jobs] == ["lens 2020"]
    meta = data / "lens" / "territoire.yml"  # the evaluator takes the territory over: no longer a portrait
    meta.write_text(meta.read_text("utf-8").replace("origine: donnees-ouvertes\n", ""), "utf-8")
    (data / "lens" / "programmation.2020.csv").write_text("saisi\n", "utf-8")
    job = jobs[0]
    assert sections_for(job) == PORTRAIT_SECTIONS and job.portrait
    assert job_subtitle(job) == "Portrait du contrat de ville — données ouvertes, édition 2020"
    assert job_page_title(job).endswith(" — édition 2020")


def test_the_build_summary_agrees_in_number() -> None:
    from cdv_analysis.publish.build import BuildInterrupted
    from cdv_analysis.publish.jobs import BuildSummary, JobResult

    def results(built: int, cached: int) -> list[JobResult]:
        return ([JobResult(f"t {i}", "t", 2000 + i, Status.BUILT) for i in range(built)]
                + [JobResult(f"c {i}", "c", 2000 + i, Status.CACHED) for i in range(cached)])

    assert BuildSummary(results(1, 0), 2.0).text() == "1 rapport : 1 construit, 0 repris du cache, 0 en échec — 2,0 s"
    assert BuildSummary(results(3, 2), 2.5).text() == (
        "5 rapports : 3 construits, 2 repris du cache, 0 en échec — 2,5 s")
    assert "2 rapports construits avant l'interruption" in BuildInterrupted(2, BuildSummary(results(2, 1))).text()
    assert "1 rapport construit avant l'interruption" in BuildInterrupted(2, BuildSummary(results(1, 0))).text()


def test_an_invalid_territory_is_planned_with_its_errors_counted(tmp_path: Path) -> None:
    from cdv_analysis.cli import main
    from cdv_analysis.publish.plan import plan_jobs

    data = tmp_path / "donnees"
    assert main(["nouveau-territoire", "neuf", "--donnees", str(data)]) == 0
    table = data / "neuf" / "financements.csv"
    header = table.read_text("utf-8")
    table.write_text(header + "programmation,cohesion_sociale,,etat,,4 73x 927 €,,,,,,2023,ra2023,§ 1,,tableau\n",
                     "utf-8")  # one error: the amount
    jobs, results = plan_jobs(data, tmp_path / "out", tmp_path / "p", NOTEBOOKS, ["neuf"], None, False)
    assert jobs == [] and [r.message for r in results] == [
        "données invalides (1 erreur) : lancez `cdv valider --territoire neuf`"]
