"""Benchmark of the report build, every figure measured in one run on this machine.

- floor (``floor.py``, a program of its own that imports nothing of cdv_analysis): an empty notebook
  executed by nbclient once per report, with the same parallelism: what any papermill-based build pays at
  the least; measured alternately with the forced warm build (``--repetitions``), each build against the
  floor just before it;
- forced build in warm kernels (the default engine, ``cdv-chaud``), with 2 jobs and 1 job;
- forced build with one fresh kernel per report (``--noyaux-neufs``);
- no-change rebuild (every report served from the cache);
- profile of the warm reports: seconds per section, from papermill's cell durations
  recorded in each executed notebook, against the report's wall time.

Run:

    .venv/bin/python benchmarks/bench_reports.py [--jobs 2] [--essentiel] [--donnees DOSSIER] [--garder DOSSIER] [--synthetiques 50] [--repetitions 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from cdv_analysis.ingest.load import default_data_dir
from cdv_analysis.publish.build import build_all
from cdv_analysis.publish.jobs import BuildSummary

# After cdv_analysis.publish, as in the command: publish keeps jsonschema's IRI checker out of the processes that
# build (see cdv_analysis/publish/__init__.py), and this module's build workers import it first (spawn), as
# those of ``cdv rapports`` do. The floor runs apart (floor.py): a plain nbclient run.
import nbformat  # noqa: E402

HERE = Path(__file__).resolve().parent


def cpu_seconds() -> float:
    """Processor seconds of this process and of its finished children (workers, and the kernels they reaped)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def floor(reports: int, jobs: int) -> float:
    """Seconds of the floor (``floor.py``), run as its own program: its processes import nothing of cdv_analysis."""
    done = subprocess.run([sys.executable, str(HERE / "floor.py"), str(reports), str(jobs)], capture_output=True,
                          text=True, check=True)
    return float(done.stdout.split()[-1])


def _forced(data_dir: Path, root: Path, jobs: int, fresh: bool) -> BuildSummary:
    summary = build_all(data_dir, root / "reports", root / "processed", jobs=jobs, force=True, progress=False,
                        fresh_kernels=fresh)
    if not summary.ok:
        raise SystemExit(summary.text())
    return summary


def section_profile(summary: BuildSummary) -> dict[str, float]:
    """Seconds spent in each section's cells, summed over the built reports (papermill's durations)."""
    seconds: dict[str, float] = defaultdict(float)
    for result in summary.results:
        executed = Path(result.html).with_suffix(".ipynb")
        if result.status != "construit" or not executed.exists():
            continue
        for cell in nbformat.read(executed, as_version=4).cells:
            duration = cell.metadata.get("papermill", {}).get("duration")
            if duration:
                seconds[cell.metadata.get("cdv_section", "(paramètres et préparation)")] += float(duration)
    return dict(seconds)


