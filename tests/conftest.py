"""Shared fixtures: the embedded data folder, disposable copies of it, and the embedded reports built once.

``embedded_reports`` builds every embedded report (each territory and year, the
comparison and the index) once per test session, even when pytest-xdist runs the
suite in several processes: the first worker to need it builds it under a file
lock, the others wait and reuse it. It is shared and read-only: a test that
writes into a build (a second run, a broken notebook) takes
``embedded_reports_copy``, its own copy in ``tmp_path``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import pickle
import shutil
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import pytest

import cdv_analysis as cdv

PROJECT = Path(__file__).resolve().parent.parent
RAW = PROJECT / "data" / "raw"

# The test files that take longest (they build reports or run `cdv` in a subprocess), longest first: they start
# first, so that under pytest-xdist (`--dist loadfile`, one file per worker at a time) no long file is left to
# run alone at the end while the other worker has nothing to do. Every other file follows, in its usual order.
# A file that becomes long goes into this list, at its place (each file's time: `make test ARGS=--durations=0`,
# summed by file).
LONGEST_FIRST = (
    "test_engine.py", "test_bad_files.py", "test_engine_kernels.py", "test_interrupt.py", "test_browser.py",
    "test_importers.py", "test_questionnaire_import.py", "test_reports.py", "test_hostile_inputs.py", "test_hostile.py",
    "test_bad_input.py", "test_referentiel.py", "test_editions.py", "test_portraits.py", "test_import_safety.py",
    "test_charts.py", "test_story_reports.py", "test_registry.py", "test_programmation_import.py",
    "test_narrative.py", "test_template.py", "test_embedded_data.py", "test_real_files.py", "test_checks.py",
    "test_cli.py", "test_coverage.py", "test_processes.py",
)


def pytest_configure(config):
    # pytest-xdist would otherwise send the files with the most tests first, whatever their length.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config, items):
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: a file's tests keep their order


class _InProcessPool:
    """Stands for the worker pool of ``build_all``: each job runs at once in this process (no worker to start).

    Its reports run in this process's warm kernel (``engine.pool()``, kept from one build to the next), so that a
    test building a small report does not pay for a worker and a kernel each time. The worker's set-up
    (``init_worker``: output to the build log, signal handlers, early kernel) is not run here.
    """

    def __init__(self, *args, **kwargs):
        pass

    def submit(self, fn, *args, **kwargs) -> Future:
        future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # noqa: BLE001 - handed back as a worker's error would be
            future.set_exception(error)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


@contextlib.contextmanager
def _builds_in_this_process():
    from cdv_analysis.publish import build

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "ProcessPoolExecutor", _InProcessPool)
        yield


@pytest.fixture(scope="session")
def in_process():
    """``with in_process(): build_all(...)``: the reports are built in this process, in its warm kernel.

    For a test about what a build produces (pages, tables, statuses), not about its worker processes (signals,
    stray processes, the build log): those keep the real pool.
    """
    return _builds_in_this_process


@pytest.fixture(scope="module")
def kernels():
    """The warm kernels of this process (``engine.pool()``), stopped after the module (tests/test_engine*.py)."""
    from cdv_analysis.publish import engine

    pool = engine.pool()
    yield pool
    pool.shutdown()


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW


@functools.cache
def _embedded_territory(territory: str):
    return cdv.load_territory(territory, RAW)


@pytest.fixture(scope="session")
def embedded_territory():
    """The loader of an embedded territory of data/raw, loaded and validated once per test process: read-only."""
    return _embedded_territory


@pytest.fixture(scope="session")
def cabbalr():
    return _embedded_territory("cabbalr")


@pytest.fixture(scope="session")
def call():
    return _embedded_territory("call")


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/raw (tests corrupt it, never the original)."""
    target = tmp_path / "raw"
    shutil.copytree(RAW, target)
    return target


@dataclass(frozen=True)
class EmbeddedReports:
    """A build of every embedded report: ``reports/`` and ``processed/`` under ``root``, and its summary."""

    root: Path
    summary: object  # cdv_analysis.publish.jobs.BuildSummary

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def processed(self) -> Path:
        return self.root / "processed"

    def page(self, territory: str, year: int) -> str:
        return (self.reports / territory / str(year) / "rapport.html").read_text("utf-8")


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for folder in ("reports", "processed") for p in (root / folder).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@contextlib.contextmanager
def _exclusive(lock: Path):
    """An inter-process lock (the xdist workers of one run share the build)."""
    import fcntl

    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def embedded_reports(request, tmp_path_factory) -> EmbeddedReports:
    """Every embedded report built once per session (2 jobs, warm kernels); never write into it."""
    from cdv_analysis.publish.build import build_all

    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker has its own basetemp inside the run's folder: the build goes beside them.
    root = (base.parent if hasattr(request.config, "workerinput") else base) / "embedded-reports"
    root.mkdir(exist_ok=True)
    record = root / "build.pickle"
    with _exclusive(root / ".lock"):
        if not record.exists():
            summary = build_all(RAW, root / "reports", root / "processed", jobs=2, progress=False)
            record.write_bytes(pickle.dumps((summary, _digest(root))))
        summary, digest = pickle.loads(record.read_bytes())
    yield EmbeddedReports(root, summary)
    assert _digest(root) == digest, ("a test wrote into the shared embedded_reports build: "
                                     "use embedded_reports_copy for a build the test changes")


@pytest.fixture()
def embedded_reports_copy(embedded_reports, tmp_path) -> EmbeddedReports:
    """A writable copy of the shared build (same files and times, so a rebuild is served from the cache)."""
    target = tmp_path / "embedded-reports"
    for folder in ("reports", "processed"):
        shutil.copytree(embedded_reports.root / folder, target / folder)
    return EmbeddedReports(target, embedded_reports.summary)
