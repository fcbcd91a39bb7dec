"""Profile reports in this process: their cells run in an IPython shell, then each page is rendered.

No kernel, no papermill: as in a warm kernel, the process is prepared once
(``engine.prepare_kernel``) and reset before each report; the cells of the
assembled report run in an in-process IPython shell (whose display formatter
computes the same HTML and Markdown as a kernel's), timed by section; then the
page is converted as the build does (nbconvert, sanitising, printed figures)
and the audit notebook made. The first report warms the process up and is not
counted (``--froid`` counts it). ``--cprofile`` prints the costliest functions.

    .venv/bin/python benchmarks/profile_report.py [--territoire call ...] [--annee 2022 ...] [--donnees DOSSIER]
        [--froid] [--cprofile] [--top 40] [--tri tottime]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import nbformat

from cdv_analysis.ingest.load import default_data_dir
from cdv_analysis.config import notebooks_dir
from cdv_analysis.publish.coverage import report_hook
from cdv_analysis.ingest.editions import STARTER_KIND, prose_files
from cdv_analysis.publish.assemble import assemble, tailor
from cdv_analysis.publish.plan import plan_jobs
from cdv_analysis.publish.render import job_footer, job_page_title, job_subtitle, render_html
from cdv_analysis.publish.sections import sections_for

HERE = Path(__file__).resolve().parent


def run_cells(book: nbformat.NotebookNode, parameters: dict) -> tuple[nbformat.NotebookNode, dict[str, float]]:
    """Execute the code cells in an in-process IPython shell; outputs kept as a kernel would (display data)."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    seconds: dict[str, float] = defaultdict(float)
    shell.run_cell("\n".join(f"{name} = {value!r}" for name, value in parameters.items()), store_history=False)
    captured: list[dict] = []

    def publish(data, metadata=None, **kwargs) -> None:
        captured.append(nbformat.v4.new_output("display_data", data=data, metadata=metadata or {}))

    shell.display_pub.publish = publish
    for cell in book.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        captured.clear()
        started = time.perf_counter()
        result = shell.run_cell(cell.source, store_history=False)
        seconds[cell.metadata.get("cdv_section", "(préparation)")] += time.perf_counter() - started
        if not result.success:
            raise SystemExit(f"cellule en échec ({cell.metadata.get('cdv_section')}) :\n{cell.source}")
        cell.outputs = list(captured)
    return book, dict(seconds)


def one_report(job, folder: Path) -> dict[str, float]:
    """The work of one warm report in this process: reset, cells, page, audit notebook; seconds of each."""
    from IPython.core.interactiveshell import InteractiveShell

    from cdv_analysis.publish.engine import reset_kernel
    from cdv_analysis.publish.publication import audit_notebook

    InteractiveShell.instance()
    times: dict[str, float] = {}
    started = time.perf_counter()
    reset_kernel(str(folder))
    times["remise à zéro"] = time.perf_counter() - started
    mark = time.perf_counter()
    book = assemble((Path(job.notebooks) / f"{name}.ipynb" for name in sections_for(job)), job.parameters)
    book = tailor(book, job.origin, prose_files(Path(job.data_dir) / job.territory, job.year))
    times["assemblage"] = time.perf_counter() - mark
    executed, seconds = run_cells(book, job.parameters)
    times.update({f"cellules : {section}": value for section, value in seconds.items()})
    mark = time.perf_counter()
    hook = None if job.origin != "transcrit" or job.kind == STARTER_KIND else report_hook(
        job.data_dir, job.territory, job.year)
    render_html(executed, job.title, job_subtitle(job), job_footer(job), "../../index.html", hook, logo=job.logo,
                origin=job.origin, page_title=job_page_title(job))
    times["page (nbconvert, nettoyage, chiffres imprimés)"] = time.perf_counter() - mark
    mark = time.perf_counter()
    nbformat.writes(audit_notebook(executed, {"donnees": job.data_dir}))
    times["notebook d'audit"] = time.perf_counter() - mark
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description="Profil de rapports, hors papermill.")
    parser.add_argument("--territoire", action="append", help="répétable (défaut : call)")
    parser.add_argument("--annee", type=int, action="append", help="répétable (défaut : toutes)")
    parser.add_argument("--donnees", type=Path, help="dossier des données brutes (défaut : data/raw)")
    parser.add_argument("--froid", action="store_true",
                        help="mesurer aussi le premier rapport (imports et chargement compris)")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--tri", default="cumulative", help="clé de tri de pstats (cumulative, tottime)")
    args = parser.parse_args()
    data_dir = (args.donnees or default_data_dir()).resolve()
    from IPython.core.interactiveshell import InteractiveShell

    from cdv_analysis.publish.engine import prepare_kernel

    InteractiveShell.instance()
    import matplotlib

    matplotlib.use("module://matplotlib_inline.backend_inline")
    prepare_kernel()
    totals: dict[str, float] = defaultdict(float)
    profiler = cProfile.Profile() if args.cprofile else None
    with tempfile.TemporaryDirectory(prefix="cdv-profil-") as temporary:
        root = Path(temporary)
        jobs, _ = plan_jobs(data_dir, root / "reports", root / "processed", notebooks_dir().resolve(),
                            args.territoire or ["call"], args.annee, force=True)
        jobs = [job for job in jobs if job.territory is not None]
        if not args.froid:
            one_report(jobs[0], root)  # warms the process up as a warm kernel is: imports, territory loaded
        started, cpu = time.perf_counter(), time.process_time()
        for job in jobs:
            if profiler:
                profiler.enable()
            times = one_report(job, root)
            if profiler:
                profiler.disable()
            print(f"{job.label} : {sum(times.values()):.2f} s")
            for step, value in times.items():
                totals[step] += value
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        os.chdir(HERE)  # out of the temporary folder before it goes (IPython resets at exit)
    print(f"{len(jobs)} rapport(s) : {total:.2f} s, {total / len(jobs):.2f} s par rapport ; temps processeur "
          f"{cpu:.2f} s, {cpu / len(jobs):.2f} s par rapport ; charge moyenne {os.getloadavg()[0]:.1f}")
    for step, value in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {step:<50} {value:6.2f} s")
    if profiler:
        pstats.Stats(profiler).sort_stats(args.tri).print_stats(args.top)


if __name__ == "__main__":
    main()
