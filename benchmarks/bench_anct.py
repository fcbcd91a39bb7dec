"""Benchmark of the open-data path: import an ANCT file, then build every report it yields.

    .venv/bin/python benchmarks/bench_anct.py [--lignes 40000] [--contrats 435] [--jobs 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from cdv_analysis.importers import import_anct_subsidies
from cdv_analysis.report import build_all


def main() -> None:
    parser = argparse.ArgumentParser(description="Import ANCT puis construction des rapports.")
    parser.add_argument("--lignes", type=int, default=40_000)
    parser.add_argument("--contrats", type=int, default=435)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    from generate_anct import generate

    with tempfile.TemporaryDirectory(prefix="cdv-anct-") as temporary:
        root = Path(temporary)
        source = root / "subventions-2022.csv"
        generate(source, args.lignes, args.contrats)
        started = time.perf_counter()
        report = import_anct_subsidies(source, root / "raw")
        imported = time.perf_counter() - started
        print(f"import de {args.lignes} lignes : {imported:.1f} s — {len(report.written)} fichiers écrits")
        cold = build_all(root / "raw", root / "reports", root / "processed", jobs=args.jobs, progress=False)
        print(f"construction à froid : {cold.seconds:.1f} s pour {len(cold.results)} rapports "
              f"({cold.count('echec')} en échec) — {cold.seconds / len(cold.results):.2f} s par rapport")
        warm = build_all(root / "raw", root / "reports", root / "processed", jobs=args.jobs, progress=False)
        print(f"reconstruction sans changement : {warm.seconds:.1f} s ({warm.count('cache')} repris du cache)")


if __name__ == "__main__":
    main()
