"""What one input file may hold (:data:`LIMITS`), and sizes written in French units (``rules.formatting``)."""

from __future__ import annotations

from dataclasses import dataclass

from ...rules.formatting import taille_fichier


@dataclass(frozen=True)
class Limits:
    """What one input file may hold; beyond, it is refused with a French message (never a hang or MemoryError)."""

    file_bytes: int = 100 * 2**20  # a table on disk (a CSV, or a workbook still compressed)
    uncompressed_bytes: int = 400 * 2**20  # the parts of a workbook once unzipped, together
    rows: int = 500_000  # rows holding something (empty rows are skipped without being read)
    columns: int = 1_000
    cell_chars: int = 32_767  # Excel's own limit for one cell
    yaml_bytes: int = 2**20  # a YAML file (territoire.yml, vocabularies)


LIMITS = Limits()


def _size(count: int, limit: int | None = None) -> str:
    """A size in the limits' units (``formatting.taille_fichier(…, binaire=True)``, the one rule)."""
    return taille_fichier(count, limit, binaire=True)
