"""The registry of raw tables (schemas.TABLES): complete, consistent, and the one place a new table type is declared."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import cdv_analysis as cdv
from cdv_analysis.analysis import checks
from cdv_analysis.publish import coverage
from cdv_analysis.presentation import portrait
from cdv_analysis.analysis import indicators as ind
from cdv_analysis.presentation import narrative as nr
from cdv_analysis.ingest.parsing import parse_table
from cdv_analysis.ingest.schemas import TABLES, ColumnSpec, Figures, TableSpec, empty_frame, printed_column

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATE = PROJECT / "cdv_analysis" / "modele"
NOTEBOOKS = PROJECT / "notebooks"
NUMERIC_KINDS = {"montant", "pourcentage", "entier", "nombre", "valeur"}


def _parsed_columns(name: str) -> set[str]:
    raw = empty_frame(name).assign(fichier=pd.Series(dtype="object"), ligne=pd.Series(dtype="Int64"))
    return set(parse_table(name, raw, {}).columns)


def _section_titles() -> set[str]:
    titles = set()
    for path in NOTEBOOKS.glob("[0-9]*.ipynb"):
        for cell in json.loads(path.read_text("utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                titles.update(line[3:].strip() for line in "".join(cell["source"]).splitlines()
                              if line.startswith("## "))
    return titles


def _headings(notebook: str) -> list[str]:
    cells = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text("utf-8"))["cells"]
    return [line[3:].strip() for cell in cells if cell["cell_type"] == "markdown"
            for line in "".join(cell["source"]).splitlines() if line.startswith("## ")]


def test_section_titles_have_one_home_that_the_notebooks_agree_with() -> None:
    """Review_ingest 2.1: the titles were written in the registry, the référentiel, the starter page's table
    list and the synthesis' links; each now reads vocabulaires/sections.yml."""
    from cdv_analysis.ingest import editions, referentiel
    from cdv_analysis.rules.harmonise import labels, vocabulary_entries

    titles = labels("sections")
    for code, entry in vocabulary_entries("sections").items():
        assert _headings(entry["notebook"])[:1] == [entry["libelle"]], code  # the notebook's opening heading
    assert {spec.section for spec in TABLES.values() if spec.section} == {
        titles[c] for c in ("programmation", "gouvernance", "sante", "participation", "contexte")}
    assert referentiel.SECTIONS == {c: titles[c] for c in referentiel.SECTIONS}
    assert [table for table, _ in editions.TABLE_USES if table not in TABLES] == []


def test_every_template_file_is_a_registered_table() -> None:
    templates = {p.name.split(".")[0] for p in TEMPLATE.glob("*.csv")}
    assert templates == set(TABLES)


@pytest.mark.parametrize("name", list(TABLES))
def test_every_table_says_what_it_is_and_where_it_is_shown(name: str) -> None:
    spec = TABLES[name]
    assert spec.name == name
    assert spec.label and spec.topic and spec.description
    if spec.figures is not None:
        assert spec.section, f"{name}: a table with printed figures names the section that shows them"
    parsed = _parsed_columns(name)
    if spec.section:
        assert spec.section in _section_titles(), f"{name}: no notebook has the section « {spec.section} »"
    if spec.figures is not None:
        for column in spec.figures.columns:
            assert spec.column(column).kind in NUMERIC_KINDS, (name, column)
            assert printed_column(column) in parsed, (name, column)
        assert set(spec.figures.labels) <= parsed, name
        assert set(spec.figures.coverage_labels) <= parsed, name
    for column in spec.columns:
        assert column.axis in ("", "theme", "origine", "porteur"), (name, column.name)
    if spec.breakdown:
        assert spec.figures is not None and {"mesure", "support", "section"} <= parsed, name


