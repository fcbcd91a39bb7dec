"""`cdv importer questionnaire`: one export of each tool into a territory, its tables, its page.

Counts are those counted by hand in tests/test_questionnaires.py; the Wilson
bounds come from the textbook formula (``wilson`` there). No identifying value
of the exports (e-mail, name, IP address, user name, token, structure name) may
reach a table, the territoire.yml, the page, its notebook or any CSV.
"""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

import cdv_analysis as cdv
from cdv_analysis.analysis import indicators as ind
from cdv_analysis.cli import main
from file_builders import MICROSOFT_FORMS_PEOPLE, microsoft_forms_xlsx, tree_digest
from test_contrats import TWO_CONTRACTS
from test_questionnaires import FIXTURES, wilson

SECRETS = (
    *(value for person in MICROSOFT_FORMS_PEOPLE for value in person), "Les Amis du 12-14", "Femmes relais",
    "mairie-exemple.fr", "marie.dupont", "83.204.17.9", "tk7Hq2", "a.durand", "91.168.12", "176.31.80",
    "a.lefebvre", "m.girard", "Maison de santé Jean Jaurès", "Centre social Colibri", "Pharmacie du Marché",
    "CCAS de Harnes",
)
EXPORTS = (  # (file, --enquete, --correspondances)
    ("google-forms-communes.csv", "communes", None),
    ("associations-2024.xlsx", "associations", None),
    ("limesurvey-conseils-citoyens.csv", "conseils_citoyens", "limesurvey-conseils-citoyens.yml"),
    ("framaforms-partenaires-sante.csv", "partenaires", None),
)


# Answers to « Quelles améliorations proposez-vous ? », one per respondent of the Microsoft Forms export; the
# fourth and fifth hold names typed in the « Nom » cell of respondent 2 and « Nom de votre association » of respondent 1.
REMARKS = ("Merci à M. Dupont et à Madame Claire Vasseur, très disponibles.", "Un référent unique à l'agglomération",
           "Appelez-moi au 06 12 34 56 78 ou écrivez à lire@exemple.org", "Madame la Maire devrait venir ; Karim "
           "BENALI nous a bien aidés", "Plus de moyens pour les amis du 12-14, comme l'a dit Mme X.")
TYPED_SECRETS = ("Dupont", "Claire", "Vasseur", "06 12 34 56 78", "lire@exemple.org", "Karim", "BENALI",
                 "amis du 12-14", "Mme X")


