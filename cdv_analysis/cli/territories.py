"""Commands on territory folders: ``cdv liste``, ``cdv valider``, ``cdv nouveau-territoire``."""

from __future__ import annotations

import argparse
import sys

from .common import check_data_dir, data_folder, printable, territories_to_handle, years_text

__all__ = ["command_liste", "command_valider", "command_nouveau_territoire"]


def command_liste(args: argparse.Namespace) -> int:
    from ..rules.formatting import pluriel
    from ..ingest.load import discover_territories, load_territory, read_inputs
    from ..ingest.problems import unexpected_failure
    from ..publish.plan import planned_years  # the years the build itself plans (one portrait, not one per vintage)

    data_dir = data_folder(args)
    if not check_data_dir(data_dir):
        return 1
    ids = discover_territories(data_dir)
    if not ids:
        print(f"Aucun territoire dans {data_dir} (un territoire est un dossier contenant territoire.yml).")
        return 0
    print(f"{pluriel(len(ids), 'territoire')} dans {data_dir} :")
    status = 0
    for tid in ids:
        try:
            inputs = read_inputs(data_dir / tid)
            _, report_years, territory = planned_years(tid, data_dir, strict=False, inputs=inputs)
            territory = territory or load_territory(tid, data_dir, strict=False, inputs=inputs)
        except Exception as error:  # noqa: BLE001 — one broken territory never stops the others
            print(f"- {tid} — ✘ {unexpected_failure(error)}")
            status = 1
            continue
        errors = len(territory.errors)
        flag = "" if not errors else f"  ⚠ {pluriel(errors, 'erreur')} (cdv valider)"
        tables = ", ".join(f"{name} ({len(frame)})" for name, frame in sorted(territory.tables.items()))
        print(f"- {tid} — {territory.nom} ({territory.sigle}){flag}")
        print(f"    rapports : {years_text(report_years)} ; "
              f"années couvertes par les données : {years_text(territory.data_years())}")
        print(f"    tables : {tables or 'aucune'}")
    return status


def command_valider(args: argparse.Namespace) -> int:
    from ..rules.formatting import pluriel
    from ..ingest.load import load_territory
    from ..ingest.problems import DataError, unexpected_failure

    data_dir = data_folder(args)
    ids = territories_to_handle(args, data_dir, "à valider dans {} : rien n'a été fait")
    if ids is None:
        return 1
    total_errors = 0
    for tid in ids:
        territory = None
        try:  # read and validated once: its problems, then the checks of the sources on the same tables
            territory = load_territory(tid, data_dir, strict=False)
            problems = territory.problems
        except DataError as error:  # not a territory folder
            problems = error.problems
        except Exception as error:  # noqa: BLE001 — one broken territory never stops the others
            print(f"✘ {tid} : {unexpected_failure(error)}")
            total_errors += 1
            continue
        errors = [p for p in problems if p.is_error]
        warnings = [p for p in problems if not p.is_error] + (_key_figure_warnings(territory) if not errors else [])
        total_errors += len(errors)
        if errors:
            print(f"✘ {tid} : {pluriel(len(errors), 'erreur')}")
        else:
            print(f"✔ {tid} : données valides")
        for problem in errors:
            print(f"  erreur — {problem}")
        for problem in warnings:
            print(f"  avertissement — {problem}")
        if not errors and territory is not None:
            _print_findings(territory)
    if total_errors:
        print(f"\n{pluriel(total_errors, 'erreur')} au total : "
              "corrigez les fichiers indiqués (les données brutes ne sont jamais modifiées par cdv).")
        return 1
    return 0


def _key_figure_warnings(territory) -> list:
    """The référentiel's ``chiffre_cle`` that name no indicator of their question (``ind.unmatched_key_figures``)."""
    from ..analysis.indicators import unmatched_key_figures
    from ..ingest.problems import unexpected_failure

    try:
        return unmatched_key_figures(territory) if territory is not None else []
    except Exception as error:  # noqa: BLE001 — the checks of one territory never stop the others
        print(f"  contrôle des chiffres clés du référentiel interrompu : {unexpected_failure(error)}")
        return []


def _print_findings(territory) -> None:
    """Consistency findings of the source reports (warnings: they never fail validation)."""
    from ..rules.formatting import pluriel
    from ..ingest.problems import unexpected_failure

    from ..analysis.checks import run_checks

    try:
        findings = run_checks(territory)
    except Exception as error:  # noqa: BLE001 — the checks of one territory never stop the others
        print(f"  contrôles de cohérence interrompus : {unexpected_failure(error)}")
        return
    if not findings:
        print("  aucune incohérence relevée dans les sources")
        return
    print(f"  {pluriel(len(findings), 'incohérence relevée', 'incohérences relevées')} dans les sources "
          "(avertissements) :")
    for finding in findings:
        print(f"  - {finding}")


def command_nouveau_territoire(args: argparse.Namespace) -> int:
    from importlib import resources

    from ..ingest.ids import id_problem
    from ..ingest.writes import StagedWrites, WriteFailed

    data_dir = data_folder(args)
    expected = id_problem(args.id)
    if expected:
        print(f"Identifiant invalide « {printable(args.id)[:80]} » : attendu {expected}.", file=sys.stderr)
        return 2
    if data_dir.exists() and not data_dir.is_dir():
        print(f"{data_dir} est un fichier, pas un dossier de données : indiquez un dossier avec --donnees.",
              file=sys.stderr)
        return 1
    target = data_dir / args.id  # the data folder is created if missing
    if target.exists() or target.is_symlink():
        print(f"Le dossier {target} existe déjà : rien n'a été modifié.", file=sys.stderr)
        return 1
    template = resources.files("cdv_analysis") / "modele"
    try:
        with StagedWrites() as staged:  # the folder appears whole, or not at all
            staged.new_folder(target)
            for entry in sorted(template.iterdir(), key=lambda e: e.name):
                data = entry.read_bytes()
                if entry.name == "territoire.yml":
                    data = data.decode("utf-8").replace("id: modele", f"id: {args.id}").encode("utf-8")
                staged.add(target / entry.name, data)
            staged.commit()
    except WriteFailed as failure:
        print(f"Territoire non créé : {failure} ; rien n'a été modifié.", file=sys.stderr)
        return 1
    print(f"Territoire créé : {target}\nComplétez territoire.yml et les tables, puis lancez "
          f"« cdv valider --territoire {args.id} ».")
    return 0