def test_derived_registries_follow_the_tables() -> None:
    assert [s.name for s in coverage.covered_tables()] == [
        "financements", "projets", "realisations", "gouvernance", "enquetes", "cooperation", "sante",
        "participation", "contexte"]
    assert coverage.GOAL_TABLES == ("financements", "realisations", "gouvernance", "sante", "participation")
    assert set(ind.TABLE_TOPICS) == set(TABLES)
    assert portrait.EVALUATION_TABLES == ("financements", "gouvernance", "sante", "participation")
    assert checks.VALUE == {"financements": "montant", "projets": "nombre"}
    assert checks.BREAKDOWN["projets"] == ("pilier", "thematique", "type_porteur", "porteur", "commune")
    assert checks.AXES["type_credit"] == "origine" and checks.AXES["commune"] == "porteur"


# ---------------------------------------------------------------------------
# The worked example of CONTRIBUTING.md: a new table type is one registry entry.

EMPLOI = TableSpec(
    "emploi",
    (
        ColumnSpec("perimetre"),
        ColumnSpec("indicateur", required=True, nullable=False),
        ColumnSpec("modalite"),
        ColumnSpec("valeur", "valeur", required=True, nullable=False),
        ColumnSpec("unite"),
        ColumnSpec("annee", "annee", required=True, nullable=False),
        ColumnSpec("source", "source", required=True, nullable=False),
        ColumnSpec("section", required=True, nullable=False),
        ColumnSpec("remarque"),
    ),
    "emploi et demandeurs d'emploi des quartiers",
    label="Emploi", topic="l'emploi dans les quartiers", section="Contexte des quartiers",
    figures=Figures(("valeur",), labels=("indicateur", "modalite", "perimetre"),
                    coverage_labels=("perimetre", "indicateur", "modalite")),
)
# CABBALR, annual report 2019 (seed 004), § 1 « Situation socio-économique initiale des QPV ».
EMPLOI_CSV = """perimetre,indicateur,modalite,valeur,unite,annee,source,section,remarque
QPV,taux d'emploi,,56.4%,%,2013,ra2019,1 – Situation socio-économique initiale des QPV,
EPCI,taux d'emploi,,57.5%,%,2013,ra2019,1 – Situation socio-économique initiale des QPV,
QPV,demandeurs d'emploi issus des QPV,hommes,3 078,nombre,2019,ra2019,1 – Situation socio-économique initiale des QPV,
QPV,demandeurs d'emploi issus des QPV,femmes,2 533,nombre,2019,ra2019,1 – Situation socio-économique initiale des QPV,
"""


@pytest.fixture()
def with_emploi(monkeypatch, data_copy: Path) -> Path:
    monkeypatch.setitem(TABLES, "emploi", EMPLOI)
    return data_copy


def test_a_new_table_type_is_read_checked_covered_and_announced(with_emploi: Path) -> None:
    folder = with_emploi / "cabbalr"
    without = cdv.load_territory("cabbalr", with_emploi)
    assert [row["sujet"] for _, row in ind.uncovered_topics(without).iterrows()
            if row["table"] == "emploi"] == ["l'emploi dans les quartiers"]
    assert "l'emploi dans les quartiers" in nr.not_covered_box(ind.uncovered_topics(without)).replace("\\'", "'")

    (folder / "emploi.ra2019.csv").write_text(EMPLOI_CSV, "utf-8")
    territory = cdv.load_territory("cabbalr", with_emploi)
    emploi = territory.table("emploi")
    assert emploi["valeur"].tolist() == [56.4, 57.5, 3078, 2533]
    assert emploi["valeur_publiee"].tolist() == ["56.4%", "57.5%", "3 078", "2 533"]
    assert "emploi" not in set(ind.uncovered_topics(territory)["table"])

    printed = ind.printed_figures(territory, 2019, "emploi")
    # The figures about 2019 first, then the others the 2019 report prints (2013).
    assert printed["libelle"].tolist() == ["demandeurs d'emploi issus des QPV — hommes",
                                           "demandeurs d'emploi issus des QPV — femmes",
                                           "taux d'emploi — QPV", "taux d'emploi — EPCI"]
    assert printed["valeur_publiee"].tolist() == ["3 078", "2 533", "56.4%", "57.5%"]

    figures = [f for f in coverage.printed_figures(territory, 2019) if f.table == "emploi"]
    assert [(f.value, f.kind, f.section) for f in figures] == [
        (56.4, "pourcent", "Contexte des quartiers"), (57.5, "pourcent", "Contexte des quartiers"),
        (3078.0, "nombre", "Contexte des quartiers"), (2533.0, "nombre", "Contexte des quartiers")]
    shown = coverage.coverage(figures, "Taux d'emploi : 56,4 % dans les QPV | 3 078 hommes")
    assert shown["repris"].tolist() == [True, False, True, False]
    assert "la table « Emploi »" not in " ".join(shown["raison"])


