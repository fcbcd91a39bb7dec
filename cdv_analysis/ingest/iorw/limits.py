"""What one input file may hold (:data:`LIMITS`), and sizes written in French units."""

from __future__ import annotations

from dataclasses import dataclass


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
    """A size in French units (« 2 Go », « 1,5 Mo »); in bytes when it would read as ``limit``'s."""
    for unit, scale in (("Go", 2**30), ("Mo", 2**20), ("ko", 2**10)):
        if count >= scale:
            value = count / scale
            text = f"{value:.0f} {unit}" if value >= 10 or value.is_integer() else f"{value:.1f} {unit}"
            text = text.replace(".", ",")
            if limit is not None and text in (_size(limit), _size(limit).replace(" ", ",0 ")):
                break
            return text
    return f"{count:_} octets".replace("_", "\u202f")
