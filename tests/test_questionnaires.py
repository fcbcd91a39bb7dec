"""Raw questionnaire exports (Google Forms, Microsoft Forms, LimeSurvey, Framaforms) read into counts.

Every expected count below was counted by hand in the fixture files of
``tests/fixtures/questionnaires/`` (and ``file_builders.MICROSOFT_FORMS_ANSWERS``);
the Wilson bounds are recomputed with the textbook formula, not with the package.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cdv_analysis.ingest import questionnaires as q
from file_builders import MICROSOFT_FORMS_PEOPLE, microsoft_forms_xlsx

FIXTURES = Path(__file__).parent / "fixtures" / "questionnaires"
Z = 1.959963984540054  # two-sided 95 % normal quantile


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson score interval, in percent, by the formula."""
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return 100 * (centre - half), 100 * (centre + half)


def counts_of(survey, question: str, group: str = "") -> dict[str, tuple[int, int, int]]:
    """modality -> (count, n, blank) of one question."""
    table = q.question_counts(survey, survey.attribute if group else None)
    rows = table[(table["question"] == question) & (table["groupe"] == group)]
    assert not rows.empty, f"no counts for {question!r}"
    return {r.modalite: (r.effectif, r.n, r.sans_reponse) for r in rows.itertuples()}


def all_cells(survey) -> str:
    return "\n".join("|".join(row) for row in survey.rows) + "\n".join(
        f"{x.label}|{x.header}|{x.axe}|{x.partner}|{'|'.join(x.items)}|{'|'.join(x.options)}" for x in survey.questions)


@pytest.fixture
def google():
    return q.read_export(FIXTURES / "google-forms-communes.csv")


def test_google_forms_counts_with_n_per_question(google):
    assert google.tool == "google" and google.respondents == 6 and google.years == [2024]
    assert counts_of(google, "Votre commune") == {"Lens": (2, 6, 0), "Liévin": (2, 6, 0), "Avion": (1, 6, 0),
                                                  "Harnes": (1, 6, 0)}
    # Harnes left the question blank: out of n, counted as a blank answer.
    elu = "Votre commune dispose-t-elle d'un élu délégué à la Politique de la Ville ?"
    assert counts_of(google, elu) == {"Oui": (4, 5, 1), "Non": (1, 5, 1)}
    # Checkboxes in one cell « a, b », with an option that holds a comma itself.
    attentes = counts_of(google, "Quelles sont vos principales attentes envers l'agglomération ?")
    assert attentes == {"L'appui en méthodologie de projets": (3, 5, 1),
                        "L'animation du réseau des acteurs": (2, 5, 1),
                        "Des temps d'échange, de formation": (2, 5, 1)}
    # A Likert item: the whole 4-level scale, in order, zero counts included.
    partenariat = counts_of(google, "Le Contrat de Ville a permis le partenariat entre les acteurs du territoire")
    assert list(partenariat) == ["Pas du tout d'accord", "Plutôt pas d'accord", "Plutôt d'accord",
                                 "Tout à fait d'accord"]
    assert list(partenariat.values()) == [(1, 5, 1), (1, 5, 1), (2, 5, 1), (1, 5, 1)]


def test_google_forms_grid_on_the_cooperation_scale(google):
    etat = google.question("État")
    assert etat.is_cooperation and etat.partner == "État"
    assert etat.axe == "Comment qualifiez-vous votre coopération avec chacun des signataires ?"
    assert list(counts_of(google, "Département").values()) == [(2, 5, 1), (2, 5, 1), (1, 5, 1), (0, 5, 1),
                                                               (0, 5, 1)]


def test_wilson_intervals_recomputed_by_hand(google):
    table = q.question_counts(google)
    oui = table[table["modalite"] == "Oui"].iloc[0]
    assert (oui.effectif, oui.n) == (4, 5)
    assert (oui.ic_bas, oui.ic_haut) == pytest.approx(wilson(4, 5), abs=1e-9)
    assert wilson(4, 5) == pytest.approx((37.553, 96.378), abs=1e-3)
    zero = table[(table["question"] == "Département") & (table["modalite"] == "Cohésion dynamique")].iloc[0]
    assert zero.ic_bas == pytest.approx(0, abs=1e-9) and zero.ic_haut == pytest.approx(wilson(0, 5)[1])


def test_cross_tabulation_by_commune(google):
    assert google.attribute.label == "Votre commune"
    elu = "Votre commune dispose-t-elle d'un élu délégué à la Politique de la Ville ?"
    assert counts_of(google, elu, "Lens") == {"Oui": (2, 2, 0), "Non": (0, 2, 0)}
    assert counts_of(google, elu, "Avion") == {"Oui": (0, 1, 0), "Non": (1, 1, 0)}
    harnes = counts_of(google, elu, "Harnes")  # the only Harnes answer is blank
    assert harnes == {"Oui": (0, 0, 1), "Non": (0, 0, 1)}
    liévin = counts_of(google, "Quelles sont vos principales attentes envers l'agglomération ?", "Liévin")
    assert liévin["L'appui en méthodologie de projets"] == (1, 1, 1)


