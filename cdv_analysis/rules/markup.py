"""Untrusted text on its way to a page: escaping for Markdown, HTML, matplotlib and CSV.

Everything read from data files (statements, porteur and action names,
labels, territory and QPV names) is untrusted. It is escaped where it is
inserted into Markdown or HTML, never trusted to be harmless; the finished
page body is also sanitised against an allow-list (:func:`sanitize_html`).
"""

from __future__ import annotations

import html
import re

import pandas as pd

__all__ = [
    "escape_html",
    "escape_markdown",
    "heading_id",
    "matplotlib_text",
    "neutralise_csv_cell",
    "neutralise_csv_frame",
    "sanitize_html",
    "demote_headings",
    "scroll_box",
    "shorten",
    "align_numeric_columns",
]

# Characters with a meaning in CommonMark/GFM (and in Jupyter's Markdown: `$` opens maths).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~$:%=\"'])")
# C0/C1 control characters (tab, newline and CR are folded into spaces separately).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ELLIPSIS = "…"


def _text(value: object) -> str:
    return "" if value is None else _CONTROL.sub("", str(value))


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, with a visible ellipsis when cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def scroll_box(table: str, label: str) -> str:
    """``table`` (HTML) in a labelled region that scrolls sideways when too wide, reachable with Tab (WCAG 2.1.1).

    ``label`` is text (escaped here), normally the table's caption.
    """
    return f'<section class="table-wrap" tabindex="0" aria-label="{escape_html(label)}">{table}</section>'


def escape_html(value: object) -> str:
    """Text safe inside HTML element content and quoted attribute values (control characters dropped)."""
    return html.escape(_text(value), quote=True)


