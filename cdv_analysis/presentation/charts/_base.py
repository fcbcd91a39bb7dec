"""Shared house style of the charts: theme, palette, French number formats, the Chart result (see the package docstring)."""

from __future__ import annotations

import contextlib
import io
import re
import sys
import textwrap
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib import rc_context, rcParams
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, FuncFormatter

from ...rules.clean import ParseError, parse_figure, upper_first
from ...rules.markup import matplotlib_text
from ...rules.harmonise import labels, vocabulary

if "scipy" in sys.modules:
    import seaborn as sns
else:
    # seaborn imports scipy for what these charts never draw (density estimates, clustering) and does without it;
    # scipy.stats costs ~1 s of every kernel's start, and only a questionnaire's Wilson interval needs it
    # (rules.stats imports it then). Themes, palettes and heatmaps are the same either way.
    sys.modules["scipy"] = None  # type: ignore[assignment]
    try:
        import seaborn as sns
    finally:
        del sys.modules["scipy"]
from ...rules.formatting import (
    decimales,
    ecart_points,
    euros_compact,
    nombre,
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
SOURCE_LIMIT = 600  # the source line is the chart's provenance: wrapped, not cut (bounded against hostile data)

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
    continued: list[Chart] = field(default_factory=list)  # a long chart split in parts, shown one after another

    def to_png(self, dpi: int = 110) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=dpi,
                            metadata={"Title": self.title, "Description": self.alt, "Source": self.source})
        return buffer.getvalue()

    def to_svg(self) -> bytes:
        """The chart as SVG, rendered once: text kept as text, ids and metadata fixed (identical pages)."""
        if self._svg is None:
            buffer = io.BytesIO()
            with rc_context({"svg.fonttype": "none", "svg.hashsalt": "cdv-analysis"}), _remembered_text_sizes():
                self.figure.savefig(buffer, format="svg", metadata={
                    "Title": self.title, "Description": self.alt, "Source": self.source, "Date": None})
            self._svg = buffer.getvalue()
        return self._svg

    _svg: bytes | None = field(default=None, init=False, repr=False, compare=False)

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


# Text sizes measured while saving an SVG, by font settings, then text and font. matplotlib keeps them per renderer,
# and saving a chart makes two renderers (the constrained layout's, then the SVG's), each measuring every label
# again with FreeType: a third of a chart's time. The sizes depend on nothing else (TextToPath measures at a fixed
# scale, then scales), so the page is the same byte for byte.
_TEXT_SIZES: dict[tuple, dict[tuple, tuple[float, float, float]]] = {}
_FONT_SETTINGS = ("font.serif", "font.sans-serif", "font.cursive", "font.fantasy", "font.monospace",
                  "text.hinting_factor", "text.kerning_factor")
_TEXT_SIZES_KEPT = 4096  # a portrait's charts measure a few hundred texts


@contextlib.contextmanager
def _remembered_text_sizes():
    """While saving an SVG, ``RendererSVG.get_text_width_height_descent`` measures each text and font once."""
    from matplotlib.backends.backend_svg import RendererSVG

    measured = RendererSVG.get_text_width_height_descent
    settings = tuple(str(rcParams[name]) for name in _FONT_SETTINGS)
    if sum(map(len, _TEXT_SIZES.values())) > _TEXT_SIZES_KEPT:
        _TEXT_SIZES.clear()
    sizes = _TEXT_SIZES.setdefault(settings, {})

    def text_size(renderer, text: str, prop, ismath):
        if ismath:  # mathtext (never data: see markup.matplotlib_text) is measured as matplotlib does
            return measured(renderer, text, prop, ismath)
        key = (text, prop.copy())  # a copy, as matplotlib's own cache keeps: a FontProperties is mutable
        if key not in sizes:
            sizes[key] = measured(renderer, text, prop, ismath)
        return sizes[key]

    RendererSVG.get_text_width_height_descent = text_size
    try:
        yield
    finally:
        RendererSVG.get_text_width_height_descent = measured


# Charts are drawn for a narrow column: 4.4 in (422 CSS px) wide, so that shown on a 400 px phone (about 380 px
# of text column) no text is under 11 px (9.5 pt × 96/72 × 380/422), and on a wide screen or paper only enlarged.
NARROW_WIDTH = 4.4
MAX_CATEGORIES = 8  # bars of a categorical chart on one phone screen; more are split or capped (values in the table)
MIN_FONT = 9.5  # points: the smallest text of a chart (bar labels, source line, ticks)
TITLE_FONT = 11.5
INK, PAPER = "#000000", "#ffffff"