def test_open_answers_are_kept_with_their_line(google):
    answers = q.open_answers(google)
    assert answers["ligne"].tolist() == [2, 5, 7]
    assert answers["texte"].iloc[2] == "Trop de délais de paiement, les petites associations sont fragilisées."


def test_google_identifying_column_never_read(google):
    assert google.identifying == ["Adresse e-mail"]
    assert "@" not in all_cells(google)
    assert "Horodateur" in google.technical and "2024/05" not in all_cells(google)


def test_microsoft_forms_excel_export(tmp_path):
    survey = q.read_export(microsoft_forms_xlsx(tmp_path / "Questionnaire associations(1-5).xlsx"))
    assert survey.tool == "microsoft" and survey.respondents == 5 and survey.years == [2024]
    assert survey.identifying == ["Adresse de messagerie", "Nom", "Nom de votre association"]
    cells = all_cells(survey)
    for mail, name in MICROSOFT_FORMS_PEOPLE:
        assert mail not in cells and name not in cells
    assert "Les Amis du 12-14" not in cells
    # « a;b; » cells, an option holding a comma.
    assert counts_of(survey, "Domaines d'intervention") == {
        "Emploi et insertion": (3, 4, 1), "Santé": (2, 4, 1), "Culture, sport et loisirs": (1, 4, 1)}
    accompagnement = "Vous sentez-vous suffisamment accompagnés par les services de l'agglomération ?"
    assert survey.question(accompagnement).scale.code == "satisfaction_4"
    assert list(counts_of(survey, accompagnement).values()) == [(1, 5, 0), (1, 5, 0), (2, 5, 0), (1, 5, 0)]
    assert list(counts_of(survey, "La procédure de l'appel à projets est adaptée").values()) == [
        (0, 4, 1), (1, 4, 1), (2, 4, 1), (1, 4, 1)]
    sante = survey.question("Votre association mène-t-elle des actions de prévention santé ?")
    assert sante.volet == "sante"
    assert counts_of(survey, sante.label) == {"Oui": (3, 4, 1), "Non": (1, 4, 1)}
    assert survey.attribute.label == "Quartier d'intervention principal"
    assert len(q.open_answers(survey)) == 3


def test_limesurvey_codes_with_mapping_file():
    mapping = q.read_mapping(FIXTURES / "limesurvey-conseils-citoyens.yml")
    survey = q.read_export(FIXTURES / "limesurvey-conseils-citoyens.csv", mapping)
    # Response 3 was never submitted (blank submitdate): left out and counted.
    assert survey.tool == "limesurvey" and survey.respondents == 5 and survey.excluded == {"incomplete": 1}
    assert survey.identifying == ["token", "ipaddr", "refurl"]
    cells = all_cells(survey)
    assert "83.204" not in cells and "tk7Hq2" not in cells and "mail=" not in cells
    # Q2[SQ00x]: Y/blank, one column per option, plus the « other » text ticking « Autre ».
    assert counts_of(survey, "Comment êtes-vous informé des activités du conseil citoyen ?") == {
        "Affiches": (2, 4, 1), "Réseaux sociaux": (2, 4, 1), "Bouche-à-oreille": (2, 4, 1), "Autre": (1, 4, 1)}
    # Q3: an array on a 4-level agreement scale, answer codes A1..A4 named by the mapping file.
    utile = counts_of(survey, "Le conseil citoyen est utile au quartier")
    assert list(utile.values()) == [(0, 5, 0), (1, 5, 0), (3, 5, 0), (1, 5, 0)]
    assert list(counts_of(survey, "Le conseil citoyen est écouté par les institutions").values()) == [
        (1, 4, 1), (1, 4, 1), (2, 4, 1), (0, 4, 1)]
    assert survey.question("Le conseil citoyen est utile au quartier").axe == "Votre regard sur le conseil citoyen"
    # Q4: a yes/no question exported as Y/N.
    assert counts_of(survey, "Avez-vous participé à une réunion publique du contrat de ville en 2024 ?") == {
        "Oui": (3, 5, 0), "Non": (2, 5, 0)}
    assert counts_of(survey, "Quartier de résidence") == {"Cité 12-14": (2, 4, 1), "Résidence Calonne": (2, 4, 1)}
    answers = q.open_answers(survey)
    assert sorted(answers["question"].unique()) == ["Autre moyen d'information",
                                                    "Qu'aimeriez-vous changer dans votre quartier ?"]
    assert len(answers) == 4


def test_limesurvey_question_code_and_text_headers():
    survey = q.read_export(FIXTURES / "limesurvey-texte.csv")
    assert survey.tool == "limesurvey" and survey.respondents == 3 and survey.identifying == ["Adresse IP"]
    assert counts_of(survey, "Vos thèmes d'action") == {"Éducation": (2, 3, 0), "Santé": (2, 3, 0)}
    assert survey.question("Q3").label == "Êtes-vous satisfait de l'appel à projets ?"
    assert list(counts_of(survey, "Êtes-vous satisfait de l'appel à projets ?").values()) == [
        (0, 3, 0), (1, 3, 0), (1, 3, 0), (1, 3, 0)]


