"""Benchmark of the open-data path: import an ANCT file, then build every report it yields.

    .venv/bin/python benchmarks/bench_anct.py [--lignes 40000] [--contrats 435] [--jobs 2]
        [--format donnees-ouvertes|gispro] [--xlsx] [--sans-rapports]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from cdv_analysis.importers import import_anct_subsidies
from cdv_analysis.publish.build import build_all


def main() -> None:
    parser = argparse.ArgumentParser(description="Import ANCT puis construction des rapports.")
    parser.add_argument("--lignes", type=int, default=40_000)
    parser.add_argument("--contrats", type=int, default=435)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--format", choices=("donnees-ouvertes", "gispro"), default="donnees-ouvertes")
    parser.add_argument("--xlsx", action="store_true",
                        help="classeur .xlsx (dimension déclarée « A1 ») au lieu du CSV")
    parser.add_argument("--sans-rapports", action="store_true", help="mesure l'import seulement")
    args = parser.parse_args()
    from generate_anct import generate

    with tempfile.TemporaryDirectory(prefix="cdv-anct-") as temporary:
        root = Path(temporary)
        source = root / f"subventions-2022.{'xlsx' if args.xlsx else 'csv'}"
        generate(source, args.lignes, args.contrats, layout=args.format)
        started = time.perf_counter()
        report = import_anct_subsidies(source, root / "raw")
        imported = time.perf_counter() - started
        print(f"import de {args.lignes} lignes ({args.format}, {source.suffix}) : {imported:.1f} s — "
              f"{len(report.written)} fichiers écrits")
        if args.sans_rapports:
            return
        cold = build_all(root / "raw", root / "reports", root / "processed", jobs=args.jobs, progress=False)
        print(f"construction à froid : {cold.seconds:.1f} s pour {len(cold.results)} rapports "
              f"({cold.count('echec')} en échec) — {cold.seconds / len(cold.results):.2f} s par rapport")
        warm = build_all(root / "raw", root / "reports", root / "processed", jobs=args.jobs, progress=False)
        print(f"reconstruction sans changement : {warm.seconds:.1f} s ({warm.count('cache')} repris du cache)")


if __name__ == "__main__":
    main()
