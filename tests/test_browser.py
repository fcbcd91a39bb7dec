"""Built reports opened in a real browser (headless Chromium, driven by Playwright).

Chromium is installed by `make navigateur` (run by `make test` when it is missing);
axe-core and html-validate by `npm ci` (run by `make test` from package-lock.json when npm
is installed). Without a browser or without these tools the tests are skipped, with the reason.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
HTML_VALIDATE = ROOT / "node_modules" / ".bin" / "html-validate"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDE = 1280

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
A4_POINTS = (595.3, 841.9)  # 210 mm × 297 mm in PDF points
NARROW = 400


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    path = _chromium()
    if path is None:
        pytest.skip("aucun navigateur Chromium sur cette machine : lancez « make navigateur » pour l'installer")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def site(embedded_reports) -> Path:
    """Every embedded report, the comparison and the index: the session's shared build (tests/conftest.py)."""
    summary = embedded_reports.summary
    assert summary.ok, summary.text()
    return embedded_reports.reports


@pytest.fixture(scope="module")
def pages(site) -> list[Path]:
    found = [site / "index.html", site / "comparaison.html", *sorted(site.glob("*/*/rapport.html"))]
    assert len(found) >= 6
    return found


@pytest.fixture(scope="module")
def report(site) -> Path:
    return site / "call" / "2022" / "rapport.html"


def test_report_renders_without_errors_with_images_and_working_toc(browser, report, tmp_path):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    failed_requests: list[str] = []
    page.on("requestfailed", lambda request: failed_requests.append(request.url))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    assert errors == [] and failed_requests == []
    assert page.evaluate("document.documentElement.lang") == "fr"
    images = page.evaluate("[...document.images].map(i => [i.complete && i.naturalWidth > 0, i.alt])")
    assert len(images) >= 3 and all(decoded and alt for decoded, alt in images)
    missing = page.evaluate(
        "[...document.querySelectorAll('nav.toc a')].map(a => a.getAttribute('href').slice(1))"
        ".filter(id => !document.getElementById(decodeURIComponent(id)))")
    assert missing == []
    page.click("nav.toc a >> nth=1")
    assert page.evaluate("location.hash") != ""
    screenshot = tmp_path / "rapport.png"
    page.screenshot(path=str(screenshot), full_page=False)
    assert screenshot.stat().st_size > 10_000
    page.close()


def test_every_csv_link_resolves_to_a_shipped_file(browser, report):
    page = browser.new_page()
    page.goto(report.as_uri())
    links = page.evaluate("[...document.querySelectorAll('a[href$=\".csv\"]')].map(a => a.getAttribute('href'))")
    page.close()
    assert "donnees/enseignements.csv" in links
    shipped = {p.name for p in (report.parent / "donnees").glob("*.csv")}
    assert "enseignements.csv" in shipped
    assert [href for href in links if not (report.parent / href).is_file()] == []


def _page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def test_printing_gives_numbered_a4_pages(browser, report):
    page = browser.new_page()
    page.goto(report.as_uri())
    page.emulate_media(media="print")
    pdf = page.pdf(format="Letter", prefer_css_page_size=True, print_background=True)
    page.close()
    sizes = _page_sizes(pdf)
    # The stylesheet's A4 @page wins over the Letter format asked here.
    assert len(sizes) >= 5
    assert all(abs(w - A4_POINTS[0]) < 1 and abs(h - A4_POINTS[1]) < 1 for w, h in sizes), sizes[:3]


def test_narrow_screen_has_no_horizontal_overflow(browser, report, tmp_path):
    page = browser.new_page(viewport={"width": NARROW, "height": 900})
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
    too_wide = page.evaluate(
        f"[...document.querySelectorAll('img')].filter(i => i.getBoundingClientRect().width > {NARROW}).length")
    assert too_wide == 0
    screenshot = tmp_path / "etroit.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    page.close()


def test_index_links_to_the_report(browser, report):
    page = browser.new_page()
    page.goto((report.parent.parent.parent / "index.html").as_uri())
    links = page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert "call/2022/rapport.html" in links
    page.close()


# Everything from the « Annexes » heading on is removed before printing: what is left is the report's body.
_WITHOUT_ANNEXES = """() => {
  const heading = document.getElementById('annexes');
  if (!heading) return false;
  let node = heading;
  while (node.parentElement && node.parentElement.tagName !== 'MAIN' && node.parentElement !== document.body) {
    node = node.parentElement;
  }
  while (node) { const next = node.nextElementSibling; node.remove(); node = next; }
  return true;
}"""
BODY_PAGES = {("call", 2022): 25, ("cabbalr", 2019): 15, ("cabbalr", 2021): 15, ("cabbalr", 2022): 15}


