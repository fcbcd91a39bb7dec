"""Warm kernels (engine ``cdv-chaud``): the same pages as fresh kernels, nothing carried between reports, recycling.

Reports are built here with ``run_job`` in the test process, so that the tests
see the kernel pool (which kernel ran which report); ``build_all`` runs the same
function in worker processes.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import psutil
import pytest

from cdv_analysis.publish import engine
from cdv_analysis.config import notebooks_dir
from cdv_analysis.publish.engine import ENGINE_NAME
from cdv_analysis.publish.execute import run_job
from cdv_analysis.publish.jobs import Job
from cdv_analysis.publish.plan import plan_jobs

PROJECT = Path(__file__).resolve().parent.parent
CALL_NAME = "Lens-Liévin"
CABBALR_NAME = "Béthune-Bruay"


@pytest.fixture(scope="module")
def kernels():
    """The warm kernels of this process, stopped after the module."""
    pool = engine.pool()
    yield pool
    pool.shutdown()


def _jobs(data: Path, out: Path, notebooks: Path | None = None, warm: bool = True,
          folders: tuple[str, str] = ("rapports", "donnees")) -> dict[str, Job]:
    """Every report of the embedded territories, by label, to build now (no cache); ``folders``: pages, tables."""
    jobs, _ = plan_jobs(data.resolve(), (out / folders[0]).resolve(), (out / folders[1]).resolve(),
                        (notebooks or notebooks_dir()).resolve(), ["call", "cabbalr"], None, True,
                        ENGINE_NAME if warm else None)
    return {job.label: job for job in jobs}


def _build(job: Job):
    result = run_job(job)
    assert result.status == "construit", f"{result.label} : {result.message} ({result.section}, {result.cell})"
    return result


def _kernel_pid(pool: engine.KernelPool) -> int:
    return pool.idle["python3"].pid


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _page(job: Job) -> str:
    """The published page without its build date (the only part allowed to differ from one day to the next)."""
    page = (job.folder / job.html_name).read_text("utf-8")
    return re.sub(r"(<dt>Construit le</dt><dd>)[^<]*", r"\1", page)


def _audit_notebook(job: Job) -> str:
    """The executed notebook without timings, random cell ids and the output folder."""
    book = nbformat.read(job.folder / "rapport.ipynb", as_version=4)
    book.metadata.pop("papermill", None)
    for cell in book.cells:
        cell.pop("id", None)
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return json.dumps(book, sort_keys=True, ensure_ascii=False).replace(str(Path(job.out_dir).parent), "<sortie>")


def _notebooks_with(tmp_path: Path, section: str, position: int, code: str) -> Path:
    """A copy of the notebooks with one more code cell in a section."""
    notebooks = tmp_path / "notebooks"
    shutil.copytree(PROJECT / "notebooks", notebooks)
    path = notebooks / f"{section}.ipynb"
    book = nbformat.read(path, as_version=4)
    book.cells.insert(position, nbformat.v4.new_code_cell(code))
    nbformat.write(book, path)
    return notebooks


@pytest.fixture(scope="module")
def fresh_build(raw_dir, tmp_path_factory):
    """Every embedded report built once with fresh kernels (``build_all``): the reference for warm builds.

    One job: the session's shared build already runs two, and a second worker would only cost its start.
    """
    from cdv_analysis.publish.build import build_all

    root = tmp_path_factory.mktemp("neuf")
    summary = build_all(raw_dir, root / "reports", root / "processed", jobs=1, progress=False, fresh_kernels=True)
    return root, summary


def test_warm_kernel_page_is_identical_to_fresh_kernel_page(kernels, raw_dir, tmp_path, fresh_build):
    warm = _jobs(raw_dir, tmp_path / "chaud", folders=("reports", "processed"))  # the folders of fresh_build
    kernels.warm_up()
    pid = _kernel_pid(kernels)
    _build(warm["call 2022"])  # another territory first, in the same kernel
    _build(warm["cabbalr 2019"])
    assert _kernel_pid(kernels) == pid, "both reports must run in the same warm kernel"

    root, summary = fresh_build  # the same report, built by a fresh kernel
    assert summary.ok, summary.text()
    fresh = _jobs(raw_dir, root, warm=False, folders=("reports", "processed"))["cabbalr 2019"]

    job = warm["cabbalr 2019"]
    assert _page(job) == _page(fresh)
    # Same outputs, warnings (stderr streams) and execution counts in the audit notebook.
    assert _audit_notebook(job) == _audit_notebook(fresh)
    tables = lambda root: {p.relative_to(root): p.read_bytes() for p in root.rglob("*.csv")}  # noqa: E731
    assert tables(Path(job.processed_dir) / "cabbalr" / "2019") == tables(Path(fresh.processed_dir) / "cabbalr" / "2019")


def test_every_embedded_report_is_the_same_warm_or_fresh(embedded_reports, fresh_build):
    """The whole build, in worker processes: every page, shipped CSV and indicator table, byte for byte.

    The warm build is the session's shared one (tests/conftest.py: 2 jobs, warm kernels), the fresh one
    ``fresh_build``; both have every embedded report and the comparison.
    """
    paths: dict[str, Path] = {}

    def build(name: str, fresh: bool) -> dict[Path, bytes]:
        root, summary = fresh_build if fresh else (embedded_reports.root, embedded_reports.summary)
        assert summary.ok and len(summary.results) == 5, summary.text()
        files = {}
        for path in sorted(p for folder in ("reports", "processed") for p in (root / folder).rglob("*")):
            relative = path.relative_to(root)
            if path.suffix == ".csv":
                files[relative] = path.read_bytes()
            elif path.suffix == ".html":  # the build date is the one part allowed to differ
                files[relative] = re.sub(rb"(<dt>Construit le</dt><dd>)[^<]*", rb"\1",
                                         re.sub(rb"produit par cdv-analysis [^<]*", b"", path.read_bytes()))
        paths[name] = root
        return files

    warm, fresh = build("chaud", False), build("neuf", True)
    assert sorted(warm) == sorted(fresh) and len([p for p in warm if p.suffix == ".html"]) == 6
    assert [str(p) for p in warm if warm[p] != fresh[p]] == []
    # A build path differs between two builds: none may reach a public page (a stray cell result once did).
    for name, files in (("chaud", warm), ("neuf", fresh)):
        root = str(paths[name]).encode()
        assert [str(p) for p, content in files.items() if p.suffix == ".html" and root in content] == []


PROBE = '''\
assert "_sonde" not in globals(), "variable héritée du rapport précédent : " + _sonde
_sonde = territoire
import warnings
import matplotlib
assert matplotlib.rcParams["hatch.linewidth"] != 3.25, "réglage matplotlib hérité du rapport précédent"
matplotlib.rcParams["hatch.linewidth"] = 3.25
assert not [f for f in warnings.filters if getattr(f[1], "pattern", None) == "sonde"], "filtre hérité"
warnings.filterwarnings("error", message="sonde")
assert get_ipython().execution_count <= 5, get_ipython().execution_count
'''


def test_consecutive_territories_do_not_leak_state(kernels, raw_dir, tmp_path):
    notebooks = _notebooks_with(tmp_path, "01_synthese", 2, PROBE)  # just after the setup cell
    jobs = _jobs(raw_dir, tmp_path, notebooks)
    kernels.warm_up()
    pid = _kernel_pid(kernels)
    first, second = jobs["call 2022"], jobs["cabbalr 2019"]
    _build(first)
    _build(second)  # the probe cell fails if anything of the first report is still there
    assert _kernel_pid(kernels) == pid

    first_page, second_page = _page(first), _page(second)
    assert CALL_NAME in first_page and CABBALR_NAME not in first_page
    assert CABBALR_NAME in second_page
    assert CALL_NAME not in second_page and not re.search(r"\bCALL\b", second_page)
    assert not (Path(second.processed_dir) / "call" / "2019").exists()


def test_changed_data_are_reloaded_by_a_warm_kernel(kernels, data_copy, tmp_path):
    kernels.warm_up()
    pid = _kernel_pid(kernels)
    before = _jobs(data_copy, tmp_path)["cabbalr 2019"]
    _build(before)
    old_body = _page(before).split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    yml = data_copy / "cabbalr" / "territoire.yml"
    yml.write_text(yml.read_text("utf-8").replace("nom: Communauté d'Agglomération de Béthune-Bruay, Artois Lys Romane",
                                                  "nom: Agglomération renommée pour le test"), "utf-8")
    job = _jobs(data_copy, tmp_path)["cabbalr 2019"]
    _build(job)
    assert _kernel_pid(kernels) == pid  # the territory cached in the kernel was validated again
    body = _page(job).split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    assert "Agglomération renommée pour le test" in body
    # The old name remains only where the sources' publishers are cited.
    assert body.count("Béthune-Bruay, Artois Lys Romane") < old_body.count("Béthune-Bruay, Artois Lys Romane")


def test_failed_cell_recycles_the_kernel_and_the_next_report_succeeds(kernels, raw_dir, tmp_path):
    notebooks = _notebooks_with(tmp_path, "05_sante", 3,
                                'if territoire == "call":\n    raise RuntimeError("cellule cassée exprès")')
    jobs = _jobs(raw_dir, tmp_path, notebooks)
    kernels.warm_up()
    pid, started = _kernel_pid(kernels), kernels.started

    failed = run_job(jobs["call 2022"])
    assert failed.status == "echec" and "cellule cassée exprès" in failed.message
    assert failed.section == "Santé"
    assert not kernels.idle and not kernels.busy  # the kernel that ran the failed report was not kept...
    assert not _running(pid)  # ...but stopped

    _build(jobs["cabbalr 2019"])
    assert kernels.started == started + 1
    assert _kernel_pid(kernels) != pid


def test_dead_kernel_is_replaced(kernels, raw_dir, tmp_path):
    notebooks = _notebooks_with(tmp_path, "02_contexte", 1, 'if territoire == "call":\n    import os\n    os._exit(3)')
    jobs = _jobs(raw_dir, tmp_path, notebooks)
    kernels.warm_up()
    pid = _kernel_pid(kernels)

    started = kernels.started
    failed = run_job(jobs["call 2022"])
    assert failed.status == "echec" and "noyau Python s'est arrêté" in failed.message
    assert failed.section == "Contexte des quartiers"
    assert kernels.started == started  # not run again: it would only kill another kernel
    assert not kernels.idle and not kernels.busy and not _running(pid)

    _build(jobs["cabbalr 2019"])
    assert _kernel_pid(kernels) != pid


def test_kernel_is_reset_between_reports_and_recycled_after_its_quota():
    pool = engine.KernelPool(reports_per_kernel=2)
    try:
        kernel = pool.acquire("python3", 120)
        kernel.run("leftover = 1", 60)
        pool.release(kernel, healthy=True)
        again = pool.acquire("python3", 120)
        assert again is kernel
        again.run("assert 'leftover' not in globals()", 60)
        pool.release(again, healthy=True)  # second report: quota reached, stopped
        assert not pool.idle and not _running(kernel.pid)
        third = pool.acquire("python3", 120)
        assert third is not kernel and pool.started == 2
        pool.release(third, healthy=True)
        assert pool.idle["python3"] is third
    finally:
        pool.shutdown()
