"""Escaping and sanitising untrusted text: Markdown, HTML pages, matplotlib labels, CSV cells."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pandas as pd
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from cdv_analysis.rules.markup import (
    escape_html,
    escape_markdown,
    matplotlib_text,
    neutralise_csv_frame,
    sanitize_html,
    shorten,
)

HOSTILE = [
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "[x](javascript:alert(1))",
    "![x](https://evil.example/pixel.png)",
    "<http://evil.example>",
    "<https://evil.example/a?b=c&d=e>",
    "# Titre injecté",
    "## sous-titre",
    "Titre\n=====",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "- élément de liste",
    "* élément",
    "+ élément",
    "1. premier",
    "> citation",
    "$x^2$ et $$\\int f$$",
    "{{ config }} {% for x in y %}{% endfor %}",
    "**gras** _italique_ ~~barré~~ `code`",
    "```\nbloc\n```",
    "    code indenté",
    "---",
    "&amp; &lt;script&gt; &#60;b&#62;",
    "ligne\x00nulle\x07cloche\x1bescape",
    "texte <!-- commentaire --> fin",
    "\\* échappement déjà là \\",
    "[lien][ref]\n\n[ref]: javascript:alert(1)",
    "www.example.com et https://example.com",
    "Association « Les Bons Voisins » : 12 000 € (45 %)",
    "x" * 20_000,
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def _parse(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser


def _visible(value: str) -> str:
    """What a reader should see: control characters dropped, whitespace folded."""
    cleaned = "".join(c for c in value if c in "\t\n\r" or c.isprintable())
    return " ".join(cleaned.split())


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_escape_markdown_renders_only_text_in_a_paragraph(value: str) -> None:
    rendered = markdown2html_mistune(escape_markdown(value))
    parsed = _parse(rendered)
    assert set(parsed.tags) <= {"p"}, rendered[:300]
    assert "".join(parsed.text).strip() == _visible(value)


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_escape_markdown_inline_in_a_sentence(value: str) -> None:
    rendered = markdown2html_mistune(f"Le porteur **{escape_markdown(value)}** a reçu 3 000 €.")
    assert _parse(rendered).tags == ["p", "strong"]


def test_escape_markdown_neutralises_maths_and_jinja() -> None:
    escaped = escape_markdown("$x$ {{ y }} {% z %}")
    assert "\\$x\\$" in escaped
    assert "{{" not in escaped and "{%" not in escaped


def test_escape_markdown_limit_shows_an_ellipsis() -> None:
    assert escape_markdown("abcdefghij", limit=5) == "abcd…"
    assert escape_markdown("abc", limit=5) == "abc"
    assert shorten("abc def", 4) == "abc…"


def test_escape_markdown_none_and_numbers() -> None:
    assert escape_markdown(None) == ""
    assert escape_markdown(12.5) == "12\\.5"


def test_escape_html() -> None:
    assert escape_html('<a href="x">\'&\x00') == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;"
    assert escape_html(None) == ""


def test_matplotlib_text() -> None:
    assert matplotlib_text("Coût $5$\n\x00fin") == "Coût \\$5\\$ fin"
    assert matplotlib_text("a" * 50, limit=10) == "a" * 9 + "…"
    assert matplotlib_text(None) == ""


def test_matplotlib_text_draws_literally() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hostile = "Budget $\\frac{1$"  # two dollars: matplotlib reads mathtext in between, and « \\frac{1 » fails
    figure, axes = plt.subplots()
    try:
        axes.set_title(hostile)
        with pytest.raises(ValueError):
            figure.canvas.draw()  # the case is real: drawn as it came, the title breaks the chart
        axes.set_title(matplotlib_text(hostile))
        figure.canvas.draw()  # escaped, it is plain text
        assert axes.get_title() == "Budget \\$\\frac{1\\$"
    finally:
        plt.close(figure)


PAGE = (
    '<h2 id="programmation">Programmation<a class="anchor-link" href="#programmation">¶</a></h2>'
    '<p><a href="donnees/x.csv">CSV</a> <a href="../../index.html">index</a> '
    '<a href="https://www.anct.gouv.fr/">ANCT</a></p>'
    '<figure class="cdv-chart"><img src="data:image/png;base64,iVBORw0KGgo=" alt="Graphique"/></figure>'
    '<table class="cdv-table"><thead><tr><th scope="col">Pilier</th></tr></thead>'
    '<tbody><tr><td class="num">1 €</td></tr></tbody></table>'
)


def test_sanitize_keeps_the_report_markup() -> None:
    clean = sanitize_html(PAGE)
    for kept in ('id="programmation"', 'href="#programmation"', 'href="donnees/x.csv"',
                 'src="data:image/png;base64,iVBORw0KGgo="', 'alt="Graphique"',
                 'scope="col"', 'class="num"', "<table", "<figure"):
        assert kept in clean
    # Issue 20: a body links only to its anchors and its own donnees/ files (the template adds the index link).
    for dropped in ('href="../../index.html"', 'href="https://www.anct.gouv.fr/"'):
        assert dropped not in clean
    assert ">index</a>" in clean and ">ANCT</a>" in clean  # the text stays, the link goes


@pytest.mark.parametrize("href", [
    "https://evil.example/phish", "//EVIL.EXAMPLE/P", "//evil.example", "http://evil.example", "../../victim.csv",
    "donnees/../../x.csv", "/etc/passwd", "donnees/x.html", "file:///etc/passwd", "mailto:a@b.c", "HTTPS://x.y",
])
def test_sanitize_allows_links_only_to_anchors_and_own_data_files(href: str) -> None:
    clean = sanitize_html(f'<p><a href="{href}">Version officielle</a></p>')
    assert "href" not in clean and "Version officielle" in clean


def test_sanitize_bounds_image_size() -> None:
    clean = sanitize_html('<img src="data:image/png;base64,iVBORw0KGgo=" width="3000" height="3000" alt="x">'
                          '<img src="data:image/png;base64,iVBORw0KGgo=" width="640" alt="y">')
    assert "3000" not in clean and 'width="640"' in clean


@pytest.mark.parametrize("attack, forbidden", [
    ("<script>alert(1)</script>", "<script"),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<script"),
    ('<img src=x onerror="alert(1)">', "onerror"),
    ('<svg onload=alert(1)>', "onload"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript:"),
    ('<a href=" javascript:alert(1)">x</a>', "javascript:"),
    ('<a href="vbscript:msgbox(1)">x</a>', "vbscript:"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:text/html"),
    # An SVG image is kept only without active or external content (issue 18: charts are SVG images).
    ('<img src="data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+">', "data:image/svg"),
    ('<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">', "data:image/svg"),
    ('<img src="data:image/svg+xml;base64,PHN2Zz48aW1hZ2UgaHJlZj0iaHR0cHM6Ly9ldmlsLmV4YW1wbGUveCIvPjwvc3ZnPg==">',
     "data:image/svg"),
    ('<img src="https://evil.example/pixel.png">', "evil.example"),
    ('<a href="http://evil.example">x</a>', "http://evil"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<object data="x.swf"></object>', "<object"),
    ('<embed src="x.swf">', "<embed"),
    ('<form action="https://evil.example"><input name=x></form>', "<form"),
    ('<div style="width: expression(alert(1))">x</div>', "expression"),
    ('<div style="background: url(https://evil.example/x)">x</div>', "url("),
    ('<style>body{background:url(https://evil.example)}</style>', "evil.example"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "<meta"),
    ('<base href="https://evil.example/">', "<base"),
    ('<link rel=stylesheet href="https://evil.example/x.css">', "<link"),
])
def test_sanitize_removes_dangerous_markup(attack: str, forbidden: str) -> None:
    clean = sanitize_html(f"<p>avant</p>{attack}<p>après</p>")
    assert forbidden not in _live(clean).lower()
    assert "<p>avant</p>" in clean and "<p>après</p>" in clean


def _live(clean: str) -> str:
    """The markup of a sanitised fragment, without the text that was escaped (harmless when shown)."""
    parser = _Tags()
    parser.feed(clean)
    attributes = _Attributes()
    attributes.feed(clean)
    return " ".join(f"<{t}" for t in parser.tags) + " " + " ".join(attributes.values)


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.values.extend(f"{name}={value}" for name, value in attrs)
        self.values.extend(name for name, _ in attrs)


def test_sanitize_escaped_text_stays_visible() -> None:
    clean = sanitize_html("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in clean
    assert html.unescape(clean) == "<p><script>alert(1)</script></p>"


def test_neutralise_csv_frame() -> None:
    frame = pd.DataFrame({
        "libelle": ["=HYPERLINK(\"https://evil\")", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx", "normal", None],
        "montant": [-1200.5, 3, -4, 0, 1, 2, 3, 4],
        "texte_negatif": ["-12", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    })
    safe = neutralise_csv_frame(frame)
    assert safe["libelle"].tolist()[:7] == ["'=HYPERLINK(\"https://evil\")", "'+1", "'-cmd", "'@SUM(A1)", "'\tx", "'\rx",
                                            "normal"]
    assert pd.isna(safe["libelle"].iloc[7])
    assert safe["montant"].tolist() == frame["montant"].tolist()
    assert safe["montant"].dtype == frame["montant"].dtype
    assert safe["texte_negatif"].iloc[0] == "'-12"  # text that looks like a number is text: neutralised
    assert frame["libelle"].iloc[0].startswith("=")  # the input is not modified
    csv = safe.to_csv(index=False)
    assert "\n=" not in csv and ",=" not in csv and "-1200.5" in csv


@pytest.mark.parametrize("cell", ["  =1+1", "\u00a0@SUM(A1)", "\uff1d1+1", "\uff0b1", "\uff0dcmd", "\uff20SUM(A1)",
                                  "\n=cmd|' /C calc'!A0"])
def test_neutralise_formula_after_blanks_and_full_width(cell: str) -> None:
    assert neutralise_csv_frame(pd.DataFrame({"c": [cell]}))["c"].iloc[0] == "'" + cell


def test_published_csv_quotes_cells_with_line_breaks(tmp_path) -> None:
    import csv as csv_module

    from cdv_analysis.presentation.notebook import write_csv

    path = write_csv(tmp_path / "t.csv", pd.DataFrame({"axe": ["Axe santé\r=cmd|' /C calc'!A0", "a\nb", "ok"],
                                                       "montant": [1, 2, 3]}))
    raw = path.read_bytes()
    assert b'"Axe sant\xc3\xa9\r=cmd' in raw and b'"a\nb"' in raw
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv_module.reader(handle))
    assert [row[0] for row in rows] == ["axe", "Axe santé\r=cmd|' /C calc'!A0", "a\nb", "ok"]
    assert not any(cell.lstrip().startswith("=") for row in rows for cell in row)


def test_neutralise_csv_labels() -> None:
    frame = pd.DataFrame({"=cmd": [1]}, index=pd.Index(["=A1"], name="porteur"))
    safe = neutralise_csv_frame(frame)
    assert list(safe.columns) == ["'=cmd"] and list(safe.index) == ["'=A1"]


class _FakeChart:
    title = '"><script>alert(1)</script> Le pilier <b>cohésion</b> concentre 68,3 %'
    alt = "Barres horizontales par pilier : " + "très long texte " * 200
    source = "<b>Source</b> : CALL"

    def to_svg(self) -> bytes:
        return b"<svg xmlns='http://www.w3.org/2000/svg'/>"


def test_chart_html_escapes_and_states_the_finding_in_a_short_alt_text() -> None:
    """Issue 18: the alt text is the kind of chart and its finding (the title), never cut; the table is the long one."""
    import base64

    from cdv_analysis.presentation.notebook import ALT_TEXT_LIMIT, chart_html

    figure = chart_html(_FakeChart(), data_href="donnees/x.csv")
    parser = _Attributes()
    parser.feed(figure)
    alt = next(v.split("=", 1)[1] for v in parser.values if v.startswith("alt="))
    assert alt == 'Barres horizontales par pilier : "><script>alert(1)</script> Le pilier <b>cohésion</b> concentre 68,3 %.'
    assert len(alt) <= ALT_TEXT_LIMIT and "…" not in alt
    assert "<script" not in figure and "<b>" not in figure
    assert "&lt;b&gt;Source&lt;/b&gt; : CALL." in figure
    src = next(v.split("=", 1)[1] for v in parser.values if v.startswith("src="))
    assert base64.b64decode(src.removeprefix("data:image/svg+xml;base64,")) == _FakeChart().to_svg()


def test_table_html_escapes_cells_and_caption() -> None:
    from cdv_analysis.presentation.notebook import table_html

    frame = pd.DataFrame({"porteur": ["<img src=x onerror=alert(1)>"], "montant": [-1200.0]})
    table = table_html(frame, {"porteur": ("Porteur <i>", "texte"), "montant": ("Montant", "euros")},
                       caption="<script>x</script>")
    # Issue 18: the table sits in a labelled, focusable box that scrolls sideways on a narrow screen.
    assert _parse(table).tags == ["section", "table", "caption", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in table and "&lt;script&gt;x&lt;/script&gt;" in table


def test_sanitize_keeps_a_chart_svg_image_without_active_content() -> None:
    """Issue 18: charts are SVG images (text kept as text); a plain SVG passes, with its own anchors and clip paths."""
    import base64

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
           '<defs><clipPath id="p1"><rect width="5" height="5"/></clipPath></defs>'
           '<g clip-path="url(#p1)"><use xlink:href="#m1"/><text>68,3 %</text></g></svg>')
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    assert f'src="{src}"' in sanitize_html(f'<img src="{src}" alt="Graphique">')


def test_markdown_tables_get_a_caption_and_a_labelled_scroll_box_and_numbers_never_wrap() -> None:
    """Issue 18: a Markdown table (answer blocks) is captioned by the bold line above it, else by its headers."""
    import re

    from cdv_analysis.publish.render import _box_bare_tables, _unbreakable_numbers

    body = ("<p><strong>Critère — moyens &amp; effets</strong></p><table><thead><tr><th>Indicateur</th></tr></thead>"
            "</table><table><thead><tr><th>Année</th><th>Valeur</th></tr></thead></table>")
    boxed = _box_bare_tables(body)
    assert re.findall(r'<section class="table-wrap" tabindex="0" aria-label="([^"]*)"><table class="cdv-table">'
                      r"<caption>([^<]*)</caption>", boxed) == [("Critère — moyens &amp; effets",) * 2,
                                                                ("Tableau : Année, Valeur",) * 2]
    assert _unbreakable_numbers('<p>les 56 000 habitants, 2019 2020</p><img alt="1 000">') == (
        '<p>les 56\u202f000 habitants, 2019 2020</p><img alt="1 000">')


def test_columns_of_figures_get_the_num_class_header_included() -> None:
    from cdv_analysis.rules.markup import align_numeric_columns

    table = ('<table class="cdv-table"><thead><tr><th>Année</th><th>Valeur</th><th class="x">n</th><th>Code</th>'
             '</tr></thead><tbody><tr><td>2019</td><td>1 500 €</td><td class="x">12</td><td>QN06201M</td></tr>'
             '<tr><td>2020</td><td>n.d.</td><td class="x">3 à 25 %</td><td>7</td></tr></tbody></table>')
    assert align_numeric_columns(table) == table.replace("<th>Valeur", '<th class="num">Valeur').replace(
        '<th class="x">', '<th class="num x">').replace("<td>1 500", '<td class="num">1 500').replace(
        "<td>n.d.", '<td class="num">n.d.').replace('<td class="x">', '<td class="num x">')
    merged = table.replace("<th>Code</th>", '<th colspan="1">Code</th>')
    assert align_numeric_columns(merged) == merged  # merged cells: the columns cannot be told apart
    own = align_numeric_columns(table.replace("<td>1 500 €", '<td class="gauche">1 500 €'))  # typed « :--- »
    assert '<td class="gauche">1 500 €' in own and '<th class="num">Valeur' in own and own.count('class="num') == 5
