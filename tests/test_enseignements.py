"""« Enseignements et préconisations »: the sources' own conclusions and recommendations, traceable."""

from __future__ import annotations

import re

import pandas as pd

import cdv_analysis as cdv
from cdv_analysis.analysis import indicators as ind
from cdv_analysis.presentation import narrative

CALL_TITLE = "Rapport d'évaluation finale 2022"  # the short title (issue 16: never an internal id)


def test_call_2022_gathers_the_conclusions_and_the_seven_proposals_for_the_next_contract(call):
    lessons = ind.lessons(call, 2022)
    assert set(lessons["titre_source"]) == {CALL_TITLE}
    by_id = lessons.set_index("id")
    # « LES PROPOSITIONS » of the governance part: the first, unnumbered, then 1 to 7.
    proposals = [f"e22-prop-{n}" for n in range(8)]
    assert (by_id.loc[proposals, "role"] == "Préconisations").all()
    assert by_id.loc["e22-prop-2", "theme"] == "gouvernance"  # « droit commun »
    assert by_id.loc["e22-prop-1", "texte"].startswith("Mieux articuler les dispositifs existants")
    # Governance conclusion of part 03 and health « Conclusion et perspectives ».
    assert by_id.loc["e22-conc-1", ["theme", "role"]].tolist() == ["gouvernance", "Conclusions"]
    assert by_id.loc["e22s-k1", ["theme", "role"]].tolist() == ["sante", "Conclusions"]
    assert by_id.loc["e22-pr-0", ["theme", "role"]].tolist() == ["participation", "Conclusions"]
    # The transcribed conclusions file (nature « conclusion » / « preconisation »).
    assert by_id.loc["e22-k-fin", ["theme", "role"]].tolist() == ["programmation", "Conclusions"]
    assert by_id.loc["e22-k-inv", "role"] == "Préconisations"
    # Quotations and obstacles are what actors say, not what the evaluation concludes.
    assert not lessons["id"].str.startswith(("e22-cit-", "e22-fr-")).any()
    # Source order (issue 17): the seven numbered proposals follow each other, 1 to 7, after the first one.
    at = {row_id: i for i, row_id in enumerate(lessons["id"])}
    assert [at[p] for p in proposals] == list(range(at["e22-prop-0"], at["e22-prop-0"] + 8))
    assert at["e22-k-fin"] < at["e22-prop-0"] < at["e22-pr-0"] < at["e22s-k1"]  # chapters 03 then 04
    # An elected official's editorial is not a recommendation of the evaluation.
    assert not lessons["section"].str.startswith("Édito").any()


def test_cabbalr_2019_report_concludes_with_its_conclusion_page(cabbalr):
    lessons = ind.lessons(cabbalr, 2019)
    assert lessons["id"].tolist() == ["r19-concl1", "r19-concl2", "r19-concl3"]
    assert set(lessons["section"]) == {"Conclusion"}
    assert set(lessons["role"]) == {"Conclusions"}


def test_cabbalr_2022_keeps_the_manifesto_proposals_of_its_own_year_only(cabbalr):
    lessons = ind.lessons(cabbalr, 2022)
    assert set(lessons["source"]) == {"ra2022", "synthese2022"}
    manifesto = lessons[lessons["section"].str.startswith("Manifeste")]
    assert len(manifesto) == 38 and set(manifesto["role"]) == {"Préconisations"}


def test_markdown_quotes_escapes_and_attributes_each_sentence(data_copy):
    extra = data_copy / "call" / "qualitatif.essai.csv"
    extra.write_text(
        "id,annee,acteur,nature,theme,numero,rattache_a,texte,source,section,remarque\n"
        "x-1,,agglomeration,conclusion,gouvernance,,,<script>alert(1)</script> # titre,eval2022,Conclusion,\n",
        encoding="utf-8")
    lessons = ind.lessons(cdv.load_territory("call", data_copy), 2022)
    text = narrative.lessons_markdown(lessons)
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "alert" in line)
    assert "<script>" not in lines[at] and "&lt;script&gt;" in lines[at] and r"\#" in lines[at]
    assert lines[at - 2] == "#### Conclusion"  # the part of the source it comes from


def test_sub_points_stay_nested_under_their_parent(cabbalr):
    lessons = ind.lessons(cabbalr, 2022)
    text = narrative.lessons_markdown(lessons)
    child = lessons[lessons["rattache_a"].isin(lessons["id"])].iloc[0]
    parent = lessons.set_index("id").loc[child["rattache_a"], "texte"]
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("    - ") and child["texte"][:20] in line.replace("\\", ""))
    previous = [line for line in lines[:at] if re.match(r"(- |\d+\. )", line)][-1]  # numbered: its number
    assert parent[:20] in previous.replace("\\", "")
    # One heading for a run of statements from the same part of the source, not one per statement.
    assert 0 < text.count("#### ") < len(lessons) / 2


