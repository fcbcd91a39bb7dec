"""House-style charts: drawn from the embedded data, with French titles, labels, alt texts and sources."""

from __future__ import annotations

import dataclasses

import matplotlib

matplotlib.use("Agg")

import warnings  # noqa: E402
from io import BytesIO  # noqa: E402

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from PIL import Image  # noqa: E402

from cdv_analysis.analysis.indicators._common import Indicator  # noqa: E402
from cdv_analysis.presentation import charts  # noqa: E402
from cdv_analysis.analysis import indicators as ind  # noqa: E402
from cdv_analysis.rules.harmonise import pillar_order  # noqa: E402
from cdv_analysis.presentation.charts._base import SOURCE_LIMIT  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def plain(text: str) -> str:
    """babel's no-break spaces as ordinary ones, so that expectations read as printed."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def texts(ax) -> list[str]:
    return [plain(t.get_text()) for t in ax.texts]


@pytest.fixture()
def draw():
    """Call a chart function; every chart drawn in the test is closed afterwards."""
    drawn = []

    def make(function, frame, source="Rapport de test", **kwargs):
        chart = function(frame, source, **kwargs)
        drawn.append(chart)
        return chart

    yield make
    for chart in drawn:
        chart.close()


@pytest.fixture()
def pillars_2021(cabbalr):
    return ind.pillar_amounts(cabbalr, 2021)


def test_pillar_bars(draw, pillars_2021):
    chart = draw(charts.pillar_bars, pillars_2021,
                 "Rapport annuel 2021, Programmation 2021 – Répartition financière par pilier")
    ax = chart.figure.axes[0]
    assert plain(chart.title) == "Le pilier cohésion sociale concentre 68,3 % de la programmation 2021"
    assert "4 734 927 € (68,3 %)" in texts(ax)
    assert "64 300 € (0,9 %)" in texts(ax)
    codes = sorted(pillars_2021.table["pilier"], key=pillar_order)
    assert [to_hex(bar.get_facecolor()).upper() for bar in ax.patches] == [charts.PILLAR_COLORS[c] for c in codes]
    assert [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()][0] == "Cohésion sociale"
    assert any(plain(t.get_text()) == "4 M€" for t in ax.get_xticklabels())  # issue 18: « 1,6 M€ » style
    assert all(number in plain(chart.alt) for number in ("4 734 927 €", "68,3 %", "6 931 463 €"))
    assert chart.source == "Source : Rapport annuel 2021, Programmation 2021 – Répartition financière par pilier"


def test_pillar_bars_with_shares_only(draw, pillars_2021):
    shares = Indicator(pillars_2021.table.assign(montant=float("nan")), pillars_2021.values)
    chart = draw(charts.pillar_bars, shares)
    assert "68,3 %" in texts(chart.figure.axes[0])
    assert not any("€" in label for label in texts(chart.figure.axes[0]))
    assert "montants non publiés" in chart.figure.axes[0].get_xlabel()


def test_credit_types_bars(draw, cabbalr):
    chart = draw(charts.credit_types_bars, ind.credit_types(cabbalr, 2021))
    ax = chart.figure.axes[0]
    assert plain(chart.title) == "Les crédits spécifiques représentent 59,6 % des crédits programmés en 2021"
    assert "4 734 927 €" in texts(ax)  # the total at the end of the stack
    assert "2,7 M€" in texts(ax)  # a segment wide enough for its amount
    colours = {to_hex(bar.get_facecolor()).upper() for bar in ax.patches}
    assert colours == set(charts.CREDIT_COLORS.values())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Crédits spécifiques", "Droit commun"]
    assert "2 704 035 €" in plain(chart.alt)


def test_financer_mix_bars_amounts_and_printed_shares(draw, cabbalr):
    amounts = draw(charts.financer_mix_bars, ind.financer_mix(cabbalr, 2022))
    assert plain(amounts.title) == "Premier financeur en 2022 : ANCT « BOP 147 » (74,1 %)"
    assert "1 714 733 € (74,1 %)" in texts(amounts.figure.axes[0])
    labels = [t.get_text() for t in amounts.figure.axes[0].get_yticklabels()]
    assert labels[0] == "ANCT «\u00a0BOP 147\u00a0»"  # printed label, largest first, never cut inside « »

    shares = draw(charts.financer_mix_bars, ind.financer_mix(cabbalr, 2019))
    assert "35,3 %" in texts(shares.figure.axes[0])
    assert "Part publiée" in shares.figure.axes[0].get_xlabel()
    # The printed shares add up to more than 100 %: the alt text says so.
    assert "totalisent 109,2 %" in plain(shares.alt)


def test_evolution_line(draw, cabbalr):
    chart = draw(charts.evolution_line, ind.growth(ind.programmation_series(cabbalr)))
    ax = chart.figure.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2019", "2021", "2022"]
    assert {"5 530 289 €", "6 931 463 €", "5 955 889 €"} <= set(texts(ax))
    assert plain(chart.title) == "La programmation passe de 5 530 289 € en 2019 à 5 955 889 € en 2022 (+7,7 %)"
    assert "+2,5 %" in plain(chart.alt)  # annual growth rate


def test_share_titles_name_their_base_when_it_is_not_the_programmation(draw, cabbalr):
    # Issue 16, CABBALR 2019: the pillar tables share out 717 269 + 1 595 490 (Cohésion sociale) + 454 883 + 406 645
    # (Emploi) + 13 005 + 90 133 (Cadre de vie) = 3 277 425 €, of which Cohésion sociale 2 312 759 € = 70,6 %; the
    # specific credits 1 595 490 + 406 645 = 2 002 135 € of the two tables giving both kinds (3 174 287 €) = 63,1 %.
    # Neither is a share of the 5 530 289 € programmation.
    pillars = draw(charts.pillar_bars, ind.pillar_amounts(cabbalr, 2019))
    assert plain(pillars.title) == "Le pilier cohésion sociale concentre 70,6 % des 3 277 425 € répartis par pilier en 2019"
    credits = draw(charts.credit_types_bars, ind.credit_types(cabbalr, 2019))
    assert plain(credits.title) == ("Les crédits spécifiques représentent 63,1 % des 3 174 287 € ventilés par type de "
                                    "crédit en 2019")
    assert "programmation" not in plain(pillars.title) + plain(credits.title)


def test_evolution_title_names_its_perimeter_and_keeps_qualifiers(draw, call):
    # Issue 16, CALL: « Total des financements Politique de la Ville … près 3 900 000 euros » (2016) … « près
    # 5 760 000 euros » (2022), all schemes: not « La programmation passe de 3 900 000 € … (+47,7 %) »;
    # (5 760 000 − 3 900 000) / 3 900 000 = 47,7 %, of approximate amounts: « environ +48 % ».
    chart = draw(charts.evolution_line, ind.growth(ind.programmation_series(call)))
    assert plain(chart.title) == ("Total des financements politique de la ville (tous dispositifs) : de près de "
                                  "3 900 000 € en 2016 à près de 5 760 000 € en 2022 (environ +48 %)")
    assert "47,7" not in plain(chart.title) + plain(chart.alt) and "programm" not in plain(chart.alt)
    assert "près de 4 586 000 €" in plain(chart.alt)


def test_point_labels_keep_the_printed_qualifier(draw, call):
    chart = draw(charts.evolution_line, ind.growth(ind.programmation_series(call)))
    assert "près de 5 760 000 €" in [text.replace("\n", " ") for text in texts(chart.figure.axes[0])]
    survey = draw(charts.survey_items_bars, ind.survey_items(call, "associations"))
    assert "plus de 60 % (n ≤ 21)" in [t for part in (survey, *survey.continued) for t in texts(part.figure.axes[0])]


def _printed_n(territory):
    """The territory as if each question's n were printed (``n_origine`` = ``publie``)."""
    items = territory.table("enquetes").assign(n_origine="publie")
    return dataclasses.replace(territory, tables={**territory.tables, "enquetes": items})


