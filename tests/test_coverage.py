"""Coverage of the printed figures: searched in the rendered page, listed « non repris » with a reason."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from cdv_analysis.publish import coverage as cv
from cdv_analysis.rules import formatting as fr
from cdv_analysis.publish.publication import publish_data

import source_texts as st

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
EMBEDDED = (("call", 2022), ("cabbalr", 2019), ("cabbalr", 2021), ("cabbalr", 2022))
# Lower bounds measured on the embedded reports (shown, total): every table the issue aims at (GOAL_TABLES)
# is shown in full; projets, cooperation, enquetes and contexte are floors (not goals of the issue).
MINIMUM_SHOWN = {
    # sante: 59, not 62: the three figures on the health mediators' contracts and training are « interne » (issue 16).
    ("call", 2022): {"financements": (5, 5), "gouvernance": (26, 26), "sante": (59, 59), "participation": (3, 3),
                     "enquetes": (40, 42), "cooperation": (25, 25), "contexte": (30, 30)},
    ("cabbalr", 2019): {"financements": (47, 47), "realisations": (52, 52), "projets": (118, 118),
                        "contexte": (39, 39)},
    ("cabbalr", 2021): {"financements": (22, 22), "realisations": (7, 7), "projets": (9, 9), "contexte": (2, 2)},
    ("cabbalr", 2022): {"financements": (23, 23), "realisations": (9, 9), "gouvernance": (3, 3), "projets": (12, 12),
                        "contexte": (19, 19)},
}
GOAL_SHARE = 95.0  # per cent of the printed figures of each goal table shown in its report
# Printed twice in the same passage of the source, with the same label: one figure of the coverage, two raw rows.
PRINTED_TWICE = {("call", 2022, "sante"): 1,  # « maisons de santé pluriprofessionnelles » 1, § « de qui parle-t-on ? »
                 ("cabbalr", 2019, "projets"): 1}  # ARTOIS INITIATIVE, 2 déposés, bloc « Les Associations »


def _figure(value, kind="nombre", printed="", label="centres de santé — Filieris"):
    return cv.Figure("sante", label, printed, value, kind, "Santé", "section")


def test_figures_are_searched_the_way_the_report_writes_them():
    text = cv.page_text("<p>Enveloppe de 4\u202f734\u202f927\xa0€ ; 68,3\xa0% ; 241\u202f934 habitants ; 312 ; 12,5 "
                        "centres de santé (Filieris)</p>")
    frame = cv.coverage([_figure(4734927.0, "euros"), _figure(68.3, "pourcent"), _figure(241934.0),
                         _figure(12.0), _figure(31.0)], text)
    assert frame["repris"].tolist() == [True, True, True, False, False]
    assert frame["chiffre"].tolist()[:3] == ["4 734 927 €", "68,3 %", "241 934"]


def test_a_figure_alone_in_its_table_cell_is_a_whole_number():
    label = "Citoyenneté Numérique — volets de l'action 2019"
    row = f"<table><tr><td>{label}</td><td>3</td></tr></table>"
    assert cv.page_text(row) == f"| {label} | 3"
    assert cv.coverage([_figure(3.0, label=label)], cv.page_text(row))["repris"].item()
    # Cells are not glued into a longer number either: « 4 » then « 734 » is not « 4 734 ».
    assert not cv.coverage([_figure(4734.0)], cv.page_text("<table><tr><td>4</td><td>734</td></tr></table>"))[
        "repris"].item()
    assert not cv.coverage([_figure(2019.0, label=label)], cv.page_text(f"<p>{label} 3</p>"))["repris"].item()


def test_a_number_inside_a_longer_number_is_not_found():
    label = "Filieris centres"
    assert not cv.coverage([_figure(734.0)], cv.page_text(f"<p>4 734 927 € {label}</p>"))["repris"].item()
    assert not cv.coverage([_figure(4.0)], cv.page_text(f"<p>4 734 {label}</p>"))["repris"].item()
    assert cv.coverage([_figure(4.0)], cv.page_text(f"<p>4 {label}</p>"))["repris"].item()


def test_a_small_count_needs_its_label_nearby_and_is_not_a_percentage():
    found = cv.coverage([_figure(19.0, label="Centres de Soins gérés par Filieris")], cv.page_text(
        "<p>19 centres de soins gérés par Filieris</p>"))
    assert found["repris"].item()
    elsewhere = cv.coverage([_figure(19.0, label="Centres de Soins gérés par Filieris")], cv.page_text(
        "<p>19 communes ont répondu</p>" + "<p>texte</p>" * 80 + "<p>centres de soins Filieris</p>"))
    assert not elsewhere["repris"].item()
    percentage = cv.coverage([_figure(18.0, label="jeunes publics")], cv.page_text("<p>jeunes publics : 18 %</p>"))
    assert not percentage["repris"].item()
    assert cv.coverage([_figure(1712989.0, "euros")], cv.page_text("<p>1 712 989 €</p>"))["repris"].item()


def test_rounded_and_printed_forms_count():
    text = cv.page_text("<p>57 % des associations ; près de 3 900 000 euros</p>")
    frame = cv.coverage([_figure(57.0, "pourcent"), _figure(3900000.0, "euros", "près de 3 900 000 euros")], text)
    assert frame["repris"].all()


def test_reasons_say_whether_the_table_is_shown_at_all():
    figures = [_figure(1.5, label="x"), _figure(2.5, label="x"), cv.Figure("contexte", "population", "", 241934.0, "nombre",
                                                     "Contexte des quartiers", "s")]
    frame = cv.coverage(figures, cv.page_text("<p>1,5</p>"))
    assert frame["raison"].tolist() == [
        "", "non repris par la section « Santé » (la table y est présentée en partie)",
        "aucun chiffre de la table « Contexte des quartiers » n'est affiché : la section « Contexte des quartiers » "
        "ne la présente pas"]
    summary = cv.coverage_summary(frame).set_index("table")
    assert summary.loc["sante", ["repris", "total"]].tolist() == [1, 2]


def test_printed_figures_of_the_call_report_year(call):
    figures = cv.printed_figures(call, 2022)
    population = [f for f in figures if f.table == "contexte" and f.value == 241934.0]
    assert population and population[0].renderings()[0] == "241 934"
    ami = [f for f in figures if f.table == "financements" and f.value == 150000.0]
    assert ami and ami[0].renderings()[0] == "150 000 €"
    assert not any(f.table == "gouvernance" and "date" in f.label for f in figures)  # dates are not figures


def test_block_goes_at_the_end_of_the_quality_section():
    body = ('<div class="cell"><h2 id="qualite-des-donnees">Qualité</h2></div><div class="cell"><p>x</p></div>'
            '<div class="cell"><div class="output"><h2 id="sources">Sources</h2></div></div>')
    result = cv.insert_coverage(body, "<section>BLOC</section>")
    assert result.index("BLOC") > result.index("<p>x</p>")
    assert result.index("BLOC") < result.index('<div class="cell"><div class="output"><h2 id="sources"')
    assert cv.insert_coverage("<h2 id='autre'>", "<section>BLOC</section>") == "<h2 id='autre'>"


def test_coverage_block_escapes_labels():
    frame = cv.coverage([cv.Figure("sante", "<b>x</b>", "", 7.5, "nombre", "Santé", "s")], "")
    block = cv.coverage_html(frame)
    assert "&lt;b&gt;x&lt;/b&gt;" in block and "<b>x" not in block
    assert "Sur 1 chiffre publié dans les documents sources de cette année, aucun ne se retrouve" in block


def _frame(shown: int, total: int) -> pd.DataFrame:
    return pd.DataFrame({"table": "sante", "libelle": [f"chiffre {i}" for i in range(total)], "chiffre": "7",
                         "section_source": "p. 3", "repris": [i < shown for i in range(total)], "raison": "non repris"})


def _share_cell(block: str) -> str:
    return re.findall(r'<td class="num">([^<]*)</td>', block)[-1]


def test_a_table_not_fully_shown_never_reads_100_per_cent():
    block = cv.coverage_html(_frame(249, 250))
    assert _share_cell(block) == "99,6\xa0%"  # 249 / 250 = 99,6 %, not « 100 % »
    assert "Sur 250 chiffres publiés dans les documents sources de cette année, 249 se retrouvent" in block
    assert "Chiffres non repris (1)" in block
    assert [cv.share_shown(*n) for n in ((1999, 2000), (1, 2000), (2, 3), (0, 4), (4, 4))] == [
        "99,9\xa0%", "0,1\xa0%", "66,7\xa0%", "0\xa0%", "100\xa0%"]


def test_the_coverage_sentence_agrees_in_number():
    assert "Sur 3 chiffres publiés dans les documents sources de cette année, 1 se retrouve dans" in (
        cv.coverage_html(_frame(1, 3)))
    assert "Sur 1 chiffre publié dans les documents sources de cette année, 1 se retrouve dans" in (
        cv.coverage_html(_frame(1, 1)))


def _raw_figures(territory: str, year: int, table: str) -> int:
    """The printed figures of a table, counted from the raw files alone (not with the package's readers): rows of
    that report year's documents with a value, whose unit is not words or a date, and not « interne »."""
    import csv

    meta = yaml.safe_load((RAW / territory / "territoire.yml").read_text("utf-8"))
    sources = {s["id"] for s in meta["sources"] if s.get("annee_rapport") == year}
    column = {"financements": "montant", "projets": "nombre", "enquetes": "pourcentage",
              "cooperation": "pourcentage"}.get(table, "valeur")
    count = 0
    for path in sorted((RAW / territory).glob(f"{table}.*.csv")):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            if row["source"] in sources and row[column].strip() and row.get("unite", "") not in ("texte", "date") \
                    and row.get("diffusion", "") != "interne":
                count += 1
    return count - PRINTED_TWICE.get((territory, year, table), 0)


@pytest.mark.parametrize("territory,year", EMBEDDED)
def test_the_coverage_totals_are_the_figures_of_the_raw_files(territory, year):
    """MINIMUM_SHOWN's totals were measured on the reports: here they are recounted from the raw files."""
    totals = {table: printed for table, (_, printed) in MINIMUM_SHOWN[(territory, year)].items()}
    assert totals == {table: _raw_figures(territory, year, table) for table in totals}


def test_publish_data_replaces_the_previous_copy(tmp_path):
    processed, folder = tmp_path / "processed", tmp_path / "rapport"
    processed.mkdir()
    (processed / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (folder / "donnees").mkdir(parents=True)
    (folder / "donnees" / "perime.csv").write_text("old", encoding="utf-8")
    target = publish_data(processed, folder)
    assert sorted(p.name for p in target.iterdir()) == ["a.csv"]
    assert (target / "a.csv").read_text(encoding="utf-8") == "x\n1\n"
    assert sorted(p.name for p in folder.iterdir()) == ["donnees"]  # no temporary folder left


@pytest.fixture(scope="module")
def embedded(embedded_reports):
    """The session's shared build of every embedded report (tests/conftest.py): reports/ and processed/."""
    summary = embedded_reports.summary
    assert summary.ok, summary.text()
    return embedded_reports.root


@pytest.mark.parametrize("territory,year", EMBEDDED)
def test_embedded_reports_show_their_coverage_table_and_ship_their_data(embedded, embedded_territory, territory, year,
                                                                         record_property):
    folder = embedded / "reports" / territory / str(year)
    page = (folder / "rapport.html").read_text(encoding="utf-8")
    quality, block = page.index('id="qualite-des-donnees"'), page.index('class="cdv-coverage"')
    following = [m.start() for m in re.finditer("<h2 ", page) if m.start() > quality]
    assert quality < block and (not following or block < following[0])
    # The table in the page is the coverage of the report body (sections only) without it.
    main = page[page.index("<main"):page.index("</main>")]  # issue 18: <main id="contenu" tabindex="-1">
    body = re.sub(r'(?s)<section class="cdv-coverage">.*?</section>', "", main)
    frame = cv.coverage(cv.printed_figures(embedded_territory(territory), year), cv.page_text(body))
    summary = cv.coverage_summary(frame).set_index("table")
    shown, total = int(frame["repris"].sum()), len(frame)
    sentence = f"Sur {fr.pluriel(total, 'chiffre publié', 'chiffres publiés')} dans les documents sources"
    assert sentence in page and f"année, {fr.nombre(shown)} se retrouve" in page  # the page shows this coverage
    for table, (minimum, printed) in MINIMUM_SHOWN[(territory, year)].items():
        assert summary.loc[table, "total"] == printed
        assert summary.loc[table, "repris"] >= minimum, (table, summary.loc[table].to_dict())
    for table in set(cv.GOAL_TABLES) & set(summary.index):
        assert summary.loc[table, "part"] >= GOAL_SHARE, (table, summary.loc[table].to_dict())
    assert (frame.loc[~frame["repris"], "raison"] != "").all()
    record_property("couverture", summary[["repris", "total"]].to_dict("index"))
    with pd.option_context("display.width", 120):
        print(f"\n{territory} {year}\n{summary.assign(part=summary['part'].round(1)).to_string()}")
    shipped = {p.name for p in (folder / "donnees").glob("*.csv")}
    produced = {p.name for p in (embedded / "processed" / territory / str(year)).glob("*.csv")}
    assert shipped == produced and "enseignements.csv" in shipped


def test_a_raw_code_in_the_label_matches_its_accented_printed_word():
    """« deposes » (a measure code) is printed « projets déposés »: a small count next to it is shown."""
    text = cv.page_text("<table><tr><td>2019</td><td>projets déposés — associations — PYRAMIDE</td><td>1</td></tr>"
                        "</table>")
    frame = cv.coverage([cv.Figure("projets", "deposes — PYRAMIDE", "1", 1.0, "nombre", "Programmation", "p. 3"),
                         cv.Figure("projets", "deposes — BOOKKAFE", "1", 1.0, "nombre", "Programmation", "p. 3")],
                        text)
    assert frame["repris"].tolist() == [True, False]


# ---------------------------------------------------------------------------
# Issue 16: what the embedded pages say means what the sources say

# Statements whose source text the PDF extraction garbled (the two columns of a table interleaved inside the
# sentence): the printed document reads them whole, the extraction cannot; they are left out of the comparison.
GARBLED = {"e22s-g4-3", "e22s-g5-3"}
_FIGURE_ONLY = re.compile(r"^[\d\s.,%€]+$")
# The page's own words that its guide text quotes (a section name, the start of every data link's text): skipped
# only where a heading or a link of the page reads so.
PAGE_WORDS = {"qualité des données", "télécharger les données"}
_normalised = st.normalised


def _page_text(page: str) -> tuple[str, set[str]]:
    """The visible text of a page's <main> (charts and headings out) and its headings and link texts."""
    main = page[page.index("<main"):page.index("</main>")]
    # A heading's anchor link (« ¶ ») is page furniture, not part of its words.
    labels = {_normalised(re.sub(r"<[^>]+>", "", m)).rstrip("¶ ") for m in re.findall(r"<(?:h\d|a)\b[^>]*>(.*?)</(?:h\d|a)>",
                                                                        main, flags=re.S)}
    main = re.sub(r"(?s)<(svg|style|h\d)\b.*?</\1>", " ", main)
    return html.unescape(re.sub(r"<[^>]+>", " ", main)), labels


def _pages(embedded):
    for territory, year in EMBEDDED:
        yield territory, year, (embedded / "reports" / territory / str(year) / "rapport.html").read_text("utf-8")


def test_every_quotation_on_every_page_is_the_source_s_words(embedded, embedded_territory):
    for territory, year, page in _pages(embedded):
        loaded = embedded_territory(territory)
        source = " ".join(st.source_text(str(s["fichier"]))
                          for s in loaded.sources.values() if (st.SOURCES / str(s.get("fichier"))).is_file())
        statements = loaded.table("qualitatif")
        skipped = {_normalised(t) for t in statements.loc[statements["id"].isin(GARBLED), "texte"]}
        skipped |= {_normalised(t) for t in statements["theme"]}  # theme labels, quoted as labels
        text, labels = _page_text(page)
        quotes = re.findall(r"«\s*(.*?)\s*»", text, flags=re.S)
        assert len(quotes) > 20
        wrong = []
        for quote in quotes:
            whole = _normalised(quote)
            page_words = whole in PAGE_WORDS and any(label.startswith(whole) for label in labels)
            if whole in labels or page_words or whole in skipped or _FIGURE_ONLY.match(whole) or any(
                    whole and whole in s for s in skipped):
                continue
            # A cut is shown « […] » and a source's slip « [sic] »: each piece between them is the source's.
            if st.foreign_pieces(quote, source):
                wrong.append(quote[:120])
        assert not wrong, (territory, year, wrong)


def _quotations(page: str) -> list[str]:
    """The <q> quotations of a page's <main>: every statement a page quotes is marked up so (RGAA 9.4)."""
    main = page[page.index("<main"):page.index("</main>")]
    return [_normalised(re.sub(r"<[^>]+>", "", q)) for q in re.findall(r"(?s)<q\b[^>]*>(.*?)</q>", main)]


def test_each_quotation_appears_once_on_every_embedded_page(embedded):
    """Issue 16: « Privilégier l'outil C.P.O. » was printed four times in CABBALR 2022; a later section refers back."""
    for territory, year, page in _pages(embedded):
        quotes = _quotations(page)
        assert len(quotes) >= {("cabbalr", 2019): 5, ("cabbalr", 2021): 1}.get((territory, year), 30), (territory, year)
        assert [q[:80] for q in dict.fromkeys(quotes) if quotes.count(q) > 1] == [], (territory, year)
    cabbalr = (embedded / "reports" / "cabbalr" / "2022" / "rapport.html").read_text("utf-8")
    assert _quotations(cabbalr).count("privilégier l'outil c.p.o. (3 ans) pour renforcer les actions structurantes "
                                      "et analyser l'impact") == 1
    assert "Mêmes mots que dans la partie « Contribution des associations (diapositive) »" in html.unescape(cabbalr)


def test_no_heading_of_a_source_is_quoted_on_a_page(embedded, embedded_territory):
    """A slide title, a heading or a table header (nature « intitule ») is nobody's words: never inside « »."""
    for territory, year, page in _pages(embedded):
        statements = embedded_territory(territory).table("qualitatif")
        headings = {_normalised(t) for t in statements.loc[statements["nature"] == "intitule", "texte"]}
        assert headings, territory
        text, _ = _page_text(page)
        quotes = {_normalised(q) for q in re.findall(r"«\s*(.*?)\s*»", text, flags=re.S)} | set(_quotations(page))
        assert quotes and not headings & quotes, (territory, year, headings & quotes)
    call = _page_text((embedded / "reports" / "call" / "2022" / "rapport.html").read_text("utf-8"))[0]
    assert "Missions du Coordinateur CLS" in call and "« Missions du Coordinateur CLS »" not in call


def _raw_statements(raw_dir: Path):
    """Every raw statement row (« interne » ones included) with the source file it was transcribed from."""
    for folder in sorted(p for p in raw_dir.iterdir() if (p / "territoire.yml").is_file()):
        sources = yaml.safe_load((folder / "territoire.yml").read_text("utf-8"))["sources"]
        files = {s["id"]: str(s["fichier"]) for s in sources}
        for path in sorted(folder.glob("qualitatif*.csv")):
            for _, row in pd.read_csv(path, dtype=str, keep_default_na=False).iterrows():
                yield path.name, row, files[row["source"]]


def test_every_raw_statement_is_its_source_s_words(raw_dir):
    """Every statement of data/raw, not only those a page shows: the source's words with their case, cuts shown
    « […] », slips marked « [sic] », a sentence cut mid-way ended by « […] » (issue 16)."""
    altered, cut, seen = [], [], 0
    for table, row, name in _raw_statements(raw_dir):
        seen += 1
        if row["id"] in GARBLED:
            continue
        if st.foreign_pieces(row["texte"], st.source_text(name, fold=False), fold=False):
            altered.append((table, row["id"]))
        elif st.cut_mid_sentence(row["texte"], name):
            cut.append((table, row["id"]))
    assert seen > 600
    assert altered == [] and cut == [], (altered, cut)


def test_the_document_s_own_method_counts_and_verdicts_are_the_agglomeration_s(call, cabbalr):
    """Issue 16: the actor is the one who speaks. The report's own account of whom it met, what it counted and
    how it judges was filed under the communes, the partners or the conseils citoyens it is about."""
    rows = pd.concat([call.table("qualitatif"), cabbalr.table("qualitatif")]).set_index("id")
    for row_id in ("e22s-co0", "e22s-as0", "e22s-pa1", "e22s-pr0", "e22-fr-h5", "e22-fr-h6", "r19-n1", "r19-concl2"):
        assert rows.loc[row_id, "acteur"] == "agglomeration", row_id
    # Whom the evaluation met or questioned, and a verdict on an actor in the third person, are its own words.
    method = rows["texte"].str.contains(r"\b(?:ont été rencontrées|interrogées précisent|Des conseillers citoyens qui)")
    assert method.sum() >= 3 and set(rows.loc[method, "acteur"]) == {"agglomeration"}
    # What the source quotes or lists as an actor's own words stays theirs.
    assert rows.loc["e22-cit-h1", "acteur"] == "conseils_citoyens" and rows.loc["e22s-pr1", "acteur"] == "partenaires"
    # The evaluation's own list of the obstacles conseillers raised (002, « POUR LES CONSEILLERS CITOYENS /
    # HABITANTS » : « Un manque de relais selon les territoires », « Un manque de dynamique, des abandons rapides »)
    # and of what it retains « Pour les habitants » (« Un appel à sortir de la complexité… ») are its words: the
    # whole list h1…h8 is the agglomeration's, the conseillers' own words are the quotations e22-cit-h* below it.
    for row_id in (*(f"e22-fr-h{i}" for i in range(1, 9)), "e22-xp-h1", "e22-xp-h2"):
        assert rows.loc[row_id, "acteur"] == "agglomeration", row_id
    assert set(rows.loc[rows.index.str.startswith("e22-cit-h"), "acteur"]) == {"conseils_citoyens"}
    # « Selon les acteurs du territoire, le Contrat de Ville idéal c'est un Contrat qui ? » then nine quoted
    # proposals: the source names no narrower group than « les acteurs du territoire » (they were « partenaires »).
    ideal = rows[rows.index.str.fullmatch(r"e22s-i\d")]
    assert len(ideal) == 9 and set(ideal["acteur"]) == {"acteurs_du_territoire"}
    from cdv_analysis.rules.harmonise import label

    assert label("acteurs", "acteurs_du_territoire") == "acteurs du territoire"


@pytest.mark.parametrize("quote,expected", [
    # A sentence the source goes on with, closed by a full stop the source does not print there.
    ("tous ne peuvent être présents partout et tout le temps.", True),
    ("tous ne peuvent être présents partout et tout le temps", True),
    ("tous ne peuvent être présents partout et tout le temps […]", False),
    # « : » turned into « . »; the source's « : » kept.
    ("il se sont réunis de manière régulière.", True),
    ("il se sont réunis de manière régulière :", False),
    # A list item ending with the source's comma is whole; a full stop put in its place is not the source's.
    ("à l'échelle des 36 communes de la CALL", False),
    ("à l'échelle des 36 communes de la CALL.", True),
    # The source's own full stop; a quote ending on the source's « [sic] ».
    ("La coordination A.S.V. et C.L.S. a ici également joué son rôle pour planifier cette mise à disposition.", False),
    ("petit déj de la santé, ...) [sic]", False),
])
def test_a_quote_cut_mid_sentence_is_found(quote, expected):
    assert st.cut_mid_sentence(quote, "002_ace94e9a4bda4f3b.txt") is expected


def test_a_capital_or_a_comma_the_source_does_not_print_is_not_its_words():
    source = st.source_text("002_ace94e9a4bda4f3b.txt", fold=False)
    assert st.foreign_pieces("Ce but est explicitement annoncé dans l'évaluation effectuée en 2019", source, fold=False)
    assert not st.foreign_pieces("D'ailleurs, ce but est explicitement annoncé dans l'évaluation effectuée en 2019",
                                 source, fold=False)
    assert st.foreign_pieces("la CALL dans son entièreté s'est fortement mobilisée", source, fold=False)
    assert not st.foreign_pieces("[…] il est repéré et validé par toutes et tous que cette pandémie, a malgré elle",
                                 source, fold=False)
    # The extraction's markup is not the document's words: a footnote inside a sentence, « 2^{ème} », a split word.
    assert not st.foreign_pieces("l'Atelier Santé Ville (A.S.V.) en cohérence avec le Contrat Local de Santé", source,
                                 fold=False)
    assert not st.foreign_pieces("(1ère et 2ème injections planifiées)", source, fold=False)
    assert not st.foreign_pieces("résidences Artois et Alsace à Bruay-La-Buissière",
                                 st.source_text("003_678994254640ab32.txt"))


def test_pages_name_no_internal_code_path_or_build_status(embedded):
    index = (embedded / "reports" / "index.html").read_text("utf-8")
    for territory, year, page in [*_pages(embedded), ("index", "", index)]:
        text, _ = _page_text(page) if "<main" in page else (page, set())
        for code in ("eval2022", "ra2019", "ra2021", "ra2022", "synthese2022", "data/raw", "data/processed",
                     "cohesion_sociale", "enquetes «", "cooperation «", "Paramètres", "reconstruit"):
            assert code not in text, (territory, year, code)


def test_acronyms_are_spelled_out_once_and_nothing_interne_is_published(embedded):
    for territory, year, page in _pages(embedded):
        text = re.sub(r"\s+", " ", _page_text(page)[0])
        assert text.count("QPV (quartiers prioritaires de la politique de la ville)") == 1, (territory, year)
        if "EPCI" in text:
            assert text.count("EPCI (établissement public de coopération intercommunale)") == 1
        assert "Sigles" in page
    shipped = [*embedded.glob("reports/*/*/rapport.html"), *embedded.glob("reports/*/*/donnees/*.csv")]
    assert len(shipped) > 20
    for path in shipped:
        content = path.read_text("utf-8")
        for private in ("premier contrat fin mai", "soigneur animalier", "Assistant du Service Social",
                        "Éducatrice Spécialisée", "second contrat de 3 ans"):
            assert private not in content, (path.name, private)


def test_cget_is_spelled_out_at_its_first_use_on_the_2019_page(embedded):
    """Issue 16: the 2019 page first writes « crédits de l'État (CGET) » (its synthesis, « dont 1 712 989 € de
    crédits de l'État (CGET) »), which the rule took as already spelled out; the conclusion quoted later
    (« … des contributions du CGET dans la programmation 2019. ») keeps the source's words."""
    text = re.sub(r"\s+", " ", _page_text(
        (embedded / "reports" / "cabbalr" / "2019" / "rapport.html").read_text("utf-8"))[0]).replace("\xa0", " ")
    meaning = "Commissariat général à l'égalité des territoires"
    first = text.index("CGET")
    assert text[first - 22:].startswith("de crédits de l'État (CGET, Commissariat général à l'égalité des "
                                        "territoires, devenu l'ANCT en 2020) pour 129 projets")
    assert text.count(meaning) == 2  # its first use and the glossary « Sigles »
    assert "arrivent en tête des contributions du CGET dans la programmation 2019. »" in text


# A path of the machine that built a report: a cell that is or holds an absolute path (« /tmp/… », « C:\… »).
_MACHINE_PATH = re.compile(r"/(?:tmp|work|home|root|Users)\b|(?:^|[\s(«\"'=:])/[\w.-]+/|^[A-Za-z]:[\\/]|~/")


def test_no_shipped_csv_holds_a_machine_path(embedded):
    """Issue 16: the answer statements (``reponses_*_enonces.csv``) carried the absolute path of the raw file each
    row was read from (``fichier``, e.g. /work/…/data/raw/call/qualitatif.eval2022.csv). No cell of a CSV shipped
    beside a report (donnees/) or written to processed/ may name a file of the building machine."""
    import csv

    shipped = sorted([*embedded.glob("reports/*/*/donnees/*.csv"), *embedded.glob("processed/**/*.csv")])
    statements = [p for p in shipped if re.fullmatch(r"reponses_\w+_enonces\.csv", p.name)]
    # CALL 2022 has four sections with answers (gouvernance, participation, programmation, santé), each shipped
    # twice (donnees/ and processed/); CABBALR has its own.
    assert len(statements) >= 8 and len(shipped) > 40
    assert _MACHINE_PATH.search("/work/wt/x/data/raw/call/qualitatif.eval2022.csv")  # the leak it guards against
    assert not _MACHINE_PATH.search("50% oui plutôt ; 50% pas du tout, 1/21, soutiens/relais, consultation / concertation")
    for path in shipped:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        for line, row in enumerate(rows, start=1):
            for column, cell in zip(rows[0], row):
                assert not _MACHINE_PATH.search(cell), (str(path.relative_to(embedded)), line, column, cell)


def test_call_page_carries_the_meaning_of_its_figures(embedded):
    text = re.sub(r"\s+", " ", _page_text(
        (embedded / "reports" / "call" / "2022" / "rapport.html").read_text("utf-8"))[0]).replace("\u202f", " ")
    text = text.replace("\xa0", " ")
    assert "près de 5 760 000 €" in text and "programmation du Contrat de Ville 5 760 000" not in text
    assert re.search(r"jusqu'à 53 % dans les QPV( \([^)]*\))? contre environ 26 %", text) and "+27 points" not in text
    # No count derived from an assumed n (« 8 communes sur 19 »); « 19 communes sur 19 ont répondu » is printed.
    assert not re.search(r"\b(?!19 )\d+ communes sur 19\b", text)
    assert not re.search(r"\b(?!21 )\d+ associations sur 21\b", text)
    assert "57 %" in text and "57,1" not in text and "81,0 %" not in text