def test_a_territory_without_conclusions_shows_nothing(data_copy):
    for path in (data_copy / "call").glob("qualitatif*"):
        path.unlink()
    (data_copy / "call" / "referentiel.eval2022.yml").unlink()  # it cites the statements removed above
    lessons = ind.lessons(cdv.load_territory("call", data_copy), 2022)
    assert lessons.empty and narrative.lessons_markdown(lessons) == ""


def test_call_page_numbers_the_seven_proposals_in_order_and_keeps_paragraphs_whole(call):
    lessons = ind.lessons(call, 2022)
    cited = ind.quoted_where(call, 2022)
    text = narrative.lessons_markdown(lessons, cited).replace("\\", "")
    numbered = re.findall(r"^(\d)\. (?:<q>)?« (.{20})", text, flags=re.M)
    proposals = lessons.set_index("id").loc[[f"e22-prop-{n}" for n in range(1, 8)], "texte"]
    assert numbered[:7] == [(str(n), t[:20]) for n, t in enumerate(proposals, start=1)]
    # The printed table of the « 4 séries de moyens » stays a table: a cell is not a recommendation.
    assert "<td>Des ressources humaines</td><td>Une ingénierie" in text and "- « Du temps »" not in text
    # The closing « Contrat de Ville idéal » is there, and no editorial line.
    assert "Contrat de Ville idéal" in text and "plan « Marshall » pour l'accompagnement social" not in text
    # What an answer block already quotes is referred to, not repeated.
    assert "La Politique de la Ville est un vecteur pertinent" not in text
    assert "Citée plus haut : réponse à la question" in text
    # No sentence ending in « : » without what follows it.
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.rstrip().removesuffix("</q>").endswith(": »"):
            assert lines[i + 1].startswith("    - "), line
    # Within the length rule: at most about 1 200 words of the source's text on the page.
    quoted = " ".join(re.findall(r"« (.*?) »", text))
    assert len(quoted.split()) <= 1300


def test_the_programmation_conclusion_and_the_participation_conclusion_are_whole(call):
    rows = ind.lessons(call, 2022).set_index("id")
    assert rows.loc["e22-co-0", "texte"].startswith(
        "Les résultats de l'évaluation de la participation des habitants amènent à conclure plus globalement que")
    block = narrative.answer_blocks([a for a in ind.answers(call, 2022) if a.question.id == "PRG"])
    assert "due en grande partie" in block.replace("\\", "")


def _lessons(rows):
    columns = ["id", "section", "texte", "nature", "rattache_a", "numero"]
    return pd.DataFrame(rows, columns=columns).assign(role="Préconisations", acteur="associations")


def test_the_same_words_printed_twice_are_quoted_once_and_referred_to():
    """Issue 16: « Privilégier l'outil C.P.O. » was printed under the associations' and the élus' slides."""
    same = "Privilégier l'outil C.P.O. (3 ans)"
    frame = _lessons([("a", "Contribution des associations", same, "proposition", "", ""),
                      ("b", "Contribution des associations", "Aide à l'évaluation", "proposition", "", ""),
                      ("c", "Contribution des élus", "Des calendriers", "constat", "", ""),
                      ("c1", "Contribution des élus", same, "proposition", "c", ""),
                      ("d", "Contribution des élus", f"  {same} ", "proposition", "", ""),
                      ("e", "Contribution des associations", 'comme "Fabrique à initiatives"', "proposition", "", ""),
                      ("f", "Contribution des élus", "comme « Fabrique à initiatives »*", "proposition", "", "")])
    shown: set[str] = set()
    text = narrative.lessons_markdown(frame, shown=shown).replace("\\", "")
    assert text.count("Privilégier") == 1 and text.count("Fabrique") == 1 and shown == {"a", "b", "c", "e"}
    refer = "Mêmes mots que dans la partie « Contribution des associations », cités plus haut."
    assert text.splitlines().count(f"    - *{refer}*") == 1  # under « Des calendriers »
    assert text.splitlines().count(f"- *{refer}*") == 2  # « d » then « f », the line between them is « e »


def test_a_heading_of_the_source_is_never_quoted():
    frame = _lessons([("h", "Moyens (tableau)", "Du temps", "intitule", "", ""),
                      ("h1", "Moyens (tableau)", "Dépasser la logique d'actions ponctuelles", "levier", "h", ""),
                      ("t", "Phases", "Phase d'entretiens", "intitule", "", ""),
                      ("t1", "Phases", "Avec les maires", "proposition", "t", ""),
                      ("alone", "Phases", "Temps politique", "intitule", "", "")])
    text = narrative.lessons_markdown(frame).replace("\\", "")
    assert "<td>Du temps</td>" in text and "« Du temps »" not in text
    assert "- *Phase d'entretiens*" in text and "    - <q>« Avec les maires »</q>" in text
    assert "Temps politique" not in text  # a heading alone says nothing