def test_survey_items_bars(draw, call):
    items = ind.survey_items(_printed_n(call), "communes")
    chart = draw(charts.survey_items_bars, items)
    # Issue 18: a long questionnaire is split into charts of at most MAX_CATEGORIES answers, whole questions together.
    parts = [chart, *chart.continued]
    axes = [part.figure.axes[0] for part in parts]
    assert len(parts) > 1 and all(len(ax.get_yticklabels()) <= charts.MAX_CATEGORIES for ax in axes)
    assert [part.title.endswith(f"{n}/{len(parts)})") for n, part in enumerate(parts, 1)] == [True] * len(parts)
    bars = [bar for ax in axes for c in ax.containers if isinstance(c, BarContainer) for bar in c]
    assert any(c.errorbar is not None for ax in axes for c in ax.containers if isinstance(c, BarContainer))
    every_text = [text for ax in axes for text in texts(ax)]
    assert "42,1 % (8/19)" in every_text
    assert "50 % (n = 19)" in every_text
    impossible = items["possible"].eq(False).to_numpy()
    assert [bool(bar.get_hatch()) for bar in bars] == list(impossible)
    legend = [t.get_text() for ax in axes for t in ax.get_legend().get_texts()]
    assert "pourcentage impossible avec n répondants" in legend
    assert "19 répondants" in plain(chart.title)
    assert all("\n" in t.get_text() for ax in axes for t in ax.get_yticklabels() if len(t.get_text()) > 22)
    assert "23,1 % à 63,7 %" in plain(chart.alt)


