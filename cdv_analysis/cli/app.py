"""``main``: the guard around every command (French messages and exit codes, never a traceback)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import CdvError
from .common import INTERRUPTED, Printable
from .parser import build_parser

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """The ``cdv`` command: every outcome is a French message and an exit code, never a traceback.

    Ctrl-C at any moment gives :data:`INTERRUPTED` (code 130); an error of the package
    (:class:`~cdv_analysis.errors.CdvError`) prints its French message (its ``exit_code``);
    an output that cannot be written names its path and what to do (code 1); any other unexpected error
    is one line « erreur interne : … » (code 2), its traceback in the build log.
    Terminal control characters from data are stripped from everything printed.
    """
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Printable(stdout), Printable(stderr)
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
        from ..ingest.writes import OUTPUT_ERRNOS, write_error_text

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

    from ..config import reports_dir
    from ..ingest.iorw import shown_path

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

