"""Build every report in parallel worker processes, then the index; stop cleanly on SIGINT or SIGTERM."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import tempfile
import threading
import time
import warnings
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from ..config import notebooks_dir, processed_data_dir, reports_dir
from .engine import ENGINE_NAME, init_worker
from ..errors import CdvError
from ..ingest.load import default_data_dir
from .execute import run_job
from .index import write_index
from .jobs import BuildSummary, Job, JobResult, Status
from .plan import iter_plan
from .sections import undeclared_notebooks

__all__ = ["LOG_FILE", "BuildInterrupted", "build_all"]


LOG_FILE = "construction.log"


class BuildInterrupted(CdvError):
    """The build was stopped by a signal; the reports finished before it are in ``summary``."""

    def __init__(self, signum: int, summary: BuildSummary):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.summary = summary

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def message(self) -> str:
        return self.text()

    def text(self) -> str:
        """French message for the command line."""
        from ..rules.formatting import pluriel

        built = self.summary.count(Status.BUILT)
        return (f"Construction interrompue ({'Ctrl-C' if self.signum == signal.SIGINT else 'signal d’arrêt'}) : "
                f"{pluriel(built, 'rapport construit', 'rapports construits')} avant l'interruption ; les rapports déjà publiés "
                "restent en place. Relancez la commande : seuls les rapports manquants ou périmés seront "
                "construits.")


class _Stop(BaseException):
    def __init__(self, signum: int):
        self.signum = signum


@contextlib.contextmanager
def _stopped_by_signals():
    """SIGINT and SIGTERM raise :class:`_Stop` in the main thread for the duration of the build."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise _Stop(signum)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _stop_workers(workers: list[_Worker]) -> None:
    """Stop every worker (each kills its kernels on SIGTERM), then forget the pending reports."""
    processes = multiprocessing.active_children()
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join(5)
    for worker in workers:
        worker.pool.shutdown(wait=False, cancel_futures=True)


