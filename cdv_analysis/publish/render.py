"""The executed report notebook as a self-contained French page (nbconvert): headings, tables, contents."""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Callable

import nbformat

from .. import __version__
from ..config import PACKAGE_DIR
from ..rules.formatting import date_fr
from ..rules.markup import align_numeric_columns, demote_headings, heading_id, sanitize_html
from ..rules.sigles import spell_out
from .jobs import Job
from .sections import anchors

__all__ = ["CONDITIONAL", "drop_empty_sections", "heading_id", "render_html", "page_template", "page_css",
           "job_subtitle", "job_page_title", "job_footer"]


CONDITIONAL = "conditionnel"


def _heading_level(cell) -> int | None:
    first = cell.source.lstrip().split("\n", 1)[0] if cell.cell_type == "markdown" else ""
    hashes = len(first) - len(first.lstrip("#"))
    return hashes if 0 < hashes <= 6 and first[hashes:hashes + 1] == " " else None


def _shows_something(cell) -> bool:
    return cell.cell_type == "code" and any(
        not (o.get("output_type") == "stream" and o.get("name") == "stderr") for o in cell.get("outputs", []))


def drop_empty_sections(book: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove each Markdown cell tagged ``conditionnel`` whose part of the page shows nothing.

    A tagged heading's part runs to the next heading of the same or a higher
    level; a tagged cell without a heading covers the cells up to the next
    heading. The part is empty when none of its code cells displayed anything.
    """
    cells = book.cells
    keep = []
    for index, cell in enumerate(cells):
        if CONDITIONAL not in cell.metadata.get("tags", []):
            keep.append(cell)
            continue
        level = _heading_level(cell) or 7
        shown = False
        for later in cells[index + 1:]:
            later_level = _heading_level(later)
            if later_level is not None and later_level <= level:
                break
            shown = shown or _shows_something(later)
        if shown:
            keep.append(cell)
    book.cells = keep
    return book


_HEADING_RE = re.compile(r"<h([23])[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.S)


_ANY_HEADING_RE = re.compile(r"<h([1-6])([^>]*)\bid=\"([^\"]+)\"([^>]*)>(.*?)</h\1>", re.S)


# A section's declared anchor (sections.Section.anchor) rides on its opening heading cell as a tag, which
# nbconvert writes as a class of the cell: `` celltag_cdv-ancre-<id>``.
_ANCHOR_TAG = "cdv-ancre-"
_ANCHOR_CLASS = re.compile(rf" celltag_{_ANCHOR_TAG}([a-z0-9-]+)")


def _tag_anchored_headings(book: nbformat.NotebookNode) -> None:
    """Tag the opening heading cell of each section that declares an anchor (:func:`sections.anchors`)."""
    declared = anchors()
    for cell in book.cells:
        name = cell.metadata.get("cdv_notebook")
        if name in declared and _heading_level(cell) is not None:
            cell.metadata["tags"] = [*cell.metadata.get("tags", []), _ANCHOR_TAG + declared.pop(name)]


def _clean_heading_ids(body: str) -> str:
    """Readable, unique ASCII ids for headings of every level (nbconvert percent-encodes accents).

    Each heading is renamed where it stands: two sections both titled « Constats
    chiffrés » get ``constats-chiffres`` and ``constats-chiffres-2``. The first heading
    after a cell tagged with a declared anchor gets that anchor, whatever its text.
    """
    declared = {}
    for tagged in _ANCHOR_CLASS.finditer(body):
        heading = _ANY_HEADING_RE.search(body, tagged.end())
        if heading is not None:
            declared[heading.start()] = tagged.group(1)
    used: set[str] = set(declared.values())

    def rename(match: re.Match) -> str:
        level, before, anchor, after, inner = match.groups()
        slug = declared.get(match.start())
        if slug is None:
            base = heading_id(anchor)
            slug, n = base, 2
            while slug in used:
                slug, n = f"{base}-{n}", n + 1
            used.add(slug)
        inner = inner.replace(f'href="#{anchor}"', f'href="#{slug}"')
        return f'<h{level}{before}id="{slug}"{after}>{inner}</h{level}>'

    return _ANCHOR_CLASS.sub("", _ANY_HEADING_RE.sub(rename, body))


_TEXT_NODE = re.compile(r">[^<]+<")
_THOUSANDS_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")


_BARE_TABLE = re.compile(r"<table>(.*?)</table>", re.S)  # a Markdown table (the library's own have a class)
_LEAD = re.compile(r"<(strong|h[2-6])\b[^>]*>(.*?)</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _box_bare_tables(body: str) -> str:
    """Each Markdown table gets a caption (the bold line or heading just above it, else its headers) and sits
    in a labelled box that scrolls sideways on a narrow screen, like the tables of :func:`notebook.table_html`."""
    from ..rules.markup import escape_html, scroll_box

    previous_end = [0]

    def box(match: re.Match) -> str:
        # The lead is looked for between the previous table and this one: two tables never share a caption.
        leads = _LEAD.findall(body[max(previous_end[0], match.start() - 1500):match.start()])
        previous_end[0] = match.end()
        label = html.unescape(_TAG.sub("", leads[-1][1])).replace("¶", "").strip() if leads else ""
        if not label:
            headers = [html.unescape(_TAG.sub("", h)).strip() for h in re.findall(r"<th\b[^>]*>(.*?)</th>", match.group(1), re.S)]
            label = "Tableau : " + ", ".join(h for h in headers if h)
        return scroll_box(f'<table class="cdv-table"><caption>{escape_html(label)}</caption>{match.group(1)}</table>',
                          label)

    return _BARE_TABLE.sub(box, body)


def _unbreakable_numbers(body: str) -> str:
    """Text of the page (quotations, printed values) with thousands spaces made narrow no-break spaces.

    « 56 000 habitants » quoted from a source keeps its print, but can no longer wrap between « 56 » and « 000 ».
    """
    return _TEXT_NODE.sub(lambda node: _THOUSANDS_SPACE.sub("\u202f", node.group()), body)


def _toc(body: str) -> list[dict]:
    """Sections (h2) with their sub-sections (h3), for a two-level table of contents."""
    entries: list[dict] = []
    for level, anchor, inner in _HEADING_RE.findall(body):
        label = html.unescape(re.sub(r"<[^>]+>", "", inner).replace("¶", "").strip())
        if level == "2" or not entries:
            entries.append({"anchor": anchor, "label": label, "children": []})
        else:
            entries[-1]["children"].append({"anchor": anchor, "label": label})
    return entries


def page_css() -> str:
    """The pages' style sheet (inlined: a page needs no other file)."""
    return (PACKAGE_DIR / "templates" / "rapport.css").read_text("utf-8")


@functools.lru_cache(maxsize=1)
def _html_exporter():
    """nbconvert's exporter for the report body, built once per process (loading its templates is slow)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = ("parameters", "injected-parameters", "setup")
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, template_name="basic")
    exporter.optimistic_validation = True  # the notebook validated once, after its preprocessors, not after each
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    return exporter


@functools.cache
def page_template(name: str):
    """A page template of the package (Jinja environment built once per process)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    environment = Environment(loader=FileSystemLoader(PACKAGE_DIR / "templates"),
                              autoescape=select_autoescape(["html", "j2"]))
    return environment.get_template(name)


def render_html(executed: nbformat.NotebookNode, title: str, subtitle: str, footer: dict[str, str],
                index_href: str = "index.html", body_hook: Callable[[str], str] | None = None,
                logo: str = "", origin: str = "transcrit", page_title: str | None = None) -> str:
    """A self-contained French page: header, table of contents, sections, footer. No script, no network."""
    book = drop_empty_sections(nbformat.from_dict(executed))
    for cell in book.cells:
        if cell.cell_type == "code":
            # Warnings go to the audit notebook, not to the published page.
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            for output in cell.outputs:  # headings come from Markdown only, never from an HTML output
                if "text/html" in output.get("data", {}):
                    output["data"]["text/html"] = demote_headings(output["data"]["text/html"])
    _tag_anchored_headings(book)
    exporter = _html_exporter()
    body, _ = exporter.from_notebook_node(book)
    body = sanitize_html(_clean_heading_ids(body))  # no script, event attribute or unsafe URL from data
    body = _unbreakable_numbers(align_numeric_columns(_box_bare_tables(body)))
    body = spell_out(body)  # each acronym spelled out at its first use (vocabulaires/sigles.yml)
    if body_hook is not None:  # e.g. the coverage table, computed from the sanitised body; escapes its own text
        body = body_hook(body)
    page = page_template("rapport.html.j2")
    return page.render(title=title, subtitle=subtitle, toc=_toc(body), body=body, footer=footer, css=page_css(),
                       index_href=index_href, logo=logo if logo.startswith("data:image/") else "", origin=origin,
                       page_title=page_title)


def job_subtitle(job: Job) -> str:
    from ..presentation.portrait import portrait_subtitle

    if job.territory is None:
        return "Comparaison des territoires et des années"
    if job.portrait:
        return portrait_subtitle(job.year)
    return job.subtitle or f"Rapport d'évaluation {job.year}"


def job_page_title(job: Job) -> str:
    """A short ``<title>`` that tells the pages apart by their first words: « CALL — rapport d'évaluation 2022 »."""
    if job.territory is None:
        return "Comparaison des territoires et des années — Contrats de Ville"
    if job.portrait:
        return f"{job.title} — édition {job.year}"
    acronym = re.search(r"\(([^()]{2,15})\)$", job.title)
    subtitle = job_subtitle(job)
    subtitle = subtitle if str(job.year) in subtitle else f"{subtitle} {job.year}"
    return f"{acronym.group(1) if acronym else job.title} — {subtitle[:1].lower()}{subtitle[1:]}"


def job_footer(job: Job) -> dict[str, str]:
    # Worded for a reader: the build parameters stay in the executed notebook and reports/construction.log.
    return {
        "Logiciel": f"cdv-analysis {__version__}",
        "Empreinte de la page": job.key[:16],
        "Construit le": date_fr(dt.date.today()),
    }
