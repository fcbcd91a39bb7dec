"""Issue 20's bad-input classes through the `cdv` commands: a French message, never a traceback.

One data copy holds a hostile CABBALR (HTML in its name and sigle, a formula behind a carriage
return, full-width formulas, terminal escapes in cells) and broken territories (impossible date,
wrong types, duplicated keys, unknown keys); every command runs on it. The raw data's hashes never
change, and the other territories stay valid.
"""

from __future__ import annotations

import csv
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml
from file_builders import edit_csv, file_hashes

from cdv_analysis.cli import main

PROJECT = Path(__file__).resolve().parent.parent
RAW = PROJECT / "data" / "raw"
PHISH = "<a href='https://evil.example/phish'>Version officielle</a>"
HEADING = "<h2>Titre injecté</h2>"
ANSI = "\x1b[2J\x1b]0;pwned\x07"
CR_FORMULA = "Axe santé\r=cmd|' /C calc'!A0"
FULL_WIDTH = "＝1+1"

BROKEN = {  # territory id: (territoire.yml, words of the one expected error)
    "date-impossible": ("id: date-impossible\nnom: N\nsigle: S\ncontrat:\n  signature: 2022-13-45\n"
                        "sources:\n  - id: ra2022\n", "une date réelle"),
    "communes-nombre": ("id: communes-nombre\nnom: N\nsigle: S\ncommunes: 5\nsources:\n  - id: ra2022\n",
                        "une liste"),
    "contrat-texte": ("id: contrat-texte\nnom: N\nsigle: S\ncontrat: x\nsources:\n  - id: ra2022\n",
                      "un dictionnaire"),
    "annee-hors-bornes": ("id: annee-hors-bornes\nnom: N\nsigle: S\nsources:\n  - id: ra2022\n"
                          "    annee_rapport: 3022\n", "une année de 1900 à 2100"),
    "nom-liste": ("id: nom-liste\nnom: [a, b]\nsigle: S\nsources:\n  - id: ra2022\n", "un texte"),
}