def _printed_pages(browser, path: Path, body_only: bool) -> int:
    page = browser.new_page()
    page.goto(path.as_uri())
    page.emulate_media(media="print")
    if body_only:
        assert page.evaluate(_WITHOUT_ANNEXES), "pas de titre « Annexes » dans le rapport"
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.close()
    return len(_page_sizes(pdf))


@pytest.fixture(scope="module")
def cabbalr_reports(site) -> Path:
    return site / "cabbalr"


def test_the_call_2022_body_prints_on_at_most_25_a4_pages_annexes_after(browser, report):
    body, whole = _printed_pages(browser, report, True), _printed_pages(browser, report, False)
    assert body <= BODY_PAGES[("call", 2022)] < whole, (body, whole)


@pytest.mark.parametrize("year", [2019, 2021, 2022])
def test_each_cabbalr_annual_report_body_prints_on_at_most_15_pages(browser, cabbalr_reports, year):
    body = _printed_pages(browser, cabbalr_reports / str(year) / "rapport.html", True)
    assert 1 <= body <= BODY_PAGES[("cabbalr", year)], body


def _top_level_quotes(text: str) -> list[str]:
    quotes, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "«":
            start, depth = (i, depth + 1) if depth == 0 else (start, depth + 1)
        elif char == "»" and depth:
            depth -= 1
            if depth == 0:
                quotes.append(" ".join(text[start + 1:i].split()))
    return quotes


def test_no_quotation_appears_twice_on_the_call_page(browser, report):
    page = browser.new_page()
    page.goto(report.as_uri())
    text = page.evaluate("document.querySelector('main') ? document.querySelector('main').innerText : "
                         "document.body.innerText")
    page.close()
    quotes = [q for q in _top_level_quotes(text) if len(q) >= 40]
    assert len(quotes) >= 30
    assert [q for q in set(quotes) if quotes.count(q) > 1] == []


# ---------------------------------------------------------------------------
# Issue 18: every page for every reader (axe-core, html-validate, narrow screens, print)


def _name(page: Path) -> str:
    return "/".join(page.parts[-3:]) if page.name == "rapport.html" else page.name


def _open(browser, page: Path, width: int, height: int = 900):
    tab = browser.new_page(viewport={"width": width, "height": height})
    tab.goto(page.as_uri())
    tab.wait_for_load_state("load")
    return tab


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_axe_finds_no_wcag_a_or_aa_violation_on_any_page(browser, pages, width):
    if not AXE.is_file():
        pytest.skip("axe-core absent : lancez « npm ci » (make test le fait quand npm est installé)")
    violations = {}
    for page in pages:
        tab = _open(browser, page, width)
        tab.add_script_tag(content=AXE.read_text("utf-8"))
        found = tab.evaluate("async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
                             ".violations.map(v => `${v.id} (${v.nodes.length})`)", WCAG_AA)
        tab.close()
        if found:
            violations[_name(page)] = found
    assert violations == {}


def test_html_validate_finds_no_error_on_any_page(pages):
    if not HTML_VALIDATE.is_file() or shutil.which("node") is None:
        pytest.skip("html-validate absent : lancez « npm ci » (make test le fait quand npm est installé)")
    done = subprocess.run([str(HTML_VALIDATE), "--config", str(ROOT / ".htmlvalidate.json"), "--formatter", "json",
                           *map(str, pages)], capture_output=True, text=True, timeout=300)
    results = json.loads(done.stdout or "[]")
    errors = {_name(Path(r["filePath"])): sorted({m["ruleId"] for m in r["messages"] if m["severity"] == 2})
              for r in results if r["errorCount"]}
    assert errors == {} and done.returncode == 0, (errors, done.stderr[-500:])


# A word is broken when its letters sit on two lines; a break after a hyphen, a dash or a slash is a line break.
_BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\\s\\-\\u2010\\u2011\\u2013\\u2014\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def test_no_table_cell_breaks_a_word_on_a_narrow_screen(browser, pages):
    broken = {}
    for page in pages:
        tab = _open(browser, page, NARROW)
        words = tab.evaluate(_BROKEN_WORDS)
        tab.close()
        if words:
            broken[_name(page)] = words[:5]
    assert broken == {}


