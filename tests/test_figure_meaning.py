"""Review of analysis/presentation (session 3): each figure keeps the perimeter, base, year and qualifier of its
source; a figure the code computes is never credited to the source.

Figures recomputed by hand from data/raw:
- CALL 2022 (eval2022): « Total des financements Politique de la Ville sur la CALL … près 3 900 000 euros » (2016),
  « près 5 760 000 euros » (2022), all schemes; « environ 56 000 habitants » in the QPV. 5 760 000 / 56 000 =
  102,86 € → « environ 103 € ».
- CABBALR 2022: programmation 5 955 889 € (ra2022), « 39 000 habitants » (synthese2022, no qualifier):
  5 955 889 / 39 000 = 152,71 € → « 153 € ». 2021: 6 931 463 €; (5 955 889 − 6 931 463) / 6 931 463 = −14,07 %.
- CABBALR 2019: pillar tables share out 3 277 425 €, beside a 5 530 289 € programmation.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from cdv_analysis.analysis import indicators as ind  # noqa: E402
from cdv_analysis.presentation import charts, narrative  # noqa: E402


def plain(text: str) -> str:
    return str(text).replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture(scope="module")
def comparison(cabbalr, call):
    return ind.comparison_table([cabbalr, call]).set_index(["territoire", "annee"], drop=False)


@pytest.fixture()
def draw():
    import matplotlib.pyplot as plt

    yield lambda function, *args, **kwargs: function(*args, source="Source de test", **kwargs)
    plt.close("all")


# F1 — amount per QPV inhabitant: computed, approximate when its inputs are, named by what the amount covers.

def test_per_inhabitant_keeps_the_qualifier_and_perimeter_of_its_inputs(comparison):
    call_row, cabbalr_row = comparison.loc[("call", 2022)], comparison.loc[("cabbalr", 2022)]
    assert call_row["programmation_par_habitant_qpv"] == pytest.approx(5_760_000 / 56_000)
    assert plain(call_row["programmation_par_habitant_affichee"]) == (
        "environ 103 € (total des financements politique de la ville (tous dispositifs))")
    assert plain(cabbalr_row["programmation_par_habitant_affichee"]) == "153 €"  # both exact: no « environ »


def test_comparison_paragraph_says_environ_for_the_call(comparison):
    text = plain(narrative.comparison_paragraph(comparison.reset_index(drop=True)))
    assert "va d'environ 103 € (CALL, 2022) à 153 € (CABBALR, 2022)." in text
    assert "de 103 €" not in text


def test_per_inhabitant_chart_is_neutral_and_keeps_environ(draw, comparison):
    chart = draw(charts.comparison_per_inhabitant, comparison.reset_index(drop=True))
    ax = chart.figure.axes[0]
    assert [plain(t.get_text()).strip() for t in ax.texts] == ["153 €", "environ 103 €"]
    assert ax.get_xlabel() == "Montant publié par habitant des QPV"
    assert "programmation" not in plain(chart.title) + plain(chart.alt)
    assert "CALL 2022 : environ 103 €" in plain(chart.alt)


# F2 — the comparison's pillar shares are of the amounts shared out by pillar, not always of the programmation.

def test_pillar_comparison_names_the_base_of_its_shares(draw, comparison):
    chart = draw(charts.comparison_pillars, comparison.reset_index(drop=True))
    xlabel = chart.figure.axes[0].get_xlabel().replace("\n", " ")
    assert xlabel == "Part de chaque pilier dans les montants répartis par pilier"
    alt = plain(chart.alt)
    assert "dans la programmation" not in alt
    assert "(parts des 3 277 425 € répartis par pilier, non des 5 530 289 € publiés pour l'année)" in alt
    assert alt.count("parts des ") == 1  # 2021 and 2022 share out the programmation itself


# F11 — no pillar breakdown: the notebook's message, not a crash.

def test_no_pillar_shares_is_told_not_a_crash(comparison, draw):
    call_only = comparison.loc[[("call", 2022)]].reset_index(drop=True)
    assert ind.has_pillar_shares(comparison.reset_index(drop=True))
    assert not ind.has_pillar_shares(call_only)  # its « n.d. » display columns are no share
    # Cohesion sociale missing everywhere, another pillar filled: a chart, no idxmax on an empty column.
    other = comparison.reset_index(drop=True).assign(part_cohesion_sociale=float("nan"))
    chart = draw(charts.comparison_pillars, other)
    assert plain(chart.title) == "Le pilier le mieux doté n'est pas le même d'un rapport à l'autre"


def test_comparison_notebook_asks_the_library_whether_there_are_pillar_shares():
    from pathlib import Path

    import nbformat

    notebook = nbformat.read(Path(__file__).parents[1] / "notebooks" / "comparaison.ipynb", as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "ind.has_pillar_shares(comparison)" in code and 'filter(like="part_")' not in code
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    assert '"programmation_par_habitant_affichee"' in code


def test_pillar_shares_frame_without_columns():
    assert not ind.has_pillar_shares(pd.DataFrame({"sigle": ["X"], "annee": [2022]}))


# F3 — the synthesis' change: formatted amounts, the perimeter, the approximate-amount rule.

def test_evolution_finding_shows_amounts_as_the_page_does(cabbalr):
    found = ind.findings(cabbalr, 2022)
    row = found[found["regle"] == "evolution"].iloc[0]
    # (5 955 889 − 6 931 463) / 6 931 463 = −14,07 %; the amounts as the key figures show them, not « 6 931 463,00 € ».
    assert plain(row["valeur"]) == "−14,1 %"
    assert plain(row["libelle"]) == "6 931 463 € → 5 955 889 €"
    assert plain(row["texte"]) == "Évolution 2021–2022 (programmation du contrat de ville)"
    text = plain(narrative.findings_markdown(found)).replace("\\", "")
    assert "Évolution 2021–2022 (programmation du contrat de ville) : −14,1 % (6 931 463 € → 5 955 889 €)" in text
    assert ",00 €" not in text


def test_evolution_finding_of_approximate_amounts_says_environ(call, monkeypatch):
    from cdv_analysis.analysis.indicators import reponses

    # Without the référentiel's question 1 (which already gives the printed « 47 % »), the rule adds the change:
    # « près 3 900 000 euros » (2016) → « près 5 760 000 euros » (2022): 47,7 %, of approximate amounts.
    monkeypatch.setattr(reponses, "answers", lambda territory, annee: [])
    row = reponses.findings(call, 2022).iloc[0]
    assert row["regle"] == "evolution"
    assert plain(row["valeur"]) == "environ +48 %" and "47,7" not in row["valeur"]
    assert plain(row["texte"]) == "Évolution 2016–2022 (total des financements politique de la ville (tous dispositifs))"
    assert plain(row["libelle"]) == "près de 3 900 000 € → près de 5 760 000 €, montants approchés"


def test_one_home_for_the_approximate_amount_rule():
    from cdv_analysis.analysis.indicators.montants import amount_shown, change_between

    before = {"montant": 3_900_000.0, "qualificatif": "approche", "qualificatif_mot": "près de"}
    now = {"montant": 5_760_000.0, "qualificatif": "exact", "qualificatif_mot": "", "champ": "programmation_contrat"}
    change = change_between(before, now)
    assert change.approximate and plain(change.shown) == "environ +48 %" and plain(change.magnitude) == "environ 48 %"
    exact = change_between({**before, "qualificatif": "exact"}, now)
    assert plain(exact.shown) == "+47,7 %" and not exact.approximate
    assert change_between({"montant": 0.0}, now).pct is None
    assert plain(amount_shown(before)) == "près de 3 900 000 €" and plain(amount_shown(now)) == "5 760 000 €"


# F4 — a figure the code computes is never credited to the source.

def test_computed_key_figures_are_marked_and_never_a_source_finding(cabbalr, call):
    figures = ind.key_figures(cabbalr, 2022).set_index("cle")
    # 132 / 171 = 77,2 %: computed; 77,2 appears in no source.
    assert bool(figures.loc["taux_selection", "calcule"]) and figures.loc["taux_selection", "origine"] == (
        "calcul à partir de la source")
    assert not figures.loc["projets_soutenus", "calcule"] and not figures.loc["programmation", "calcule"]
    assert bool(figures.loc["credits_specifiques", "calcule"])  # a sum of the financers' amounts
    for territory in (cabbalr, call):
        for year in territory.report_years():
            found = ind.findings(territory, year)
            quoted = found[found["regle"] == "chiffre_cle"]
            computed = set(ind.key_figures(territory, year).query("calcule")["indicateur"])
            assert not set(quoted["libelle"]) & computed, (territory.id, year)
            assert (quoted["auteur"] == "source").all() and (quoted["source"] != "").all()
    found = ind.findings(cabbalr, 2022)
    assert "77,2" not in " ".join(found["valeur"])
    last = found.iloc[-1]  # « 39 000 habitants » (synthese2022)
    assert last["regle"] == "chiffre_cle" and plain(last["valeur"]) == "39 000" and last["source"] == "synthese2022"


# F5 — every key figure says where it was read.

def test_key_figures_carry_source_and_section(cabbalr, call):
    figures = ind.key_figures(cabbalr, 2022).set_index("cle")
    for key in ("projets_deposes", "projets_soutenus", "taux_selection"):
        assert figures.loc[key, "source"] == "ra2022", key
        assert figures.loc[key, "section"] == "La programmation du Contrat de Ville Année 2022 (texte)", key
    assert figures.loc["projets_associatifs", "section"] == (
        "Programmation 2022 – Mobilisation des opérateurs associatifs (tableau)")
    assert figures.loc["part_pilier_principal", "section"] == "Programmation 2022 – Répartition financière par pilier (tableau)"
    assert (figures["section"] != "").all() and (figures["source"] != "").all()
    rates = ind.key_figures(call, 2022).set_index("cle")
    # « LES ASSOCIATIONS: 70 questionnaires » … « 30 % »: the printed rate, read in its passage.
    row = rates.loc["taux_reponse_associations"]
    assert row["source"] == "eval2022" and row["section"].endswith("LES ASSOCIATIONS: 70 questionnaires, 10 auditions")
    assert plain(row["valeur_affichee"]) == "30 %" and not row["calcule"]


# F15 — the opening sentence reads the pillar and its base by key, not from the caption.

def test_key_figures_paragraph_reads_the_pillar_by_key(cabbalr):
    figures = ind.key_figures(cabbalr, 2019)
    reworded = figures.assign(indicateur="Pilier le mieux doté")  # a caption reworded: the sentence holds
    text = plain(narrative.key_figures_paragraph(reworded, "la CABBALR", 2019)).replace("\\", "")
    # 2 312 759 / 3 277 425 = 70,6 % of the amounts shared out by pillar, not of the 5 530 289 € programmation.
    assert "le pilier « Cohésion sociale » reçoit 70,6 % des 3 277 425 € répartis par pilier" in text


# F6 — a criterion's money row is named by what it measures (measure_label) and a share keeps its base.

def _money_labels(territory, year) -> dict[str, str]:
    rows = pd.concat([a.indicators for a in ind.answers(territory, year)])
    rows = rows[rows["table"] == "financements"]
    return dict(zip(rows["libelle"], rows["valeur"]))


def test_criterion_money_rows_say_what_they_cover_and_their_base(cabbalr, call):
    call_rows = _money_labels(call, 2022)
    # « Total des financements Politique de la Ville sur la CALL … près 5 760 000 euros »: all schemes.
    assert call_rows["total des financements politique de la ville (tous dispositifs)"] == "près 5 760 000 euros"
    assert call_rows[("évolution — total des financements politique de la ville (tous dispositifs) (base : ensemble des "
                      "financements politique de la ville de 2016 (près de 3 900 000 €))")] == "47 %"
    assert not any(label.startswith("financements") for label in call_rows)
    cabbalr_rows = _money_labels(cabbalr, 2022)
    assert cabbalr_rows["montant programmé (tous financeurs)"] == "5 955 889 €"
    # « 39 % des crédits de la programmation 2022 » keeps its base.
    assert cabbalr_rows["montant programmé — crédits spécifiques (base : crédits de la programmation 2022)"] == "39 %"
    # ITI (FEDER) 2019: « crédits sollicités », not financings.
    assert "crédits sollicités — ITI – Investissement Territorial Intégré — FEDER" in _money_labels(cabbalr, 2019)
    finding = ind.findings(call, 2022).iloc[0]  # the référentiel's key figure, found by the new label
    assert finding["valeur"] == "47 %" and finding["libelle"].startswith("évolution — total des financements")


# F7 — the fonds de concours table says which fund each operation comes under.

def test_fonds_de_concours_name_their_scheme(cabbalr):
    funds = ind.fonds_de_concours(cabbalr, 2022).set_index("intitule")
    # « Les fonds de concours Nouveau Programme Renouvellement urbain … » (001_…): Ilot Doyelle, 252 500 €.
    assert funds.loc["Ilot Doyelle", "montant"] == 252_500
    assert funds.loc["Ilot Doyelle", "libelle_dispositif"] == "fonds de concours Nouveau Programme de Renouvellement Urbain"
    others = funds.drop(index="Ilot Doyelle")
    assert set(others["libelle_dispositif"]) == {"fonds de concours Politique de la Ville"} and len(others) == 7
    y2019 = ind.fonds_de_concours(cabbalr, 2019).set_index("commune")
    assert y2019.loc["Lillers", "libelle_dispositif"] == "fonds de concours majoré (opérations situées en QPV)"


def test_fonds_de_concours_table_shows_the_scheme():
    import nbformat
    from pathlib import Path

    notebook = nbformat.read(Path(__file__).parents[1] / "notebooks" / "03_programmation.ipynb", as_version=4)
    cell = next(c.source for c in notebook.cells if '"fonds_de_concours"' in c.source)
    assert '"libelle_dispositif": ("Dispositif", "texte")' in cell


# F8 — the health context keeps the row's precision.

def test_health_context_keeps_the_modalite(call):
    context = ind.health_context(call, 2022)
    cds = context[context["indicateur"] == "Centres de Soins (CdS) gérés par Filieris"]
    # sante.eval2022-sante.csv: the 19 CdS, of which 17 « CdS polyvalents » and 2 « CdS avec spécialistes ».
    assert list(zip(cds["modalite"], cds["valeur"])) == [("", 19), ("CdS polyvalents", 17), ("CdS avec spécialistes", 2)]
    import nbformat
    from pathlib import Path

    notebook = nbformat.read(Path(__file__).parents[1] / "notebooks" / "05_sante.ipynb", as_version=4)
    cell = next(c.source for c in notebook.cells if '"contexte_sanitaire"' in c.source)
    assert '"modalite": ("Précision", "texte")' in cell and "health_context(t, annee)" in cell


# F9 — health and participation figures cite their document and keep to the report's year.

def test_health_figures_cite_their_document(call, tmp_path):
    from cdv_analysis.presentation.notebook import ReportContext

    actions = ind.health_actions(call, 2022)
    assert set(actions["source"]) == {"eval2022"}
    line = ReportContext(call, 2022, tmp_path).sources_of(actions)
    # territoire.yml: titre « Contrat de Ville – Rapport d'évaluation 2022 »; sante.eval2022-sante.csv's section.
    assert line == ("Contrat de Ville – Rapport d'évaluation 2022 (CALL), 04 Focus santé – L'axe santé – La place de "
                    "la santé dans la programmation Politique de la Ville")
    for frame in (ind.actions_by_public(call, 2022), ind.working_groups(call, 2022), ind.health_context(call, 2022),
                  ind.participation_figures(call, 2022)):
        assert not frame.empty and set(frame["source"]) == {"eval2022"} and (frame["section"] != "").all()


def test_health_and_participation_keep_to_the_report_year(cabbalr, call):
    import dataclasses

    # CALL's health and participation rows as if printed by CABBALR's 2021 report (source ra2021).
    moved = dataclasses.replace(cabbalr, tables={**cabbalr.tables,
                                                 "sante": call.table("sante").assign(source="ra2021"),
                                                 "participation": call.table("participation").assign(source="ra2021")})
    for function in (ind.health_actions, ind.actions_by_public, ind.working_groups, ind.health_context,
                     ind.participation_figures):
        assert not function(moved, 2021).empty, function.__name__
        assert function(moved, 2022).empty, function.__name__  # not in the 2022 report
    assert (ind.participation_figures(moved, 2021)["document"] == cabbalr.source_title("ra2021")).all()


# F10 — the supported projects keep « au titre des crédits de l'ANCT ».

def test_supported_projects_keep_their_perimeter(cabbalr):
    # 001_… : « Sur les 171 projets déposés, 132 actions ont été soutenues au titre des crédits de l'… ANCT ».
    selection = ind.project_selection(cabbalr, 2022)
    assert selection["base_soutenus"].iloc[0] == "au titre des crédits de l'ANCT"
    text = plain(narrative.selection_paragraph(selection)).replace("\\", "")
    assert text == "En 2022, sur 171 projets déposés, 132 ont été soutenus (au titre des crédits de l'ANCT), soit 77,2 %."
    figures = ind.key_figures(cabbalr, 2022).set_index("cle")
    assert figures.loc["projets_soutenus", "indicateur"] == "Projets soutenus (au titre des crédits de l'ANCT)"
    opening = plain(narrative.key_figures_paragraph(ind.key_figures(cabbalr, 2022), "la CABBALR", 2022))
    assert "132 projets ont été soutenus (au titre des crédits de l'ANCT) sur 171 déposés" in opening.replace("\\", "")


# F12 — « pourcentages impossibles » belongs to its report's year.

def test_impossible_percentages_finding_has_its_year(call):
    import dataclasses

    from cdv_analysis.analysis.checks import check_granularity

    template = call.table("enquetes").iloc[[0] * 20].reset_index(drop=True)
    # 20 answers of one question on a printed n = 10: 14 possible (10 %, 20 %…), 6 impossible (15 %: 1,5 of 10),
    # fewer than a third, so « pourcentages impossibles » rather than « effectif incohérent ».
    printed = ["10 %"] * 14 + ["15 %"] * 6
    items = template.assign(pourcentage_publie=printed, pourcentage=[float(p[:2]) for p in printed],
                            n_repondants=10, n_origine="publie", annee="2022", modalite=[f"m{i}" for i in range(20)])
    territory = dataclasses.replace(call, tables={**call.tables, "enquetes": items,
                                                  "cooperation": call.table("cooperation").iloc[0:0]})
    (finding,) = [f for f in check_granularity(territory) if f.categorie == "pourcentages impossibles"]
    assert "6 pourcentages sur 20" in finding.message and finding.annee == "2022"


# F13, F14, F16, F17 — one home per rule, no dead code, French that agrees.

def test_own_change_uses_the_one_percentage_change():
    from cdv_analysis.analysis.indicators._common import Indicator, Value
    from cdv_analysis.presentation.narrative import programmation as module

    assert not hasattr(module, "pct_or_none")  # stats.pct_change is the one home
    table = pd.DataFrame({"libelle": ["a", "b"], "montant_precedent": [100.0, 300.0], "montant": [200.0, 400.0],
                          "variation": [100.0, 100.0]})
    change = Indicator(table, {"annee": Value(2024), "annee_precedente": Value(2023)})
    # (600 − 400) / 400 = +50 %
    assert "de 400 € à 600 € (+50,0 %)" in plain(module.own_change_paragraph(change, "pilier"))
    zero = Indicator(table.assign(montant_precedent=0.0), change.values)
    assert "(n.d.)" in plain(module.own_change_paragraph(zero, "pilier"))


def test_response_rates_follow_the_decimals_rule(call):
    text = plain(narrative.response_paragraph(ind.response_rates(call)))
    # 21 / 70 = 30 % (the key figure and the source: « 30 % »), never « 30,0 % ».
    assert "21 associations sur 70 (30 %)" in text and "30,0" not in text
    figures = ind.key_figures(call, 2022).set_index("cle")
    assert plain(figures.loc["taux_reponse_associations", "valeur_affichee"]) == "30 %"


def test_dead_helpers_are_gone_and_homes_reused(call):
    from cdv_analysis.analysis.indicators import reponses
    from cdv_analysis.rules.harmonise import COOPERATION_LEVELS

    assert not hasattr(ind, "statements_summary")
    assert reponses._FIGURE_SECTIONS["financements_tous_financeurs"] == "programmation"
    means = ind.cooperation_means(call, "communes")
    text = plain(narrative.cooperation_paragraph(means, ind.cooperation_levels(call, "communes")))
    assert f"({COOPERATION_LEVELS[4]} et {COOPERATION_LEVELS[5]})" in text


def test_question_anchor_is_the_findings_link(call):
    from cdv_analysis.presentation.narrative.reponses import question_anchor

    found = ind.findings(call, 2022)
    text = narrative.findings_markdown(found)
    assert f"(#{question_anchor(1, found.iloc[0]['question_texte'])})" in text


def test_evidence_agrees_with_the_number_quoted(cabbalr, call):
    from cdv_analysis.presentation.narrative.reponses import answer_block

    # CABBALR 2022 question 1: 1 énoncé of 1 actor group, 1 quoted.
    first = ind.answers(cabbalr, 2022)[0]
    assert first.evidence["enonces_retenus"] == 1
    block = plain(answer_block(first, "1")).replace("\\", "")
    assert "dont 1 cité ici" in block and "1 cités" not in block
    none = dataclasses_replace_evidence(first, 0)
    assert "dont aucun cité ici" in plain(answer_block(none, "1")).replace("\\", "")


def dataclasses_replace_evidence(answer, retained: int):
    import dataclasses

    return dataclasses.replace(answer, evidence={**answer.evidence, "enonces_retenus": retained})


# F6's guard: a référentiel whose chiffre_cle names no indicator any more is told, not silently replaced.

def test_valider_warns_of_a_key_figure_that_names_no_indicator(data_copy, capsys):
    from cdv_analysis.cli import main

    path = data_copy / "cabbalr" / "referentiel.ra2022.yml"
    path.write_text(path.read_text("utf-8").replace("chiffre_cle: montant programmé (tous financeurs)",
                                                    "chiffre_cle: financements (tous financeurs)"), "utf-8")
    assert main(["valider", "--territoire", "cabbalr", "--donnees", str(data_copy)]) == 0  # a warning, not an error
    out = plain(capsys.readouterr().out)
    assert (f"avertissement — {path}, ligne 9, colonne « chiffre_cle » : valeur « financements (tous financeurs) » ; "
            "attendu : le début du libellé d'un indicateur de la question PRG, par exemple « montant programmé (tous "
            "financeurs) »") in out
    assert out.count("chiffre_cle") == 1  # the embedded référentiels' other key figures all match
