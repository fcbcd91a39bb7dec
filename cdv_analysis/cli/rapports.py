"""``cdv rapports``: build the reports and the index."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import Refused, data_folder, territories_to_handle, years_text

__all__ = ["command_rapports"]


def command_rapports(args: argparse.Namespace) -> int:
    from ..publish.build import build_all

    data_dir = data_folder(args)
    ids = territories_to_handle(args, data_dir, "dans {} : aucun rapport à construire")
    if ids is None:
        return 1
    if args.annee and _missing_years(ids, args.annee, data_dir):
        return 1
    if args.jobs is not None and args.jobs < 1:
        print("--jobs attend un nombre de rapports simultanés au moins égal à 1.", file=sys.stderr)
        return 2
    for option, folder in (("--sortie", args.sortie), ("--sortie-donnees", args.sortie_donnees)):
        if folder is not None:
            _check_output_dir(option, folder)
    summary = build_all(data_dir, args.sortie, args.sortie_donnees, territories=args.territoire,
                        years=args.annee, jobs=args.jobs, force=args.force, progress=not args.silencieux,
                        fresh_kernels=args.noyaux_neufs)  # BuildInterrupted: a CdvError, worded by main
    print(summary.text())
    return 0 if summary.ok else 1


def _missing_years(ids: list[str], years: list[int], data_dir: Path) -> bool:
    """Print a French error for each requested year that no selected territory reports on."""
    from ..publish.plan import planned_years  # the years the build itself plans

    available = {}
    for tid in ids:
        try:
            available[tid] = planned_years(tid, data_dir, strict=False)[1]
        except Exception:  # noqa: BLE001 — the build names the broken territory
            available[tid] = []
    missing = [y for y in dict.fromkeys(years) if not any(y in found for found in available.values())]
    if missing:
        existing = " ; ".join(f"{tid} : {years_text(found)}" for tid, found in available.items())
        print(f"Aucun rapport pour {years_text(missing)} ({', '.join(ids)}). Rapports disponibles — {existing}.",
              file=sys.stderr)
    return bool(missing)


def _check_output_dir(option: str, folder: str) -> None:
    """Refuse (French, naming the path) an output folder that is a file, cannot be created or written."""
    from ..ingest.writes import write_error_text

    path = Path(folder)
    if not folder.strip():
        raise Refused(f"{option} attend un dossier : la valeur est vide.", 2)
    if path.exists() and not path.is_dir():
        raise Refused(f"{option} {path} : ce chemin est un fichier, pas un dossier ; indiquez un dossier "
                      "(existant ou à créer).", 2)
    try:
        path.mkdir(parents=True, exist_ok=True)
        import tempfile

        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise Refused(f"{option} : {write_error_text(path, error)}.", 1) from None
