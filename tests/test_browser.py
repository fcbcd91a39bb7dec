"""Built reports opened in a real browser (headless Chromium, driven by Playwright).

Chromium is installed by `make navigateur` (run by `make test` when it is missing);
without a browser these tests are skipped, with the reason.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cdv_analysis.report import build_all

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
def report(tmp_path_factory, raw_dir) -> Path:
    out = tmp_path_factory.mktemp("browser")
    summary = build_all(raw_dir, out / "reports", out / "processed", territories=["call"], years=[2022],
                        progress=False)
    assert summary.ok, summary.text()
    return out / "reports" / "call" / "2022" / "rapport.html"


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
def cabbalr_reports(tmp_path_factory, raw_dir) -> Path:
    out = tmp_path_factory.mktemp("browser-cabbalr")
    summary = build_all(raw_dir, out / "reports", out / "processed", territories=["cabbalr"], progress=False)
    assert summary.ok, summary.text()
    return out / "reports" / "cabbalr"


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
