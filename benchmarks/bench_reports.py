"""Benchmark of the report build: cold, no-change rebuild, and the kernel floor.

The floor executes an empty notebook with nbclient once per report, with the
same parallelism: what any papermill-based build pays at the least. Run:

    .venv/bin/python benchmarks/bench_reports.py [--synthetiques 50] [--jobs N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

from cdv_analysis.load import default_data_dir
from cdv_analysis.report import build_all

HERE = Path(__file__).resolve().parent


def _empty_notebook(_: int) -> float:
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


def measure(label: str, data_dir: Path, jobs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="cdv-bench-") as temporary:
        out, processed = Path(temporary) / "reports", Path(temporary) / "processed"
        cold = build_all(data_dir, out, processed, jobs=jobs, force=True, progress=False)
        warm = build_all(data_dir, out, processed, jobs=jobs, progress=False)
    reports = len(cold.results)
    base = floor(reports, jobs)
    failed = cold.count("echec")
    print(f"\n{label} : {reports} rapports (dont comparaison), {jobs} en parallèle, {failed} en échec")
    print(f"  construction à froid     : {cold.seconds:8.1f} s  ({cold.seconds / reports:.1f} s par rapport)")
    print(f"  reconstruction sans changement : {warm.seconds:8.2f} s  (= {100 * warm.seconds / cold.seconds:.1f} % du froid)")
    print(f"  plancher nbclient (notebook vide) : {base:8.1f} s  ; froid / plancher = {cold.seconds / base:.1f}")
    return {"label": label, "reports": reports, "cold": cold.seconds, "warm": warm.seconds, "floor": base}


def main() -> None:
    parser = argparse.ArgumentParser(description="Mesure la construction des rapports.")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--synthetiques", type=int, default=50, help="territoires synthétiques (0 : aucun)")
    args = parser.parse_args()
    measure("Données embarquées", default_data_dir(), args.jobs)
    if args.synthetiques:
        from generate_territories import generate

        with tempfile.TemporaryDirectory(prefix="cdv-synth-") as temporary:
            generate(Path(temporary), args.synthetiques)
            measure(f"{args.synthetiques} territoires synthétiques", Path(temporary), args.jobs)


if __name__ == "__main__":
    main()
