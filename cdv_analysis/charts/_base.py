"""Shared house style of the charts: theme, palette, French number formats, the Chart result (see the package docstring)."""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
import seaborn as sns
from babel.numbers import format_compact_currency
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..clean import ParseError, parse_figure, upper_first
from ..markup import matplotlib_text
from ..harmonise import labels, vocabulary
from ..formatting import (
    LOCALE,
    ecart_points,
    pourcent,
)

# One colour per pillar and per credit type everywhere (« couleur » in vocabulaires/piliers.yml and types_credit.yml;
# Paul Tol's "muted" qualitative scheme: distinguishable under the common colour-vision deficiencies).
PILLAR_COLORS = {code: str(entry["couleur"]) for code, entry in vocabulary("piliers").attributes.items()}
CREDIT_COLORS = {code: str(entry["couleur"]) for code, entry in vocabulary("types_credit").attributes.items()}
CREDIT_LABELS = {code: upper_first(text) for code, text in labels("types_credit").items()}
QPV_COLOR, REFERENCE_COLOR = "#882255", "#BBBBBB"
ACCENT = "#4477AA"  # charts without a categorical meaning (survey items, totals over time)
NEUTRAL = "#999999"  # anything outside the vocabularies (an unknown pillar, an unspecified credit)
SEQUENTIAL_CMAP = "crest"  # perceptually uniform, readable in grey scale

# Actors (vocabulaires/acteurs.yml) capitalised for chart labels; others print well once capitalised.
ACTOR_LABELS = {code: upper_first(text) for code, text in labels("acteurs").items()}

# Data-derived text on a chart (porteur, theme, partner names; titles) is drawn literally and bounded.
LABEL_LIMIT = 120
TITLE_LIMIT = 300

_IMPOSSIBLE_LABEL = "pourcentage impossible avec n répondants"
_CONFIDENCE = f"de confiance à {pourcent(95, 0)}"  # babel's no-break space keeps « 95 % » whole


@dataclass
class Chart:
    """A finished chart with what a report needs to publish it accessibly."""

    figure: Figure
    title: str
    alt: str
    source: str
    shown: bool = False  # already on the page (``ReportContext.present``): not displayed a second time

    def to_png(self, dpi: int = 110) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=dpi,
                            metadata={"Title": self.title, "Description": self.alt, "Source": self.source})
        return buffer.getvalue()

    def close(self) -> None:
        """Release the figure's artists (it is not registered with pyplot: nothing else holds it)."""
        self.figure.clear()

    def _repr_png_(self) -> bytes:
        return self.to_png()

    def _ipython_display_(self) -> None:
        if self.shown:
            return
        from IPython.display import Image, display

        display(Image(self.to_png()))


def apply_style() -> None:
    """The house theme (global matplotlib settings, as any seaborn theme)."""
    sns.set_theme(context="notebook", style="whitegrid", font_scale=1.0, rc={
        "figure.titlesize": 14, "figure.titleweight": "bold", "axes.titlesize": 12,
        "axes.labelsize": 11, "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 10,
        "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": "#888888",
    })


# --- shared helpers ------------------------------------------------------------------------------------------

def _require(frame: pd.DataFrame, what: str) -> None:
    if frame is None or frame.empty:
        raise ValueError(f"aucune donnée à représenter pour {what}")


def _figure(height: float, width: float = 9.0, ncols: int = 1) -> tuple[Figure, list[Axes]]:
    apply_style()
    figure = Figure(figsize=(width, height + 0.4), layout="constrained")
    return figure, list(np.atleast_1d(figure.subplots(1, ncols)))


def _chars(figure: Figure, points: float) -> int:
    """Characters of a ``points``-sized font that fit across the figure (a bold glyph averages ≈ 0.65 em)."""
    return int(figure.get_figwidth() * 72 / (0.65 * points))


def _wrap(text: object, width: int, break_long_words: bool = True) -> str:
    # Guillemets stay with their words: the spaces inside them become no-break spaces, which textwrap keeps.
    text = re.sub(r"«\s+", "«\u00a0", re.sub(r"\s+»", "\u00a0»", str(text)))
    return textwrap.fill(text, width, break_on_hyphens=False, break_long_words=break_long_words)


def _label(value: object, width: int | None = None, limit: int = LABEL_LIMIT) -> str:
    """A data-derived string as matplotlib should draw it: literally (no mathtext), bounded, wrapped at ``width``."""
    text = matplotlib_text(value, limit)
    # Long words are not cut: an escaped « \$ » must stay whole (the text is already bounded by ``limit``).
    return _wrap(text, width, break_long_words=False) if width else text


def _finish(figure: Figure, title: str, alt: str, source: str) -> Chart:
    figure.suptitle(_label(title, _chars(figure, 14), TITLE_LIMIT), x=0.01, ha="left")
    source_line = f"Source : {source}"
    # As the figure's x label, the source line gets its room from the constrained layout.
    figure.supxlabel(_label(source_line, _chars(figure, 8.5), TITLE_LIMIT), x=0.01, ha="left", fontsize=8.5,
                     color="#666666")
    return Chart(figure, title, alt, source_line)


def _compact_euros(value: float) -> str:
    return format_compact_currency(value, "EUR", locale=LOCALE, fraction_digits=1)


def _euro_axis(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _: _compact_euros(value)))


def _percent_axis(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _: pourcent(value, 0)))


def _decimals(value: float) -> int:
    """Decimals as the sources print them: ``80 %`` but ``42,1 %``."""
    return 0 if float(value).is_integer() else 1


def _pct(value: float) -> str:
    return pourcent(value, _decimals(value))


def _points(value: float) -> str:
    return ecart_points(value, _decimals(value))


def _qualifier(printed: object) -> str:
    """The qualifier a source prints before a figure (``plus de ``, ``près de ``), to keep on its label."""
    try:
        qualifier = parse_figure(str(printed)).qualificatif
    except ParseError:
        return ""
    return f"{qualifier} " if qualifier else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


_upper_first = upper_first  # clean.upper_first


def _legend_above(ax: Axes, ncols: int = 3, **kwargs) -> None:
    """The legend above the axes; its entries' labels are set through :func:`_label` by the charts."""
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncols=ncols, frameon=False, borderaxespad=0, **kwargs)


def _horizontal(ax: Axes, room: float = 0.3) -> None:
    """Bars read top-down in data order, with ``room`` on the right for their labels."""
    ax.invert_yaxis()
    ax.yaxis.grid(False)
    # Not ax.margins: stacked bars leave sticky edges at the stack ends, which cancel the margin.
    ax.set_xlim(0, ax.dataLim.x1 * (1 + room))


def _year(result, preposition: str = "") -> str:
    """`` 2021`` or `` en 2021`` after a noun, from the indicator's ``annee`` value; empty when unknown."""
    year = result.get("annee")
    return f"{preposition} {year}" if year else ""