@contextlib.contextmanager
def _logged_to(log_path: Path):
    """Library logs and warnings of the main process go to the build log, not to the terminal."""
    handler = logging.FileHandler(log_path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    logging.captureWarnings(True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            yield
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        handler.close()


def build_all(data_dir: Path | str | None = None, out_dir: Path | str | None = None,
              processed_dir: Path | str | None = None, territories: list[str] | None = None,
              years: list[int] | None = None, jobs: int | None = None, force: bool = False,
              progress: bool = True, notebooks: Path | str | None = None,
              fresh_kernels: bool = False) -> BuildSummary:
    """Build every report (or the selected ones) and the index; returns the summary.

    Reports run in warm kernels (engine ``cdv-chaud``, one kernel per worker) unless
    ``fresh_kernels``. Kernel and library messages go to ``construction.log`` in the
    reports folder. On SIGINT or SIGTERM the workers and their kernels are stopped
    and :class:`BuildInterrupted` is raised; finished reports stay published.
    """
    started = time.perf_counter()
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    out_dir = Path(out_dir) if out_dir else reports_dir()
    processed_dir = Path(processed_dir) if processed_dir else processed_data_dir()
    notebooks = Path(notebooks) if notebooks else notebooks_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / LOG_FILE
    log_path.write_text("", "utf-8")
    engine = None if fresh_kernels else ENGINE_NAME
    results: list[JobResult] = []
    with _stopped_by_signals(), _logged_to(log_path), \
            tempfile.TemporaryDirectory(prefix="cdv-valides-") as handover:  # private (mode 700), removed after
        try:
            plan = iter_plan(data_dir.resolve(), out_dir.resolve(), processed_dir.resolve(), notebooks.resolve(),
                             territories, years, force, engine, handover=Path(handover))
            _run_jobs(plan, results, jobs, progress, log_path, warm=engine is not None, handover=handover)
        except _Stop as stop:
            raise BuildInterrupted(stop.signum, BuildSummary(results, time.perf_counter() - started,
                                                             log=str(log_path))) from None
    results.sort(key=lambda r: (r.territory is None, r.territory or "", r.year or 0))
    index = write_index(out_dir, data_dir)
    notes = [f"notebooks/{name} n'est déclaré dans aucun rapport : ajoutez-le à SECTIONS dans "
             "cdv_analysis/publish/sections.py (voir CONTRIBUTING.md, « Ajouter une section »)"
             for name in undeclared_notebooks(notebooks)]
    return BuildSummary(results, time.perf_counter() - started, str(index), str(log_path), notes)


def _expected_work(job: Job) -> int:
    """Bytes of raw data behind a report: the biggest start first, so none starts last on an idle pool."""
    if job.territory is None:
        return 0
    return sum(path.stat().st_size for path in (Path(job.data_dir) / job.territory).glob("*.*") if path.is_file())


_NOTHING = object()  # the territory of a worker that has run no report yet


class _Worker:
    """One worker process, in a pool of its own: a report goes to the worker whose kernel already holds its
    territory, validated, with what its other years computed (``Territory.files_memo``)."""

    def __init__(self, log_path: Path, warm: bool, handover: str | None):
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=init_worker, initargs=(str(log_path), warm, handover))
        self.future = self.pool.submit(os.getpid)  # starts the process now: its kernel warms up during planning
        self.territory: object = _NOTHING  # of the last report handed to it


def _next_job(waiting: list[tuple[int, int, Job]], worker: _Worker, workers: list[_Worker]) -> tuple[int, int, Job]:
    """The job a free worker takes: one of its own territory's; else one of a territory no other worker
    holds; the biggest first, then in planning order (``waiting``: (expected work, order, job))."""
    held = {other.territory for other in workers if other is not worker}
    return max(waiting, key=lambda item: (item[2].territory == worker.territory, item[2].territory not in held,
                                          item[0], -item[1]))


def _run_jobs(plan: Iterable[Job | JobResult], results: list[JobResult], jobs: int | None, progress: bool,
              log_path: Path, warm: bool, handover: str | None = None) -> None:
    """Run the planned jobs in worker processes, appending to ``results`` as they finish.

    Planning validates every territory to rebuild, one after another: the workers do not wait for it. A worker
    is started (and warms its kernel) as soon as a job is planned for it, up to ``jobs`` workers. A free worker
    takes a report of the territory it last built if one waits (its kernel has the territory validated, and
    the checks computed for all its years), else the biggest report of a territory no other worker holds,
    else the biggest.
    """
    from tqdm import tqdm

    most = max(1, jobs or os.cpu_count() or 1)
    bar = tqdm(total=0, desc="Rapports", unit="rapport", disable=not progress)
    waiting: list[tuple[int, int, Job]] = []  # (expected work, order, job)
    workers: list[_Worker] = []

    def collect(worker: _Worker) -> None:
        result = worker.future.result()
        worker.future = None
        if isinstance(result, JobResult):
            results.append(result)
            bar.set_postfix_str(result.label)
            bar.update()

    def hand_out() -> None:
        for worker in workers:
            if worker.future is not None and worker.future.done():
                collect(worker)
            if worker.future is None and waiting:
                item = _next_job(waiting, worker, workers)
                waiting.remove(item)
                worker.territory = item[2].territory
                worker.future = worker.pool.submit(run_job, item[2])

    try:
        for item in plan:
            if isinstance(item, JobResult):
                results.append(item)
                continue
            waiting.append((_expected_work(item), bar.total, item))
            bar.total += 1
            bar.refresh()
            if len(workers) < most:  # one worker per job, up to ``most``
                workers.append(_Worker(log_path, warm, handover))
            hand_out()
        while waiting or any(worker.future is not None for worker in workers):
            wait([worker.future for worker in workers if worker.future is not None], return_when=FIRST_COMPLETED)
            hand_out()
    except BaseException:  # a signal (``_Stop``) or an unexpected error: no worker or kernel is left behind
        _stop_workers(workers)
        raise
    finally:
        bar.close()
    for worker in workers:
        worker.pool.shutdown(wait=True)
