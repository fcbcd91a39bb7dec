"""How an amount of ``programmation_series``, a change between two of them and an amount per inhabitant read on
a page: the one home of the approximate-amount rule.

An amount keeps its qualifier (« près de 5 760 000 € ») and says what it covers when it is not the programmation
of the contract. A figure computed from an approximate amount (or population) is approximate too: « environ +48 %
(montants approchés) », never « +47,7 % »; « environ 103 € » per inhabitant, never « 103 € ».
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ...rules.formatting import MISSING, euros, pourcent, variation
from ...rules.harmonise import vocabulary
from ...rules.stats import pct_change
from ._common import text

__all__ = ["APPROXIMATE_NOTE", "Change", "amount_shown", "approximate_word", "change_between",
           "computed_amount_shown", "any_approximate",
           "perimeter_name"]

APPROXIMATE_NOTE = "(montants approchés)"  # after a change of approximate amounts


def approximate_word() -> str:
    """The word before a figure computed from approximate ones (qualificatifs.yml, ``approche``: « environ »)."""
    return str(vocabulary("qualificatifs").attributes["approche"]["mot"])


def any_approximate(*rows: pd.Series | dict) -> bool:
    """Whether any of these rows (of ``programmation_series``, ``key_figures``…) is not exact (its ``qualificatif``
    code, read once at ingest from the printed words)."""
    return any((text(row.get("qualificatif")) or "exact") != "exact" for row in rows)


def perimeter_name(champ: object) -> str:
    """What an amount covers when it is not the programmation of the contract (« total des financements
    politique de la ville (tous dispositifs) »); empty for the programmation itself."""
    champ = text(champ)
    if champ in ("", "programmation_contrat"):
        return ""
    return str(vocabulary("champs").attributes.get(champ, {}).get("court", champ))


def amount_shown(row: pd.Series | dict, *, perimeter: bool = True) -> str:
    """An amount as a reader reads it: its qualifier word, then (``perimeter``) what it covers when it is not the
    programmation of the contract (« près de 5 760 000 € (total des financements …) »)."""
    word = text(row.get("qualificatif_mot"))
    shown = f"{word} {euros(row['montant'])}" if word else euros(row["montant"])
    covered = perimeter_name(row.get("champ")) if perimeter else ""
    return f"{shown} ({covered})" if covered else shown


def computed_amount_shown(value: float, approximate: bool, champ: object = "") -> str:
    """An amount the code computes from a published one (per inhabitant…): « environ » when what it was computed
    from is approximate, then what the published amount covers (``perimeter_name``): « environ 103 € (total des
    financements politique de la ville (tous dispositifs)) »."""
    shown = f"{approximate_word()} {euros(value)}" if approximate else euros(value)
    covered = perimeter_name(champ)
    return f"{shown} ({covered})" if covered else shown


@dataclass(frozen=True)
class Change:
    """The change between two amounts, in percent, and whether either amount is approximate."""

    pct: float | None
    approximate: bool

    @property
    def shown(self) -> str:
        """Signed: « −14,1 % », or « environ +48 % » between approximate amounts."""
        if self.pct is None:
            return MISSING
        return f"{approximate_word()} {variation(round(self.pct), 0)}" if self.approximate else variation(self.pct)

    @property
    def magnitude(self) -> str:
        """Unsigned, after « une hausse de »: « 14,1 % », or « environ 48 % »."""
        if self.pct is None:
            return MISSING
        if self.approximate:
            return f"{approximate_word()} {pourcent(abs(round(self.pct)), 0)}"
        return pourcent(abs(self.pct))


def change_between(before: pd.Series | dict, now: pd.Series | dict) -> Change:
    """The change from ``before`` to ``now`` (two rows with ``montant`` and ``qualificatif``), through
    ``stats.pct_change``; no percentage from a zero or negative amount."""
    start = float(before["montant"])
    return Change(pct_change(start, float(now["montant"])) if start > 0 else None, any_approximate(before, now))
