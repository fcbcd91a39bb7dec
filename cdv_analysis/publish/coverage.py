"""Coverage of the printed figures: which figures of the raw tables a built report shows.

For a territory and a report year, every figure printed in that year's source
documents (the tables whose registry entry, ``schemas.TABLES``, gives
``Figures.coverage_labels``) is looked for in the text of the rendered page, formatted the way the report formats
it (``4 734 927 €``, ``68,3 %``, ``241 934``), rounded as the report rounds, or as
printed in the source. A figure not found is listed « non repris » with the reason.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..rules import formatting as fr
from ..rules.clean import cell_text
from ..rules.markup import escape_html, scroll_box
from .sections import QUALITY_ANCHOR
from ..ingest.schemas import TABLES, TEXTUAL_UNITS, TableSpec, printed_column

__all__ = ["Figure", "GOAL_TABLES", "covered_tables", "printed_figures", "page_text", "coverage",
           "coverage_summary", "share_shown", "coverage_html", "insert_coverage", "report_hook"]

# The tables the issue asks to cover at 95 % (``Figures.goal`` in the registry).
GOAL_TABLES = tuple(name for name, spec in TABLES.items() if spec.covered and spec.figures.goal)

_PERCENT_UNITS = {"%", "pourcent", "pourcentage"}
_EURO_UNITS = {"€", "euros", "euro"}
COVERAGE_TITLE = "Couverture des chiffres publiés"


@dataclass(frozen=True)
class Figure:
    """One printed figure of a raw table and the strings the report may show it as."""

    table: str
    label: str
    printed: str
    value: float
    kind: str  # "euros", "pourcent" or "nombre"
    section: str
    source: str

    def renderings(self) -> list[str]:
        """Ways the report writes this value: French format at the report's precisions, and as printed."""
        value, shown = self.value, []
        if self.kind == "euros":
            shown += [fr.euros(value), fr.euros(value, 2), fr.nombre(value)]
        elif self.kind == "pourcent":
            shown += [fr.pourcent(value, None), fr.pourcent(value),
                      fr.pourcent(value, 2), fr.nombre(value, 1)]
        else:
            decimals = fr.decimales(value) if round(value, 1) == value else 2
            shown += [fr.nombre(value, decimals), fr.nombre(value, 1)]
        if self.printed:
            shown.append(self.printed)
        return list(dict.fromkeys(_normalise(s) for s in shown if s))


def _normalise(text: str) -> str:
    """One space for any run of spaces (narrow and non-breaking included)."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def covered_tables() -> list[TableSpec]:
    """The registry's tables whose printed figures the page is searched for, in report order."""
    return [spec for spec in TABLES.values() if spec.covered]


def _kind(spec: TableSpec, unit: str) -> str | None:
    """How a figure is written: from its column's kind (amounts, percentages), else from its row's unit."""
    column_kind = spec.column(spec.value_column).kind
    if column_kind == "montant":
        return "euros"
    if column_kind == "pourcentage":
        return "pourcent"
    if unit in TEXTUAL_UNITS:
        return None
    if unit in _PERCENT_UNITS:
        return "pourcent"
    if unit in _EURO_UNITS:
        return "euros"
    return "nombre"


def printed_figures(territory, annee: int | str) -> list[Figure]:
    """Figures printed in the source documents of the report year ``annee`` (one per table, value and label)."""
    sources = territory.sources_of_report_year(annee)
    figures: list[Figure] = []
    for spec in covered_tables():
        value_column, printed = spec.value_column, printed_column(spec.value_column)
        frame = territory.table(spec.name)
        if frame is None or frame.empty or value_column not in frame.columns:
            continue
        frame = frame[frame["source"].map(cell_text).isin(sources)]
        for _, row in frame.iterrows():
            value = pd.to_numeric(row[value_column], errors="coerce")
            if value is None or pd.isna(value) or not math.isfinite(float(value)):
                continue
            kind = _kind(spec, cell_text(row.get("unite", "")))
            if kind is None:
                continue
            label = " — ".join(dict.fromkeys(cell_text(row.get(c, "")) for c in spec.figures.coverage_labels
                                             if cell_text(row.get(c, ""))))
            figures.append(Figure(spec.name, label, cell_text(row.get(printed, "")), float(value), kind,
                                  spec.section, cell_text(row.get("section", ""))))
    return list(dict.fromkeys(figures))


def page_text(page_html: str) -> str:
    """The visible text of a page or body (tags, scripts and styles removed), spaces normalised.

    Table cells are separated by « | » so that a figure alone in its cell is read as a whole number.
    """
    body = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", page_html)
    body = re.sub(r"(?is)<nav\b.*?</nav>", " ", body)  # the table of contents repeats headings only
    # A table cell is a field of its own: « 2019 » then « 3 » in the next cell is not « 2 0193 » nor « 2019 3 ».
    body = re.sub(r"(?i)<t[dh]\b[^>]*>", " | ", body)
    body = re.sub(r"<[^>]+>", " ", body)
    return _normalise(html.unescape(body))


