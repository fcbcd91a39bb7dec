"""A built report opened in a real browser (Debian's headless Chromium, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cdv_analysis.report import build_all

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    # The test set-up installs Debian's Chromium when it is missing and it can (root with apt-get).
    if os.geteuid() == 0 and shutil.which("apt-get"):
        environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=environment, timeout=900)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=environment, timeout=1800)
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def browser():
    path = _chromium()
    if path is None:
        pytest.skip("Chromium absent et impossible à installer sur cette machine (ni root ni apt-get)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
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


def test_index_links_to_the_report(browser, report):
    page = browser.new_page()
    page.goto((report.parent.parent.parent / "index.html").as_uri())
    links = page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert "call/2022/rapport.html" in links
    page.close()