def test_framaforms_webform_export_with_three_header_rows():
    survey = q.read_export(FIXTURES / "framaforms-partenaires-sante.csv")
    assert survey.tool == "framaforms" and survey.respondents == 4 and survey.excluded == {"brouillon": 1}
    assert survey.identifying == ["Adresse IP", "UID", "Nom d'utilisateur", "Nom de votre structure"]
    cells = all_cells(survey)
    for secret in ("91.168", "a.lefebvre", "m.girard", "Maison de santé", "CCAS de Harnes", "Pharmacie"):
        assert secret not in cells
    themes = "Thématiques de santé travaillées avec l'atelier santé ville"
    assert survey.question(themes).volet == "sante"
    assert counts_of(survey, themes) == {"Accès aux soins": (2, 3, 1), "Santé mentale": (2, 3, 1),
                                         "Nutrition, activité physique": (2, 3, 1)}
    assert list(counts_of(survey, "Comment jugez-vous la coordination de l'atelier santé ville ?").values()) == [
        (0, 4, 0), (1, 4, 0), (2, 4, 0), (1, 4, 0)]
    assert counts_of(survey, themes, "Lens") == {"Accès aux soins": (1, 1, 1), "Santé mentale": (1, 1, 1),
                                                 "Nutrition, activité physique": (0, 1, 1)}


def test_mapping_overrides_types_and_known_options(tmp_path):
    mapping = tmp_path / "types.yml"
    mapping.write_text("croisement: non\nquestions:\n"
                       "  Quelles sont vos principales attentes envers l'agglomération ?:\n"
                       "    options: [\"Des temps d'échange, de formation\", L'appui en méthodologie de projets]\n"
                       "  Vos remarques sur l'animation du contrat: {type: ignorer}\n", "utf-8")
    survey = q.read_export(FIXTURES / "google-forms-communes.csv", q.read_mapping(mapping))
    assert survey.attribute is None
    attentes = counts_of(survey, "Quelles sont vos principales attentes envers l'agglomération ?")
    assert list(attentes)[:2] == ["Des temps d'échange, de formation", "L'appui en méthodologie de projets"]
    assert q.open_answers(survey).empty


def refused(export: str, mapping: Path, text: str) -> str:
    """The French message of an import refused with ``text`` as its mapping file."""
    mapping.write_text(text, "utf-8")
    with pytest.raises(q.QuestionnaireError) as error:
        q.read_export(FIXTURES / export, q.read_mapping(mapping))
    return str(error.value)


def test_mapping_errors_are_located_in_french(tmp_path):
    mapping = tmp_path / "types.yml"
    message = refused("limesurvey-texte.csv", mapping, "questions:\n  Q9: {type: liste}\n")
    assert "colonne « questions.Q9.type » : valeur « liste » ; attendu : un type parmi choix_unique" in message
    message = refused("limesurvey-texte.csv", mapping, "questions:\n  Q9: {type: ouverte}\n")
    assert "types.yml, colonne « questions.Q9 » : une colonne de" in message


def test_a_mapping_is_read_as_every_outside_yaml(tmp_path):
    mapping = tmp_path / "types.yml"
    message = refused("limesurvey-texte.csv", mapping,  # before: the first « type » dropped in silence
                      "questions:\n  Q9:\n    type: ouverte\n    type: ignorer\n")
    assert "types.yml, ligne 4 : du YAML valide (clé « type » répétée" in message
    message = refused("limesurvey-texte.csv", mapping, "croisement: non\ndate: 2024-02-30\n")  # before: ValueError
    assert "types.yml, ligne 2 : valeur « 2024-02-30 » ; attendu : une date réelle AAAA-MM-JJ" in message
    message = refused("limesurvey-texte.csv", mapping, "questions:\n  Q9: &a {type: ouverte}\n  Q10: *a\n")
    assert "types.yml, ligne 2 : du YAML valide (ancres et alias YAML (& et *) non acceptés" in message


def test_answer_outside_a_forced_scale_names_line_and_column(tmp_path):
    message = refused("google-forms-communes.csv", tmp_path / "types.yml",
                      "questions:\n  Votre commune dispose-t-elle d'un élu délégué à la Politique de la Ville ?:\n"
                      "    {type: echelle, echelle: accord_4}\n")
    assert "google-forms-communes.csv, ligne 2, colonne « Votre commune dispose-t-elle" in message
    assert "valeur « Oui » ; attendu : un niveau de l'échelle « accord (4 niveaux) »" in message


def test_empty_or_headerless_exports_are_refused(tmp_path):
    path = tmp_path / "vide.csv"
    path.write_text("Horodateur,Adresse e-mail\n2024/05/13 10:02:11,a@b.fr\n", "utf-8")
    message = str(pytest.raises(q.QuestionnaireError, q.read_export, path).value)
    assert "vide.csv, ligne 1 : au moins une colonne de question" in message
    assert "a@b.fr" not in message
