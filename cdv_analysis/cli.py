"""The ``cdv`` command (messages in French)."""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path
from collections.abc import Sequence

from . import __version__
from .errors import CdvError

# The package (pandas…) is imported inside the commands, under the guard of `main`: a Ctrl-C while it
# loads is an interruption like any other, never a traceback.

__all__ = ["main", "build_parser", "printable", "Refused", "INTERRUPTED"]

INTERRUPTED = ("Interruption (Ctrl-C) : commande arrêtée ; aucun fichier n'est laissé à moitié écrit. "
               "Relancez-la pour reprendre.")
# Terminal controls that data could smuggle into a message (ANSI escapes, bell, C1 codes, bidi overrides).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class Refused(CdvError):
    """A command that cannot run as asked: its message (French) on stderr and exit ``code``."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.exit_code = code


def printable(text: object) -> str:
    """``text`` without terminal control characters (an ANSI escape in a cell can clear a screen)."""
    return _CONTROL.sub("", str(text))


# argparse's English messages and help words, in French (longest first where one contains another).
_ARGPARSE_FRENCH = (
    ("the following arguments are required:", "arguments obligatoires manquants :"),
    ("unrecognized arguments:", "arguments non reconnus :"),
    ("expected one argument", "une valeur est attendue"),
    ("not allowed with argument", "incompatible avec l'option"),
    ("ambiguous option", "option ambiguë"),
    ("could match", "peut désigner"),
    ("show this help message and exit", "affiche cette aide et quitte"),
    ("show program's version number and exit", "affiche la version et quitte"),
    ("positional arguments", "arguments"),
    ("optional arguments", "options"),
    ("usage:", "utilisation :"),
    ("options:", "options :"),
    ("arguments:", "arguments :"),
    ("argument ", "option "),
)
_INVALID_VALUE = re.compile(r"option (?P<option>\S+): invalid (?P<kind>int|float) value: '(?P<value>.*)'$")
_INVALID_CHOICE = re.compile(r"option (?P<option>\S+): invalid choice: '(?P<value>.*?)' \(choose from (?P<choices>.*)\)$")
_KIND_FRENCH = {"int": "valeur entière", "float": "nombre"}


def suggestion(word: str, candidates: Sequence[str]) -> str:
    """« vouliez-vous dire … ? » for the closest candidates of a mistyped word, or an empty string."""
    close = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.6)
    if not close:
        return ""
    return " Vouliez-vous dire " + " ou ".join(f"« {c} »" for c in close) + " ?"


def _french(text: str) -> str:
    for english, french in _ARGPARSE_FRENCH:
        text = text.replace(english, french)
    return text


def _french_error(message: str) -> str:
    message = _french(message)
    invalid = _INVALID_VALUE.match(message)
    if invalid:
        return (f"{_KIND_FRENCH[invalid['kind']]} attendue pour {invalid['option']} : "
                f"« {invalid['value']} »")
    choice = _INVALID_CHOICE.match(message)
    if choice:
        choices = re.findall(r"'([^']*)'", choice["choices"])
        what = "commande inconnue" if choice["option"] == "COMMANDE" else f"choix invalide pour {choice['option']}"
        return (f"{what} : « {choice['value']} » (possibles : {', '.join(choices)})."
                + suggestion(choice["value"], choices))
    return message


class _FrenchParser(argparse.ArgumentParser):
    """argparse speaking French: usage, help and error messages."""

    def format_usage(self) -> str:
        return _french(super().format_usage())

    def format_help(self) -> str:
        return _french(super().format_help())

    def error(self, message: str) -> None:  # argparse exits
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {_french_error(message)}\n")


def _data_dir(args: argparse.Namespace) -> Path:
    if args.donnees is not None and not args.donnees.strip():
        raise Refused("--donnees attend un dossier : la valeur est vide (omettez l'option pour lire data/raw du "
                      "projet).", 2)
    from .load import default_data_dir

    return Path(args.donnees) if args.donnees is not None else default_data_dir()


def _check_data_dir(path: Path) -> bool:
    if not path.is_dir():
        print(f"Dossier de données introuvable : {path}", file=sys.stderr)
        return False
    return True


def _selected(args: argparse.Namespace, data_dir: Path) -> list[str] | None:
    from .load import discover_territories

    ids = discover_territories(data_dir)
    if getattr(args, "territoire", None):
        wanted = args.territoire
        unknown = [t for t in wanted if t not in ids]
        for tid in unknown:
            print(f"Territoire inconnu : {tid}. Territoires disponibles : {', '.join(ids) or 'aucun'}."
                  + suggestion(tid, ids), file=sys.stderr)
        if unknown:
            return None
        return wanted
    return ids


def _missing_years(ids: list[str], years: list[int], data_dir: Path) -> bool:
    """Print a French error for each requested year that no selected territory reports on."""
    from .publish.plan import planned_years  # the years the build itself plans

    available = {}
    for tid in ids:
        try:
            available[tid] = planned_years(tid, data_dir, strict=False)[1]
        except Exception:  # noqa: BLE001 — the build names the broken territory
            available[tid] = []
    missing = [y for y in dict.fromkeys(years) if not any(y in found for found in available.values())]
    if missing:
        existing = " ; ".join(f"{tid} : {_years_text(found)}" for tid, found in available.items())
        print(f"Aucun rapport pour {_years_text(missing)} ({', '.join(ids)}). Rapports disponibles — {existing}.",
              file=sys.stderr)
    return bool(missing)


def _years_text(years: list[int]) -> str:
    if not years:
        return "aucune"
    return ", ".join(str(y) for y in years)


def _territories_to_handle(args: argparse.Namespace, data_dir: Path, none_found: str) -> list[str] | None:
    """The selected territories; None (after a French message) when there is nothing to do."""
    if not _check_data_dir(data_dir):
        return None
    ids = _selected(args, data_dir)
    if ids is None:
        return None
    if not ids:
        print(f"Aucun territoire {none_found.format(data_dir)}.", file=sys.stderr)
        return None
    return ids


def command_liste(args: argparse.Namespace) -> int:
    from .load import discover_territories, load_territory
    from .problems import unexpected_failure

    data_dir = _data_dir(args)
    if not _check_data_dir(data_dir):
        return 1
    ids = discover_territories(data_dir)
    if not ids:
        print(f"Aucun territoire dans {data_dir} (un territoire est un dossier contenant territoire.yml).")
        return 0
    print(f"{len(ids)} territoire{'s' if len(ids) > 1 else ''} dans {data_dir} :")
    status = 0
    for tid in ids:
        try:
            territory = load_territory(tid, data_dir, strict=False)
        except Exception as error:  # noqa: BLE001 — one broken territory never stops the others
            print(f"- {tid} — ✘ {unexpected_failure(error)}")
            status = 1
            continue
        errors = len(territory.errors)
        flag = "" if not errors else f"  ⚠ {errors} erreur{'s' if errors > 1 else ''} (cdv valider)"
        tables = ", ".join(f"{name} ({len(frame)})" for name, frame in sorted(territory.tables.items()))
        print(f"- {tid} — {territory.nom} ({territory.sigle}){flag}")
        print(f"    rapports : {_years_text(territory.report_years())} ; "
              f"années couvertes par les données : {_years_text(territory.data_years())}")
        print(f"    tables : {tables or 'aucune'}")
    return status


def command_valider(args: argparse.Namespace) -> int:
    from .load import validate_territory
    from .problems import unexpected_failure

    data_dir = _data_dir(args)
    ids = _territories_to_handle(args, data_dir, "à valider dans {} : rien n'a été fait")
    if ids is None:
        return 1
    total_errors = 0
    for tid in ids:
        try:
            problems = validate_territory(tid, data_dir)
        except Exception as error:  # noqa: BLE001 — one broken territory never stops the others
            print(f"✘ {tid} : {unexpected_failure(error)}")
            total_errors += 1
            continue
        errors = [p for p in problems if p.is_error]
        warnings = [p for p in problems if not p.is_error]
        total_errors += len(errors)
        if errors:
            print(f"✘ {tid} : {len(errors)} erreur{'s' if len(errors) > 1 else ''}")
        else:
            print(f"✔ {tid} : données valides")
        for problem in errors:
            print(f"  erreur — {problem}")
        for problem in warnings:
            print(f"  avertissement — {problem}")
        if not errors:
            _print_findings(tid, data_dir)
    if total_errors:
        print(f"\n{total_errors} erreur{'s' if total_errors > 1 else ''} au total : "
              "corrigez les fichiers indiqués (les données brutes ne sont jamais modifiées par cdv).")
        return 1
    return 0


def _print_findings(tid: str, data_dir: Path) -> None:
    """Consistency findings of the source reports (warnings: they never fail validation)."""
    from .load import load_territory
    from .problems import DataError, unexpected_failure

    from .checks import run_checks

    try:
        territory = load_territory(tid, data_dir)
        findings = run_checks(territory)
    except DataError:
        return
    except Exception as error:  # noqa: BLE001 — the checks of one territory never stop the others
        print(f"  contrôles de cohérence interrompus : {unexpected_failure(error)}")
        return
    if not findings:
        print("  aucune incohérence relevée dans les sources")
        return
    print(f"  {len(findings)} incohérence{'s' if len(findings) > 1 else ''} relevée"
          f"{'s' if len(findings) > 1 else ''} dans les sources (avertissements) :")
    for finding in findings:
        print(f"  - {finding}")


def command_rapports(args: argparse.Namespace) -> int:
    from .publish.build import build_all

    data_dir = _data_dir(args)
    ids = _territories_to_handle(args, data_dir, "dans {} : aucun rapport à construire")
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


def command_nouveau_territoire(args: argparse.Namespace) -> int:
    from importlib import resources

    from .ids import id_problem
    from .writes import StagedWrites, WriteFailed

    data_dir = _data_dir(args)
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


def command_importer(args: argparse.Namespace) -> int:
    from .importers import IMPORTERS

    importer = IMPORTERS[args.jeu]
    accepted = {option.name for option in importer.options}
    settings, refused = {}, []
    for name, flag in _importer_flags().items():
        value = getattr(args, name, None)
        if value is None:
            continue
        if name not in accepted:
            refused.append(flag)
            continue
        option = next(o for o in importer.options if o.name == name)
        settings[name] = [part.strip() for part in value.split(",") if part.strip()] if option.comma_list else value
    if refused:
        print(f"Option{'s' if len(refused) > 1 else ''} sans effet pour « {importer.name} » : {', '.join(refused)} "
              f"(options de cet import : {', '.join(o.flag for o in importer.options) or 'aucune'}).", file=sys.stderr)
        return 2
    summary = importer(args.fichier, _data_dir(args), **settings).run()  # ImportFailed: a CdvError, worded by main
    print(summary.text())
    return 0 if summary.ok and not summary.unchanged else 1  # an import that wrote nothing says so, exits 1


def _importer_flags() -> dict[str, str]:
    """Keyword → ``--flag`` of every option some registered importer declares."""
    from .importers import IMPORTERS

    return {option.name: option.flag for importer in IMPORTERS.values() for option in importer.options}


def build_parser() -> argparse.ArgumentParser:
    parser = _FrenchParser(
        prog="cdv",
        description="cdv-analysis : évaluation des Contrats de Ville (données, contrôles, rapports).",
    )
    parser.add_argument("--version", action="version", version=f"cdv-analysis {__version__}")
    commands = parser.add_subparsers(dest="commande", metavar="COMMANDE", parser_class=_FrenchParser)

    def add(name: str, help_text: str, handler):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--donnees", metavar="DOSSIER",
                         help="dossier des données brutes (par défaut : data/raw du projet)")
        sub.set_defaults(handler=handler)
        return sub

    add("liste", "liste les territoires et les années couvertes par leurs données", command_liste)
    valider = add("valider", "valide les données brutes et signale les incohérences des sources", command_valider)
    valider.add_argument("--territoire", action="append", metavar="ID",
                         help="ne valider que ce territoire (option répétable)")
    rapports = add("rapports", "construit les rapports HTML (un par territoire et par année) et l'index",
                   command_rapports)
    rapports.add_argument("--territoire", action="append", metavar="ID", help="ce territoire seulement (répétable)")
    rapports.add_argument("--annee", action="append", type=int, metavar="AAAA", help="cette année seulement (répétable)")
    rapports.add_argument("--jobs", type=int, metavar="N", help="rapports construits en parallèle (défaut : nombre de cœurs)")
    rapports.add_argument("--force", action="store_true", help="reconstruire même si rien n'a changé")
    rapports.add_argument("--sortie", metavar="DOSSIER", help="dossier des rapports (défaut : reports/)")
    rapports.add_argument("--sortie-donnees", metavar="DOSSIER",
                          help="dossier des tables d'indicateurs (défaut : data/processed/)")
    rapports.add_argument("--silencieux", action="store_true", help="n'affiche que le bilan (sans barre de progression)")
    rapports.add_argument("--noyaux-neufs", action="store_true",
                          help="un noyau Python neuf par rapport (plus lent ; par défaut, chaque processus garde "
                               "un noyau déjà prêt d'un rapport à l'autre)")
    nouveau = add("nouveau-territoire", "crée un dossier de territoire à partir du modèle", command_nouveau_territoire)
    nouveau.add_argument("id", help="identifiant du territoire (nom du dossier)")
    importer = add("importer", "importe des données ouvertes (INSEE, ANCT) dans les dossiers de territoire",
                   command_importer)
    _add_importer_arguments(importer)
    return parser


def _add_importer_arguments(parser: argparse.ArgumentParser) -> None:
    """``jeu``, ``fichier`` and the options of every importer of the registry (each says which import it serves)."""
    from .importers import IMPORTERS

    parser.add_argument("jeu", choices=tuple(IMPORTERS),
                        help=" ; ".join(f"{name} : {importer.help}" for name, importer in IMPORTERS.items()))
    parser.add_argument("fichier", help="fichier à importer (.csv ou .xlsx)")
    options: dict[str, tuple] = {}
    for name, importer in IMPORTERS.items():
        for option in importer.options:
            flag, metavar, helps = options.get(option.flag, (option.name, option.metavar, []))
            helps.append((name, option.help))
            options[option.flag] = (flag, metavar, helps)
    for flag, (dest, metavar, helps) in options.items():
        texts = {text for _, text in helps}
        shown = (helps[0][1] if len(texts) == 1 and len(helps) == len(IMPORTERS)
                 else " ; ".join(f"{name} : {text}" for name, text in helps))
        parser.add_argument(flag, dest=dest, metavar=metavar, help=shown)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``cdv`` command: every outcome is a French message and an exit code, never a traceback.

    Ctrl-C at any moment gives :data:`INTERRUPTED` (code 130); an error of the package
    (:class:`~cdv_analysis.errors.CdvError`) prints its French message (its ``exit_code``);
    an output that cannot be written names its path and what to do (code 1); any other unexpected error
    is one line « erreur interne : … » (code 2), its traceback in the build log.
    Terminal control characters from data are stripped from everything printed.
    """
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Printable(stdout), _Printable(stderr)
    try:
        return _run(argv)
    except KeyboardInterrupt:
        print(f"\n{INTERRUPTED}", file=sys.stderr)
        return 130
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        sys.stdout, sys.stderr = stdout, stderr


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except CdvError as error:  # the package's errors: their French message, never a traceback
        print(error.message, file=sys.stderr)
        return error.exit_code
    except OSError as error:
        from .writes import OUTPUT_ERRNOS, write_error_text

        if error.errno not in OUTPUT_ERRNOS:
            return _internal_error(error, args)

        print(f"Écriture impossible : {write_error_text(error.filename or '?', error)}.", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 — the guard: one French line, the traceback in the log
        return _internal_error(error, args)




def _internal_error(error: BaseException, args: argparse.Namespace) -> int:
    """Log the traceback, print one French line naming the log; exit code 2."""
    import tempfile
    import traceback

    from .config import reports_dir
    from .iorw import shown_path

    detail = " ".join(str(error).split())[:200]
    record = f"--- cdv {getattr(args, 'commande', '')} : erreur interne\n{traceback.format_exc()}"
    shown = "(journal impossible à écrire)"
    for folder in (Path(getattr(args, "sortie", None) or reports_dir()), Path(tempfile.gettempdir())):
        log = folder / "construction.log"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as handle:
                handle.write(record)
            shown = shown_path(log)
            break
        except OSError:
            continue
    print(f"erreur interne : {type(error).__name__}{' : ' + detail if detail else ''} ; détails dans {shown}",
          file=sys.stderr)
    return 2


def _check_output_dir(option: str, folder: str) -> None:
    """Refuse (French, naming the path) an output folder that is a file, cannot be created or written."""
    from .writes import write_error_text

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


class _Printable:
    """A text stream that drops terminal control characters (tab, newline and carriage return kept)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
