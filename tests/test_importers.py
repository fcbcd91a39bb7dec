"""Open-data importers: INSEE QPV indicators and ANCT subsidies into territory folders."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

import cdv_analysis as cdv
from cdv_analysis.cli import main
from cdv_analysis.importers import (
    MANIFEST, ImportFailed, _type_porteur, import_anct_subsidies, import_insee_qpv,
)
from cdv_analysis.ingest.schemas import TABLES, TYPES_PORTEUR
from file_builders import tree_digest

INSEE_COLUMNS = (
    "code_qp nom_qp nom_commune pop_mun pop_com_qp pop_com ind_jeune tx_tot_et tx_f tx_f_et percou pmimp "
    "part_chomprinc decuc_q2 decuc_d1 decuc_d9 disp_q2 disp_d1 disp_d9 tp60 brev a tx_tot_empl tx_f_empl "
    "tx_et_empl tx_tot_eprec tx_f_eprec tx_et_eprec abcde abcde_f abcde_h abc_capbep abc_bac abc_supbac ec_mat "
    "ec_elem ec_elem_pri coll coll_pri nbetab ens_sante serv_par serv_tot auto_ent"
).split()
# Two QPV of Lens and Liévin (one with secret cells), one elsewhere.
QPV = [
    ("QP062001", "Cité 12-14", "Lens", 43.9, 1.234, ""),
    ("QP062002", "Calonne - Marichelles", "Liévin, Lens", 51.2, 0.9, "12,5"),
    ("QP031007", "Grand Mirail", "Toulouse", 48.5, 1.7, "9"),
]
ANCT_HEADERS = (
    "N°", "Numéro de l'action PRJ", "Libellé de l'action", "Raison sociale longue", "Type de tiers",
    "Code contrat ville", "Libellé contrat ville", "Thème", "Sous-thèmes", "Mt engagé", "Région",
)
ANCT = [  # N°, PRJ, action, holder, kind, contract, label, theme, sub-theme, amount, region
    ("1", "PRJ-1", "Soutien scolaire", "Association Réussir", "Association", "C0011",
     "Contrat de ville de Lens-Liévin", "Education", "Réussite éducative", "12 500,00", "Hauts-de-France"),
    ("2", "PRJ-2", "Chantier d'insertion", "Ville de Lens", "Commune", "C0011",
     "Contrat de ville de Lens-Liévin", "Emploi", "Insertion", "3 000,50", "Hauts-de-France"),
    ("3", "", "Médiation", "CCAS de Liévin", "CCAS", "C0011",
     "Contrat de ville de Lens-Liévin", "Tranquillité publique et sécurité", "Médiation", "1000", "Hauts-de-France"),
    ("4", "PRJ-4", "Ateliers numériques", "Numérique SARL", "Entreprise", "C0012",
     "Contrat de ville de Nîmes", "Thème inédit", "Numérique", "2 000,00", "Occitanie"),
    ("5", "PRJ-5", "Tête de réseau", "Fédération nationale", "Association", "",
     "", "Lien social, citoyenneté et participation des habitants", "Réseau", "40 000,00", ""),
]


def _write_csv(path: Path, header, rows, delimiter=",", encoding="utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _write_xlsx(path: Path, header, rows) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


def _insee_rows(comma: bool, numeric: bool = False) -> list[list]:
    rows = []
    for code, name, commune, tp60, young, unemployed in QPV:
        values = {"code_qp": code, "nom_qp": name, "nom_commune": commune, "tp60": tp60, "ind_jeune": young,
                  "part_chomprinc": unemployed, "pop_mun": 2470, "decuc_q2": 10136, "tx_f_et": ""}
        row = [values.get(c, 7) for c in INSEE_COLUMNS]
        if not numeric:
            row = [str(v).replace(".", ",") if comma else str(v) for v in row]
        rows.append(row)
    return rows


def insee_file(folder: Path, kind: str = "csv", name: str = "qpv_2020") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "xlsx":
        return _write_xlsx(folder / f"{name}.xlsx", INSEE_COLUMNS, _insee_rows(False, numeric=True))
    delimiter, encoding = {"csv": (",", "utf-8"), "csv-bom": (";", "utf-8-sig"), "cp1252": (";", "cp1252")}[kind]
    return _write_csv(folder / f"{name}.csv", [c.upper() for c in INSEE_COLUMNS], _insee_rows(delimiter == ";"),
                      delimiter, encoding)


def anct_file(folder: Path, kind: str = "csv", rows=ANCT, header=ANCT_HEADERS, name: str = "subventions") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "xlsx":
        return _write_xlsx(folder / f"{name}.xlsx", header, rows)
    if kind == "cp1252":  # headers as a spreadsheet may retype them
        header = [h.upper().replace("É", "E").replace("È", "E") for h in header]
        return _write_csv(folder / f"{name}.csv", header, rows, ";", "cp1252")
    return _write_csv(folder / f"{name}.csv", header, rows)


def errors(data: Path, territory: str) -> list[cdv.Problem]:
    return [p for p in cdv.validate_territory(territory, data) if p.is_error]


@pytest.fixture()
def empty(tmp_path: Path) -> Path:
    (tmp_path / "donnees").mkdir()
    return tmp_path / "donnees"


# ---------------------------------------------------------------------------
# INSEE


@pytest.mark.parametrize("kind", ["csv", "csv-bom", "cp1252", "xlsx"])
def test_insee_creates_territory_from_communes_in_every_format(tmp_path, empty, kind):
    source = insee_file(tmp_path / "in", kind)
    report = import_insee_qpv(source, empty, territory="lens", communes=["LENS", "lievin"], vintage=2020)
    assert report.created == ["lens"] and report.ok
    assert report.skipped["secret"] == 2 + 1  # tx_f_et twice, part_chomprinc of QP062001
    assert report.skipped["hors_selection"] == 1
    territory = cdv.load_territory("lens", empty)
    assert errors(empty, "lens") == []
    assert [q["code"] for q in territory.meta["qpv"]] == ["QP062001", "QP062002"]
    assert territory.meta["communes"] == ["Lens", "Liévin"]
    context = territory.table("contexte")
    assert len(context) == 2 * 41 - 3
    poverty = context[context["indicateur"] == "taux de pauvreté au seuil de 60 %"]
    assert poverty["valeur"].tolist() == [43.9, 51.2]
    assert set(poverty["unite"]) == {"%"} and set(poverty["theme"]) == {"revenus"}
    # A decimal point is never read as a thousands separator.
    youth = context[context["indicateur"].str.startswith("indice de jeunesse")]
    assert youth["valeur"].tolist() == [1.234, 0.9]
    first = poverty.iloc[0]
    assert first["perimetre"] == "QP062001 – Cité 12-14 (Lens)"
    assert (first["annee"], first["source"], first["support"]) == ("2020", "insee-qpv-2020", "tableau")
    assert first["section"] == f"{source.name}, ligne 2, colonne tp60"
    assert territory.sources["insee-qpv-2020"]["editeur"] == "INSEE"
    assert "annee_rapport" not in territory.sources["insee-qpv-2020"]


def test_insee_writes_the_exact_contexte_header(tmp_path, empty):
    import_insee_qpv(insee_file(tmp_path / "in"), empty, territory="lens", communes=["Lens"])
    header = (empty / "lens" / "contexte.insee-qpv.csv").read_text("utf-8").splitlines()[0]
    assert header == ",".join(TABLES["contexte"].column_names)


def test_insee_into_embedded_territory_keeps_its_metadata(tmp_path, data_copy):
    before = yaml.safe_load((data_copy / "call" / "territoire.yml").read_text("utf-8"))
    report = import_insee_qpv(insee_file(tmp_path / "in"), data_copy, territory="call", communes=["Lens", "Liévin"])
    assert report.created == [] and report.ok
    after = yaml.safe_load((data_copy / "call" / "territoire.yml").read_text("utf-8"))
    assert after["sources"][:-1] == before["sources"]
    assert {k: v for k, v in after.items() if k != "sources"} == {k: v for k, v in before.items() if k != "sources"}
    assert errors(data_copy, "call") == [] and errors(data_copy, "cabbalr") == []
    call = cdv.load_territory("call", data_copy)
    assert call.report_years() == [2022]  # context data add no report year
    assert "QP062002 – Calonne - Marichelles (Liévin, Lens)" in set(call.table("contexte")["perimetre"])


def test_insee_selects_the_qpv_codes_of_territoire_yml(tmp_path, empty):
    source = insee_file(tmp_path / "in")
    import_insee_qpv(source, empty, territory="lens", communes=["Lens"])  # both QPV touch Lens
    yml = empty / "lens" / "territoire.yml"
    meta = yaml.safe_load(yml.read_text("utf-8"))
    meta["qpv"] = meta["qpv"][:1]
    yml.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), "utf-8")
    report = import_insee_qpv(source, empty, territory="lens")
    assert set(cdv.load_territory("lens", empty).table("contexte")["perimetre"]) == {"QP062001 – Cité 12-14 (Lens)"}
    assert report.skipped["hors_selection"] == 2
    # Without --territoire, every territory declaring codes of the file is filled.
    (empty / "lens" / "contexte.insee-qpv.csv").unlink()
    assert list(import_insee_qpv(source, empty).written) == [str(empty / "lens" / "contexte.insee-qpv.csv")]
    # The same import once more writes nothing, and says so.
    again = import_insee_qpv(source, empty)
    assert again.unchanged and not again.written and "Aucun changement" in again.text()


def test_insee_unknown_qpv_code_fails_and_writes_nothing(tmp_path, empty):
    source = insee_file(tmp_path / "in")
    import_insee_qpv(source, empty, territory="lens", communes=["Lens"])
    yml = empty / "lens" / "territoire.yml"
    meta = yaml.safe_load(yml.read_text("utf-8"))
    meta["qpv"].append({"nom": "Quartier fantôme", "code": "QP062999"})
    yml.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), "utf-8")
    digest = tree_digest(empty)
    with pytest.raises(ImportFailed) as failure:
        import_insee_qpv(source, empty, territory="lens", vintage=2021)
    assert "QP062999" in str(failure.value) and "territoire.yml" in str(failure.value)
    assert tree_digest(empty) == digest


def test_insee_malformed_value_and_missing_column(tmp_path, empty):
    rows = _insee_rows(False)
    rows[1][INSEE_COLUMNS.index("tp60")] = "51,2x"
    bad = _write_csv(tmp_path / "qpv_2020.csv", INSEE_COLUMNS, rows)
    with pytest.raises(ImportFailed) as failure:
        import_insee_qpv(bad, empty, territory="lens", communes=["Lens"])
    [problem] = failure.value.problems
    assert (problem.ligne, problem.colonne, problem.valeur) == (3, "tp60", "51,2x")
    assert "qpv_2020.csv, ligne 3, colonne « tp60 »" in str(failure.value)
    columns = [c for c in INSEE_COLUMNS if c != "code_qp"]
    bad = _write_csv(tmp_path / "qpv_2020.csv", columns, [r[1:] for r in _insee_rows(False)])
    with pytest.raises(ImportFailed, match="colonne « code_qp ».*colonnes attendues : code_qp, nom_qp, nom_commune"):
        import_insee_qpv(bad, empty, territory="lens", communes=["Lens"])
    assert list(empty.iterdir()) == []


def test_insee_vintage_is_required_without_a_year_in_the_name(tmp_path, empty):
    source = insee_file(tmp_path / "in", name="indicateurs_qpv")
    with pytest.raises(ImportFailed, match="--millesime"):
        import_insee_qpv(source, empty, territory="lens", communes=["Lens"])
    assert import_insee_qpv(source, empty, territory="lens", communes=["Lens"], vintage="2019").source == "insee-qpv-2019"


def test_insee_needs_communes_to_create_a_territory(tmp_path, empty):
    with pytest.raises(ImportFailed, match="--communes"):
        import_insee_qpv(insee_file(tmp_path / "in"), empty, territory="lens")
    with pytest.raises(ImportFailed, match="au moins un QPV"):
        import_insee_qpv(insee_file(tmp_path / "in"), empty, territory="lens", communes=["Arras"])
    assert list(empty.iterdir()) == []


# ---------------------------------------------------------------------------
# ANCT


@pytest.mark.parametrize("kind", ["csv", "cp1252", "xlsx"])
def test_anct_splits_actions_by_contract(tmp_path, empty, kind):
    report = import_anct_subsidies(anct_file(tmp_path / "in", kind), empty, year=2022)
    assert report.ok
    assert sorted(report.created) == ["contrat-de-ville-de-lens-lievin", "contrat-de-ville-de-nimes"]
    assert report.skipped["sans_contrat"] == 1 and report.skipped_amount == 40_000
    assert report.unknown_themes == {"Thème inédit": 1}
    assert sorted(report.written.values()) == [1, 3]
    lens = cdv.load_territory("contrat-de-ville-de-lens-lievin", empty)
    assert errors(empty, lens.id) == []
    assert (lens.nom, lens.sigle, lens.meta["contrat"], lens.meta["region"]) == (
        "Contrat de ville de Lens-Liévin", "C0011", {"code": "C0011"}, "Hauts-de-France")
    assert lens.report_years() == [2022]
    actions = lens.table("actions")
    assert actions["montant"].sum() == pytest.approx(12_500 + 3_000.5 + 1_000)
    assert actions["pilier"].tolist() == ["cohesion_sociale", "emploi_economie", "cadre_de_vie"]
    assert actions["type_porteur"].tolist() == ["association", "commune", "ccas"]
    assert actions["remarque"].tolist() == ["PRJ PRJ-1", "PRJ PRJ-2", ""]
    assert set(actions["dispositif"]) == {"anct"} and set(actions["source"]) == {"anct-2022"}
    assert actions["section"].tolist()[0] == f"subventions.{'xlsx' if kind == 'xlsx' else 'csv'}, ligne 2"
    nimes = cdv.load_territory("contrat-de-ville-de-nimes", empty).table("actions")
    assert nimes["pilier"].isna().all() and nimes["montant"].sum() == 2_000
    text = report.text().replace("\u202f", " ").replace("\xa0", " ")
    assert "« Thème inédit » : 1 ligne" in text
    assert "Non importé (sans code contrat : niveau national ou régional) : 1 ligne, 40 000,00 € au total." in text


def test_anct_goes_to_the_territory_declaring_the_contract(tmp_path, data_copy):
    yml = data_copy / "cabbalr" / "territoire.yml"
    meta = yaml.safe_load(yml.read_text("utf-8"))
    meta["contrat"] = {"code": "C0011"}
    yml.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), "utf-8")
    report = import_anct_subsidies(anct_file(tmp_path / "in"), data_copy, contract="c0011", year=2021)
    assert report.created == [] and report.skipped["hors_selection"] == 1
    cabbalr = cdv.load_territory("cabbalr", data_copy)
    assert errors(data_copy, "cabbalr") == []
    imported = cabbalr.table("actions").query("source == 'anct-2021'")
    assert len(imported) == 3 and imported["montant"].sum() == pytest.approx(16_500.5)
    after = yaml.safe_load(yml.read_text("utf-8"))
    assert {k: v for k, v in after.items() if k != "sources"} == {k: v for k, v in meta.items() if k != "sources"}
    assert after["sources"][-1] == {
        "id": "anct-2021", "fichier": "subventions.csv", "titre": "ANCT – subventions politique de la ville 2021 "
        "(open data)", "editeur": "ANCT", "type": "import", "annees": [2021], "annee_rapport": 2021}


def test_anct_goes_to_the_territory_declaring_the_contract_under_contrats(tmp_path, empty):
    # The code given only by each generation of ``contrats:`` (data/README.md), never under ``contrat:``.
    (empty / "lens").mkdir()
    meta = {"id": "lens", "nom": "Communauté d'agglomération de Lens-Liévin", "sigle": "CALL", "contrats": [
        {"id": "cdv-2015", "generation": "2015", "signature": "2015-06-27", "fin": "2023-12-31", "code": "c0011",
         "qpv": [{"nom": "Cité 12-14", "code": "QP062001", "communes": ["Lens"]}]},
        {"id": "quartiers-2030", "generation": "2024", "signature": "2024-03-29", "fin": "2030-12-31",
         "code": "C0012", "qpv": [{"nom": "Cité 12-14", "code": "QN06207M", "communes": ["Lens"]}]}]}
    (empty / "lens" / "territoire.yml").write_text(yaml.safe_dump(meta, allow_unicode=True), "utf-8")
    report = import_anct_subsidies(anct_file(tmp_path / "in"), empty, year=2022)
    assert report.created == [] and sorted(p.name for p in empty.iterdir()) == ["lens"]  # no duplicate territory
    actions = cdv.load_territory("lens", empty).table("actions")
    assert actions["montant"].sum() == pytest.approx(12_500 + 3_000.5 + 1_000 + 2_000)  # C0011 and C0012


def test_anct_malformed_amount_and_missing_column_write_nothing(tmp_path, data_copy):
    rows = [list(r) for r in ANCT]
    rows[2][9] = "1 000 euros environ ?"
    digest = tree_digest(data_copy)
    with pytest.raises(ImportFailed) as failure:
        import_anct_subsidies(anct_file(tmp_path / "in", rows=rows, name="anct_2022"), data_copy)
    message = str(failure.value)
    assert "anct_2022.csv, ligne 4, colonne « Mt engagé » : valeur « 1 000 euros environ ? »" in message
    assert "aucun fichier n'a été écrit" in message
    header = [h for h in ANCT_HEADERS if h != "Thème"]
    with pytest.raises(ImportFailed) as failure:
        import_anct_subsidies(anct_file(tmp_path / "in", rows=[r[:7] + r[8:] for r in ANCT], header=header),
                              data_copy, year=2022)
    assert "colonne « Thème »" in str(failure.value) and "Code contrat ville, Libellé contrat ville" in str(failure.value)
    with pytest.raises(ImportFailed, match="--annee"):
        import_anct_subsidies(anct_file(tmp_path / "in"), data_copy)
    assert tree_digest(data_copy) == digest


def test_type_porteur_mapping():
    cases = {"Association": "association", "Commune": "commune", "CCAS": "ccas", "CIAS": "ccas",
             "Communauté de communes": "epci", "EPCI": "epci", "Etablissement public": "etablissement_public",
             "Bailleur social": "bailleur", "Société": "entreprise", "Entreprise": "entreprise",
             "Fondation": "autre", "": "",
             # before: a code of types_porteur.yml that no printed kind could give (review_ingest 2.4)
             "Conseil citoyen de Lens": "conseil_citoyen", "Centre communal d'action sociale": "ccas"}
    assert {k: _type_porteur(k) for k in cases} == cases
    assert set(cases.values()) - {""} <= set(TYPES_PORTEUR)


def test_theme_vocabulary_maps_to_known_pillars():
    assert set(cdv.vocabulary("themes_anct").labels) <= set(cdv.PILLAR_CODES)
    indicators = cdv.vocabulary("indicateurs_insee")
    assert {a["unite"] for a in indicators.attributes.values()} <= {"%", "€/an", "nombre", "habitants", "indice"}


# ---------------------------------------------------------------------------
# Both: idempotence, hand-made files, CLI, territory from open data only


def test_importing_twice_gives_identical_files(tmp_path, empty):
    anct, insee = anct_file(tmp_path / "in", name="anct_2022"), insee_file(tmp_path / "in")
    import_anct_subsidies(anct, empty)
    import_insee_qpv(insee, empty, territory="lens", communes=["Lens", "Liévin"])
    digest = tree_digest(empty)
    import_anct_subsidies(anct, empty)
    import_insee_qpv(insee, empty, territory="lens", communes=["Lens", "Liévin"])
    assert tree_digest(empty) == digest
    assert (empty / "lens" / MANIFEST).is_file()


def test_hand_edited_import_is_never_overwritten(tmp_path, empty):
    anct = anct_file(tmp_path / "in", name="anct_2022")
    import_anct_subsidies(anct, empty)
    target = empty / "contrat-de-ville-de-nimes" / "actions.anct-2022.csv"
    target.write_text(target.read_text("utf-8").replace("Ateliers numériques", "Ateliers numériques (corrigé)"), "utf-8")
    digest = tree_digest(empty)
    with pytest.raises(ImportFailed, match="à la main") as failure:
        import_anct_subsidies(anct, empty)
    assert [p.fichier for p in failure.value.problems] == [str(target)]
    assert tree_digest(empty) == digest
    # A hand-written file bearing the importer's name is not in the manifest either.
    handmade = empty / "lens" / "contexte.insee-qpv.csv"
    handmade.parent.mkdir()
    (handmade.parent / "territoire.yml").write_text("id: lens\nnom: Lens\nsigle: L\nsources: []\n", "utf-8")
    handmade.write_text("saisi à la main\n", "utf-8")
    with pytest.raises(ImportFailed, match="à la main"):
        import_insee_qpv(insee_file(tmp_path / "in"), empty, territory="lens", communes=["Lens"])
    assert handmade.read_text("utf-8") == "saisi à la main\n"


def test_cli_importer(tmp_path, empty, capsys):
    anct = anct_file(tmp_path / "in")
    assert main(["importer", "anct-subventions", str(anct), "--annee", "2022", "--donnees", str(empty)]) == 0
    out = capsys.readouterr().out
    assert "2 fichiers écrits (4 lignes)" in out and "(sans code contrat : niveau national ou régional) : 1 ligne" in out
    assert "2 territoires créés" in out and "données valides" in out
    assert main(["importer", "insee-qpv", str(insee_file(tmp_path / "in")), "--territoire", "contrat-de-ville-de-nimes",
                 "--communes", "Nîmes", "--donnees", str(empty)]) == 1
    err = capsys.readouterr().err
    assert "Import impossible" in err and "au moins un QPV" in err
    assert main(["importer", "anct-subventions", str(anct), "--donnees", str(empty)]) == 1
    assert "--annee AAAA" in capsys.readouterr().err


def test_territory_built_from_open_data_only(tmp_path, empty):
    import_anct_subsidies(anct_file(tmp_path / "in", name="subventions-2021"), empty)
    tid = "contrat-de-ville-de-lens-lievin"
    assert main(["importer", "insee-qpv", str(insee_file(tmp_path / "in")), "--territoire", tid,
                 "--communes", "Lens,Liévin", "--donnees", str(empty)]) == 0
    territory = cdv.load_territory(tid, empty)
    assert territory.report_years() == [2021]
    assert set(territory.sources) == {"anct-2021", "insee-qpv-2020"}
    assert territory.has("actions") and territory.has("contexte")
    assert cdv.discover_territories(empty) == ["contrat-de-ville-de-lens-lievin", "contrat-de-ville-de-nimes"]


def test_unreadable_input_is_reported_as_load_does(tmp_path, empty):
    source = tmp_path / "anct_2022.csv"
    source.write_bytes(anct_file(tmp_path / "in").read_text("utf-8").encode("utf-16"))
    with pytest.raises(ImportFailed, match="UTF-8 ou en Windows-1252"):
        import_anct_subsidies(source, empty)
    assert list(empty.iterdir()) == []


def test_report_built_from_open_data_only(tmp_path, empty, in_process):
    """A contract known only through the two imports gets a portrait that says what is missing."""
    from cdv_analysis.publish.build import build_all

    import_anct_subsidies(anct_file(tmp_path / "in", name="subventions-2021"), empty)
    tid = "contrat-de-ville-de-lens-lievin"
    import_insee_qpv(insee_file(tmp_path / "in"), empty, territory=tid, communes=["Lens", "Liévin"], vintage=2020)
    out = tmp_path / "reports"
    with in_process():
        summary = build_all(empty, out, tmp_path / "processed", jobs=1, progress=False)
    assert summary.ok, summary.text()
    page = (out / tid / "2021" / "rapport.html").read_text("utf-8").replace("\u202f", " ").replace("\u00a0", " ")
    assert "Subventions de l'ANCT" in page and "3 actions" in page
    assert "Association Réussir" in page  # the largest porteur
    assert "Profils des quartiers prioritaires (INSEE)" in page and "43,9 %" in page
    assert "secret statistique" in page
    links = set(re.findall(r'href="(donnees/[^"]+\.csv)"', page))
    assert {"donnees/indicateurs_qpv.csv", "donnees/anct_par_thematique.csv"} <= links
    assert all((out / tid / "2021" / link).is_file() for link in links)
    # A portrait: one box says which files would make it an evaluation, instead of empty sections.
    assert "<code>gouvernance.csv</code>" in page and f"{tid}/</code>" in page and page.count("Aucune donnée") == 1
    comparison = (out / "comparaison.html").read_text("utf-8")
    assert "C0011" in comparison and "C0012" in comparison