@pytest.mark.parametrize("width", [320, NARROW, 600, 900])
def test_no_page_scrolls_sideways_and_wide_tables_scroll_in_labelled_focusable_boxes(browser, pages, width):
    for page in pages:
        tab = _open(browser, page, width)
        assert tab.evaluate("document.documentElement.scrollWidth") <= width, (_name(page), width)
        boxes = tab.evaluate("""[...document.querySelectorAll('table')].map(t => {
            const box = t.closest('.table-wrap');
            return box && [box.tabIndex, box.getAttribute('aria-label') || '', !!t.querySelector('caption'),
                           getComputedStyle(box).overflowX];
        })""")
        tab.close()
        assert all(b and b[0] == 0 and b[1] and b[2] and b[3] == "auto" for b in boxes), (_name(page), boxes)


def test_skip_link_is_the_first_tab_stop_and_reaches_the_content(browser, report):
    tab = _open(browser, report, WIDE)
    tab.keyboard.press("Tab")
    assert tab.evaluate("[document.activeElement.className, document.activeElement.getAttribute('href')]") == [
        "skip-link", "#contenu"]
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "contenu"
    tab.close()


def test_titles_are_short_and_distinct_and_h1_carries_the_year(browser, pages):
    seen = {}
    for page in pages:
        tab = _open(browser, page, WIDE)
        title, h1 = tab.evaluate("[document.title, document.querySelector('h1').textContent]")
        tab.close()
        seen[_name(page)] = title
        assert len(title) <= 70, title
        if page.name == "rapport.html":
            year = page.parent.name
            assert year in title and year in h1 and title.split(" — ")[0] in h1, (title, h1)
    assert len(set(seen.values())) == len(seen)


def test_charts_are_svg_images_with_short_alt_texts_and_legible_text(browser, report):
    tab = _open(browser, report, NARROW)
    images = tab.evaluate("""[...document.querySelectorAll('figure.cdv-chart img')].map(i => [
        i.src.slice(0, 26), i.alt, i.getBoundingClientRect().width, i.naturalWidth])""")
    tab.close()
    assert len(images) >= 5
    for src, alt, shown, natural in images:
        assert src == "data:image/svg+xml;base64,"
        assert 0 < len(alt) <= 300 and not alt.endswith("…"), alt
        # Chart text is 9.5 pt at least, drawn for a figure of ``natural`` CSS px: shown at ``shown`` px, >= 11 px.
        assert 9.5 * 96 / 72 * shown / natural >= 11, (alt, shown, natural)


def test_download_links_name_their_table_and_size(browser, report):
    tab = _open(browser, report, WIDE)
    names = tab.evaluate("[...document.querySelectorAll('a[href$=\".csv\"]')].map(a => [a.getAttribute('href'), "
                         "a.textContent])")
    tab.close()
    hrefs = [href for href, _ in names]
    assert "donnees/cooperation_niveau_moyen.csv" in hrefs
    texts = [text for _, text in names]
    assert len(set(texts)) == len(texts)  # told apart in a list of links
    assert all(re.search(r"\(CSV, [\d,]+\s(o|ko|Mo)\)$", text) for text in texts), texts[:3]


def test_quotations_are_marked_up_with_their_attribution(browser, report):
    tab = _open(browser, report, WIDE)
    quotes = tab.evaluate("[...document.querySelectorAll('li > q')].length")
    tab.close()
    assert quotes >= 100


_PRINT_CONTENT_HEIGHT = (297 - 18 - 20) / 25.4 * 96  # A4 minus the @page margins, in CSS px


def _pdf_pages_text(pdf: Path) -> list[str]:
    """The text of each page: one pdftotext run for the whole file, which ends every page with a form feed."""
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                             text=True, check=True).stdout).group(1))
    texts = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    assert len(texts) == pages + 1 and texts[-1] == "", (pages, len(texts))  # nothing after the last page's feed
    return [" ".join(text.split()) for text in texts[:pages]]