def apply_style() -> None:
    """The house theme (global matplotlib settings, as any seaborn theme)."""
    sns.set_theme(context="notebook", style="whitegrid", font_scale=1.0, rc={
        "figure.titlesize": TITLE_FONT, "figure.titleweight": "bold", "axes.titlesize": 10.5,
        "axes.labelsize": 10, "xtick.labelsize": MIN_FONT, "ytick.labelsize": MIN_FONT, "legend.fontsize": MIN_FONT,
        "legend.title_fontsize": MIN_FONT, "font.size": MIN_FONT, "text.color": "#1d2733",
        "axes.labelcolor": "#1d2733", "xtick.color": "#1d2733", "ytick.color": "#1d2733",
        "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": "#888888",
    })


def _luminance(color) -> float:
    from matplotlib.colors import to_rgb

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(c) for c in to_rgb(color))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground, background) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def ink_on(background) -> str:
    """Black or white, whichever reads better on ``background`` (always at least 4.58:1)."""
    return INK if contrast(INK, background) >= contrast(PAPER, background) else PAPER


# --- shared helpers ------------------------------------------------------------------------------------------

def _require(frame: pd.DataFrame, what: str) -> None:
    if frame is None or frame.empty:
        raise ValueError(f"aucune donnée à représenter pour {what}")


def _figure(height: float, ncols: int = 1, nrows: int = 1) -> tuple[Figure, list[Axes]]:
    """A figure of the narrow column's width (``NARROW_WIDTH``), ``height`` inches for its plot."""
    apply_style()
    figure = Figure(figsize=(NARROW_WIDTH, height + 0.2), layout="constrained")
    return figure, list(np.atleast_1d(figure.subplots(nrows, ncols)).ravel())


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
    heading = _label(title, _chars(figure, TITLE_FONT), TITLE_LIMIT)
    figure.suptitle(heading, x=0.01, ha="left")
    source_line = f"Source : {source}"
    # As the figure's x label, the source line gets its room from the constrained layout; it is not cut.
    footer = _label(source_line, int(_chars(figure, MIN_FONT) * 1.15), SOURCE_LIMIT)
    figure.supxlabel(footer, x=0.01, ha="left", fontsize=MIN_FONT, color="#505a66")
    # The plot keeps its height: the figure grows by the lines of its title and source (wrapped in the narrow column).
    lines = (heading.count("\n") + 1) * TITLE_FONT + (footer.count("\n") + 1) * MIN_FONT
    figure.set_figheight(figure.get_figheight() + 1.25 * lines / 72)
    return Chart(figure, title, alt, source_line)


def _compact_euros(value: float) -> str:
    return euros_compact(value)


def _euro_axis(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _: _compact_euros(value)))


class _FrenchNumbers(Formatter):
    """Tick labels written the French way (« 0,25 », « 10 000 », « 17,5 % »), all with the decimals the finest
    one needs: a tick at 17,5 is never labelled « 18 »."""

    def __init__(self, write=nombre) -> None:
        self.write = write

    def __call__(self, value, pos=None) -> str:
        return self.format_ticks([value])[0]

    def format_ticks(self, values) -> list[str]:
        def decimals(value: float) -> int:
            return next((d for d in range(3) if abs(round(value, d) - value) < 1e-9 * max(1.0, abs(value))), 3)

        needed = max((decimals(v) for v in values), default=0)
        return [self.write(v, needed) for v in values]


def _number_axis(axis) -> None:
    axis.set_major_formatter(_FrenchNumbers())


def _percent_axis(axis) -> None:
    axis.set_major_formatter(_FrenchNumbers(pourcent))


def _pct(value: float) -> str:
    return pourcent(value, None)


def _points(value: float) -> str:
    return ecart_points(value, decimales(value))


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


def _legend_above(ax: Axes, ncols: int = 1, **kwargs) -> None:
    """The legend above the axes; its entries' labels are set through :func:`_label` by the charts."""
    # Entries wrap to share the narrow column (a long entry would squeeze the plot to nothing).
    handles = kwargs.pop("handles", None) or ax.get_legend_handles_labels()[0]
    # Anchored at the plot's right edge, the legend spreads leftwards above the labels: it never leaves the figure.
    width = max(10, int(_chars(ax.figure, MIN_FONT) * 1.2 / ncols) - 6)
    labels = [_wrap(handle.get_label(), width, break_long_words=False) for handle in handles]
    ax.legend(handles, labels, loc="lower right", bbox_to_anchor=(1, 1.01), ncols=ncols, frameon=False,
              borderaxespad=0, **kwargs)


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


