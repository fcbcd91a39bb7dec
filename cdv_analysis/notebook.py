"""What the report notebooks need besides the analysis: a context and display helpers.

A notebook holds the story; this module keeps its cells short: open the
territory for a year, show Markdown, a chart with its alt text, a French table,
and write the indicator tables behind the charts to ``data/processed``.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import pandas as pd

from . import formatting as fr
from .config import processed_data_dir, raw_data_dir
from .iorw import write_atomic
from .load import Territory, folder_fingerprint, load_territory

__all__ = ["ReportContext", "open_report", "show_markdown", "show_chart", "show_table", "table_html"]


@dataclass
class ReportContext:
    """One territory, one year, and where the indicator tables go."""

    territory: Territory
    year: int
    processed_dir: Path
    saved: list[Path] = field(default_factory=list)

    @property
    def sources(self) -> dict[str, dict]:
        return self.territory.sources

    def source_label(self, source_id: str, section: str | None = None) -> str:
        """« Rapport annuel 2021 (CABBALR), Programmation 2021 » for a chart's source line."""
        source = self.sources.get(str(source_id), {})
        title = source.get("titre", source_id)
        text = f"{title} ({self.territory.sigle})"
        return f"{text}, {section}" if section else text

    def sources_of(self, frame: pd.DataFrame) -> str:
        """Source line for an indicator table: its distinct sources and sections."""
        if frame is None or frame.empty or "source" not in frame.columns:
            source = frame.attrs.get("source") if frame is not None else None
            return self.source_label(source, frame.attrs.get("section")) if source else self.territory.nom
        pairs = dict.fromkeys(zip(frame["source"], frame.get("section", pd.Series([""] * len(frame)))))
        by_source: dict[str, list[str]] = {}
        for source, section in pairs:
            by_source.setdefault(source, []).append(section)
        return " ; ".join(self.source_label(s, ", ".join(dict.fromkeys(sec))) for s, sec in by_source.items())

    def save_table(self, name: str, frame: pd.DataFrame) -> Path:
        """Write an indicator table to ``data/processed/<territoire>/<annee>/<name>.csv`` (atomically)."""
        target = self.processed_dir / self.territory.id / str(self.year) / f"{name}.csv"
        write_atomic(target, frame.to_csv(index=isinstance(frame.index, pd.MultiIndex) or frame.index.name is not None))
        self.saved.append(target)
        return target

    def present(self, frame: pd.DataFrame, name: str, what: str, table: str,
                text: Callable[[pd.DataFrame], str] | None = None,
                chart: Callable[..., object] | None = None) -> None:
        """Save ``frame``, then show its paragraph and chart; or say which file is missing."""
        if frame is None or len(frame) == 0:
            show_markdown(self.missing(what, table))
            return
        self.save_table(name, frame)
        if text is not None:
            show_markdown(text(frame))
        if chart is not None:
            show_chart(chart(frame, source=self.sources_of(frame)))

    def missing(self, what: str, table: str) -> str:
        """The sentence a section prints when the table it needs is absent."""
        from .narrative import missing_data

        return missing_data(what, self.territory.expected_file(table))


# Validated territories of this kernel, by folder: a warm kernel building several
# years of a territory validates it once, while its files' fingerprint holds.
_VALIDATED: dict[Path, tuple[str, Territory]] = {}


def _validated_territory(territoire: str, data_dir: Path) -> Territory:
    folder = (data_dir / territoire).resolve()
    fingerprint = folder_fingerprint(folder) if folder.is_dir() else ""
    known = _VALIDATED.get(folder)
    if known is None or known[0] != fingerprint or not fingerprint:
        known = (fingerprint, load_territory(territoire, data_dir))
        _VALIDATED[folder] = known
    territory = known[1]
    # Each report gets its own tables, so that one report's changes never reach the next.
    return dataclasses.replace(territory, meta=copy.deepcopy(territory.meta), files=copy.deepcopy(territory.files),
                               problems=list(territory.problems),
                               tables={name: frame.copy() for name, frame in territory.tables.items()})


def open_report(territoire: str, annee: int | str, donnees: str | Path | None = None,
                sortie_donnees: str | Path | None = None) -> ReportContext:
    """Load a territory for the report of one year (the parameters of every notebook)."""
    data_dir = Path(donnees) if donnees else raw_data_dir()
    territory = _validated_territory(territoire, data_dir)
    processed = Path(sortie_donnees) if sortie_donnees else processed_data_dir(data_dir)
    return ReportContext(territory, int(annee), processed)


# ---------------------------------------------------------------------------
# Display


def _display(obj) -> None:
    from IPython.display import display

    display(obj)


def show_markdown(text: str) -> None:
    """Show French Markdown produced by ``narrative``."""
    from IPython.display import Markdown

    if text:
        _display(Markdown(text))


def chart_html(chart) -> str:
    """A self-contained ``<figure>``: the PNG inline, its alt text, title and source line."""
    encoded = base64.b64encode(chart.to_png()).decode("ascii")
    return (
        f'<figure class="cdv-chart"><img src="data:image/png;base64,{encoded}" '
        f'alt="{html.escape(chart.alt, quote=True)}"/>'
        f'<figcaption class="sr-only">{html.escape(chart.source)}</figcaption></figure>'
    )


def show_chart(chart) -> None:
    """Show a chart as an embedded image with its alt text (no file, no network)."""
    from IPython.display import HTML

    _display(HTML(chart_html(chart)))
    chart.close()


FORMATS: dict[str, Callable[[object], str]] = {
    "euros": fr.euros,
    "pourcent": fr.pourcent,
    "nombre": fr.nombre,
    "nombre1": lambda v: fr.nombre(v, 1),
    "texte": lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v),
}


def table_html(frame: pd.DataFrame, columns: Mapping[str, tuple[str, str]], caption: str | None = None) -> str:
    """An HTML table with French headers and French-formatted cells.

    ``columns`` maps a column of ``frame`` to (header, format) with format one of
    ``euros``, ``pourcent``, ``nombre``, ``nombre1``, ``texte``, or ``ligne`` to use
    the format named in the row's own ``format`` column.
    """
    head = "".join(f"<th scope=\"col\">{html.escape(label)}</th>" for label, _ in columns.values())
    numeric = {"euros", "pourcent", "nombre", "nombre1"}
    body = []
    for _, row in frame.iterrows():
        cells = []
        for column, (_, kind) in columns.items():
            if kind == "ligne":
                kind = str(row.get("format", "texte"))
            css = ' class="num"' if kind in numeric else ""
            cells.append(f"<td{css}>{html.escape(FORMATS[kind](row.get(column)))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    caption_html = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<table class="cdv-table">{caption_html}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def show_table(frame: pd.DataFrame, columns: Mapping[str, tuple[str, str]], caption: str | None = None) -> None:
    from IPython.display import HTML

    _display(HTML(table_html(frame, columns, caption)))
