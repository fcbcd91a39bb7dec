"""Profile one report in this process: its cells run in an IPython shell, then the page is rendered.

No kernel, no papermill: the cells of the assembled report run in an in-process
IPython shell (whose display formatter computes the same HTML and Markdown as a
kernel's), each one timed; then the page is converted as the build does
(nbconvert, sanitising, printed figures). With ``--cprofile`` the whole run is
profiled and the costliest functions are printed.

    .venv/bin/python benchmarks/profile_report.py [--territoire call] [--annee 2022] [--cprofile] [--top 40]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import nbformat

from cdv_analysis.load import default_data_dir
from cdv_analysis.publish.assemble import assemble, tailor
from cdv_analysis.publish.plan import plan_jobs
from cdv_analysis.publish.render import job_footer, job_page_title, job_subtitle, render_html
from cdv_analysis.publish.sections import sections_for
from cdv_analysis.config import notebooks_dir
from cdv_analysis.coverage import report_hook
from cdv_analysis.editions import STARTER_KIND, prose_files


def run_cells(book: nbformat.NotebookNode, parameters: dict) -> tuple[nbformat.NotebookNode, dict[str, float]]:
    """Execute the code cells in an in-process IPython shell; outputs kept as a kernel would (display data)."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    import matplotlib

    matplotlib.use("module://matplotlib_inline.backend_inline")
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


def main() -> None:
    parser = argparse.ArgumentParser(description="Profil d'un rapport, hors papermill.")
    parser.add_argument("--territoire", default="call")
    parser.add_argument("--annee", type=int, default=2022)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--tri", default="cumulative", help="clé de tri de pstats (cumulative, tottime)")
    args = parser.parse_args()
    data_dir = default_data_dir().resolve()
    with tempfile.TemporaryDirectory(prefix="cdv-profil-") as temporary:
        root = Path(temporary)
        jobs, _ = plan_jobs(data_dir, root / "reports", root / "processed", notebooks_dir().resolve(),
                            [args.territoire], [args.annee], force=True)
        job = jobs[0]
        profiler = cProfile.Profile() if args.cprofile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        book = assemble((Path(job.notebooks) / f"{name}.ipynb" for name in sections_for(job)), job.parameters)
        book = tailor(book, job.origin, prose_files(Path(job.data_dir) / job.territory, job.year))
        executed, seconds = run_cells(book, job.parameters)
        cells = time.perf_counter() - started
        hook = None if job.origin != "transcrit" or job.kind == STARTER_KIND else report_hook(
            job.data_dir, job.territory, job.year)
        render_html(executed, job.title, job_subtitle(job), job_footer(job), "../../index.html", hook, logo=job.logo,
                    origin=job.origin, page_title=job_page_title(job))
        total = time.perf_counter() - started
        if profiler:
            profiler.disable()
    print(f"{job.label} : {total:.2f} s dont cellules {cells:.2f} s, page {total - cells:.2f} s")
    for section, value in sorted(seconds.items(), key=lambda item: -item[1]):
        print(f"  {section:<40} {value:6.2f} s")
    if profiler:
        pstats.Stats(profiler).sort_stats(args.tri).print_stats(args.top)


if __name__ == "__main__":
    main()
