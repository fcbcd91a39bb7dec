"""Reading and writing files (as papermill's ``iorw``): the one place that touches the disk for content.

Every input file is read once by ``read_bytes`` (regular files only, within
:data:`LIMITS`); every input table (territory data, open-data files to import)
by ``read_table``: CSV in UTF-8, Windows-1252 or Mac Roman with any usual
separator, or Excel workbooks read to their last filled row; every YAML file
from outside by ``read_yaml`` / ``load_yaml`` (no aliases, no repeated keys, no
impossible date). Every output of the package (reports, processed tables, imports)
goes through ``write_atomic``, so that a reader never sees a half-written file.

One module per job: ``limits`` (what one input file may hold: :data:`limits.LIMITS`, the one
value to change or patch), ``files`` (reading files, YAML), ``encodings`` (decoding text),
``tables`` (CSV and XLSX rows, tables of strings, header keys) and ``writing`` (atomic writes).
``iorw.LIMITS`` reads :data:`limits.LIMITS` at each use.
"""

from __future__ import annotations

from . import limits
from .encodings import decode_text
from .files import LinedDict, load_yaml, read_bytes, read_yaml, shown_path
from .limits import Limits
from .tables import (
    Records,
    excel_cell as excel_cell,
    field_count_problem,
    header_index,
    header_key,
    read_records,
    read_table,
    sniff_separator,
)
from .writing import write_atomic

__all__ = ["write_atomic", "read_table", "read_records", "read_bytes", "load_yaml", "read_yaml", "LinedDict",
           "decode_text", "shown_path",
           "header_key", "header_index", "sniff_separator", "Records", "field_count_problem", "Limits", "LIMITS"]


def __getattr__(name: str):
    # LIMITS lives in iorw.limits (monkeypatch it there); read here at each use, never a stale copy.
    if name == "LIMITS":
        return limits.LIMITS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
