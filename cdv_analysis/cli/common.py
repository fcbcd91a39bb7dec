"""What every command shares: refusals, the data folder, the territories asked for, printable text."""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import CdvError

__all__ = ["INTERRUPTED", "Refused", "printable", "Printable", "suggestion", "data_folder", "check_data_dir",
           "years_text", "territories_to_handle"]


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



def suggestion(word: str, candidates: Sequence[str]) -> str:
    """« vouliez-vous dire … ? » for the closest candidates of a mistyped word, or an empty string."""
    close = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.6)
    if not close:
        return ""
    return " Vouliez-vous dire " + " ou ".join(f"« {c} »" for c in close) + " ?"


class Printable:
    """A text stream that drops terminal control characters (tab, newline and carriage return kept)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def data_folder(args: argparse.Namespace) -> Path:
    if args.donnees is not None and not args.donnees.strip():
        raise Refused("--donnees attend un dossier : la valeur est vide (omettez l'option pour lire data/raw du "
                      "projet).", 2)
    from ..ingest.load import default_data_dir

    return Path(args.donnees) if args.donnees is not None else default_data_dir()


def check_data_dir(path: Path) -> bool:
    if not path.is_dir():
        print(f"Dossier de données introuvable : {path}", file=sys.stderr)
        return False
    return True


def _selected(args: argparse.Namespace, data_dir: Path) -> list[str] | None:
    from ..ingest.load import discover_territories

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


def years_text(years: list[int]) -> str:
    if not years:
        return "aucune"
    return ", ".join(str(y) for y in years)


def territories_to_handle(args: argparse.Namespace, data_dir: Path, none_found: str) -> list[str] | None:
    """The selected territories; None (after a French message) when there is nothing to do."""
    if not check_data_dir(data_dir):
        return None
    ids = _selected(args, data_dir)
    if ids is None:
        return None
    if not ids:
        print(f"Aucun territoire {none_found.format(data_dir)}.", file=sys.stderr)
        return None
    return ids