def test_survey_items_bars_without_intervals_or_counts(draw, call):
    items = ind.survey_items(_printed_n(call), "communes").drop(columns=["ic_bas", "ic_haut", "possible"])
    chart = draw(charts.survey_items_bars, items.assign(effectif=pd.NA))
    ax = chart.figure.axes[0]
    assert all(c.errorbar is None for c in ax.containers if isinstance(c, BarContainer))
    assert "42,1 % (n = 19)" in texts(ax)
    assert "impossible" not in plain(chart.alt)


def test_cooperation_heatmap(draw, call):
    levels = ind.cooperation_levels(call)
    chart = draw(charts.cooperation_heatmap, levels)
    ax = chart.figure.axes[0]
    assert "52,4 %" in texts(ax)
    assert len(ax.texts) == levels.table.size
    assert plain(chart.title) == "Région : 52,4 % des répondants situent la coopération au niveau « relation »"
    # Issue 18 (narrow column): level numbers under the cells, their names in the axis title.
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "1"
    assert "1 relation, 2 connexion" in ax.get_xlabel().replace("\n", " ")
    # The printed percentages cannot come from the 19 respondents the report states.
    assert "ne peuvent pas venir de 19 répondants" in plain(chart.alt)


def test_health_series(draw, call):
    chart = draw(charts.health_series, ind.health_actions(call))
    money, counts = chart.figure.axes[:2]
    assert "207 654 €" in texts(money)
    assert {"3", "22"} <= set(texts(counts))
    assert plain(chart.title) == "Santé : de 3 actions en 2015 à 22 actions en 2022 (207 654 € en 2022)"


def test_statements_by_theme(draw, cabbalr):
    statements = ind.statements(cabbalr)
    chart = draw(charts.statements_by_theme, statements, top=10)
    ax = chart.figure.axes[0]
    themes = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert len(themes) == 10
    # « COHESION SOCIALE » and « Cohésion sociale » are one theme.
    assert sum(name.lower().replace("é", "e") == "cohesion sociale" for name in themes) == 1
    totals = [int(label) for label in texts(ax) if label]
    assert totals == sorted(totals, reverse=True) and totals[0] == 48
    # 284 rows, 7 of them headings of the source (nature « intitule », issue 16): 277 statements.
    assert "48 énoncés sur 277" in plain(chart.title)


def test_qpv_gaps_bars_keeps_percent_indicators(draw, cabbalr):
    gaps = ind.qpv_gaps(cabbalr)
    chart = draw(charts.qpv_gaps_bars, gaps)
    ax = chart.figure.axes[0]
    labels = " ".join(t.get_text().replace("\n", " ") for t in ax.get_yticklabels())
    assert "Taux de pauvreté" in labels and "indice de jeunesse" not in labels.lower()
    # Issue 18: one screen at most, the largest gaps first (every value is in the table beside it).
    assert len(ax.get_yticklabels()) == min(((gaps["unite"] == "%") & gaps["comparable"]).sum(), charts.MAX_CATEGORIES)
    assert {"43 %", "20 %"} <= set(texts(ax))
    assert plain(chart.title) == "Taux de pauvreté : +23 points dans les QPV (référence : reste de l'EPCI)"


def test_every_chart_has_title_alt_and_source(draw, cabbalr, call):
    drawn = [
        draw(charts.pillar_bars, ind.pillar_amounts(cabbalr, 2021), "Rapport annuel 2021"),
        draw(charts.credit_types_bars, ind.credit_types(cabbalr, 2021), "Rapport annuel 2021"),
        draw(charts.financer_mix_bars, ind.financer_mix(cabbalr, 2022), "Rapport annuel 2022"),
        draw(charts.evolution_line, ind.growth(ind.programmation_series(call)), "Évaluation finale"),
        draw(charts.survey_items_bars, ind.survey_items(call, "associations"), "Évaluation finale"),
        draw(charts.cooperation_heatmap, ind.cooperation_levels(call), "Évaluation finale"),
        draw(charts.health_series, ind.health_actions(call), "Évaluation finale"),
        draw(charts.statements_by_theme, ind.statements(call), "Évaluation finale"),
        draw(charts.qpv_gaps_bars, ind.qpv_gaps(cabbalr), "Rapport annuel 2019"),
    ]
    for chart in drawn:
        figure_texts = [t.get_text() for t in chart.figure.texts]
        assert any(text.startswith("Source : ") for text in figure_texts)
        assert plain(chart.figure.get_suptitle().replace("\n", " ")) == plain(chart.title)
        assert len(chart.alt) > 60 and chart.alt.endswith(".")
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # e.g. a glyph missing from the font
            assert chart.to_png().startswith(PNG_SIGNATURE)