def _hostile_copy(root: Path) -> Path:
    raw = root / "raw"
    shutil.copytree(RAW, raw)
    cabbalr = raw / "cabbalr"
    meta = yaml.safe_load((cabbalr / "territoire.yml").read_text("utf-8"))
    meta["nom"] = PHISH + " " + HEADING + " Béthune-Bruay"
    meta["sigle"] = "CAB<A HREF=\"//EVIL.EXAMPLE/P\">ICI</A>"
    (cabbalr / "territoire.yml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), "utf-8")

    def cells(index: int, row: dict) -> None:
        if index == 0:
            row["intitule"] = CR_FORMULA
        elif index == 1:
            row["intitule"] = FULL_WIDTH
        elif index == 2:
            row["porteur"] = ANSI + "Association"
    edit_csv(cabbalr / "actions.ra2021.csv", cells)
    for tid, (text, _) in BROKEN.items():
        (raw / tid).mkdir()
        (raw / tid / "territoire.yml").write_text(text, "utf-8")
    return raw


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "\x1b" not in out + err and "\x07" not in out + err  # no terminal control reaches the screen
    return code, out, err


@pytest.fixture(scope="module")
def built(tmp_path_factory, in_process):
    """The hostile copy, and `cdv rapports` run on CABBALR 2021 and every broken territory."""
    root = tmp_path_factory.mktemp("hostile-inputs")
    raw = _hostile_copy(root)
    before = file_hashes(raw)
    with in_process():
        code = main(["rapports", "--donnees", str(raw), "--territoire", "cabbalr",
                     *[arg for tid in BROKEN for arg in ("--territoire", tid)], "--annee", "2021",
                     "--sortie", str(root / "reports"), "--sortie-donnees", str(root / "processed"), "--jobs", "1",
                     "--silencieux"])
    return root, raw, before, code


def test_rapports_builds_the_good_territory_and_names_the_broken_ones(built, capsys):
    root, raw, before, code = built
    assert code == 1  # broken territories fail, each by name
    assert (root / "reports" / "cabbalr" / "2021" / "rapport.html").is_file()
    assert file_hashes(raw) == before
    for tid in BROKEN:
        assert not (root / "reports" / tid).exists()


class _Markup(HTMLParser):
    """Live markup of a page: tags, attributes, and the text of each heading element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.headings, self._heading = [], [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)


def _pages(root: Path) -> dict[str, str]:
    return {name: (root / "reports" / name).read_text("utf-8")
            for name in ("cabbalr/2021/rapport.html", "index.html")}


def test_hostile_names_are_text_on_every_page(built):
    for name, page in _pages(built[0]).items():
        markup = _Markup()
        markup.feed(page)
        links = [value for attr, value in markup.attributes if attr == "href"]
        assert not [link for link in links if "evil" in link.lower()], name
        assert not [link for link in links if link.startswith(("http:", "https:", "//"))], name
        assert "script" not in markup.tags
        assert not [h for h in markup.headings if h.startswith("Titre injecté")], name  # no heading from data
    report = _pages(built[0])["cabbalr/2021/rapport.html"]
    assert "Version officielle" in report and "&lt;a href=" in report


def test_comparison_sentence_escapes_sigles():
    import pandas as pd

    from cdv_analysis.presentation import narrative

    frame = pd.DataFrame({"sigle": ["CAB" + PHISH, "CALL"], "annee": [2021, 2022],
                          "programmation_par_habitant_qpv": [10.0, 20.0]})
    text = narrative.comparison_paragraph(frame, {"x<h2>": "<b>raison</b>"})
    assert "<a " not in text and "<h2>" not in text and "<b>" not in text
    assert "&lt;a href" in text


def test_published_csv_cells_are_never_formulas(built):
    root = built[0]
    files = list((root / "reports" / "cabbalr" / "2021" / "donnees").glob("*.csv"))
    assert files
    seen = set()
    for path in files:
        raw = path.read_bytes().decode("utf-8")
        # Rows end with CRLF; a carriage return or line feed inside a cell is always inside quotes.
        for line in raw.split("\r\n"):
            outside = re.sub(r'"(?:[^"]|"")*"', "", line)
            assert "\r" not in outside and "\n" not in outside, (path.name, line[:80])
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    seen.add(cell)
                    assert not cell.lstrip(" \u00a0").startswith(("=", "+", "@", "＝", "＋", "＠", "\r")), cell
    assert any(CR_FORMULA in cell for cell in seen) and any(FULL_WIDTH in cell for cell in seen)


def test_shipped_notebook_has_no_live_html_and_no_machine_path(built):
    from nbconvert import HTMLExporter

    root = built[0]
    path = root / "reports" / "cabbalr" / "2021" / "rapport.ipynb"
    text = path.read_text("utf-8")
    for folder in (str(root), str(PROJECT), str(Path.home())):
        assert folder not in text
    body, _ = HTMLExporter(template_name="basic").from_notebook_node(nbformat.read(path, as_version=4))
    markup = _Markup()
    markup.feed(body)
    assert "script" not in markup.tags
    assert not [v for a, v in markup.attributes if a == "href" and "evil" in v.lower()]


def test_liste_and_valider_stop_only_the_broken_territories(built, capsys):
    raw = built[1]
    code, out, err = _run(capsys, "valider", "--donnees", raw)
    assert code == 1
    assert "✔ call : données valides" in out
    for tid, (_, words) in BROKEN.items():
        block = out.split(f"✘ {tid} : 1 erreur", 1)[1].split("\n✔", 1)[0].split("\n✘", 1)[0]
        assert words in block and f"{tid}/territoire.yml" in block, (tid, block)
    code, out, err = _run(capsys, "liste", "--donnees", raw)
    assert "- call — Communauté d'Agglomération de Lens-Liévin (CALL)" in out
    assert all(f"- {tid} — " in out for tid in BROKEN)


def test_terminal_output_strips_control_characters(tmp_path, capsys):
    from file_builders import OPEN_DATA_HEADERS, write_csv

    source = write_csv(tmp_path / "anct_2022.csv", OPEN_DATA_HEADERS,
                       [["1", "P", "Action", "Asso", "Association", "C9", "CV", "Santé", "", ANSI + "12x", "HdF"]])
    (tmp_path / "raw").mkdir()
    code, _, err = _run(capsys, "importer", "anct-subventions", source, "--donnees", tmp_path / "raw")
    assert code == 1 and "valeur « [2J]0;pwned12x »" in err  # the value is shown, its controls are not


@pytest.mark.parametrize("argv, code, words", [
    (["liste", "--donnees", ""], 2, "--donnees attend un dossier"),
    (["nouveau-territoire", "x" * 300], 2, "Identifiant invalide"),
    (["nouveau-territoire", "../evade"], 2, "Identifiant invalide"),
    (["nouveau-territoire", "Nom Avec Espaces"], 2, "Identifiant invalide"),
])
def test_refused_arguments(tmp_path, capsys, argv, code, words):
    got, out, err = _run(capsys, *argv, "--donnees", tmp_path) if argv[1:] != ["--donnees", ""] else \
        _run(capsys, *argv)
    assert got == code and words in err
    assert list(tmp_path.iterdir()) == []


def test_output_that_is_a_file_or_cannot_be_written(tmp_path, capsys, monkeypatch):
    afile = tmp_path / "fichier"
    afile.write_text("x", "utf-8")
    code, _, err = _run(capsys, "rapports", "--territoire", "call", "--sortie", afile)
    assert code == 2 and f"--sortie {afile} : ce chemin est un fichier" in err
    code, _, err = _run(capsys, "rapports", "--territoire", "call", "--sortie-donnees", afile / "sous")
    assert code == 1 and "--sortie-donnees" in err and "fichier porte le nom d'un dossier" in err
    code, _, err = _run(capsys, "nouveau-territoire", "neuf", "--donnees", afile / "raw")
    assert code == 1 and "Territoire non créé" in err and afile.read_text("utf-8") == "x"


def test_read_only_or_full_output_is_a_french_error(tmp_path, capsys, monkeypatch):
    import errno
    import tempfile

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", full)
    code, _, err = _run(capsys, "rapports", "--territoire", "call", "--sortie", tmp_path / "out")
    assert code == 1 and "espace disque insuffisant" in err and "out" in err


def test_unexpected_error_is_one_french_line_with_the_traceback_in_the_log(tmp_path, capsys, monkeypatch):
    import cdv_analysis.ingest.load as load

    def boom(*args, **kwargs):
        raise RuntimeError("panne imprévue")

    monkeypatch.setenv("CDV_RAPPORTS", str(tmp_path / "reports"))
    monkeypatch.setattr(load, "discover_territories", boom)
    code, out, err = _run(capsys, "liste")
    assert code == 2
    assert err.strip().splitlines() == [
        f"erreur interne : RuntimeError : panne imprévue ; détails dans {tmp_path / 'reports' / 'construction.log'}"]
    log = (tmp_path / "reports" / "construction.log").read_text("utf-8")
    assert "Traceback" in log and "panne imprévue" in log


def test_ctrl_c_at_any_moment_is_a_french_message(capsys, monkeypatch):
    import cdv_analysis.cli.app as cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)  # the very first thing main does
    code, _, err = _run(capsys, "liste")
    assert code == 130 and "Interruption (Ctrl-C)" in err


def test_importers_skip_a_broken_territory_and_import_the_rest(built, tmp_path, capsys):
    from file_builders import OPEN_DATA_HEADERS, write_csv

    raw = tmp_path / "raw"
    shutil.copytree(built[1], raw)
    before = {tid: file_hashes(raw / tid) for tid in ("call", *BROKEN)}
    source = write_csv(tmp_path / "anct_2022.csv", OPEN_DATA_HEADERS,
                       [["1", "P", "Action", "Asso", "Association", "C9", "CV Neuf", "Santé", "", "10", "HdF"]])
    code, out, _ = _run(capsys, "importer", "anct-subventions", source, "--donnees", raw)
    assert code == 0 and "1 territoire créé : cv-neuf" in out
    assert all(f"Territoire {tid} ignoré" in out for tid in BROKEN)
    assert {tid: file_hashes(raw / tid) for tid in ("call", *BROKEN)} == before


def test_a_table_no_longer_produced_leaves_the_published_folder(tmp_path, capsys, in_process):
    """A CSV left in the processed folder by an earlier build is not published beside the rebuilt page."""
    from cdv_analysis.publish.build import build_all

    data = tmp_path / "raw"
    assert main(["nouveau-territoire", "neuf", "--donnees", str(data)]) == 0
    out, processed = tmp_path / "reports", tmp_path / "processed"
    with in_process():
        first = build_all(data, out, processed, territories=["neuf"], jobs=1, progress=False)
    assert first.ok, first.text()
    year = next(p.name for p in (out / "neuf").iterdir() if p.is_dir())
    stale = processed / "neuf" / year / "table_retiree.csv"
    stale.write_text("x\r\n1\r\n", "utf-8")
    with in_process():
        second = build_all(data, out, processed, territories=["neuf"], jobs=1, progress=False, force=True)
    assert second.ok, second.text()
    assert not stale.exists() and not (out / "neuf" / year / "donnees" / "table_retiree.csv").exists()