_SMALL_COUNT = 1000  # below this, a bare count is too common to be found by chance: its context must match
_CONTEXT_CHARS = 200
_GENERIC_WORDS = {"nombre", "total", "année", "annee", "programmation", "autres", "personnes", "ville", "contrat",
                  "politique", "quartiers", "projets", "actions", "communes"}


def _folded(value: str) -> str:
    """Lower case without accents: a raw code (« deposes ») matches its printed label (« déposés »)."""
    return unicodedata.normalize("NFD", value).encode("ascii", "ignore").decode().lower()


def _words(label: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{5,}", _folded(label)) if w not in _GENERIC_WORDS}


_NUMBER = re.compile(r"\d+(?: \d{3}(?!\d))*(?:,\d+)?")  # a French number as the normalised page text writes it
_RENDERED_NUMBER = re.compile(r"(\d+(?: \d{3})*(?:,\d+)?)( ?[%€])?")
_LONGER_AFTER = re.compile(r"\d|,\d|\s\d{3}(?!\d)")
_UNIT_AFTER = re.compile(r"\s?[%€]")


class _PageIndex:
    """The numbers of a page's text, read once: each figure is then looked up, not searched for in the whole text."""

    def __init__(self, text: str):
        self.text = text
        self.numbers: dict[str, list[tuple[int, int]]] = {}
        for match in _NUMBER.finditer(text):
            self.numbers.setdefault(match.group(), []).append(match.span())

    def _whole(self, start: int, end: int) -> bool:
        """Not part of a longer number: no digit or comma before (nor « digit space »), no digits after."""
        before = self.text[max(0, start - 2):start]
        return not (before[-1:] in (",",) or re.fullmatch(r"\d\s", before)) and not _LONGER_AFTER.match(self.text, end)

    def spans(self, rendering: str, count: bool = False):
        """Where ``rendering`` occurs as a whole figure (a count: not followed by « % » or « € »)."""
        shape = _RENDERED_NUMBER.fullmatch(rendering)
        if shape is None:  # printed text (« près de 5 760 000 € », « trois »): searched for as it is
            guard = r"(?!\s?[%€])" if count else ""
            pattern = r"(?<![\d,])(?<!\d\s)" + re.escape(rendering) + r"(?!\d|,\d|\s\d{3}(?!\d))" + guard
            yield from (m.span() for m in re.finditer(pattern, self.text))
            return
        number, unit = shape.group(1), shape.group(2) or ""
        for start, end in self.numbers.get(number, ()):
            if unit and not self.text.startswith(unit, end):
                continue
            end += len(unit)
            if self._whole(start, end) and not (count and _UNIT_AFTER.match(self.text, end)):
                yield start, end

    def found(self, rendering: str, context: set[str] | None = None) -> bool:
        """Whether ``rendering`` occurs as a whole number (and, with ``context``, near two of those words).

        A figure inside a longer number does not count: « 12 » is not shown by « 312 », « 12,5 » nor
        « 2 012 » (French thousands are separated by spaces); a count is not shown by « 12 % » or « 12 € ».
        """
        needed = min(2, len(context or ()))
        for start, end in self.spans(rendering, count=context is not None):
            if not needed:
                return True
            window = _folded(self.text[max(0, start - _CONTEXT_CHARS):end + _CONTEXT_CHARS])
            if sum(word in window for word in context) >= needed:
                return True
        return False


def _found(rendering: str, text: str, context: set[str] | None = None) -> bool:
    """:meth:`_PageIndex.found` on ``text`` (one figure; :func:`coverage` reads the page once for all)."""
    return _PageIndex(text).found(rendering, context)


def coverage(figures: list[Figure], text: str) -> pd.DataFrame:
    """One row per figure: table, label, figure (as the report formats it), shown (bool), reason when not shown."""
    rows = []
    shown_tables = set()
    page = _PageIndex(text)
    for figure in figures:
        small = figure.kind == "nombre" and abs(figure.value) < _SMALL_COUNT
        context = _words(figure.label) if small else None  # an empty set still forbids « % » and « € »
        shown = any(page.found(r, context) for r in figure.renderings())
        if shown:
            shown_tables.add(figure.table)
        rows.append({"table": figure.table, "libelle": figure.label, "chiffre": figure.renderings()[0],
                     "section_source": figure.section, "repris": shown, "raison": ""})
    frame = pd.DataFrame(rows, columns=["table", "libelle", "chiffre", "section_source", "repris", "raison"])
    for index, row in frame[~frame["repris"]].iterrows():
        section = TABLES[row["table"]].section
        frame.at[index, "raison"] = (
            f"aucun chiffre de la table « {TABLES[row['table']].label} » n'est affiché : la section « {section} » ne la présente pas"
            if row["table"] not in shown_tables
            else f"non repris par la section « {section} » (la table y est présentée en partie)")
    return frame


def coverage_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Per table: figures shown, total, share (%)."""
    if frame.empty:
        return pd.DataFrame(columns=["table", "repris", "total", "part"])
    summary = frame.groupby("table", sort=False)["repris"].agg(repris="sum", total="size").reset_index()
    summary["part"] = 100 * summary["repris"] / summary["total"]
    return summary


def share_shown(shown: int, total: int) -> str:
    """« Part reprise » at the report's precision, never « 100 % » (nor « 0 % ») while a figure is missing
    (nor shown): 249 of 250 reads « 99,6 % », 1 999 of 2 000 « 99,9 % », not the « 100,0 % » of rounding."""
    part = 100 * shown / total
    if 0 < shown < total:
        part = min(max(part, 0.1), 99.9)
    return fr.pourcent(part, None)


def _shown_sentence(shown: int, total: int) -> str:
    """« Sur 118 chiffres publiés …, 117 se retrouvent dans ce rapport. », agreed in number."""
    found = ("aucun ne se retrouve" if shown == 0
             else f"{fr.nombre(shown)} {'se retrouve' if fr.is_singular(shown) else 'se retrouvent'}")
    return (f"Sur {fr.pluriel(total, 'chiffre publié', 'chiffres publiés')} dans les documents sources de "
            f"cette année, {found} dans ce rapport.")


def coverage_html(frame: pd.DataFrame) -> str:
    """The « Couverture des chiffres publiés » block: counts per table, then the figures not shown with reasons."""
    if frame.empty:
        return ""
    summary = coverage_summary(frame)
    head = ("<tr><th scope=\"col\">Table</th><th scope=\"col\" class=\"num\">Chiffres repris</th>"
            "<th scope=\"col\" class=\"num\">Chiffres publiés</th><th scope=\"col\" class=\"num\">Part reprise</th></tr>")
    body = "".join(
        f"<tr><td>{escape_html(TABLES[r.table].label)}</td><td class=\"num\">{fr.nombre(r.repris)}</td>"
        f"<td class=\"num\">{fr.nombre(r.total)}</td><td class=\"num\">{share_shown(r.repris, r.total)}</td></tr>"
        for r in summary.itertuples())
    total, shown = len(frame), int(frame["repris"].sum())
    parts = [
        f'<section class="cdv-coverage"><h3 id="couverture-des-chiffres-publies">{COVERAGE_TITLE}</h3>',
        f"<p>{_shown_sentence(shown, total)} Chaque chiffre est cherché dans le texte de la page, mis en forme "
        "comme le rapport le fait (« 4 734 927 € », « 68,3 % ») ou tel qu'imprimé dans la source ; un petit "
        "effectif (moins de 1 000) ne compte que s'il apparaît près de deux mots de son libellé.</p>",
        scroll_box(f'<table class="cdv-table"><caption>{COVERAGE_TITLE}, par table</caption>'
                   f"<thead>{head}</thead><tbody>{body}</tbody></table>", f"{COVERAGE_TITLE}, par table"),
    ]
    missing = frame[~frame["repris"]]
    if len(missing):
        items = "".join(
            f"<li>{escape_html(r.chiffre)} — {escape_html(r.libelle)} <span class=\"muted\">({escape_html(TABLES[r.table].label)}, "
            f"{escape_html(r.section_source)})</span> : {escape_html(r.raison)}</li>"
            for r in missing.itertuples())
        parts.append(f"<details><summary>Chiffres non repris ({fr.nombre(len(missing))})</summary>"
                     f'<ul class="cdv-non-repris">{items}</ul></details>')
    parts.append("</section>")
    return "".join(parts)


_QUALITY_HEADING = re.compile(rf'<h2[^>]*id="{QUALITY_ANCHOR}"')  # declared, not derived from the heading's text
_CELL_START = re.compile(r'<div class="(?:jp-Cell|cell)\b')  # nbconvert's lab and classic cell wrappers


def insert_coverage(body: str, block: str) -> str:
    """``block`` at the end of the « Qualité des données » section (before the next section's cell)."""
    start = _QUALITY_HEADING.search(body)
    if not block or start is None:
        return body
    following = body.find("<h2", start.end())
    if following < 0:
        return body + block
    cells = list(_CELL_START.finditer(body, start.end(), following))
    at = cells[-1].start() if cells else following

    return body[:at] + block + body[at:]


def report_hook(data_dir: str | Path, territory_id: str, annee: int | str):
    """A function body -> body that adds the coverage table of this report (for ``publish.render.render_html``)."""
    from ..ingest.load import load_territory_cached

    def add_coverage(body: str) -> str:
        territory = load_territory_cached(territory_id, Path(data_dir))
        return insert_coverage(body, coverage_html(coverage(printed_figures(territory, annee), page_text(body))))

    return add_coverage