def test_png_carries_title_and_alt(draw, pillars_2021):
    chart = draw(charts.pillar_bars, pillars_2021)
    image = Image.open(BytesIO(chart.to_png(dpi=50)))
    assert image.text["Title"] == chart.title
    assert image.text["Description"] == chart.alt
    assert chart._repr_png_().startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("function, empty", [
    (charts.pillar_bars, lambda cabbalr, call: ind.pillar_amounts(call, 2022)),
    (charts.credit_types_bars, lambda cabbalr, call: ind.credit_types(cabbalr, 2022)),
    (charts.financer_mix_bars, lambda cabbalr, call: ind.financer_mix(cabbalr, 2021)),
    (charts.evolution_line, lambda cabbalr, call: ind.growth(ind.programmation_series(cabbalr).iloc[0:0])),
    (charts.survey_items_bars, lambda cabbalr, call: ind.survey_items(cabbalr)),
    (charts.cooperation_heatmap, lambda cabbalr, call: ind.cooperation_levels(cabbalr)),
    (charts.health_series, lambda cabbalr, call: ind.health_actions(cabbalr)),
    (charts.statements_by_theme, lambda cabbalr, call: ind.statements(call, acteur="personne")),
    (charts.qpv_gaps_bars, lambda cabbalr, call: ind.qpv_gaps(call).query("unite != '%'")),
])
def test_empty_input_raises_in_french(function, empty, cabbalr, call):
    frame = empty(cabbalr, call)
    assert frame.empty or function is charts.qpv_gaps_bars
    with pytest.raises(ValueError, match="aucune donnée à représenter"):
        function(frame, "Rapport de test")


def test_pillar_colours_are_distinct_and_cover_the_vocabulary():
    from cdv_analysis.rules.harmonise import PILLAR_CODES

    assert set(charts.PILLAR_COLORS) == set(PILLAR_CODES)
    palette = [*charts.PILLAR_COLORS.values(), *charts.CREDIT_COLORS.values()]
    assert len(set(palette)) == len(palette)


def test_chart_title_can_be_changed_from_the_notebook(draw, pillars_2021):
    chart = draw(charts.pillar_bars, pillars_2021, "Rapport annuel 2021", title="Titre choisi par l'évaluateur")
    assert chart.title == "Titre choisi par l'évaluateur"


HOSTILE = "$\\alpha$ <b>x</b>"
LONG_NAME = "Association " + "des habitants du quartier " * 19 + "Fin"  # 500 characters or so


def _all_texts(figure) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


def _hostile_charts(draw, cabbalr, call):
    """Every chart (but the open-data ones) drawn with a hostile label and a 500-character name in its data."""
    mix = ind.financer_mix(cabbalr, 2022)
    mix = Indicator(mix.table.assign(libelle_publie=[HOSTILE, LONG_NAME, *mix.table["libelle_publie"][2:]]),
                    mix.values)
    pillars = ind.pillar_amounts(cabbalr, 2021)
    pillars = Indicator(pillars.table.assign(libelle=[HOSTILE, LONG_NAME, *pillars.table["libelle"][2:]]),
                        pillars.values)
    credits = ind.credit_types(cabbalr, 2021)
    credits = Indicator(credits.table.assign(libelle=[HOSTILE, LONG_NAME, *credits.table["libelle"][2:]]),
                        credits.values)
    levels = ind.cooperation_levels(call)
    table = levels.table.copy()
    table.index = [HOSTILE, LONG_NAME, *table.index[2:]]
    table = table.rename(columns={table.columns[-1]: HOSTILE})
    statements = ind.statements(cabbalr)
    statements = statements.assign(theme=[HOSTILE, LONG_NAME, *statements["theme"][2:]],
                                   acteur=[HOSTILE, LONG_NAME, *statements["acteur"][2:]])
    items = ind.survey_items(call, "communes")
    items = items.assign(question=[HOSTILE, LONG_NAME, *items["question"][2:]])
    gaps = ind.qpv_gaps(cabbalr).query("comparable")
    gaps = gaps.assign(indicateur=gaps["indicateur"].where(gaps.index != gaps["ecart"].abs().idxmax(), HOSTILE),
                       perimetre_reference=LONG_NAME)
    series = ind.growth(ind.programmation_series(call))
    comparison = pd.DataFrame({"sigle": [HOSTILE, LONG_NAME], "annee": [2022, 2022],
                               "part_cohesion_sociale": [60.0, 50.0], "part_cadre_de_vie": [20.0, 30.0],
                               "part_emploi_economie": [10.0, 10.0], "part_pilotage": [10.0, 10.0],
                               "programmation_par_habitant_qpv": [100.0, 80.0]})
    return [
        draw(charts.financer_mix_bars, mix, LONG_NAME),
        draw(charts.pillar_bars, pillars, HOSTILE, title=HOSTILE),
        draw(charts.credit_types_bars, credits, HOSTILE),
        draw(charts.cooperation_heatmap, Indicator(table, levels.values), HOSTILE),
        draw(charts.statements_by_theme, statements, HOSTILE),
        draw(charts.survey_items_bars, items, HOSTILE),
        draw(charts.qpv_gaps_bars, gaps, HOSTILE),
        draw(charts.evolution_line, series.assign(montant_publie=HOSTILE), HOSTILE),
        draw(charts.health_series, ind.health_actions(call), HOSTILE, title=LONG_NAME),
        draw(charts.comparison_pillars, comparison, HOSTILE),
        draw(charts.comparison_per_inhabitant, comparison, HOSTILE),
    ]


