"""Build one report in a worker: assemble, execute with papermill (retrying a kernel that fails to start),
render, publish. A failure becomes a result naming the section and cell; the previous page stays in place."""

from __future__ import annotations

import time
import tempfile
from pathlib import Path

import nbformat

from .coverage import report_hook
from ..ingest.editions import STARTER_KIND, prose_files
from .engine import ENGINE_NAME, ensure_registered, scratch_folder
from ..ingest.iorw import write_atomic
from .publication import audit_notebook, clear_tables, publish_data
from ..ingest.writes import OUTPUT_ERRNOS
from .assemble import assemble, tailor
from .cache import write_record
from .jobs import Job, JobResult, Status
from .render import job_footer, job_page_title, job_subtitle, render_html
from .sections import COMPARISON, sections_for

__all__ = ["FAILED_NOTEBOOK", "run_job"]


FAILED_NOTEBOOK = "rapport.echec.ipynb"


_SHARED = {"parameters", "setup"}  # the first two code cells of every section notebook, kept once in a report


def _failure_details(book: nbformat.NotebookNode) -> tuple[str, int | None]:
    """Section of the cell papermill marked as failed, and its position among the code cells of its section
    notebook (``notebooks/05_sante.ipynb``, parameters and setup cells included), as its author counts them.

    A cell that killed its kernel (or timed out) is not marked failed: execution
    stopped at the last cell that started.
    """
    cells = [c for c in book.cells if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]
    marks = [c.metadata.get("papermill", {}) for c in cells]
    failed = [i for i, mark in enumerate(marks) if mark.get("exception")]
    started = [i for i, mark in enumerate(marks) if mark.get("start_time")]
    where = failed[0] if failed else started[-1] if started else None
    if where is None:
        return "", None
    notebook = cells[where].metadata.get("cdv_notebook")
    own = [c for c in cells[:where + 1] if c.metadata.get("cdv_notebook") == notebook]
    shared = [c for c in cells if _SHARED & set(c.metadata.get("tags", []))
              and c.metadata.get("cdv_notebook") != notebook]  # kept from the first section, counted in each
    return cells[where].metadata.get("cdv_section", ""), len(shared) + len(own)


_KERNEL_START_ERRORS = ("kernel died", "kernel didn't respond", "address already in use", "timeout waiting for kernel")


def _execute(input_path: Path, output_path: Path, parameters: dict, cwd: Path, engine: str | None = ENGINE_NAME,
             attempts: int = 3) -> None:
    """Run the notebook with papermill; start again (up to ``attempts``) when its kernel failed to start."""
    import papermill
    from nbclient.exceptions import DeadKernelError

    if engine == ENGINE_NAME:
        ensure_registered()
    for attempt in range(1, attempts + 1):
        try:
            papermill.execute_notebook(str(input_path), str(output_path), parameters=parameters,
                                       engine_name=engine, kernel_name="python3", progress_bar=False,
                                       log_output=False, cwd=str(cwd), start_timeout=120)
            return
        except (papermill.PapermillExecutionError, DeadKernelError):
            raise  # the notebook itself failed, or killed its kernel: running it again would do the same
        except (RuntimeError, TimeoutError, OSError) as error:
            # Concurrent kernels can race for ports at start-up: start again.
            if attempt == attempts or not any(m in str(error).lower() for m in _KERNEL_START_ERRORS):
                raise
            time.sleep(0.5 * attempt)


def run_job(job: Job) -> JobResult:
    """Build one report (in a worker process). Never raises: failures become results."""
    started = time.perf_counter()
    result = JobResult(job.label, job.territory, job.year, Status.BUILT, html=str(job.folder / job.html_name))
    try:
        names = sections_for(job) if job.territory is not None else (COMPARISON,)
        book = assemble((Path(job.notebooks) / f"{name}.ipynb" for name in names), job.parameters)
        if job.territory is not None:
            book = tailor(book, job.origin, prose_files(Path(job.data_dir) / job.territory, job.year))
        if job.territory is not None:  # every table is written again: a table no longer produced disappears
            clear_tables(Path(job.processed_dir) / job.territory / str(job.year))
        with tempfile.TemporaryDirectory(prefix="cdv-") as temporary, scratch_folder(temporary):
            input_path = Path(temporary) / "rapport.ipynb"
            output_path = Path(temporary) / "rapport.execute.ipynb"
            nbformat.write(book, input_path)
            try:
                _execute(input_path, output_path, job.parameters, cwd=Path(temporary), engine=job.engine)
            except Exception as error:  # noqa: BLE001 - every failure is reported, none stops the batch
                result.status = Status.FAILED
                result.message = _error_message(error)
                if output_path.is_file():
                    executed = nbformat.read(output_path, as_version=4)
                    result.section, result.cell = _failure_details(executed)
                    # Beside the public page: as safe as the audit notebook, tracebacks and warnings kept.
                    failed = write_atomic(job.folder / FAILED_NOTEBOOK, nbformat.writes(
                        audit_notebook(executed, _machine_paths(job), warnings=True)))
                    result.failed_notebook = str(failed)
                return result
            executed = nbformat.read(output_path, as_version=4)
        hook = None if job.territory is None or job.origin != "transcrit" or job.kind == STARTER_KIND \
            else report_hook(job.data_dir, job.territory, job.year)  # printed figures: transcribed documents only
        page = render_html(executed, job.title, job_subtitle(job), job_footer(job),
                           "index.html" if job.territory is None else "../../index.html", hook,
                           logo=job.logo, origin="modele" if job.kind == STARTER_KIND else job.origin,
                           page_title=job_page_title(job))
        _publish(job, page, audit_notebook(executed, _machine_paths(job)))
    except Exception as error:  # noqa: BLE001
        result.status = Status.FAILED
        result.message = _error_message(error)
    finally:
        result.seconds = time.perf_counter() - started
    return result


def _machine_paths(job: Job) -> dict[str, str]:
    """The build's folders, each replaced by its label in what ships beside the page."""
    return {"donnees": job.data_dir, "sortie_donnees": job.processed_dir, "notebooks": job.notebooks,
            "sortie": job.out_dir}


def _publish(job: Job, page: str, audit: nbformat.NotebookNode) -> None:
    """Data folder first, then the audit notebook and the page, the cache record last.

    A failure at any step (disk full…) leaves the previous record in place, so the
    next build does the report again instead of serving a page without its data.
    """
    if job.territory is not None:
        publish_data(Path(job.processed_dir) / job.territory / str(job.year), job.folder)
    write_atomic(job.folder / job.html_name.replace(".html", ".ipynb"), nbformat.writes(audit))
    write_atomic(job.folder / job.html_name, page)
    write_record(job)
    (job.folder / FAILED_NOTEBOOK).unlink(missing_ok=True)


def _error_message(error: Exception) -> str:
    from nbclient.exceptions import DeadKernelError

    if isinstance(error, DeadKernelError):
        return "le noyau Python s'est arrêté pendant l'exécution (mémoire insuffisante ou arrêt forcé)"
    if isinstance(error, OSError) and error.filename and error.errno in OUTPUT_ERRNOS:
        from ..ingest.writes import write_error_text

        return write_error_text(error.filename, error)  # disk full, read-only output…: what to do, in French
    ename, evalue = getattr(error, "ename", None), getattr(error, "evalue", None)
    text = f"{ename} : {evalue}" if ename else f"{type(error).__name__} : {error}"
    return text.strip().splitlines()[0][:300] if text.strip() else type(error).__name__
