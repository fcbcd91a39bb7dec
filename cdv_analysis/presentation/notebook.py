"""What the report notebooks need besides the analysis: a context and display helpers.

A notebook holds the story; this module keeps its cells short: open the
territory for a year, show Markdown, a chart with its alt text, a French table,
and write the indicator tables behind the charts to ``data/processed``.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from ..rules import formatting as fr
from ..config import processed_data_dir, raw_data_dir
from ..errors import UnknownParameter
from ..analysis.indicators._common import Indicator, unpack
from ..ingest.iorw import write_atomic
from ..ingest.load import Territory, load_territory_cached
from ..rules.markup import escape_html, neutralise_csv_frame, scroll_box, shorten

__all__ = ["ReportContext", "SETUP_CELL", "check_parameters", "download_link", "open_report", "show_markdown", "show_chart", "show_table", "table_html",
           "write_csv"]


def write_csv(target: Path | str, frame: pd.DataFrame) -> Path:
    """Write ``frame`` to ``target`` as CSV (atomically), its text neutralised: no cell is a spreadsheet formula.

    Every CSV a report publishes goes through here (section tables, the comparison of territories):
    evaluators open these files in Excel. The index is written only when it is named (or multiple).
    """
    frame = neutralise_csv_frame(frame)
    # CRLF ends rows (RFC 4180): a cell holding a carriage return or a line break is then always quoted.
    return write_atomic(Path(target), frame.to_csv(
        index=isinstance(frame.index, pd.MultiIndex) or frame.index.name is not None, lineterminator="\r\n"))


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

    def sources_of(self, result: Indicator | pd.DataFrame | None) -> str:
        """Source line for an indicator: its distinct sources and sections."""
        frame, result = unpack(result)
        if frame is None or frame.empty or "source" not in frame.columns:
            sections = dict.fromkeys(v.section for v in result.values.values() if v.section)
            return (" ; ".join(self.source_label(s, ", ".join(sections)) for s in result.sources)
                    if result.sources else self.territory.nom)
        pairs = dict.fromkeys(zip(frame["source"], frame.get("section", pd.Series([""] * len(frame)))))
        by_source: dict[str, list[str]] = {}
        for source, section in pairs:
            by_source.setdefault(source, []).append(section)
        return " ; ".join(self.source_label(s, ", ".join(dict.fromkeys(sec))) for s, sec in by_source.items())

    def brief_sources_of(self, result: Indicator | pd.DataFrame | None, limit: int = 200) -> str:
        """The source line of a chart: :meth:`sources_of`, or its documents only when the sections make it long.

        A chart's source line is drawn whole (never cut); the sections of each figure are in the table's CSV.
        """
        full = self.sources_of(result)
        if len(full) <= limit:
            return full
        frame, _ = unpack(result)
        if frame is None or "source" not in frame.columns:
            return full
        documents = " ; ".join(self.source_label(s) for s in dict.fromkeys(frame["source"]))
        return f"{documents} (sections dans le fichier de données)"

    def save_table(self, name: str, frame: Indicator | pd.DataFrame) -> Path:
        """Write an indicator table to ``data/processed/<territoire>/<annee>/<name>.csv`` (atomically)."""
        target = write_csv(self.processed_dir / self.territory.id / str(self.year) / f"{name}.csv",
                           unpack(frame)[1].to_frame())
        self.saved.append(target)
        return target

    def present(self, frame: Indicator | pd.DataFrame | None, name: str, *,
                text: Callable[[pd.DataFrame], str] | None = None,
                chart: Callable[..., object] | None = None,
                columns: Mapping[str, tuple[str, str]] | None = None,
                html: Callable[[Indicator | pd.DataFrame], str] | None = None,
                title: str | None = None, caption: str | None = None):
        """Save ``frame`` as ``<name>.csv``, then show its paragraph, chart, table and a link to the CSV.

        An empty ``frame`` shows nothing (the section adapts to the data) and
        returns None; otherwise the chart is returned, so that a notebook can keep
        it. ``html`` draws a table that ``columns`` cannot describe (the per-QPV
        table: one column per imported indicator). ``title`` replaces the chart's
        title, ``caption`` (Markdown written in the notebook) is shown under the
        chart or table. A missing table is named once, in the synthesis
        (``narrative.not_covered_box``), not here.
        """
        table, result = unpack(frame)
        if (table is None or len(table) == 0) and not result.headline():
            return None
        self.save_table(name, result.to_frame())
        if text is not None:
            show_markdown(text(frame))
        drawn = None
        if chart is not None:
            drawn = chart(frame, source=self.brief_sources_of(frame), **({"title": title} if title else {}))
            _show_html(chart_html(drawn, data_href=_data_href(name)))
            drawn.shown = True
        what = title or (drawn.title if drawn is not None else None)
        if columns is not None:
            show_table(table, columns, caption=what or _caption_from(columns))
        if html is not None:
            _show_html(html(frame))
        if caption:
            show_markdown(caption)
        self.show_link(name, what)
        return drawn

    def show_link(self, name: str, what: str | None = None) -> None:
        """The link to a saved table ``name`` (« Télécharger les données : … (CSV, 2,1 ko) »)."""
        saved = self.processed_dir / self.territory.id / str(self.year) / f"{name}.csv"
        _show_html(download_link(name, what, saved.stat().st_size if saved.is_file() else None))

    def present_answers(self, section: str) -> None:
        """The answer blocks of a section's evaluative questions (référentiel of the territory), with their CSVs.

        ``reponses_<section>.csv`` holds every indicator row of the section's criteria and
        ``reponses_<section>_enonces.csv`` every candidate statement (``retenu``: shown on the page).
        Nothing is shown when the territory has no référentiel for this report.
        """
        from ..analysis.indicators.reponses import answers
        from .narrative.reponses import answer_blocks

        everything = answers(self.territory, self.year)
        numbers = {a.question.id: i for i, a in enumerate(everything, start=1)}
        found = [a for a in everything if a.question.section == section]
        if not found:
            return
        self.save_table(f"reponses_{section}", pd.concat([a.indicators for a in found], ignore_index=True))
        self.save_table(f"reponses_{section}_enonces", pd.concat([a.statements for a in found], ignore_index=True))
        show_markdown(answer_blocks(found, numbers))
        part = _SECTION_NAMES.get(section, section.replace("_", " "))  # links told apart from one section to another
        self.show_link(f"reponses_{section}", f"indicateurs des critères ({part})")
        self.show_link(f"reponses_{section}_enonces", f"tous les énoncés des critères ({part})")



_SECTION_NAMES = {"sante": "santé", "participation": "participation des habitants", "cooperation": "coopération",
                  "contexte": "contexte des quartiers"}


def _data_href(name: str) -> str:
    return f"donnees/{name}.csv"


def _caption_from(columns: Mapping[str, tuple[str, str]]) -> str:
    return "Tableau : " + fr.liste_fr(label for label, _ in columns.values())


# What a table holds, for the link of a table shown as a paragraph only (no chart title, no caption to name it):
# a reader is told what the file holds, not its file name (issue 16: no file name on a public page).
DATA_LABELS = {
    "avis_conseils_citoyens": "avis des conseils citoyens",
    "bilan_contrat": "bilan chiffré du contrat",
    "contexte_sanitaire": "contexte sanitaire",
    "ecarts_qpv": "écarts entre les quartiers prioritaires et l'agglomération",
    "enonces_participation": "énoncés sur la participation des habitants",
    "enonces_participation_autres": "énoncés des autres acteurs sur la participation des habitants",
    "enonces_sante": "énoncés sur la santé",
    "enseignements": "enseignements de l'évaluation",
    "groupes_de_travail_sante": "groupes de travail santé",
    "incoherences": "incohérences relevées dans les sources",
    "participation": "participation des habitants",
    "projets_associatifs": "projets portés par des associations",
    "selection_projets": "projets déposés et soutenus",
    "taux_de_reponse": "taux de réponse aux questionnaires",
}


def download_link(name: str, what: str | None = None, size: int | None = None) -> str:
    """The link under a chart or table to its data, copied beside the page in ``donnees/``.

    Its text names the table (``what``, else what the table holds) and its size, so that the many links of a page
    are told apart by a screen reader's list of links; it is not printed (the address means nothing on paper).
    """
    href = escape_html(_data_href(name))
    about = shorten(what, 120) if what else DATA_LABELS.get(name, name.replace("_", " "))
    details = f"CSV, {fr.taille_fichier(size)}" if size is not None else "CSV"
    return (f'<p class="cdv-donnees"><a href="{href}">Télécharger les données : {escape_html(about)} '
            f'({escape_html(details)})</a></p>')


PARAMETERS = ("territoire", "annee", "donnees", "sortie_donnees")

SETUP_CELL = (
    "from cdv_analysis.presentation.notebook_setup import *  # noqa: F403 — cellule commune, vérifiée à l'assemblage\n"
    "ctx = open_report(territoire, annee, donnees, sortie_donnees)\n"
    "t = ctx.territory"
)


def parameter_names(source: str) -> list[str]:
    """Names assigned at the top level of a ``parameters`` cell."""
    import ast

    names = []
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names += [target.id for target in targets if isinstance(target, ast.Name)]
    return names


def check_parameters(given: Mapping[str, object], known: Iterable[str]) -> None:
    """Fail on a parameter the notebook does not declare (papermill would inject it silently)."""
    known = list(known)
    unknown = [name for name in given if name not in known]
    if unknown:
        raise UnknownParameter(f"Paramètre{'s' if len(unknown) > 1 else ''} inconnu{'s' if len(unknown) > 1 else ''} : "
                               f"{', '.join(unknown)} ; paramètres connus : {', '.join(known)}.")


def open_report(territoire: str, annee: int | str, donnees: str | Path | None = None,
                sortie_donnees: str | Path | None = None, **autres: object) -> ReportContext:
    """Load a territory for the report of one year (the parameters of every notebook)."""
    check_parameters(autres, PARAMETERS)
    data_dir = Path(donnees) if donnees else raw_data_dir()
    territory = load_territory_cached(territoire, data_dir)
    territory.memo = {}  # the cells of one report share what they compute (territory.memoized)
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


# The alt text states the finding, whole; the data table (or its CSV link, right after) is the long alternative.
ALT_TEXT_LIMIT = 250


def short_alt(chart) -> str:
    """The finding in at most about ``ALT_TEXT_LIMIT`` characters, never cut: the kind of chart, then its title.

    The kind is the opening of the long description (« Barres horizontales de la programmation 2021 par
    pilier »); it is dropped when the two would be too long, and the title (the finding) is kept whole.
    """
    title = " ".join(str(chart.title).split()).rstrip(" .")
    kind = " ".join(re.split(r" : |\. ", str(chart.alt), maxsplit=1)[0].split()).rstrip(" .")
    text = f"{kind} : {title}." if kind and kind != chart.alt.strip() else f"{title}."
    return text if len(text) <= ALT_TEXT_LIMIT else f"{title}."


def chart_html(chart, data_href: str | None = None) -> str:
    """A self-contained ``<figure>``: the chart as an SVG image (text kept as text, no script can run), its alt text.

    The source line is drawn in the chart; the caption repeats it for screen readers, with where the values are.
    """
    figures = []
    for part in (chart, *getattr(chart, "continued", ())):
        encoded = base64.b64encode(part.to_svg()).decode("ascii")
        where = " Les valeurs sont dans le fichier de données qui suit." if data_href else ""
        figures.append(
            f'<figure class="cdv-chart"><img src="data:image/svg+xml;base64,{encoded}" '
            f'alt="{escape_html(short_alt(part))}"/>'
            f'<figcaption class="sr-only">{escape_html(part.source)}.{where}</figcaption></figure>')
    return "".join(figures)


def _show_html(text: str) -> None:
    from IPython.display import HTML

    _display(HTML(text))


def show_chart(chart) -> None:
    """Show a chart as an embedded image with its alt text (no file, no network)."""
    _show_html(chart_html(chart))
    chart.close()


FORMATS: dict[str, Callable[[object], str]] = {
    "euros": fr.euros,
    "pourcent": lambda v: fr.pourcent(v, None),  # the one rule: « 19 % », « 42,1 % » (as in the charts)
    "nombre": fr.nombre,
    "nombre1": lambda v: fr.nombre(v, 1),
    "texte": lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v),
    "imprime": fr.tel_qu_imprime,  # a value as the source printed it (« 44.5% »), marked as such on the page
    "date": fr.date_ou_texte,
}
NUMERIC_FORMATS = {"euros", "pourcent", "nombre", "nombre1", "imprime"}
_CELL_CLASSES = {"imprime": "num imprime"}


def table_html(frame: pd.DataFrame, columns: Mapping[str, tuple[str, str]], caption: str | None = None) -> str:
    """An HTML table with French headers and French-formatted cells.

    ``columns`` maps a column of ``frame`` to (header, format) with format one of
    ``euros``, ``pourcent``, ``nombre``, ``nombre1``, ``texte``, ``imprime`` (as printed
    in the source), ``date``, or ``ligne`` to use the format named in the row's own
    ``format`` column. Numeric headers are aligned with their numbers. The table sits in a
    labelled, focusable box that scrolls sideways on a narrow screen (never the page itself).
    """
    caption = caption or _caption_from(columns)
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if kind in NUMERIC_FORMATS else ""}>{escape_html(label)}</th>'
                   for label, kind in columns.values())
    body = []
    for _, row in frame.iterrows():
        cells = []
        for column, (_, kind) in columns.items():
            if kind == "ligne":
                kind = str(row.get("format", "texte"))
            css = f' class="{_CELL_CLASSES.get(kind, "num")}"' if kind in NUMERIC_FORMATS else ""
            cells.append(f"<td{css}>{escape_html(FORMATS[kind](row.get(column)))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return scroll_box(f'<table class="cdv-table"><caption>{escape_html(caption)}</caption><thead><tr>{head}</tr>'
                      f"</thead><tbody>{''.join(body)}</tbody></table>", caption)


def show_table(frame: pd.DataFrame, columns: Mapping[str, tuple[str, str]], caption: str | None = None) -> None:
    from IPython.display import HTML

    _display(HTML(table_html(frame, columns, caption)))


def _kernel_lifeline() -> None:
    """A kernel running a report (or a notebook of JupyterLab) ends when the process that started it dies."""
    from ..lifeline import die_with_parent_in_kernel

    die_with_parent_in_kernel()


_kernel_lifeline()
