"""Charts in the house style: one theme, one palette, French labels, a title and a source line.

Each chart function takes an indicator DataFrame (``cdv_analysis.analysis.indicators``)
and returns a :class:`Chart`: the figure, a title stating the finding, an alt
text for screen readers and the source line, all in French.

Figures are built as ``matplotlib.figure.Figure`` rather than through pyplot:
nothing lingers in pyplot's registry when a report draws dozens of charts, and
no backend is forced (PNGs always render through Agg; a notebook keeps its
inline backend and displays a ``Chart`` as its PNG, once).
"""

from __future__ import annotations

from ._base import (
    ACCENT,
    ACTOR_LABELS,
    CREDIT_COLORS,
    CREDIT_LABELS,
    MAX_CATEGORIES,
    NEUTRAL,
    PILLAR_COLORS,
    SEQUENTIAL_CMAP,
    Chart,
    apply_style,
    contrast,
    ink_on,
)
from .comparaison import comparison_per_inhabitant, comparison_pillars
from .contexte import qpv_gaps_bars
from .donnees_ouvertes import amounts_by_bars, qpv_profiles_bars
from .enonces import statements_by_theme
from .gouvernance import cooperation_heatmap, survey_items_bars
from .programmation import (
    credit_types_bars,
    evolution_line,
    financer_mix_bars,
    pillar_bars,
)
from .sante import health_series

__all__ = [
    "ACCENT",
    "ACTOR_LABELS",
    "CREDIT_COLORS",
    "CREDIT_LABELS",
    "MAX_CATEGORIES",
    "NEUTRAL",
    "PILLAR_COLORS",
    "SEQUENTIAL_CMAP",
    "Chart",
    "apply_style",
    "contrast",
    "ink_on",
    "comparison_per_inhabitant",
    "comparison_pillars",
    "qpv_gaps_bars",
    "amounts_by_bars",
    "qpv_profiles_bars",
    "statements_by_theme",
    "cooperation_heatmap",
    "survey_items_bars",
    "credit_types_bars",
    "evolution_line",
    "financer_mix_bars",
    "pillar_bars",
    "health_series",
]