def test_hostile_labels_are_drawn_literally_and_bounded(draw, cabbalr, call):
    from matplotlib import cbook

    for chart in _hostile_charts(draw, cabbalr, call):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert chart.to_png(dpi=40).startswith(PNG_SIGNATURE)
        drawn = _all_texts(chart.figure)
        # No string reaches matplotlib as mathtext; `$` is escaped, so the label shows « $\alpha$ <b>x</b> ».
        assert not any(cbook.is_math_text(text) for text in drawn), chart.title
        # The source line is wrapped, never cut (issue 18), within its own bound.
        assert all(len(text.replace("\n", "")) <= (SOURCE_LIMIT + 20 if text.startswith("Source") else 300)
                   for text in drawn), chart.title
        flat = " ".join(plain(text).replace("\n", " ") for text in drawn)
        assert "\\$\\alpha\\$ <b>x</b>" in flat, (chart.title, flat[:300])
    # The long name is shortened with an ellipsis, where it is a label (financer, partner, theme).
    mix = _hostile_charts(draw, cabbalr, call)[0]
    names = [plain(t.get_text()).replace("\n", " ") for t in mix.figure.axes[0].get_yticklabels()]
    long = [name for name in names if name.startswith("Association des habitants")]
    assert long and long[0].endswith("…") and len(long[0]) <= 120


def test_labels_keep_their_literal_text_once_drawn(draw, pillars_2021):
    pillars = Indicator(pillars_2021.table.assign(libelle=[HOSTILE, *pillars_2021.table["libelle"][1:]]),
                        pillars_2021.values)
    chart = draw(charts.pillar_bars, pillars)
    label = chart.figure.axes[0].get_yticklabels()[0]
    # What is rendered: matplotlib drops the escaping backslashes of a text that is not mathtext.
    rendered, is_math = label._preprocess_math(label.get_text())
    assert not is_math and rendered.replace("\n", " ") == HOSTILE


def test_text_inside_bars_and_cells_has_a_contrast_of_at_least_4_5(draw, call, cabbalr):
    """Issue 18: heatmap labels and labels inside coloured bars are black or white, whichever reads better."""
    from matplotlib.colors import to_hex

    for colour in (*charts.PILLAR_COLORS.values(), *charts.CREDIT_COLORS.values(), "#cc6677", "#2c3172", "#a8dba8"):
        assert charts.contrast(charts.ink_on(colour), colour) >= 4.5, colour
    heatmap = draw(charts.cooperation_heatmap, ind.cooperation_levels(call))
    ax = heatmap.figure.axes[0]
    cells = ax.collections[0].get_facecolors()
    assert len(ax.texts) == len(cells)
    assert all(charts.contrast(to_hex(text.get_color()), to_hex(cell[:3])) >= 4.5 for text, cell in zip(ax.texts, cells))
    credits = draw(charts.credit_types_bars, ind.credit_types(cabbalr, 2021))
    inside = [t for t in credits.figure.axes[0].texts if t.get_text() and "M€" in t.get_text()]
    assert inside and all(to_hex(t.get_color()) == "#000000" for t in inside)  # on #CC6677 and #88CCEE
