"""Hostile text through a whole report build: the published page and the CSVs stay safe.

One build (CALL 2022) carries every hostile string: builds are slow.
"""

from __future__ import annotations

import base64
import csv
import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from file_builders import edit_csv, file_hashes

PROJECT = Path(__file__).resolve().parent.parent
RAW = PROJECT / "data" / "raw"

HOSTILE = {
    "script": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "js_link": "[cliquez](javascript:alert(3))",
    "image": "![pixel](https://evil.example/p.png)",
    "autolink": "<http://evil.example/autolien>",
    "heading": "# Titre injecté",
    "table": "| a | b |",
    "maths": "$\\frac{1}{0}$",
    "jinja": "{{ config }}{% raw %}",
    "iframe": "<iframe src=https://evil.example></iframe>",
    "svg": "<svg onload=alert(4)>",
    "formula": "=HYPERLINK(\"https://evil.example\";\"clic\")",
    "at_formula": "@SUM(1+1)*cmd|' /C calc'!A0",
    "plus_formula": "+1+cmd|' /C calc'!A0",
    "minus_formula": "-2+3+cmd|' /C calc'!A0",
    "quote": "> citation injectée",
    "long": "Association " + "très " * 400 + "longue",
}
TAG = "HOSTILE"


def _mark(key: str) -> str:
    return f"{TAG}-{key} {HOSTILE[key]}"