def escape_markdown(value: object, limit: int | None = None) -> str:
    """Text that Markdown renders literally: no markup, no HTML, no link, no heading, no maths, no Jinja.

    Control characters are dropped and line breaks folded so that a value can
    never start a block (heading, list, table, quote); HTML-significant
    characters become entities; every Markdown punctuation character is
    backslash-escaped. ``limit`` caps the visible length (labels), with an ellipsis.
    """
    text = " ".join(_text(value).split())
    if limit is not None:
        text = shorten(text, limit)
    text = html.escape(text, quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def matplotlib_text(value: object, limit: int | None = None) -> str:
    """A label matplotlib draws literally: `$` escaped (no mathtext), control characters and breaks removed."""
    text = " ".join(_text(value).split())
    if limit is not None:
        text = shorten(text, limit)
    return text.replace("$", r"\$")


# OWASP "CSV injection": a cell starting with one of these is a formula for a spreadsheet (full-width forms too:
# some spreadsheets fold them to ASCII), also after blanks, which spreadsheets skip.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_BLANKS = " \t\r\n\u00a0\u2007\u202f\u3000"


def neutralise_csv_cell(value: object) -> object:
    """A text cell a spreadsheet will not run as a formula (prefixed with `'`); other values unchanged.

    The first character that is not blank decides (``  =1`` and full-width ``＝1+1`` are formulas).
    """
    if isinstance(value, str) and value.lstrip(_BLANKS).startswith(_FORMULA_START) or \
            isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, labels and column names cannot be spreadsheet formulas.

    Numbers (negative ones included) stay numbers: only ``str`` values are touched.
    """
    result = frame.copy()
    for column in result.columns:
        if _holds_text(result[column]):
            result[column] = result[column].map(neutralise_csv_cell, na_action="ignore")
    result.columns = [neutralise_csv_cell(c) for c in result.columns]
    if isinstance(result.index, pd.MultiIndex):
        result.index = result.index.set_levels(
            [level.map(neutralise_csv_cell) if _holds_text(level) else level for level in result.index.levels])
    elif _holds_text(result.index):
        result.index = result.index.map(neutralise_csv_cell)
    return result


def _holds_text(values: pd.Series | pd.Index) -> bool:
    return values.dtype == object or pd.api.types.is_string_dtype(values.dtype)


# The page body allow-list: what nbconvert's basic template and our tables/figures produce.
_ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol",
    "p", "pre", "q", "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
})
_COMMON_ATTRIBUTES = ("class", "id", "title", "lang", "role", "aria-label", "aria-hidden", "aria-describedby",
                      "tabindex")  # tabindex: a scrolling table box is reachable with the keyboard
_ALLOWED_ATTRIBUTES = {
    "*": list(_COMMON_ATTRIBUTES),
    "a": [*_COMMON_ATTRIBUTES, "href"],
    "img": [*_COMMON_ATTRIBUTES, "src", "alt", "width", "height"],
    "td": [*_COMMON_ATTRIBUTES, "colspan", "rowspan"],
    "th": [*_COMMON_ATTRIBUTES, "colspan", "rowspan", "scope", "aria-sort"],  # the column that orders the rows
    "ol": [*_COMMON_ATTRIBUTES, "start"],
}
# Links of a page body: its own anchors and the CSV files published beside it (`donnees/x.csv`), nothing else
# (no other site, no other folder); the page's template adds its own links (index) after sanitising.
_SAFE_HREF = re.compile(r"^(#[\w\-.:]*|donnees/[A-Za-z0-9][A-Za-z0-9_.\-]*\.csv)$")
IMAGE_MAX_SIDE = 2000  # px: a width or height attribute beyond it is dropped (the stylesheet fits images)
_SAFE_IMG_SRC = re.compile(r"^data:image/png;base64,[A-Za-z0-9+/=\s]+$")
# An SVG shown through <img> runs no script and loads nothing (browsers' secure static mode); the charts' SVG is
# still checked for active or external content, as defence in depth.
_SVG_IMG_SRC = re.compile(r"^data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)$")
_SVG_ACTIVE = re.compile(r"<script|<foreignobject|<iframe|<object|<embed|<!entity|<!doctype[^>]*\[|\son[a-z]+\s*="
                         r"|href\s*=\s*[\"'](?!#|data:image/png;base64,)|url\(\s*[\"']?(?!#)|@import", re.IGNORECASE)


def _safe_svg_src(value: str) -> bool:
    """A ``data:image/svg+xml`` image whose SVG holds no script, event attribute, entity or external reference."""
    import base64
    import binascii

    match = _SVG_IMG_SRC.match(value)
    if match is None:
        return False
    try:
        svg = base64.b64decode(match.group(1), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return "<svg" in svg and _SVG_ACTIVE.search(svg) is None


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name in _ALLOWED_ATTRIBUTES["*"] or name in _ALLOWED_ATTRIBUTES.get(tag, ()):
        if tag == "a" and name == "href":
            return bool(_SAFE_HREF.match(value.strip())) and ".." not in value
        if tag == "img" and name in ("width", "height"):
            return value.strip().isdigit() and int(value) <= IMAGE_MAX_SIDE
        if tag == "img" and name == "src":
            return bool(_SAFE_IMG_SRC.match(value.strip())) or _safe_svg_src(value.strip())
        return True
    return False


def sanitize_html(page: str) -> str:
    """An HTML fragment with only allow-listed tags, attributes and URLs (bleach, as nbconvert uses it).

    No script, no event attribute, no ``style``, no frame/object/embed/form;
    links are the page's anchors and its ``donnees/*.csv`` files; images are inline PNGs (bounded size) or
    inline SVGs without active content.
    Disallowed tags are escaped (shown as text), script/style contents dropped.
    """
    import bleach

    cleaner = bleach.Cleaner(
        tags=_ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols={"https", "data"},  # the callable above is the real check
        strip=False,
        strip_comments=True,
    )
    return cleaner.clean(_MARKDOWN_ALIGNMENT.sub(_alignment_class, _DROP_ELEMENTS.sub("", page)))


# A Markdown table's declared alignment (« |---:| ») comes as a style, which the allow-list drops: kept as a class.
_MARKDOWN_ALIGNMENT = re.compile(r'<(t[hd])((?:\s[^>]*?)?)\sstyle="text-align:\s*(left|right|center);?"')
_ALIGNMENT_CLASSES = {"left": "gauche", "right": "droite", "center": "centre"}


def _alignment_class(match: re.Match) -> str:
    return f'<{match.group(1)}{match.group(2)} class="{_ALIGNMENT_CLASSES[match.group(3)]}"'


_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(t[hd])\b([^>]*)>(.*?)</\1>", re.S)
_CLASS = re.compile(r'\sclass="([^"]*)"')
_ALIGNED = {"num", *_ALIGNMENT_CLASSES.values()}
# A cell that holds one figure, or a range of two: « 1 500 € », « -3,2 pts », « 44.5% », « 12 à 25 % », « 2019 ».
_FIGURE = r"[<>≈~]?\s?[-+−]?\d[\d .,]*(?:\s?(?:%|[kM]?\s?€|Md\s?€|pts?|points?|ans?))?"
_FIGURE_CELL = re.compile(rf"{_FIGURE}(?:\s?(?:à|-|–)\s?{_FIGURE})?")
_NO_FIGURE = {"", "n.d.", "-", "–", "—", "/"}
_YEAR = re.compile(r"(19|20)\d\d")  # a column of years labels its rows, as a column of dates does: left-aligned


def _cell_text(inner: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", inner)).replace("\u202f", " ").replace("\xa0", " ").split())


def align_numeric_columns(body: str) -> str:
    """Every table column whose body cells all hold figures (blanks and « n.d. » aside; years alone are labels)
    gets the ``num`` class, header included, as :func:`notebook.table_html` gives it: numbers and their header
    right-aligned on every page, Markdown tables and text columns holding figures too. A cell aligned by its
    author keeps its own alignment; a table with merged cells (colspan, rowspan) is left as it is."""
    return _TABLE.sub(_aligned_table, body)


def _aligned_table(match: re.Match) -> str:
    table = match.group()
    if "colspan" in table or "rowspan" in table:
        return table
    head_end = table.find("</thead>")
    rows = []  # per row: whether it is a header row, then (offset in the table, cell match) of its cells
    for row in _ROW.finditer(table):
        cells = [(row.start(1) + cell.start(), cell) for cell in _CELL.finditer(row.group(1))]
        heading = row.start() < head_end if head_end >= 0 else all(c.group(1) == "th" for _, c in cells)
        rows.append((heading, cells))
    width = max((len(cells) for _, cells in rows), default=0)
    figures = []
    for column in range(width):
        texts = [_cell_text(cells[column][1].group(3)) for heading, cells in rows if not heading and column < len(cells)]
        filled = [t for t in texts if t not in _NO_FIGURE]
        if filled and all(_FIGURE_CELL.fullmatch(t) for t in filled) and not all(_YEAR.fullmatch(t) for t in filled):
            figures.append(column)
    edits = []
    for _, cells in rows:
        for column in figures:
            if column >= len(cells):
                continue
            offset, cell = cells[column]
            attributes = cell.group(2)
            classes = _CLASS.search(attributes)
            if classes and _ALIGNED & set(classes.group(1).split()):
                continue
            start = offset + cell.start(2) - cell.start()
            edits.append((start, start + len(attributes),
                          _CLASS.sub(lambda m: f' class="num {m.group(1)}"', attributes, count=1) if classes
                          else attributes + ' class="num"'))
    for start, end, text in sorted(edits, reverse=True):
        table = table[:start] + text + table[end:]
    return table


# Elements whose content must disappear with them (escaping would leave CSS/JS as visible text).
_DROP_ELEMENTS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


_HTML_HEADING = re.compile(r"<(/?)h[1-6]\b", re.IGNORECASE)


def demote_headings(fragment: str | list[str]) -> str:
    """An HTML output whose headings are paragraphs: a table of contents lists the notebooks' headings only."""
    text = "".join(fragment) if isinstance(fragment, list) else fragment
    return _HTML_HEADING.sub(r"<\1p", text)


def heading_id(text: str) -> str:
    """The page's one rule for heading ids: ASCII, lower case, words joined by « - » (« qualite-des-donnees »)."""
    import unicodedata
    from urllib.parse import unquote

    ascii_text = unicodedata.normalize("NFD", unquote(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"