def territory_folder(root: Path) -> Path:
    folder = root / "demo"
    folder.mkdir(parents=True)
    meta = {**TWO_CONTRACTS, "communes": ["Lens", "Liévin", "Avion", "Harnes"],
            "sources": [{"id": "ra2023", "titre": "Rapport annuel 2023", "annee_rapport": 2023}]}
    (folder / "territoire.yml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), "utf-8")
    return folder


def export(tmp_path: Path, name: str) -> Path:
    return microsoft_forms_xlsx(tmp_path / name, REMARKS) if name.endswith(".xlsx") else FIXTURES / name


def run(tmp_path: Path, data: Path, name: str, survey: str, mapping: str | None, capsys, *extra: str):
    argv = ["importer", "questionnaire", str(export(tmp_path, name)), "--territoire", "demo", "--enquete", survey,
            "--donnees", str(data), *extra]
    if mapping:
        argv += ["--correspondances", str(FIXTURES / mapping)]
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def imported(tmp_path, capsys):
    data = tmp_path / "raw"
    territory_folder(data)
    printed = {}
    for name, survey, mapping in EXPORTS:
        code, out, err = run(tmp_path, data, name, survey, mapping, capsys)
        assert code == 0, err
        printed[survey] = out
    return data, printed


def test_each_tool_export_is_imported_with_n_per_question(imported):
    data, printed = imported
    folder = data / "demo"
    assert sorted(p.name for p in folder.glob("*.questionnaire-*.csv")) == [
        "cooperation.questionnaire-communes-2024.csv", "enquetes.questionnaire-associations-2024.csv",
        "enquetes.questionnaire-communes-2024.csv", "enquetes.questionnaire-conseils_citoyens-2024.csv",
        "enquetes.questionnaire-partenaires-2024.csv", "qualitatif.questionnaire-associations-2024.csv",
        "qualitatif.questionnaire-communes-2024.csv", "qualitatif.questionnaire-conseils_citoyens-2024.csv",
        "qualitatif.questionnaire-partenaires-2024.csv"]
    territory = cdv.load_territory("demo", data)
    assert territory.report_years() == [2023, 2024] and not territory.errors
    items = ind.survey_items(territory, "communes", "gouvernance", 2024)
    elu = items[items["question"].str.startswith("Votre commune dispose")].set_index("modalite")
    assert elu.loc["Oui", ["effectif", "n"]].tolist() == [4, 5]
    assert elu.loc["Oui", "pourcentage"] == pytest.approx(80.0)
    assert (elu.loc["Oui", "ic_bas"], elu.loc["Oui", "ic_haut"]) == pytest.approx(wilson(4, 5))
    assert elu.loc["Oui", "pourcentage_publie"] == ""  # counted, never printed
    raw = territory.table("enquetes")
    blank = raw[(raw["enquete"] == "communes") & raw["question"].str.startswith("Votre commune dispose")
                & (raw["groupe"] == "")]
    assert set(blank["sans_reponse"]) == {1} and set(blank["n_origine"]) == {"reponses"}
    # Microsoft Forms: the health question goes to the health section, with its own n.
    health = ind.survey_items(territory, "associations", "sante", 2024).set_index("modalite")
    assert health.loc["Oui", ["effectif", "n"]].tolist() == [3, 4]
    assert (health.loc["Oui", "ic_bas"], health.loc["Oui", "ic_haut"]) == pytest.approx(wilson(3, 4))
    # LimeSurvey: the conseils citoyens feed the participation section.
    opinions = ind.council_opinions(territory, 2024)
    useful = opinions[opinions["question"] == "Le conseil citoyen est utile au quartier"]
    assert useful["effectif"].tolist() == [0, 1, 3, 1] and set(useful["n_repondants"]) == {5}
    assert useful["pourcentage"].tolist() == pytest.approx([0, 20, 60, 20])
    # Framaforms: a health partners' questionnaire, the draft left out.
    themes = ind.survey_items(territory, "partenaires", "sante", 2024)
    assert set(themes.loc[themes["question"].str.startswith("Thématiques"), "n"]) == {3}


def test_cooperation_grid_feeds_the_heatmap_with_counted_shares(imported):
    data, _ = imported
    territory = cdv.load_territory("demo", data)
    levels = ind.cooperation_levels(territory, annee=2024)
    assert levels.table.loc["État"].tolist() == pytest.approx([100 / 6, 100 / 6, 200 / 6, 100 / 6, 100 / 6])
    assert levels.table.loc["Département"].tolist() == pytest.approx([40, 40, 20, 0, 0])
    assert levels.get("n_publie") == []  # no printed n: no GRIM sentence about printed percentages
    means = ind.cooperation_means(territory, annee=2024).set_index("partenaire")
    assert means.loc["État", "niveau_moyen"] == pytest.approx((1 + 2 + 3 * 2 + 4 + 5) / 6)


def test_cross_tabulation_rows(imported):
    data, _ = imported
    crossed = ind.survey_crosstab(cdv.load_territory("demo", data), "communes", 2024)
    lens = crossed[(crossed["groupe"] == "Lens") & crossed["question"].str.startswith("Votre commune dispose")]
    assert lens.set_index("modalite")[["effectif", "n"]].to_dict("index") == {"Oui": {"effectif": 2, "n": 2},
                                                                              "Non": {"effectif": 0, "n": 2}}
    assert lens["ic_bas"].iloc[0] == pytest.approx(wilson(2, 2)[0])
    assert "Harnes" not in set(crossed.loc[crossed["question"].str.startswith("Votre commune dispose"), "groupe"])


def test_import_summary_names_the_columns_never_read(imported):
    _, printed = imported
    assert "Export reconnu : Google Forms ; 6 répondants retenus." in printed["communes"]
    assert "Colonnes identifiantes jamais lues (ni table, ni page, ni CSV) : « Adresse e-mail »." in printed["communes"]
    assert ("« Adresse de messagerie », « Nom » et « Nom de votre association »" in printed["associations"])
    assert "Non comptés (réponse incomplète, jamais soumise) : 1 répondant." in printed["conseils_citoyens"]
    assert "Non comptés (brouillon jamais soumis) : 1 répondant." in printed["partenaires"]
    assert ("Votre commune dispose-t-elle d'un élu délégué à la Politique de la Ville ? : choix unique, "
            "n = 5 (1 sans réponse)") in printed["communes"]
    for out in printed.values():
        assert not any(secret in out for secret in SECRETS)


def test_import_is_idempotent_and_tracked(imported, tmp_path, capsys):
    data, _ = imported
    before = tree_digest(data)
    manifest = json.loads((data / "demo" / ".imports.json").read_text("utf-8"))
    assert "enquetes.questionnaire-communes-2024.csv" in manifest
    code, out, _ = run(tmp_path, data, *EXPORTS[0], capsys)
    assert code == 1 and tree_digest(data) == before  # a command that did nothing says so and exits non-zero
    assert "Aucun changement : ce fichier était déjà importé à l'identique ; rien n'a été écrit." in out
    assert "0 fichier écrit" in out


@pytest.mark.parametrize(("options", "expected"), [
    (("--enquete", "communes", "--territoire", "inconnu"), "un territoire existant pour --territoire"),
    (("--enquete", "Les communes", "--territoire", "demo"), "pour --enquete"),
    (("--territoire", "demo"), "l'option --enquete (obligatoire pour un questionnaire)"),
    (("--enquete", "communes", "--territoire", "demo", "--annee", "24"), "une année sur quatre chiffres"),
])
def test_refused_imports_write_nothing(tmp_path, capsys, options, expected):
    data = tmp_path / "raw"
    territory_folder(data)
    before = tree_digest(data)
    code = main(["importer", "questionnaire", str(FIXTURES / "google-forms-communes.csv"), "--donnees", str(data),
                 *options])
    err = capsys.readouterr().err
    assert code == 1 and expected in err and "aucun fichier n'a été écrit" in err
    assert tree_digest(data) == before


def test_export_spanning_two_years_needs_the_year(tmp_path, capsys):
    data = tmp_path / "raw"
    territory_folder(data)
    lines = (FIXTURES / "google-forms-communes.csv").read_text("utf-8").splitlines()
    lines[-1] = lines[-1].replace("2024/06/03", "2025/01/06")
    path = tmp_path / "communes.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    code = main(["importer", "questionnaire", str(path), "--territoire", "demo", "--enquete", "communes",
                 "--donnees", str(data)])
    assert code == 1 and "indiquez --annee AAAA (les dates de réponse couvrent 2024 à 2025)" in capsys.readouterr().err
    assert main(["importer", "questionnaire", str(path), "--territoire", "demo", "--enquete", "communes",
                 "--annee", "2024", "--donnees", str(data)]) == 0


