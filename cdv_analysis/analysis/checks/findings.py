"""A finding: one inconsistency between published figures, or between a figure and its data.

Findings are warnings about the sources, never errors in the data (which are transcribed exactly as
printed).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

WARNING = "avertissement"
INFO = "information"


@dataclass(frozen=True)
class Finding:
    """One inconsistency between published figures, or between a figure and its data."""

    categorie: str
    message: str
    publie: str | None
    calcule: str | None
    source: str
    section: str
    territoire: str
    annee: str = ""
    gravite: str = WARNING

    def __str__(self) -> str:
        values = []
        if self.publie is not None:
            values.append(f"publié : {self.publie}")
        if self.calcule is not None:
            values.append(f"recalculé : {self.calcule}")
        where = f"{self.source}, {self.section}" if self.section else self.source
        detail = f" ({' ; '.join(values)})" if values else ""
        return f"[{self.categorie}] {self.message}{detail} — source : {where}"


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """Findings as a table (for reports and data/processed)."""
    columns = ["categorie", "gravite", "annee", "message", "publie", "calcule", "source", "section", "territoire"]
    return pd.DataFrame([{c: getattr(f, c) for c in columns} for f in findings], columns=columns)
