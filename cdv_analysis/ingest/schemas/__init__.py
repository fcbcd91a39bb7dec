"""The registry of raw tables (:data:`TABLES`) and their schemas, checked with pandera.

One entry per table type says everything the package needs to know about it:
its columns and how each is read (``kind``), what it is about (``topic``, for
the « Ce que ce rapport ne couvre pas » box), its name on the page (``label``),
the report section that shows it (``section``), where its printed figures are
and how the page's coverage of them is measured (``figures``), and which
columns break a figure down (``ColumnSpec.axis``, for the checks). Loading,
parsing, validation, coverage, the printed-figures tables, the checks, the
portrait and the shipped template (``cdv_analysis/modele/``, tested against
it) all read it: adding a table type is one entry in ``schemas/registry.py``
(see CONTRIBUTING.md).

Raw cells are validated as printed strings (they are parsed afterwards, in
``load``), so that every failure can name the file, line, column and value.

Modules: ``specs`` (what an entry says: :class:`ColumnSpec`, :class:`Figures`,
:class:`TableSpec`), ``registry`` (:data:`TABLES` and the vocabularies its columns
choose from), ``kinds`` (column kinds as pandera checks: :func:`raw_schema`).
"""

from __future__ import annotations

from .kinds import ValidationContext, empty_frame, raw_schema, schema_holds, year_span as year_span
from .registry import (
    CHAMPS as CHAMPS,
    DIFFUSION as DIFFUSION,
    N_ORIGINS as N_ORIGINS,
    NATURES as NATURES,
    QUALIFICATIFS as QUALIFICATIFS,
    SUPPORTS as SUPPORTS,
    TABLES,
    TEXTUAL_UNITS as TEXTUAL_UNITS,
    TYPE_CREDIT as TYPE_CREDIT,
    TYPES_PORTEUR as TYPES_PORTEUR,
    VOLETS as VOLETS,
)
from .specs import ColumnSpec, Figures, TableSpec, printed_column

__all__ = ["ColumnSpec", "Figures", "TableSpec", "TABLES", "ValidationContext", "raw_schema", "schema_holds", "printed_column",
           "empty_frame"]
