"""The ``cdv`` command (messages in French), one module per group of commands.

- :mod:`.app` — ``main``, the guard: every outcome a French message and an exit code, never a traceback;
- :mod:`.parser` — argparse in French and every command's options;
- :mod:`.territories` — ``cdv liste``, ``cdv valider``, ``cdv nouveau-territoire``;
- :mod:`.rapports` — ``cdv rapports``;
- :mod:`.importer` — ``cdv importer``;
- :mod:`.common` — what they share (refusals, data folder, selected territories, printable text).

The package (pandas…) is imported inside the commands, under the guard of ``main``: a Ctrl-C while it
loads is an interruption like any other, never a traceback.
"""

from .app import main
from .common import INTERRUPTED, Refused, printable, suggestion
from .parser import build_parser

__all__ = ["main", "build_parser", "printable", "suggestion", "Refused", "INTERRUPTED"]