def _inject(raw: Path) -> None:
    call = raw / "call"
    meta = yaml.safe_load((call / "territoire.yml").read_text("utf-8"))
    meta["nom"] = _mark("script") + " Lens-Liévin"
    meta["sigle"] = "CALL" + HOSTILE["svg"]
    meta["sources"][0]["titre"] = _mark("js_link") + " " + meta["sources"][0]["titre"]
    (call / "territoire.yml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), "utf-8")
    texts = ["script", "js_link", "image", "autolink", "heading", "table", "maths", "jinja", "iframe", "quote",
             "long", "formula", "at_formula", "plus_formula", "minus_formula", "svg"]

    def statements(index: int, row: dict) -> None:
        if index < len(texts):
            row["texte"] = HOSTILE[texts[index]] + " " + _mark(texts[index]) + " " + row["texte"]
    edit_csv(call / "qualitatif.eval2022.csv", statements)
    edit_csv(call / "qualitatif.eval2022-sante.csv", statements)

    def remarks(index: int, row: dict) -> None:
        row["remarque"] = _mark("iframe") + " " + row.get("remarque", "")
        if "modalite" in row and row.get("modalite"):
            row["modalite"] = _mark("heading") + " " + row["modalite"]
    for name in ("contexte.eval2022.csv", "financements.eval2022.csv", "gouvernance.eval2022.csv",
                 "participation.eval2022.csv"):
        edit_csv(call / name, remarks)


class _Markup(HTMLParser):
    """Live markup of a page: tags, attributes, URLs (text content is harmless)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def build(tmp_path_factory, in_process):
    from cdv_analysis.publish.build import build_all

    root = tmp_path_factory.mktemp("hostile")
    raw = root / "raw"
    shutil.copytree(RAW, raw)
    _inject(raw)
    before = file_hashes(raw)
    original = file_hashes(RAW)
    with in_process():
        summary = build_all(raw, root / "reports", root / "processed", territories=["call", "cabbalr"], years=[2022],
                            jobs=1, progress=False)
    return root, summary, before, original


def test_hostile_report_builds(build) -> None:
    root, summary, _, _ = build
    assert summary.ok, summary.text()
    assert (root / "reports" / "call" / "2022" / "rapport.html").is_file()


def _page(root: Path) -> str:
    return (root / "reports" / "call" / "2022" / "rapport.html").read_text("utf-8")


def test_page_has_no_live_markup_from_data(build) -> None:
    root = build[0]
    for page in (_page(root), (root / "reports" / "index.html").read_text("utf-8")):
        markup = _Markup()
        markup.feed(page)
        assert "script" not in markup.tags
        for forbidden in ("iframe", "object", "embed", "form", "svg", "meta", "base"):
            assert forbidden not in markup.tags or forbidden == "meta" and _only_charset(page)
        assert not [n for n, _ in markup.attributes if re.fullmatch(r"on\w+", n)]
        urls = [v.strip().lower() for n, v in markup.attributes if n in ("href", "src")]
        assert not [u for u in urls if u.startswith(("javascript:", "vbscript:", "data:text", "http:"))]
        sources = [v for n, v in markup.attributes if n == "src"]
        assert all(v.startswith(("data:image/png;base64,", "data:image/svg+xml;base64,")) for v in sources)
        # Issue 18: charts are SVG images; the hostile labels in them are XML text, never markup.
        for svg in (base64.b64decode(v.split(",", 1)[1]).decode() for v in sources if "svg+xml" in v):
            assert "<script" not in svg and "<b>" not in svg and not re.search(r"\son\w+=", svg)
        assert not [v for n, v in markup.attributes if n == "style"]


def _only_charset(page: str) -> bool:
    return all("http-equiv" not in m for m in re.findall(r"<meta[^>]*>", page))


# Statements that reach the CALL 2022 page (the narrative shows a selection of them).
SHOWN = ["heading", "table", "maths", "js_link", "at_formula", "plus_formula", "minus_formula",
         "svg", "image", "autolink", "formula"]


@pytest.mark.parametrize("key", SHOWN)
def test_hostile_statement_is_visible_as_text(build, key) -> None:
    markup = _Markup()
    markup.feed(_page(build[0]))
    text = " ".join(" ".join(markup.text).split())
    assert f"{TAG}-{key} {HOSTILE[key]}" in text


def test_territory_name_is_escaped_text(build) -> None:
    page = _page(build[0])
    assert html.escape(HOSTILE["script"], quote=False) in page
    assert "<script" not in page.lower()


def test_processed_csv_have_no_live_formula(build) -> None:
    root = build[0]
    files = list((root / "processed").rglob("*.csv"))
    assert files
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell[:1] in ("=", "+", "@", "\t", "\r"):
                        pytest.fail(f"{path.name}: formule active {cell[:40]!r}")
                    if cell.startswith("-"):
                        float(cell.replace(",", "."))  # only real negative numbers may start with a minus


def test_raw_data_unchanged(build) -> None:
    root, _, before, original = build
    assert file_hashes(root / "raw") == before
    assert file_hashes(RAW) == original


def test_other_territory_still_builds_and_is_unaffected(build) -> None:
    root, summary, _, _ = build
    built = {(r.territory, r.year) for r in summary.results if r.status != "echec"}
    assert ("cabbalr", 2022) in built
    page = (root / "reports" / "cabbalr" / "2022" / "rapport.html").read_text("utf-8")
    assert TAG not in page
    assert 'href="cabbalr/2022/rapport.html"' in (root / "reports" / "index.html").read_text("utf-8")


def test_comparison_csv_neutralises_a_hostile_territory_name(tmp_path) -> None:
    """comparaison.ipynb writes its CSV through the same neutralisation as the section tables."""
    from cdv_analysis.config import notebooks_dir
    from cdv_analysis.publish.execute import run_job
    from cdv_analysis.publish.jobs import Job

    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    formula = HOSTILE["formula"]
    meta_path = raw / "call" / "territoire.yml"
    meta = yaml.safe_load(meta_path.read_text("utf-8"))
    meta["nom"], meta["sigle"] = formula + " Lens-Liévin", formula
    meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), "utf-8")
    job = Job(None, None, str(raw), str(tmp_path / "reports"), str(tmp_path / "processed"), str(notebooks_dir()),
              "test", "Contrats de Ville — comparaison des territoires")
    result = run_job(job)
    assert result.status == "construit", result.message
    with (tmp_path / "processed" / "comparaison.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sigles = [row["sigle"] for row in rows]
    assert "'" + formula in sigles and formula not in sigles
    for row in rows:
        for cell in row.values():
            assert cell[:1] not in ("=", "+", "@", "\t", "\r"), cell