def test_page_shows_real_counts_and_no_identifying_value(imported, tmp_path, capsys, in_process):
    data, _ = imported
    out, processed = tmp_path / "reports", tmp_path / "processed"
    with in_process():
        code = main(["rapports", "--donnees", str(data), "--territoire", "demo", "--annee", "2024", "--sortie", str(out),
                     "--sortie-donnees", str(processed), "--silencieux", "--jobs", "1"])
    assert code == 0, capsys.readouterr().out
    page = (out / "demo" / "2024" / "rapport.html").read_text("utf-8")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u202f", " ").replace("\xa0", " ").split())
    low, high = (f"{v:.1f}".replace(".", ",") for v in wilson(4, 5))
    assert f"4 communes sur 5, soit 80,0 %, intervalle de confiance à 95 % : {low} % à {high} %" in text
    assert "3 associations sur 4, soit 75,0 %" in text
    assert "Questionnaires : volet santé" in page and "Réponses par commune ou par quartier" in page
    # The 2024 report belongs to the 2024–2030 contract; the 2023 one to the 2015 contract: the geography changed.
    assert "Le rapport 2024 porte sur le Contrat de ville 2024–2030 « Quartiers 2030 » (2024–2030)" in text
    assert "QN06207M" in text and "La géographie prioritaire a changé au 1er janvier 2024" in text
    shown = [out / "demo" / "2024" / "rapport.html", out / "demo" / "2024" / "rapport.ipynb",
             *(out / "demo" / "2024" / "donnees").glob("*.csv"), *processed.rglob("*.csv"),
             *(data / "demo").iterdir()]
    for path in shown:
        content = path.read_text("utf-8")
        leaked = [secret for secret in (*SECRETS, *TYPED_SECRETS) if secret in content]
        assert not leaked, (path.name, leaked)
    # The one open answer of the associations without personal data is quoted; the four interne ones are not.
    assert "Un référent unique à l&#39;agglomération" in page or "Un référent unique à l'agglomération" in page
    assert "[nom retiré]" not in page and "Madame la Maire" not in page
    donnees = pd.read_csv(out / "demo" / "2024" / "donnees" / "questionnaire_communes.csv")
    assert {"effectif", "n", "ic_bas", "ic_haut"} <= set(donnees.columns)
    assert not math.isnan(donnees["ic_haut"].dropna().iloc[0])



