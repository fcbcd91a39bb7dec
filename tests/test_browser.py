"""Built reports opened in a real browser (headless Chromium, driven by Playwright).

Chromium is installed by `make navigateur` (run by `make test` when it is missing);
without a browser these tests are skipped, with the reason.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest


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
def report(embedded_reports) -> Path:
    """CALL 2022 from the session's shared build (tests/conftest.py)."""
    summary = embedded_reports.summary
    assert summary.ok, summary.text()
    return embedded_reports.reports / "call" / "2022" / "rapport.html"


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
