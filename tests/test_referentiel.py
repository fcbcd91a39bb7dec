"""The référentiel d'évaluation: its schema, its located French errors, the answer blocks it drives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

import cdv_analysis as cdv
from cdv_analysis.ingest import referentiel as rf
from cdv_analysis.analysis.indicators import reponses
from cdv_analysis.ingest.load import validate_territory
from cdv_analysis.presentation.narrative import answer_blocks

CALL_FILE = "referentiel.eval2022.yml"
# The three questions the CALL report states for participation, word for word (03. … cadre méthodologique).
CALL_PARTICIPATION = [
    "Les conseils citoyens ont-ils permis de répondre à l'objectif de co-construire et d'évaluer le contrat de ville ?",
    "La Politique de la Ville, à travers sa programmation et ses dispositifs, a-t-elle généré des pratiques et des "
    "mécanismes de participation des habitants repérables/remarquables ?",
    "Quel état des lieux de la participation citoyenne est-il possible de dresser dans le droit commun ?",
]


def _write(folder: Path, document: object, name: str = CALL_FILE) -> Path:
    path = folder / name
    path.write_text(document if isinstance(document, str) else yaml.safe_dump(document, allow_unicode=True), "utf-8")
    return path


def _call_document(raw_dir: Path) -> dict:
    return yaml.safe_load((raw_dir / "call" / CALL_FILE).read_text("utf-8"))


def test_call_referentiel_transcribes_the_questions_of_its_evaluation(call):
    found = rf.referentiel_of_year(call, 2022)
    assert found is not None and found.source == "eval2022"
    participation = [q for q in found.questions if q.section == "participation"]
    assert [q.question for q in participation] == CALL_PARTICIPATION
    assert {q.statut for q in participation} == {"enoncee"}
    # Governance: the regional common question is stated; health's is reconstructed from its chapter.
    assert found.questions[1].question == ("Le Contrat de Ville a-t-il permis de favoriser les coopérations au "
                                           "service des QPV ?") and found.questions[1].statut == "enoncee"
    assert [q.statut for q in found.questions if q.section == "sante"] == ["reconstituee"]
    assert {q.section for q in found.questions} == set(rf.SECTIONS) - {"contexte"}  # CALL: no context question


def test_every_call_question_has_an_answer_block_with_an_indicator_or_a_statement(call):
    found = reponses.answers(call, 2022)
    assert [a.question.id for a in found] == [q.id for q in rf.referentiel_of_year(call, 2022).questions]
    for answer in found:
        assert len(answer.indicators) + int(answer.statements["retenu"].sum()) >= 1, answer.question.id
    by_id = {a.question.id: a for a in found}
    # GOV.1: the two printed shares of the communes' survey (19 respondents), with their Wilson interval.
    gov = by_id["GOV"].indicators.set_index("libelle")
    row = gov.loc["Le Contrat de Ville a permis le partenariat entre les acteurs du territoire — totalement"]
    # Issue 16: 19 is the questionnaire's respondents, not the n of this question (not printed): no count
    # (« 6 communes ») and no interval are derived from it.
    assert row["valeur"] == "31,6\xa0%" and pd.isna(row["n"])
    assert pd.isna(row["ic_bas"]) and pd.isna(row["ic_haut"])
    # PRG: the three printed totals of the programmation, 2016, 2019 and 2022.
    totals = by_id["PRG"].indicators.query("critere_id == 'PRG.1' and millesime in ['2016', '2019', '2022']")
    assert totals["valeur"].tolist() == ["près 3 900 000 euros", "près 4 586 000 euros", "près 5 760 000 euros"]
    assert by_id["GOV"].evidence["repondants"] == {"communes": 19, "associations": 21}


def test_the_programmation_conclusion_keeps_its_caveat(call):
    answer = {a.question.id: a for a in reponses.answers(call, 2022)}["PRG"]
    text = answer_blocks([answer])
    assert "forte mobilisation des moyens" in text and "due en grande partie" in text
    assert text.index("forte mobilisation des moyens") < text.index("due en grande partie")


def test_no_statement_is_quoted_twice_across_answer_blocks(call):
    shown = []
    for answer in reponses.answers(call, 2022):
        shown += answer.statements.loc[answer.statements["retenu"], "id"].tolist()
        shown += [row["id"] for row, _ in answer.conclusion] + [q["id"] for _, qs in answer.conclusion for q in qs]
    assert len(shown) == len(set(shown))
    assert set(shown) == reponses.quoted_ids(call, 2022)


def _candidates(rows):
    return pd.DataFrame(rows, columns=["id", "acteur", "nature", "rattache_a", "texte"])


def test_representative_statements_rule():
    frame = _candidates([
        ("p1", "communes", "proposition", "", "a"),
        ("d1", "communes", "definition", "", "b"),
        ("c1", "communes", "constat", "", "c"),        # a constat comes before the communes' proposal
        ("c2", "communes", "constat", "", "d"),        # one per actor group
        ("s1", "associations", "constat", "c1", "e"),  # a sub-point, after top-level statements of its rank
        ("f1", "associations", "frein", "", "f"),
        ("x1", "elus", "constat", "", "g"),            # already quoted on the page
        ("q1", "habitants", "citation", "", "h"),
    ])
    kept = reponses.representative_statements(frame, exclude={"x1"})
    assert frame.loc[kept, "id"].tolist() == ["c1", "s1", "q1"]
    assert frame.loc[reponses.representative_statements(frame, limit=2), "id"].tolist() == ["c1", "x1"]
    assert frame.loc[reponses.representative_statements(frame, per_actor=2, limit=9), "id"].tolist() == [
        "c1", "c2", "s1", "f1", "x1", "q1"]
    assert reponses.representative_statements(frame.iloc[0:0]).empty


def _problems(tmp_path: Path, raw_dir: Path, document: object) -> list:
    folder = tmp_path / "call"
    shutil.copytree(raw_dir / "call", folder)
    _write(folder, document)
    return [p for p in validate_territory(folder) if p.fichier.endswith(CALL_FILE)]


def test_the_embedded_referentiels_validate(raw_dir):
    for territory in ("call", "cabbalr"):
        assert [p for p in validate_territory(territory, raw_dir) if "referentiel" in p.fichier] == []


@pytest.mark.parametrize("change, key, expected", [
    (lambda d: d["questions"][0].update(section="emploi"), "section", "une section parmi programmation"),
    (lambda d: d["questions"][0].update(question="Sans point d'interrogation"), "question", "terminé par « ? »"),
    (lambda d: d["questions"][0].update(statut="devinee"), "statut", "« enoncee »"),
    (lambda d: d["questions"][0].update(verdict="oui"), "verdict", "une clé de question connue"),
    (lambda d: d["questions"][1].update(id="PRG"), "id", "un identifiant unique"),
    (lambda d: d["questions"][0]["criteres"][0]["indicateurs"][0].update(table="budget"), "table",
     "une table parmi enquetes"),
    (lambda d: d["questions"][0]["criteres"][0]["indicateurs"][0].update(filtre={"montants": "x"}), "filtre",
     "une colonne de la table « financements »"),
    (lambda d: d["questions"][0]["criteres"][0].update(enonces=["e22-inconnu"]), "enonces",
     "l'identifiant d'un énoncé de la table qualitatif"),
    # Issue 16: a heading of the source (« Missions du Coordinateur CLS ») is not a statement to quote.
    (lambda d: d["questions"][0]["criteres"][0].update(enonces=["e22s-g4"]), "enonces",
     "un énoncé, pas un intitulé de la source"),
    (lambda d: d["questions"][0].update(conclusion=["e22-moy-1"]), "conclusion", "un énoncé, pas un intitulé"),
    (lambda d: d["questions"][0]["criteres"][0]["indicateurs"][0].update(filtre={"mesure": "sollicite"}),
     "filtre", "un filtre qui retient au moins une ligne de la table « financements »"),
    (lambda d: d.update(source="ra2031"), "source", "une source déclarée dans territoire.yml"),
    (lambda d: d.update(questions=[]), "questions", "une liste non vide de questions"),
    (lambda d: d["questions"][0]["criteres"].append({"id": "PRG.9", "critere": "vide"}), "indicateurs",
     "au moins un indicateur ou un énoncé"),
])
def test_validation_errors_name_the_file_line_key_and_expectation(tmp_path, raw_dir, change, key, expected):
    document = _call_document(raw_dir)
    change(document)
    problems = _problems(tmp_path, raw_dir, document)
    assert problems, "no problem reported"
    problem = problems[0]
    assert problem.is_error and problem.colonne == key and expected in problem.attendu, str(problem)
    assert problem.ligne is not None and problem.ligne >= 1
    assert str(problem).startswith("call/" + CALL_FILE) or CALL_FILE in str(problem)


def test_a_yaml_syntax_error_gives_its_line(tmp_path, raw_dir):
    problems = _problems(tmp_path, raw_dir, "source: eval2022\nquestions:\n  - id: X\n    question: a: b ?\n")
    assert len(problems) == 1 and problems[0].ligne == 4 and "YAML valide" in problems[0].attendu


def test_a_repeated_key_is_an_error_at_its_line_not_a_silent_loss(tmp_path, raw_dir):
    text = ("source: eval2022\nquestions:\n  - id: PRG\n    section: programmation\n    question: Q ?\n"
            "    criteres: [{id: PRG.1, critere: a, enonces: [e22-moy-1]}]\n    criteres: []\n")
    [problem] = _problems(tmp_path, raw_dir, text)  # before: the first « criteres » dropped, no problem
    assert problem.fichier.endswith("call/" + CALL_FILE) and problem.ligne == 7
    assert problem.is_error and "clé « criteres » répétée" in problem.attendu


def test_an_impossible_date_is_located_not_a_crash(tmp_path, raw_dir):
    [problem] = _problems(tmp_path, raw_dir, "source: eval2022\nreference: 2022-13-45\nquestions: []\n")
    assert problem.fichier.endswith("call/" + CALL_FILE)
    assert (problem.ligne, problem.valeur, problem.attendu) == (2, "2022-13-45", "une date réelle AAAA-MM-JJ (ex. "
                                                                                 "2015-06-27)")


def test_the_template_is_an_empty_referentiel(tmp_path):
    template = Path(cdv.__file__).parent / "modele" / "referentiel.yml"
    assert rf.read_referentiel(template) == (None, [])
    assert "questions:" in template.read_text("utf-8")


def test_the_synthesis_has_five_to_eight_findings_by_its_rule(call, cabbalr):
    found = reponses.findings(call, 2022)
    # One per evaluative question (7), the programmation being answered by question 1: no separate change.
    assert found["regle"].tolist() == ["question"] * 7 and found["rang"].tolist() == list(range(1, 8))
    first = found.iloc[0]
    assert first["valeur"] == "47 %" and first["auteur"] == "evaluateur"
    assert found.iloc[3]["valeur"] == "3 en 2015, 22 en 2022"  # health actions, earlier vintage shown
    assert pd.isna(found.iloc[1]["n"])  # 19 answered the questionnaire; this question's n is not printed
    text = narrative_findings(found)
    assert text.count("](#question-") == 7 and "(résumé de l'évaluateur)" in text
    # CABBALR 2021 answers its own questions first (tests/test_referentiel_cabbalr.py); none of them gives the
    # programmation's change since the previous printed year, which follows: (6 931 463 − 5 530 289) / 5 530 289.
    annual = reponses.findings(cabbalr, 2021)
    assert 5 <= len(annual) <= 8 and annual["regle"].tolist()[:4] == ["question"] * 3 + ["evolution"]
    assert annual.iloc[3]["valeur"] == "+25,3\xa0%"


def narrative_findings(frame):
    from cdv_analysis.presentation.narrative import findings_markdown

    return findings_markdown(frame).replace("\\", "")
