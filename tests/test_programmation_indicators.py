"""Everything computed from the territory's own actions, recomputed by hand from the Douaisis sheet."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import cdv_analysis as cdv
from cdv_analysis.presentation import charts, narrative
from cdv_analysis.analysis import indicators as ind
from cdv_analysis.presentation.charts.donnees_ouvertes import with_others
from cdv_analysis.cli import main
from cdv_analysis.importers import import_programmation
from cdv_analysis.analysis.indicators.synthese import key_figures
from programmation_sheets import (BY_COMMUNE, BY_FINANCER, BY_PILLAR, BY_PORTEUR_TYPE, BY_QPV, DROIT_COMMUN,
                                  SPECIFIC, TOTAL_AMOUNT, douaisis_xlsx)


def _sheet_2023(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Intitulé", "Porteur", "Pilier", "QPV", "Commune", "Statut", "Financeur", "Montant"])
        writer.writerow(["Aide aux devoirs", "Association Horizon", "Cohésion sociale", "QN05901M", "Douai", "Retenu",
                         "État BOP 147", "5 000 €"])
        writer.writerow(["Aide aux devoirs", "Association Horizon", "Cohésion sociale", "QN05901M", "Douai", "Retenu",
                         "Agglomération", "2 000 €"])
        writer.writerow(["Chantier éducatif", "Ville de Douai", "Cadre de vie", "QN05903M", "Douai", "Retenu",
                         "État BOP 147", "4 000 €"])
        writer.writerow(["Boxe éducative", "Club de boxe", "Cohésion sociale", "QN05902M", "Douai", "Refusé",
                         "État BOP 147", "3 000 €"])  # not retained: listed, never added up
    return path


@pytest.fixture(scope="module")
def douaisis(tmp_path_factory) -> cdv.Territory:
    folder = tmp_path_factory.mktemp("douaisis")
    data = folder / "raw"
    data.mkdir()
    assert main(["nouveau-territoire", "cad", "--donnees", str(data)]) == 0
    import_programmation(douaisis_xlsx(folder / "programmation-2024.xlsx", with_total=False), data, "cad", 2024)
    import_programmation(_sheet_2023(folder / "programmation-2023.csv"), data, "cad", 2023)
    (data / "cad" / "financements.ra2023.csv").write_text(
        "mesure,montant,annee,source,section,support\n"
        "programmation,54 500 €,2024,ra2023,Bilan financier,texte\n", "utf-8")
    return cdv.load_territory("cad", data)


def _amounts(indicator, key: str) -> dict:
    table = indicator.table if hasattr(indicator, "table") else indicator
    return dict(zip(table[key], table["montant"]))


def test_totals_by_pillar_financer_porteur_type_qpv_and_commune(douaisis) -> None:
    assert _amounts(ind.own_by(douaisis, 2024, "pilier"), "pilier") == BY_PILLAR
    assert _amounts(ind.own_by(douaisis, 2024, "financeur"), "financeur") == BY_FINANCER
    assert _amounts(ind.own_by(douaisis, 2024, "type_porteur"), "type_porteur") == BY_PORTEUR_TYPE
    qpv = ind.own_by_place(douaisis, 2024, "qpv")
    assert _amounts(qpv, "qpv") == BY_QPV and qpv.get("multi") == 1  # 2024-001 is on two QPV
    assert sum(BY_QPV.values()) == TOTAL_AMOUNT + 12_000
    assert _amounts(ind.own_by_place(douaisis, 2024, "commune"), "commune") == BY_COMMUNE
    financers = ind.own_by(douaisis, 2024, "financeur").table.set_index("financeur")
    assert financers.loc["anct", "actions"] == 6 and financers.loc["caf", "actions"] == 1


def test_specific_credits_never_include_droit_commun(douaisis) -> None:
    kinds = _amounts(ind.own_by(douaisis, 2024, "type_credit"), "type_credit")
    assert kinds == {"specifique": SPECIFIC, "droit_commun": DROIT_COMMUN, "": 2_000}  # CAF: no declared kind
    credits = ind.credit_types(douaisis, 2024).table.set_index("pilier")
    assert credits.loc["cohesion_sociale", "specifique"] == 6_000 + 3_000 + 1_500 + 3_000 + 1_000 + 1_500 + 1_000 + 500
    assert credits.loc["cohesion_sociale", "droit_commun"] == 1_500
    assert credits.loc["cohesion_sociale", "non_precise"] == 2_000
    assert credits["total"].sum() == TOTAL_AMOUNT
    figures = dict(zip(*key_figures(douaisis, 2024)[["cle", "valeur"]].T.values))
    assert figures["credits_specifiques"] == SPECIFIC
    assert figures["financements_tous_financeurs"] == TOTAL_AMOUNT
    assert figures["part_credits_specifiques"] == pytest.approx(100 * SPECIFIC / TOTAL_AMOUNT)


def test_computed_total_is_checked_against_the_printed_one(douaisis) -> None:
    check = ind.own_programmation_check(douaisis, 2024)
    assert check.get("total_calcule") == TOTAL_AMOUNT and check.get("total_publie") == 54_500
    assert check.get("ecart") == -500 and check.get("montre") == "imprimé"
    text = narrative.own_programmation_paragraph(check, 2024).replace("\u202f", " ").replace("\xa0", " ")
    assert "54 500 €, est celui que la page retient" in text and "en diffère de 500 €" in text
    assert ind.own_programmation_check(douaisis, 2023).get("montre") == "calculé"


def test_top_porteurs_and_the_annex_list(douaisis) -> None:
    top = ind.own_top_porteurs(douaisis, 2024)
    assert list(zip(top.table["porteur"], top.table["montant"]))[:2] == [
        ("Mission locale du Douaisis", 20_000), ("Association Horizon", 12_000 + 3_000)]
    annex = ind.own_actions_annex(douaisis, 2024)
    assert len(annex) == 6 and annex["montant"].sum() == TOTAL_AMOUNT
    assert annex[[c for c in annex.columns if c.startswith("montant_")]].sum().sum() == TOTAL_AMOUNT
    refused = ind.own_actions_annex(douaisis, 2023)
    assert "Boxe éducative" in set(refused["intitule"])  # listed with its status…
    assert ind.own_programmation_check(douaisis, 2023).get("total_calcule") == 11_000  # …never added up
    assert ind.own_programmation_check(douaisis, 2023).get("non_retenues") == 1


def test_change_by_pillar_and_financer_from_the_previous_year(douaisis) -> None:
    pillars = ind.own_change(douaisis, 2024, "pilier").table.set_index("pilier")
    assert pillars.loc["cohesion_sociale", ["montant_precedent", "montant"]].tolist() == [7_000, 21_000]
    assert pillars.loc["cohesion_sociale", "variation_pct"] == pytest.approx(200.0)
    assert pillars.loc["emploi_economie", "montant_precedent"] == 0
    financers = ind.own_change(douaisis, 2024, "financeur").table.set_index("financeur")
    assert financers.loc["anct", ["montant_precedent", "montant"]].tolist() == [9_000, 26_500]
    assert ind.own_change(douaisis, 2023, "pilier").empty  # no earlier year


def test_series_and_pillars_come_from_the_actions_when_nothing_is_printed(douaisis) -> None:
    series = ind.programmation_series(douaisis).set_index("annee")
    assert series.loc[2023, "montant"] == 11_000 and series.loc[2023, "support"] == "calcul"
    assert series.loc[2024, "montant"] == 54_500  # printed: the page shows it, checked above
    assert _amounts(ind.pillar_amounts(douaisis, 2024), "pilier") == BY_PILLAR


def test_no_chart_drops_a_category() -> None:
    table = pd.DataFrame({"thematique": [f"t{i}" for i in range(15)], "libelle": [f"Thème {i}" for i in range(15)],
                          "actions": 1, "montant": [1000.0 * (15 - i) for i in range(15)]})
    table["part"] = 100 * table["montant"] / table["montant"].sum()
    shown = with_others(table, 12, "thème")
    assert len(shown) == 12 and shown["montant"].sum() == table["montant"].sum()
    assert shown.iloc[-1]["libelle"].replace("\u202f", " ").replace("\xa0", " ") == "Autres (4 thèmes, 10 000 €)"
    chart = charts.amounts_by_bars(table, source="essai")
    assert "Autres (4 thèmes" in chart.alt


def test_the_synthesis_change_from_an_own_programmation_year_shows_its_amount(douaisis) -> None:
    # Review F3: a year of the own programmation has no printed amount (montant_publie ""): the change reads
    # 5 000 + 2 000 + 4 000 = 11 000 € (the refused action left out) → 54 500 € (ra2023), never « ( → ) ».
    # (54 500 − 11 000) / 11 000 = +395,5 %.
    found = ind.findings(douaisis, 2024)
    row = found[found["regle"] == "evolution"].iloc[0]
    assert row["libelle"].replace("\u202f", " ").replace("\xa0", " ") == "11 000 € → 54 500 €"
    assert row["valeur"].replace("\xa0", " ") == "+395,5 %"
