"""The command line: argparse speaking French, and every command with its options."""

from __future__ import annotations

import argparse
import re
import sys
import textwrap

from .. import __version__
from .common import suggestion
from .importer import command_importer
from .rapports import command_rapports
from .territories import command_liste, command_nouveau_territoire, command_valider

__all__ = ["build_parser"]


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
_KIND_FRENCH = {"int": "valeur entière", "float": "nombre"}


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
    return message


def _invalid_choice(action: argparse.Action, value: str) -> str:
    """The French of a value that is not among ``action.choices``, built from the choices themselves
    (never parsed back from CPython's English, whose quoting changed in 3.14)."""
    choices = [str(choice) for choice in action.choices]
    name = action.option_strings[-1] if action.option_strings else str(action.metavar or action.dest)
    what = "commande inconnue" if name == "COMMANDE" else f"choix invalide pour {name}"
    return f"{what} : « {value} » (possibles : {', '.join(choices)})." + suggestion(str(value), choices)


class _HelpFormatter(argparse.HelpFormatter):
    """Help lines wrapped between words only: « insee-qpv » or « --sortie-donnees » is never cut at its hyphen."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return textwrap.fill(" ".join(text.split()), width, initial_indent=indent, subsequent_indent=indent,
                             break_on_hyphens=False)


class _FrenchParser(argparse.ArgumentParser):
    """argparse speaking French: usage, help and error messages."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def format_usage(self) -> str:
        return _french(super().format_usage())

    def format_help(self) -> str:
        return _french(super().format_help())

    def _check_value(self, action: argparse.Action, value) -> None:
        if action.choices is not None and value not in action.choices:
            raise argparse.ArgumentError(None, _invalid_choice(action, value))

    def error(self, message: str) -> None:  # argparse exits
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {_french_error(message)}\n")


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
    from ..importers import IMPORTERS  # the registry: a new importer is named here without touching this text

    importer = add("importer", f"importe un fichier dans un dossier de territoire ({', '.join(IMPORTERS)})",
                   command_importer)
    _add_importer_arguments(importer)
    return parser


def _add_importer_arguments(parser: argparse.ArgumentParser) -> None:
    """``jeu``, ``fichier`` and the options of every importer of the registry (each says which import it serves)."""
    from ..importers import IMPORTERS

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