def test_names_typed_in_open_answers_are_taken_out_kept_interne_and_listed(imported):
    data, printed = imported
    column = "colonne « Quelles améliorations proposez-vous ? »"
    assert ("Réponses ouvertes : 5 réponses recopiées telles quelles ; relisez-les avant de publier (un nom peut "
            "s'y trouver).\n4 réponses contenaient une donnée personnelle, retirée du texte ; gardées en diffusion "
            "« interne » (jamais publiées), relisez-les dans l'export et passez à « publiable » (colonne « diffusion » "
            "de qualitatif.questionnaire-associations-2024.csv) celles qui n'identifient plus personne :\n"
            f"  - associations-2024.xlsx, ligne 2, {column} : civilité suivie d'un nom\n"
            f"  - associations-2024.xlsx, ligne 4, {column} : adresse e-mail, numéro de téléphone\n"
            f"  - associations-2024.xlsx, ligne 5, {column} : nom ou structure d'une colonne identifiante\n"
            f"  - associations-2024.xlsx, ligne 6, {column} : civilité suivie d'un nom, nom ou structure d'une "
            "colonne identifiante\n") in printed["associations"]
    said = pd.read_csv(data / "demo" / "qualitatif.questionnaire-associations-2024.csv", dtype=str,
                       keep_default_na=False)
    assert said["texte"].tolist() == [
        "Merci à M. [nom retiré] et à Madame [nom retiré], très disponibles.", "Un référent unique à l'agglomération",
        "Appelez-moi au [numéro retiré] ou écrivez à [adresse e-mail retirée]",
        "Madame la Maire devrait venir ; [nom retiré] [nom retiré] nous a bien aidés",  # an office is no name
        "Plus de moyens pour [nom retiré], comme l'a dit Mme [nom retiré]."]
    assert said["diffusion"].tolist() == ["interne", "", "interne", "interne", "interne"]
    # No answer of the other exports held any: nothing kept from their pages.
    assert all("gardées en diffusion" not in out for survey, out in printed.items() if survey != "associations")


def test_the_year_option_help_says_where_the_default_comes_from(capsys):
    with pytest.raises(SystemExit):
        main(["importer", "questionnaire", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    # before: « défaut : année du nom du fichier », which this importer never reads
    assert "questionnaire : année (défaut : celle des dates de réponse)" in text
    assert "nom du fichier ; questionnaire" not in text