def measure(label: str, data_dir: Path, jobs: int, essential: bool = False, keep: Path | None = None,
            repetitions: int = 3) -> dict:
    """Every figure of one run; ``essential``: the floor and the forced warm build only (a lighter run);
    ``keep``: a folder where the pages of the warm build are copied (to compare them with another build).

    The floor and the forced warm build are measured ``repetitions`` times, alternately (floor, build, floor,
    build…): on a shared machine the speed of the processor drifts by a third from one minute to the next, and a
    ratio between two moments is that drift. Each build is compared with the floor measured just before it; the
    ratio given is the median of those pairs (all of them are printed)."""
    pairs: list[tuple[float, float, float, float]] = []  # (floor, floor CPU, build, build CPU)
    with tempfile.TemporaryDirectory(prefix="cdv-bench-") as temporary:
        root = Path(temporary)
        for _ in range(repetitions):
            cpu = cpu_seconds()
            base = floor(_reports(data_dir), jobs)
            base_cpu = cpu_seconds() - cpu
            cpu = cpu_seconds()
            warm = _forced(data_dir, root, jobs, fresh=False)
            pairs.append((base, base_cpu, warm.seconds, cpu_seconds() - cpu))
        if keep is not None:
            shutil.copytree(root / "reports", keep, dirs_exist_ok=True)
        reports = len(warm.results)
        unchanged = build_all(data_dir, root / "reports", root / "processed", jobs=jobs, progress=False)
        profile = section_profile(warm)
        if not essential:
            fresh = _forced(data_dir, root, jobs, fresh=True)
            single = _forced(data_dir, root, 1, fresh=False) if jobs != 1 else warm
    ratios = sorted(build / base for base, _, build, _ in pairs)
    cpu_ratios = sorted(build_cpu / base_cpu for _, base_cpu, _, build_cpu in pairs)
    ratio, cpu_ratio = statistics.median(ratios), statistics.median(cpu_ratios)
    base = statistics.median(p[0] for p in pairs)
    print(f"\n{label} : {reports} rapports (dont comparaison), {jobs} en parallèle ; "
          f"charge moyenne {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    for number, (base_i, base_cpu, build, build_cpu) in enumerate(pairs, 1):
        print(f"  mesure {number} : plancher nbclient (notebook vide) {base_i:5.1f} s (processeur {base_cpu:4.1f} s), "
              f"forcée en noyaux chauds {build:5.1f} s (processeur {build_cpu:4.1f} s) = {build / base_i:.2f} × "
              f"(processeur {build_cpu / base_cpu:.2f} ×)")
    warm_seconds = statistics.median(p[2] for p in pairs)
    print(f"  forcée, noyaux chauds ({jobs} jobs)       : médiane {ratio:.2f} × le plancher mesuré juste avant "
          f"(de {ratios[0]:.2f} à {ratios[-1]:.2f} ; processeur : médiane {cpu_ratio:.2f} ×) ; "
          f"{warm_seconds / reports:.2f} s par rapport")
    figures = {"label": label, "reports": reports, "warm": warm_seconds, "floor": base, "ratio": ratio,
               "ratios": ratios, "profile": profile}
    if essential:
        _print_profile(warm, profile)
        return figures
    print(f"  forcée, noyaux neufs ({jobs} jobs)        : {fresh.seconds:7.1f} s  = {fresh.seconds / base:.2f} × le plancher"
          f" médian ; chaud / neuf = {warm_seconds / fresh.seconds:.2f}")
    print(f"  forcée, noyaux chauds (1 job)          : {single.seconds:7.1f} s  ; 2 jobs / 1 job = "
          f"{warm_seconds / single.seconds:.2f}")
    print(f"  reconstruction sans changement        : {unchanged.seconds:7.2f} s  ({unchanged.count('cache')} repris)")
    _print_profile(warm, profile)
    return {**figures, "fresh": fresh.seconds, "single": single.seconds, "unchanged": unchanged.seconds}


def _reports(data_dir: Path) -> int:
    """How many reports a build of ``data_dir`` makes (the comparison included): the floor runs as many."""
    from cdv_analysis.config import notebooks_dir
    from cdv_analysis.publish.plan import plan_jobs

    with tempfile.TemporaryDirectory(prefix="cdv-plan-") as temporary:
        jobs, _ = plan_jobs(data_dir.resolve(), Path(temporary) / "r", Path(temporary) / "p",
                            notebooks_dir().resolve(), None, None, force=True)
    return len(jobs)


def _print_profile(warm: BuildSummary, profile: dict[str, float]) -> None:
    executed = sum(profile.values())
    print(f"  profil des rapports chauds : {executed:.1f} s dans les cellules, "
          f"{sum(r.seconds for r in warm.results) - executed:.1f} s hors cellules (assemblage, noyau, HTML)")
    for section, seconds in sorted(profile.items(), key=lambda item: -item[1]):
        print(f"    {section:<40} {seconds:6.2f} s  ({100 * seconds / executed:4.1f} %)")


def main() -> None:
    parser = argparse.ArgumentParser(description="Mesure la construction des rapports.")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--essentiel", action="store_true",
                        help="le plancher et la construction forcée en noyaux chauds seulement")
    parser.add_argument("--donnees", type=Path, help="dossier des données brutes (défaut : data/raw du projet)")
    parser.add_argument("--garder", type=Path, help="dossier où copier les pages de la construction en noyaux chauds")
    parser.add_argument("--synthetiques", type=int, default=0, help="territoires synthétiques en plus (0 : aucun)")
    parser.add_argument("--repetitions", type=int, default=3,
                        help="mesures alternées du plancher et de la construction forcée (défaut : 3)")
    args = parser.parse_args()
    measure("Données embarquées", args.donnees or default_data_dir(), args.jobs, args.essentiel, args.garder,
            args.repetitions)
    if args.synthetiques:
        from generate_territories import generate

        with tempfile.TemporaryDirectory(prefix="cdv-synth-") as temporary:
            generate(Path(temporary), args.synthetiques)
            measure(f"{args.synthetiques} territoires synthétiques", Path(temporary), args.jobs, args.essentiel,
                    repetitions=args.repetitions)


if __name__ == "__main__":
    main()
