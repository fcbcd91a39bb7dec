"""Portraits of contracts known only from open data (INSEE QPV indicators, ANCT subsidies)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import matplotlib.text
import pytest
import yaml

import cdv_analysis as cdv
from cdv_analysis.presentation.charts.donnees_ouvertes import MAX_ALT, MAX_HEIGHT, qpv_distributions, qpv_ranking_bars
from cdv_analysis.importers import import_anct_subsidies, import_insee_qpv
from cdv_analysis.analysis.indicators.contexte import (insee_values, insee_vintages, qpv_ranking, qpv_spread, qpv_table,
                                             theme_summary)
from cdv_analysis.presentation.portrait import is_open_data_only, portrait_title, proper_case, with_preposition
from cdv_analysis.publish.build import build_all
from test_browser import AXE, NARROW, WCAG_AA, _open, browser  # noqa: F401 (browser: the fixture)
from test_importers import ANCT, INSEE_COLUMNS, _write_csv, anct_file, insee_file

HEALTH = ("6", "PRJ-6", "Ateliers <santé> mentale", "Maison de santé de Lens", "Association", "C0011",
          "Contrat de ville de Lens-Liévin", "Santé", "Accès aux soins", "4 000,00", "Hauts-de-France")

REGION_COMMUNES = ("SAINT-DENIS", "LE HAVRE", "VILLENEUVE-D'ASCQ", "MONTPELLIER", "AVIGNON", "LES MUREAUX")
# A mixed file as INSEE publishes them: some columns carry their own vintage.
# Reference perimeters the file may carry: national, and one of the communes (another one's is left out).
REFERENCE_ROWS = [("FRANCE", "France métropolitaine", "", 14.5), ("34172", "Montpellier", "MONTPELLIER", 19),
                  ("31555", "Toulouse", "TOULOUSE", 17)]
MIXED = {"pop_mun": "pop_mun_2018", "tp60": "tp60_2019", "tx_tot_empl": "tx_tot_empl_2019"}


def insee_region_file(folder: Path, count: int = 105, name: str = "qpv_region_2020") -> Path:
    """``count`` QPV (2015 geography) over capitalised communes; population, poverty and employment of other years."""
    folder.mkdir(parents=True, exist_ok=True)
    header = [MIXED.get(c, c) for c in INSEE_COLUMNS]
    rows = []
    for i in range(count):
        commune = REGION_COMMUNES[i % len(REGION_COMMUNES)]
        values = {"code_qp": f"QP034{i:03d}", "nom_qp": f"Quartier <b>{i:03d}</b>", "nom_commune": commune,
                  "pop_mun": 1000 + 37 * i, "tp60": 20 + (7 * i) % 45 + 0.5, "tx_tot_empl": 30 + (11 * i) % 35,
                  "ind_jeune": round(0.8 + (i % 9) / 10, 2), "tx_tot_eprec": 15 + i % 20, "decuc_q2": 9000 + 50 * i}
        rows.append([values.get(c, (i % 13) + 1) for c in INSEE_COLUMNS])
    for code, label, commune, poverty in REFERENCE_ROWS:
        values = {"code_qp": code, "nom_qp": label, "nom_commune": commune, "tp60": poverty}
        rows.append([values.get(c, "") for c in INSEE_COLUMNS])
    return _write_csv(folder / f"{name}.csv", header, rows)


# ---------------------------------------------------------------------------
# French names


@pytest.mark.parametrize("printed, expected", [
    ("SAINT-DENIS", "Saint-Denis"), ("LE HAVRE", "Le Havre"), ("VILLENEUVE-D'ASCQ", "Villeneuve-d'Ascq"),
    ("L'ISLE-D'ABEAU", "L'Isle-d'Abeau"), ("VILLENEUVE-LÈS-AVIGNON", "Villeneuve-lès-Avignon"),
    ("LA ROCHE-SUR-YON", "La Roche-sur-Yon"), ("ÉPINAY-SUR-SEINE", "Épinay-sur-Seine"), ("Liévin", "Liévin"),
])
def test_proper_case_of_commune_names(printed, expected):
    assert proper_case(printed) == expected


@pytest.mark.parametrize("name, de, pour", [
    ("Montpellier", "de Montpellier", "pour Montpellier"),
    ("Arras", "d'Arras", "pour Arras"),
    ("Le Havre", "du Havre", "pour Le Havre"),
    ("Les Mureaux", "des Mureaux", "pour Les Mureaux"),
    ("Contrat de ville de Lens-Liévin", "du contrat de ville de Lens-Liévin", "pour le contrat de ville de Lens-Liévin"),
    ("Communauté d'agglomération de Lens-Liévin", "de la communauté d'agglomération de Lens-Liévin",
     "pour la communauté d'agglomération de Lens-Liévin"),
    ("Agglomération du Grand Narbonne", "de l'Agglomération du Grand Narbonne",
     "pour l'Agglomération du Grand Narbonne"),
])
def test_names_take_their_article(name, de, pour):
    assert with_preposition(name) == de and with_preposition(name, "pour") == pour


def test_portrait_titles():
    assert portrait_title("Montpellier") == "Portrait du contrat de ville de Montpellier"
    assert portrait_title("Contrat de ville de Nîmes") == "Portrait du contrat de ville de Nîmes"


def test_key_figures_sentence_uses_the_article():
    import pandas as pd

    figures = pd.DataFrame({"cle": ["programmation"], "indicateur": ["Programmation du contrat de ville"],
                            "valeur": [1000.0], "valeur_affichee": ["1 000 €"]})
    from cdv_analysis.presentation.narrative import key_figures_paragraph

    text = key_figures_paragraph(figures, "Contrat de ville de Nîmes", 2022)
    assert text.startswith("En 2022, pour le contrat de ville de Nîmes, ")


# ---------------------------------------------------------------------------
# Import: readable names, honest vintages


@pytest.fixture()
def region(tmp_path) -> Path:
    data = tmp_path / "donnees"
    data.mkdir()
    import_insee_qpv(insee_region_file(tmp_path / "in"), data, territory="region",
                     communes=list(REGION_COMMUNES), vintage=2020)
    return data


def test_insee_import_names_the_territory_and_keeps_each_year(region):
    meta = yaml.safe_load((region / "region" / "territoire.yml").read_text("utf-8"))
    assert meta["nom"] == "Saint-Denis, Le Havre, Villeneuve-d'Ascq et 3 autres communes"
    assert meta["communes"] == list(REGION_COMMUNES)  # the list itself is kept as printed
    territory = cdv.load_territory("region", region)
    values = insee_values(territory)
    years = values.groupby("code")["annee"].first()
    assert (years["pop_mun"], years["tp60"], years["decuc_q2"]) == (2018, 2019, 2020)
    vintages = insee_vintages(values)
    assert vintages["mixed"] and vintages["years"] == [2018, 2019, 2020] and vintages["geographies"] == ["2015"]
    source = territory.sources["insee-qpv-2018-2020"]
    assert source["annees"] == [2018, 2019, 2020] and "géographie QPV 2015" in source["titre"]
    assert is_open_data_only(region / "region")
    references = values[values["niveau"] == "référence"]
    assert references.set_index("qpv")["valeur"].to_dict() == {"France métropolitaine": 14.5, "Montpellier (34172)": 19}
    summary = theme_summary(values, "revenus").table.set_index("indicateur")
    poverty = summary.loc["taux de pauvreté au seuil de 60 %"]
    assert poverty["qpv"] == 105 and poverty["references"] == {"France métropolitaine": 14.5, "Montpellier (34172)": 19}


def test_year_column_gives_each_row_its_vintage(tmp_path):
    data = tmp_path / "donnees"
    data.mkdir()
    path = insee_file(tmp_path / "in", name="indicateurs")  # no year in the name, no --millesime
    lines = path.read_text("utf-8").splitlines()
    years = ["ANNEE", "2017", "2019", "2019"]
    path.write_text("\n".join(f"{line},{year}" for line, year in zip(lines, years)) + "\n", "utf-8")
    import_insee_qpv(path, data, territory="lens", communes=["Lens"])
    values = insee_values(cdv.load_territory("lens", data))
    assert values.groupby("code_qp")["annee"].first().to_dict() == {"QP062001": 2017, "QP062002": 2019}


# ---------------------------------------------------------------------------
# Many QPV: bounded charts, full table


def test_many_qpv_charts_fit_a_page_and_alt_text_is_bounded(region):
    table = qpv_table(insee_values(cdv.load_territory("region", region)))
    assert len(table) == 105 and table.table.columns[2] == "pop_mun"  # population first
    assert table.table["pop_mun"].iloc[0] == 1000 + 37 * 104  # largest first
    ranked, spread_table = qpv_ranking(table), qpv_spread(table)
    assert list(ranked.table.columns) == ["code_qp", "nom", "tp60"] and len(ranked) == 105  # every QPV, highest first
    labels = {column: info.label for column, info in ranked.column_info.items()}
    assert ranked.table["tp60"].is_monotonic_decreasing and labels == {"tp60": "taux de pauvreté au seuil de 60 %"}
    assert list(spread_table.table.columns[2:]) == ["ind_jeune", "brev", "pmimp", "part_chomprinc", "decuc_q2", "tp60",
                                              "tx_tot_empl", "tx_tot_eprec"]  # the vocabulary's order
    ranking = qpv_ranking_bars(ranked, source="test")
    spread = qpv_distributions(spread_table, source="test")
    for chart in (ranking, spread):
        assert chart.figure.get_figheight() <= MAX_HEIGHT
        assert len(chart.alt) <= MAX_ALT
    assert "les 10 plus élevés et les 10 plus bas des 105 quartiers" in ranking.title
    assert ranking.alt.count(" ; ") == 19  # the 20 bars, each named
    # Read at 400 px (the figure's 4,4 in shown 382 px wide): each name on one line above its bar, no two names
    # or a name and a bar overlapping (wrapped beside the bars, three-line names overlapped), text ≥ 11 px.
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = ranking.figure
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer, (ax,) = canvas.get_renderer(), figure.axes
    names = [t for t in ax.texts if t.get_text().startswith("Quartier")]
    assert [t.get_text() for t in names[:2]] == ["Quartier <b>077</b> (Les Mureaux)",
                                                 "Quartier <b>032</b> (Villeneuve-d'Ascq)"]  # as ranked, highest first
    assert len(names) == 20 and all("\n" not in t.get_text() for t in names)
    boxes = [t.get_window_extent(renderer) for t in names] + [b.get_window_extent(renderer) for b in ax.patches]
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]
    shown = 382 / (figure.get_figwidth() * 72)  # CSS px per point of the figure
    assert min(t.get_fontsize() for t in figure.findobj(matplotlib.text.Text) if t.get_text()) * shown >= 11 * 72 / 96
    # French tick labels on every axis, decimals as fine as the ticks (17,5 % is never « 18 % »).
    FigureCanvasAgg(spread.figure).draw()
    ticks = [[t.get_text() for t in a.get_xticklabels()] for a in spread.figure.axes]
    assert {"0,8", "0,9", "1,0"} <= set(ticks[0]) and {"9\u202f000", "10\u202f000"} <= set(ticks[4])
    assert {"15,0\u00a0%", "17,5\u00a0%", "20,0\u00a0%"} <= set(ticks[7]) and "18\u00a0%" not in ticks[7]
    assert not [t for labels in ticks for t in labels if "." in t]


# ---------------------------------------------------------------------------
# The portrait page


LENS = "contrat-de-ville-de-lens-lievin"


def _page(out: Path, tid: str, year: int) -> str:
    return (out / tid / str(year) / "rapport.html").read_text("utf-8").replace("\u202f", " ").replace("\u00a0", " ")


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _headings(page: str) -> list[str]:
    """The section headings of a page (the table of contents left out)."""
    headings = [_text(h).rstrip("¶").strip() for h in re.findall(r"<h[2-4][^>]*>(.*?)</h[2-4]>", page, re.S)]
    return headings[headings.index("Portrait du contrat de ville"):]


@pytest.fixture(scope="module")
def portraits(tmp_path_factory, in_process) -> Path:
    """Two portraits: Lens-Liévin (3 QPV, ANCT subsidies with a health one) and a region of 105 QPV, INSEE only."""
    tmp = tmp_path_factory.mktemp("portraits")
    data = tmp / "donnees"
    data.mkdir()
    import_insee_qpv(insee_region_file(tmp / "in"), data, territory="region", communes=list(REGION_COMMUNES),
                     vintage=2020)
    import_anct_subsidies(anct_file(tmp / "in", rows=[*ANCT, HEALTH], name="subventions-2021"), data)
    import_insee_qpv(insee_file(tmp / "in"), data, territory=LENS, communes=["Lens", "Liévin"], vintage=2020)
    out = tmp / "reports"
    with in_process():
        summary = build_all(data, out, tmp / "processed", territories=[LENS, "region"], jobs=1, progress=False)
    assert summary.ok, summary.text()
    return out


def test_portrait_of_an_open_data_territory(portraits):
    out = portraits
    page = _page(out, LENS, 2021)
    assert "<title>Portrait du contrat de ville de Lens-Liévin" in page
    assert "Portrait du contrat de ville — données ouvertes, édition 2021" in page
    assert "pour la Contrat" not in page and "Rapport d'évaluation" not in page
    labels = cdv.vocabulary("indicateurs_insee").labels
    text = _text(page)
    missing = [label for code, label in labels.items() if code != "tx_f_et" and label[1:] not in text]
    assert missing == []  # tx_f_et is secret in every QPV of the fixture
    assert "Association Réussir" in page and "4 actions" in page
    assert all(f"montants engagés par {what} :" in page for what in ("thème", "pilier", "type de porteur"))
    # The health subsidies, under their own heading: one action, its amount, its share of the year's total.
    health = text[text.index("Santé¶"):]
    assert "1 action" in health and "4 000 €" in health and "19,5 %" in health
    assert "Ateliers &lt;santé&gt; mentale" in page  # escaped
    saved = (out / LENS / "2021" / "donnees" / "anct_sante.csv").read_text("utf-8")
    assert "Ateliers <santé> mentale" in saved and "4000.0" in saved
    # The charts' source line names the imported file, not just the territory.
    assert "Source : ANCT" in text and "Source : INSEE" in text

    region_page = _page(out, "region", 2020)
    assert "Portrait du contrat de ville de Saint-Denis" in region_page
    assert "millésimes différents (2018, 2019 et 2020)" in region_page and "Précaution" in region_page
    assert 'class="table-wrap"' in region_page
    assert re.search(r"médiane 41,5 % \(105 quartiers\) ; référence : [^.]*France métropolitaine 14,5 %", region_page)
    assert "Montpellier (34172) 19 %" in region_page
    table = region_page[region_page.index('cdv-table-qpv'):]
    assert table.index("Population municipale (2018") < table.index("Taux de pauvreté")
    assert "Quartier &lt;b&gt;104&lt;/b&gt;" in region_page and "<b>104" not in region_page  # escaped
    alts = re.findall(r'alt="([^"]*)"', region_page)
    assert alts and max(len(html.unescape(a)) for a in alts) <= MAX_ALT  # as a screen reader reads it


def test_portrait_headings_come_from_the_notebooks(portraits):
    themes = [theme[:1].upper() + theme[1:] for theme in
              dict.fromkeys(entry["theme"] for entry in yaml.safe_load(
                  (Path(cdv.__file__).parent / "vocabulaires" / "indicateurs_insee.yml").read_text("utf-8")).values())]
    lens = _headings(_page(portraits, LENS, 2021))
    assert lens[:3] == ["Portrait du contrat de ville", "Contexte des quartiers",
                        "Profils des quartiers prioritaires (INSEE)"]
    assert [h for h in lens if h in themes] == themes  # every theme of the fixture has a value
    assert {"Subventions de l'ANCT", "Piliers et types de porteur", "Premiers porteurs", "Santé"} <= set(lens)
    region = _headings(_page(portraits, "region", 2020))
    assert "Subventions de l'ANCT" not in region and "Santé" not in region  # no ANCT file: no empty section
    assert "Profils des quartiers prioritaires (INSEE)" in region


@pytest.mark.parametrize("tid, year, charts", [(LENS, 2021, {"profils_qpv", "anct_par_thematique", "anct_par_pilier"}),
                                                ("region", 2020, {"repartition_qpv", "classement_qpv"})])
def test_open_data_portrait_has_one_notice_and_ships_every_linked_csv(portraits, tid, year, charts):
    page = _page(portraits, tid, year)
    assert _text(page).count("Aucune donnée") <= 1
    links = re.findall(r'href="(donnees/[^"]+\.csv)"', page)
    shipped = portraits / tid / str(year)
    assert len(links) == len(set(links)) and {"donnees/indicateurs_qpv.csv", "donnees/insee_revenus.csv"} <= set(links)
    assert {f"donnees/{name}.csv" for name in charts} <= set(links)
    assert [link for link in links if not (shipped / link).is_file()] == []
    # Each chart is followed by its link, before the next chart.
    assert all('class="cdv-donnees"' in part for part in page.split('<figure class="cdv-chart"')[1:])


def test_wide_qpv_table_scrolls_inside_its_box(portraits):
    """The sanitiser drops inline styles: the wide per-QPV table must rely on a stylesheet class to scroll."""
    page = _page(portraits, LENS, 2021)
    box = re.search(r'<(?:div|section) [^>]*class="([^"]*)"[^>]*>\s*<table class="cdv-table cdv-table-qpv"', page)
    assert box and "table-wrap" in box.group(1).split()
    assert re.search(r"\.table-wrap\s*\{[^}]*overflow-x:\s*auto", page)
    assert ' style="' not in page.split("<body", 1)[1]
    # Only the column that orders the rows says so; no « ↕ » pretends the others sort (the page has no script).
    start = page.index('<table class="cdv-table cdv-table-qpv">')
    head = page[start:page.index("</thead>", start)]
    assert "↕" not in head and head.count('aria-sort="descending"') == head.count("▼") == 1
    assert re.search(r'<th [^>]*aria-sort="descending"[^>]*>Population municipale \(2020, habitants\) <span', head)


def test_portraits_read_on_a_400_px_screen(browser, portraits):  # noqa: F811 (the fixture of test_browser)
    """The two portraits opened at 400 px: nothing wider than the screen, chart text >= 11 px (its smallest
    font size in the SVG, scaled to the width shown), no WCAG 2.1 A/AA violation (axe-core, when installed)."""
    import base64

    for tid, year in ((LENS, 2021), ("region", 2020)):
        tab = _open(browser, portraits / tid / str(year) / "rapport.html", NARROW)
        assert tab.evaluate("document.documentElement.scrollWidth") <= NARROW
        charts = tab.evaluate("[...document.querySelectorAll('figure.cdv-chart img')].map(i => "
                              "[i.src.split(',')[1], i.getBoundingClientRect().width])")
        sizes = []
        for data, shown in charts:
            svg = base64.b64decode(data).decode("utf-8")
            box_width = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+)', svg).group(1))
            sizes.append(min(float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg)) * shown / box_width)
        assert len(sizes) >= (4 if tid == LENS else 2) and min(sizes) >= 11, (tid, sizes)
        if AXE.is_file():
            tab.add_script_tag(content=AXE.read_text("utf-8"))
            assert tab.evaluate("async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
                                ".violations.map(v => `${v.id} (${v.nodes.length})`)", WCAG_AA) == [], tid
        tab.close()