def test_a_new_table_type_is_validated_by_its_entry(with_emploi: Path) -> None:
    bad = EMPLOI_CSV.replace("3 078", "3 O78")
    (with_emploi / "cabbalr" / "emploi.csv").write_text(bad, "utf-8")
    problems = [p for p in cdv.validate_territory("cabbalr", with_emploi) if p.is_error]
    assert [(p.fichier.endswith("cabbalr/emploi.csv"), p.ligne, p.colonne, p.valeur) for p in problems] == [
        (True, 4, "valeur", "3 O78")]


def test_a_template_of_the_new_table_validates(with_emploi: Path) -> None:
    (with_emploi / "cabbalr" / "emploi.csv").write_text(",".join(EMPLOI.column_names) + "\n", "utf-8")
    assert [p for p in cdv.validate_territory("cabbalr", with_emploi) if p.is_error] == []


# ---------------------------------------------------------------------------
# One home per vocabulary: vocabulaires/*.yml, read through harmonise only.


def test_package_vocabularies_are_read_through_harmonise_only() -> None:
    package = PROJECT / "cdv_analysis"
    readers = [path.relative_to(package).as_posix() for path in package.rglob("*.py")
               if '"vocabulaires"' in path.read_text("utf-8") and path.name != "harmonise.py"]
    assert readers == []


def test_coded_labels_come_from_their_vocabularies() -> None:
    from cdv_analysis.presentation.charts import CREDIT_LABELS
    from cdv_analysis.rules.harmonise import COMPARED_PILLARS, COOPERATION_LEVELS, codes, labels, vocabulary_entries
    from cdv_analysis.analysis.indicators.participation import NATURE_LABELS
    from cdv_analysis.ingest.schemas import NATURES, TYPE_CREDIT

    assert TYPE_CREDIT == ("specifique", "droit_commun") == tuple(CREDIT_LABELS)
    assert CREDIT_LABELS == {"specifique": "Crédits spécifiques", "droit_commun": "Droit commun"}
    assert NATURES == codes("natures") and NATURE_LABELS == labels("natures")
    levels = [level["libelle"] for level in vocabulary_entries("echelles")["cooperation"]["niveaux"]]
    assert ind.COOPERATION_LEVELS is COOPERATION_LEVELS and list(COOPERATION_LEVELS) == [1, 2, 3, 4, 5]
    assert list(COOPERATION_LEVELS.values()) == levels
    assert COMPARED_PILLARS == ("cohesion_sociale", "cadre_de_vie", "emploi_economie", "pilotage")
    from cdv_analysis.presentation.charts import PILLAR_COLORS
    from cdv_analysis.presentation.charts._base import CREDIT_COLORS
    from cdv_analysis.rules.harmonise import PILLAR_CODES

    assert tuple(PILLAR_COLORS) == PILLAR_CODES and PILLAR_COLORS["cohesion_sociale"] == "#332288"
    assert CREDIT_COLORS == {"specifique": "#CC6677", "droit_commun": "#88CCEE"}
    # Each caller gets its own copy: extending it leaves the next caller's untouched.
    vocabulary_entries("echelles")["cooperation"]["niveaux"].clear()
    assert len(vocabulary_entries("echelles")["cooperation"]["niveaux"]) == 5