def test_printed_pages_are_a4_without_near_empty_page_or_split_chart(browser, pages, tmp_path):
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("pdftotext absent (paquet poppler-utils) : les pages imprimées ne sont pas vérifiées")
    for page in pages[1:]:  # the index is a list of links
        tab = _open(browser, page, 794)
        tab.emulate_media(media="print")
        # Every chart fits a page and is kept whole; closed details are printed open; no link line is printed.
        figures = tab.evaluate("[...document.querySelectorAll('figure.cdv-chart')].map(f => "
                               "[f.getBoundingClientRect().height, getComputedStyle(f).breakInside])")
        assert all(height < _PRINT_CONTENT_HEIGHT and avoid == "avoid" for height, avoid in figures), figures
        assert tab.evaluate("[...document.querySelectorAll('.cdv-donnees')].every(p => p.offsetParent === null)")
        assert tab.evaluate("[...document.querySelectorAll('details > :not(summary)')]"
                            ".every(e => e.getBoundingClientRect().height > 0)")
        pdf = tmp_path / f"{_name(page).replace('/', '-')}.pdf"
        pdf.write_bytes(tab.pdf(prefer_css_page_size=True, print_background=True))
        tab.close()
        sizes = _page_sizes(pdf.read_bytes())
        assert all(abs(w - A4_POINTS[0]) < 1 and abs(h - A4_POINTS[1]) < 1 for w, h in sizes)
        texts = _pdf_pages_text(pdf)
        # No blank or near-empty page before the last one (« Page n / N » alone, or a lone line).
        near_empty = [n for n, text in enumerate(texts[:-1], start=1) if len(text) < 200]
        assert near_empty == [], (_name(page), near_empty, [texts[n - 1] for n in near_empty])


# A figure, or a range of two, as a reader sees it in a cell (the test's own reading, independent of the page's).
_FIGURE_JS = r"^[<>≈~]?\s?[-+−]?\d[\d\s.,]*(\s?(%|[kM]?\s?€|pts?))?(\s?(à|-|–)\s?[-+−]?\d[\d\s.,]*(\s?(%|€|pts?))?)?$"
_COLUMN_ALIGNMENTS = """source => [...document.querySelectorAll('table')].flatMap(table => {
  const rows = [...table.querySelectorAll('tbody tr')].map(r => [...r.cells]);
  const head = [...table.querySelectorAll('thead th')];
  if (table.querySelector('[colspan], [rowspan]')) return [];
  return head.map((th, i) => {
    const cells = rows.map(r => r[i]).filter(c => c && !['', 'n.d.', '—'].includes(c.innerText.trim()));
    const texts = cells.map(c => c.innerText.trim().replace(/\\s+/g, ' '));
    const numeric = texts.length > 0 && texts.every(t => new RegExp(source).test(t)) && !texts.every(t => /^(19|20)\\d\\d$/.test(t));
    return [th.innerText.trim(), numeric, getComputedStyle(th).textAlign,
            [...new Set(cells.map(c => getComputedStyle(c).textAlign))].join(' ')];
  });
})"""


def test_a_markdown_table_has_its_figures_and_their_headers_right_aligned(browser, tmp_path):
    """Issue 18: a table typed in Markdown (the evaluator's prose) aligns its figures as the library's tables."""
    import nbformat

    from cdv_analysis.publish.render import render_html

    table = ("| Année | Porteur | Montant | Part | Projets | Écart |\n|---|---|---|---:|:---|:-:|\n"
             "| 2019 | Association Horizon | 1 500 € | 12,5 % | 3 | 2 |\n"
             "| 2020 | Ville de Douai | 20 000 € | 44.5% | n.d. | 1 |\n| 2021 | CCAS | n.d. | 3 % | 12 | 4 |")
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"## Programmation\n\n{table}")])
    path = tmp_path / "rapport.html"
    path.write_text(render_html(book, "Douaisis", "Rapport annuel 2024", {}), "utf-8")
    tab = _open(browser, path, NARROW)
    found = {name: (numeric, head, cells) for name, numeric, head, cells in tab.evaluate(_COLUMN_ALIGNMENTS,
                                                                                         _FIGURE_JS)}
    tab.close()
    assert found == {
        "Année": (False, "left", "left"), "Porteur": (False, "left", "left"),  # years label the rows
        "Montant": (True, "right", "right"), "Part": (True, "right", "right"),  # « ---: » kept
        "Projets": (True, "left", "left"),  # « :--- »: its author's choice
        "Écart": (True, "center", "center")}


def test_every_column_of_figures_is_right_aligned_with_its_header_on_every_page(browser, pages):
    checked = 0
    for page in pages:
        tab = _open(browser, page, WIDE)
        columns = tab.evaluate(_COLUMN_ALIGNMENTS, _FIGURE_JS)
        tab.close()
        wrong = [(name, head, cells) for name, numeric, head, cells in columns
                 if numeric and (head, cells) != ("right", "right")]
        assert wrong == [], _name(page)
        checked += sum(numeric for _, numeric, _, _ in columns)
    assert checked >= 50
