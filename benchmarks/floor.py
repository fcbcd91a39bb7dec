"""The floor of a report build: an empty notebook executed by nbclient once per report, with the build's
parallelism: what any papermill-based build pays at the least (a process, nbclient, a kernel per report).

Run as its own program (``bench_reports.py`` does), so that neither it nor its spawned workers import anything
of cdv_analysis: they are a plain nbclient run, with the libraries as installed. (The build's processes leave
jsonschema's IRI checker out, see cdv_analysis/publish/__init__.py; a floor run from the benchmark's own module
inherited that through its imports, or not, depending on their order.)

    .venv/bin/python benchmarks/floor.py REPORTS JOBS   → prints the seconds
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def _empty_notebook(_: int) -> float:
    import nbformat
    from nbclient import NotebookClient

    started = time.perf_counter()
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(book, kernel_name="python3", timeout=120).execute()
    return time.perf_counter() - started


def floor(reports: int, jobs: int) -> float:
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_empty_notebook, range(reports)))
    return time.perf_counter() - started


if __name__ == "__main__":
    print(f"{floor(int(sys.argv[1]), int(sys.argv[2])):.6f}")
