"""The embedded data: valid, complete, and consistent with the figures printed in the seeds."""

from __future__ import annotations

import pandas as pd
import pytest

import cdv_analysis as cdv
from cdv_analysis.config import PACKAGE_DIR
from cdv_analysis.ingest.schemas import TABLES


@pytest.mark.parametrize("territory", ["call", "cabbalr"])
def test_embedded_territories_are_valid(raw_dir, territory):
    errors = [p for p in cdv.validate_territory(territory, raw_dir) if p.is_error]
    assert errors == [], "\n".join(map(str, errors))


def test_discovery_skips_the_template(raw_dir):
    assert cdv.discover_territories(raw_dir) == ["cabbalr", "call"]


def test_every_row_cites_a_declared_source(call, cabbalr):
    for territory in (call, cabbalr):
        for name, frame in territory.tables.items():
            assert set(frame["source"]) <= set(territory.sources), name
            assert (frame["section"].str.len() > 0).all(), name


def test_template_headers_match_the_schemas(raw_dir):
    for name, spec in TABLES.items():
        header = (PACKAGE_DIR / "modele" / f"{name}.csv").read_text("utf-8").strip().split(",")
        assert header == spec.column_names


def _pillar_table(territory, year: int) -> pd.DataFrame:
    money = territory.table("financements")
    return money[(money["annee"] == str(year)) & money["section"].str.contains("par pilier")
                 & (money["support"] == "tableau") & (money["mesure"] == "programmation")]


def test_cabbalr_2021_pillars_sum_to_the_printed_table_total(cabbalr):
    table = _pillar_table(cabbalr, 2021)
    parts = table[table["pilier"].notna()]
    total = table[table["pilier"].isna()]
    assert sorted(parts["pilier"]) == ["cadre_de_vie", "cohesion_sociale", "emploi_economie", "pilotage"]
    assert parts["montant"].sum() == 6_931_463
    assert total["montant"].tolist() == [6_931_463]
    assert parts["part_publiee"].sum() == pytest.approx(100.0)


def test_cabbalr_2021_text_total_differs_from_the_table(cabbalr):
    money = cabbalr.table("financements")
    text_total = money[(money["annee"] == "2021") & (money["support"] == "texte") & money["pilier"].isna()
                       & money["financeur"].isna() & money["montant"].notna()]
    assert 6_931_143 in text_total["montant"].tolist()


def test_cabbalr_2021_credit_types_add_up_to_each_pillar(cabbalr):
    money = cabbalr.table("financements")
    split = money[(money["annee"] == "2021") & money["type_credit"].isin(["specifique", "droit_commun"])
                  & money["pilier"].notna()]
    by_pillar = split.groupby("pilier")["montant"].sum()
    pillars = _pillar_table(cabbalr, 2021).dropna(subset=["pilier"]).set_index("pilier")["montant"]
    assert by_pillar.to_dict() == pillars.to_dict()
    assert split.loc[split["type_credit"] == "specifique", "montant"].sum() == 4_132_530


def test_cabbalr_2022_pillars_and_financers(cabbalr):
    table = _pillar_table(cabbalr, 2022)
    assert table.loc[table["pilier"].notna(), "montant"].sum() == 5_955_889
    money = cabbalr.table("financements")
    specific = money[(money["annee"] == "2022") & money["financeur"].notna() & money["section"].str.contains(
        "crédits spécifiques", case=False) & (money["support"] == "tableau")]
    assert specific["montant"].sum() == 2_312_715
    assert set(specific["financeur"]) == {"anct", "region", "epci"}


def test_cabbalr_2022_fcs_projects_sum_to_the_envelope(cabbalr):
    actions = cabbalr.table("actions")
    fcs = actions[(actions["dispositif"] == "fcs") & (actions["annee"] == "2022")]
    assert len(fcs) == 31
    assert fcs["montant"].sum() == 97_918
    money = cabbalr.table("financements")
    envelope = money[(money["annee"] == "2022") & money["montant"].eq(97_918)]
    assert not envelope.empty


def test_cabbalr_record_2015_2022(cabbalr):
    projects = cabbalr.table("projets")
    record = projects[projects["annee"] == "2015-2022"]
    assert set(record["nombre"]) >= {1263, 1044, 789}
    assert (record["annee_debut"] == 2015).all() and (record["annee_fin"] == 2022).all()


def test_call_cooperation_partners_each_sum_to_about_100(call):
    cooperation = call.table("cooperation")
    assert sorted(cooperation["niveau"].unique()) == [1, 2, 3, 4, 5]
    sums = cooperation.groupby("partenaire")["pourcentage"].sum()
    assert len(sums) == 5
    assert ((sums - 100).abs() <= 0.2).all(), sums.to_dict()


def test_call_surveys_have_their_respondents(call):
    surveys = call.table("enquetes")
    communes = surveys[surveys["enquete"] == "communes"]
    assert not communes.empty and communes["n_repondants"].eq(19).all()
    assessed = call.table("gouvernance")
    sent = assessed[assessed["indicateur"].str.contains("envoy", case=False)]
    assert set(sent["valeur"]) >= {19, 70}


def test_printed_values_are_kept_beside_parsed_ones(cabbalr):
    money = cabbalr.table("financements")
    row = money[money["montant_publie"] == "4 734 927,00 €"].iloc[0]
    assert row["montant"] == 4_734_927
    assert row["pilier_publie"] == "COHESION SOCIALE" and row["pilier"] == "cohesion_sociale"


def test_report_years(call, cabbalr):
    assert call.report_years() == [2022]
    assert cabbalr.report_years() == [2019, 2021, 2022]


def test_fingerprint_is_stable_and_content_based(cabbalr, data_copy):
    copy = cdv.load_territory("cabbalr", data_copy)
    assert copy.fingerprint() == cabbalr.fingerprint()
    (data_copy / "cabbalr" / "territoire.yml").write_text(
        (data_copy / "cabbalr" / "territoire.yml").read_text("utf-8") + "\n# changé\n", "utf-8")
    assert cdv.load_territory("cabbalr", data_copy).fingerprint() != cabbalr.fingerprint()
