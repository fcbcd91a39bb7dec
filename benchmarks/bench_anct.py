"""Benchmark of the open-data path: import an ANCT file, then build every report it yields.

    .venv/bin/python benchmarks/bench_anct.py [--lignes 40000] [--contrats 435] [--jobs 2]
        [--format donnees-ouvertes|gispro] [--xlsx] [--echantillon N] [--sans-rapports]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench_reports import cpu_seconds
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
    parser.add_argument("--echantillon", type=int, default=0,
                        help="ne construire que N portraits, puis extrapoler aux contrats (0 : tous)")
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
        chosen = sorted(p.name for p in (root / "raw").iterdir() if p.is_dir())
        chosen = chosen[:args.echantillon] if args.echantillon else None
        cpu = cpu_seconds()
        cold = build_all(root / "raw", root / "reports", root / "processed", territories=chosen, jobs=args.jobs,
                         progress=False)
        cpu = cpu_seconds() - cpu
        built = len(cold.results)
        print(f"construction à froid : {cold.seconds:.1f} s pour {built} rapports "
              f"({cold.count('echec')} en échec) — {cold.seconds / built:.2f} s par rapport ; "
              f"processeur {cpu:.1f} s ({cpu / built:.2f} s par rapport) ; charge moyenne {os.getloadavg()[0]:.1f}")
        if chosen:
            total = len(report.written) + 1  # every portrait, and the comparison page
            print(f"extrapolé à {total} pages : {cold.seconds / built * total:.0f} s à cette charge ; "
                  f"{cpu / built * total / args.jobs:.0f} s sur {args.jobs} cœurs libres (processeur / cœurs)")
        warm = build_all(root / "raw", root / "reports", root / "processed", territories=chosen, jobs=args.jobs,
                         progress=False)
        print(f"reconstruction sans changement : {warm.seconds:.1f} s ({warm.count('cache')} repris du cache)")


if __name__ == "__main__":
    main()
