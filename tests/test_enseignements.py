"""« Enseignements et préconisations »: the sources' own conclusions and recommendations, traceable."""

from __future__ import annotations

import cdv_analysis as cdv
from cdv_analysis import indicators as ind
from cdv_analysis import narrative

CALL_TITLE = "Contrat de Ville – Rapport d'évaluation 2022"


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
    assert list(dict.fromkeys(lessons["theme"])) == ["gouvernance", "sante", "participation", "programmation"]


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
    assert text.startswith("### Gouvernance et coopérations\n\n**Conclusions**\n")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "alert" in line)
    assert "<script>" not in lines[at] and "&lt;script&gt;" in lines[at] and r"\#" in lines[at]
    assert lines[at - 2].replace("\\'", "'") == "*Contrat de Ville – Rapport d'évaluation 2022 — Conclusion*"


def test_sub_points_stay_nested_under_their_parent(cabbalr):
    lessons = ind.lessons(cabbalr, 2022)
    text = narrative.lessons_markdown(lessons)
    child = lessons[lessons["rattache_a"].isin(lessons["id"])].iloc[0]
    parent = lessons.set_index("id").loc[child["rattache_a"], "texte"]
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("    - ") and child["texte"][:20] in line.replace("\\", ""))
    previous = [line for line in lines[:at] if line.startswith("- ")][-1]
    assert parent[:20] in previous.replace("\\", "")
    # One attribution line for a run of statements from the same section, not one per statement.
    assert text.count("*Rapport sur la mise en œuvre") < len(lessons) / 2


def test_a_territory_without_conclusions_shows_nothing(data_copy):
    for path in (data_copy / "call").glob("qualitatif*"):
        path.unlink()
    (data_copy / "call" / "referentiel.eval2022.yml").unlink()  # it cites the statements removed above
    lessons = ind.lessons(cdv.load_territory("call", data_copy), 2022)
    assert lessons.empty and narrative.lessons_markdown(lessons) == ""
