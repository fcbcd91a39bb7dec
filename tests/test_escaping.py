"""Hostile data text never becomes Markdown or HTML markup in the narrative (escaping by construction)."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest
import mistune

from cdv_analysis.analysis import checks, indicators as ind
from cdv_analysis.presentation import narrative as nr
from cdv_analysis.analysis.indicators._common import Indicator
from cdv_analysis.presentation.textes import render

HOSTILE = "<script>alert(1)</script> [clic](javascript:alert(1)) **gras** # titre $x$ | a |"

# Columns whose values steer the logic (vocabulary keys, units, years): kept as they are.
KEYS = {"id", "rattache_a", "annee", "mesure", "unite", "type_credit", "type_porteur", "methode", "format",
        "support", "nature", "pourcentage_publie", "taux_publie", "montant_publie", "valeur_publiee", "enquete",
        "categorie"}


def hostile(result):
    """``result`` (an indicator or a table) with every free-text cell replaced by the hostile string."""
    if isinstance(result, Indicator):
        return Indicator(hostile(result.table), result.values, result.sources)
    frame = result.copy()
    for column in frame.columns:
        if column not in KEYS and not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].astype(object)
            frame[column] = [HOSTILE if isinstance(v, str) and v else v for v in frame[column]]
    return frame


def assert_inert(markdown: str) -> None:
    """Rendered by a CommonMark renderer, the text carries no tag, link, emphasis or maths."""
    page = mistune.create_markdown(escape=False, plugins=["strikethrough", "table", "math"])(markdown)
    assert "<script" not in page and "<a " not in page and "<strong>gras" not in page and "<h1>" not in page
    assert "<table" not in page and "math" not in page
    assert "&lt;script&gt;" in page or "&amp;lt;script" in page
    assert "$x$" not in markdown  # Jupyter would typeset it


def builders(cabbalr, call):
    return {
        "piliers": lambda: nr.pillar_paragraph(hostile(ind.pillar_amounts(cabbalr, 2021)), 2021),
        "financeurs parts": lambda: nr.financer_paragraph(hostile(ind.financer_mix(cabbalr, 2019)), 2019),
        "crédits": lambda: nr.credit_types_paragraph(hostile(ind.credit_types(cabbalr, 2021)), 2021),
        "fcs": lambda: nr.fund_paragraph(hostile(ind.fund_projects(cabbalr, 2022))),
        "bilan": lambda: nr.contract_record_paragraph(hostile(ind.contract_record(cabbalr))),
        "réponses": lambda: nr.response_paragraph(ind.response_rates(call).assign(enquete=HOSTILE)),
        "coopération": lambda: nr.cooperation_paragraph(hostile(ind.cooperation_means(call)),
                                                        ind.cooperation_levels(call)),
        "questionnaire": lambda: nr.survey_paragraph(hostile(ind.survey_items(call, "communes")), "commune",
                                                     "communes"),
        "santé": lambda: nr.health_paragraph(ind.health_actions(call), hostile(ind.actions_by_public(call))),
        "énoncés": lambda: nr.statements_list(hostile(ind.statements(call))),
        "constats": lambda: nr.findings_list(
            [dataclasses.replace(f, message=HOSTILE, source=HOSTILE) for f in checks.run_checks(cabbalr, 2021)]),
        "gabarit": lambda: render("Porteur {{ porteur }} : {{ montant | euros }}.", porteur=HOSTILE, montant=1000),
    }


@pytest.mark.parametrize("name", ["piliers", "financeurs parts", "crédits", "fcs", "bilan", "réponses",
                                  "coopération", "questionnaire", "santé", "énoncés",
                                  "constats", "gabarit"])
def test_hostile_text_is_inert(name, cabbalr, call) -> None:
    text = builders(cabbalr, call)[name]()
    if HOSTILE.split()[0] not in text and "script" not in text:
        pytest.fail(f"{name}: the hostile text did not reach the paragraph, the test proves nothing: {text}")
    assert_inert(text)


def test_render_formats_numbers_the_french_way() -> None:
    text = render("{{ n }} projets, {{ total | euros }}, {{ part | pourcent }}", n=1044, total=92921, part=68.25)
    # Markdown backslash escapes (« \\% ») render as the bare character.
    shown = re.sub(r"\\(.)", r"\1", text).replace("\u202f", " ").replace("\u00a0", " ")
    assert shown == "1 044 projets, 92 921 €, 68,2 %"
