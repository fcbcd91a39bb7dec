"""French Markdown sentences written from the indicator tables.

Every figure comes from the tables (through ``formatting``) and every quotation
is the data's own text between « »: nothing here adds an appraisal. Each
function returns ``""`` for an empty input: what a report does not cover is said
once, in the synthesis (``not_covered_box``).
"""

from __future__ import annotations

import pandas as pd

from ...rules.clean import cell_text as _text, upper_first
from ...rules import formatting
from ...rules.harmonise import labels
from ...rules.formatting import is_singular, pourcent
from ...rules.markup import escape_markdown

md = escape_markdown  # every data string goes through it before it enters Markdown

ACTEURS = labels("acteurs")  # vocabulaires/acteurs.yml
# How to say « in » each reference perimeter of ``indicators.contexte.REFERENCES``.
DANS = {"reste de l'EPCI": "dans le reste de l'EPCI", "EPCI": "dans l'EPCI",
        "QPV du département": "dans les QPV du département", "département": "dans le département",
        "région": "dans la région", "France": "en France"}
INDENT = "    "  # four spaces: the nesting depth every Markdown renderer accepts


def _none(value: object) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _empty(frame: pd.DataFrame | None) -> bool:
    """Whether there is nothing to write about (no table, or an empty one)."""
    return frame is None or frame.empty


def _verb(n: float, singular: str, plural: str) -> str:
    """The form of a word that agrees with the count ``n`` (``formatting.is_singular``)."""
    return singular if is_singular(n) else plural


_cap = upper_first  # clean.upper_first


def _de(word: str) -> str:
    """« de » elided before a vowel or a mute h: « de communes », « d'associations »."""
    return f"d'{word}" if word[:1].lower() in "aeiouyhéèêàâîôû" else f"de {word}"


def _year(value: object) -> str:
    """A year kept by pandas as a float (2015.0) printed as 2015; periods (« 2015-2022 ») unchanged."""
    return str(int(value)) if isinstance(value, (int, float)) and float(value).is_integer() else _text(value)


def _pct(points: float) -> str:
    """A printed percentage keeps its precision: ``26 %``, ``42,1 %``."""
    return pourcent(points, None)


def _sum_note(total: float, what: str, complete: bool = True) -> str:
    """Sentence on printed shares that do not add up to 100 % (``complete``: they should)."""
    if _none(total) or total == 0 or pourcent(total) == pourcent(100):
        return ""
    return f" {what} totalisent {_pct(round(total, 1))}" + (" et non 100 %." if complete else ".")


HEADING = "intitule"  # the nature of a source's heading, slide title or table header (vocabulaires/natures.yml)


def is_heading(row) -> bool:
    """Whether a statement row is a heading of its source (never quoted as somebody's words)."""
    return str(row.get("nature", "") or "").strip() == HEADING


def guillemets(text: object) -> str:
    """Data text quoted the French way, escaped for Markdown (« … »)."""
    return formatting.guillemets(text if _none(text) else md(text))


def _pillar(label: object) -> str:
    return f"le pilier {guillemets(label)}"


