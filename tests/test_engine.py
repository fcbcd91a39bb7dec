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
