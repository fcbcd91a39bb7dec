"""French Markdown sentences written from the indicator tables.

Every figure comes from the tables (through ``formatting``) and every quotation
is the data's own text between « »: nothing here adds an appraisal. Each
function returns ``""`` for an empty input, or the sentence of
:func:`missing_data` when it is told which file the data would come from
(``expected_file=territory.expected_file("financements")``).
"""

from __future__ import annotations

from ._base import ACTEURS, DANS, INDENT, missing_data
from .contexte import (
    comparison_paragraph,
    health_subsidies_paragraph,
    insee_vintage_paragraph,
    key_figures_paragraph,
    portrait_intro,
    provenance_paragraph,
    qpv_gaps_paragraph,
    qpv_table_html,
    subsidies_paragraph,
    theme_summary_paragraph,
)
from .enonces import findings_list, lessons_markdown, lessons_shown, not_covered_box, statements_list
from .gouvernance import (
    cooperation_paragraph,
    response_paragraph,
    survey_item_sentence,
    survey_paragraph,
)
from .programmation import (
    associative_paragraph,
    contract_record_paragraph,
    credit_types_paragraph,
    financer_paragraph,
    fund_paragraph,
    growth_paragraph,
    pillar_paragraph,
    selection_paragraph,
)
from .reponses import answer_block, answer_blocks, findings_markdown, question_anchor, question_heading
from .sante import health_paragraph

__all__ = [
    "lessons_markdown",
    "ACTEURS",
    "DANS",
    "INDENT",
    "missing_data",
    "comparison_paragraph",
    "key_figures_paragraph",
    "provenance_paragraph",
    "qpv_gaps_paragraph",
    "qpv_table_html",
    "subsidies_paragraph",
    "health_subsidies_paragraph",
    "insee_vintage_paragraph",
    "portrait_intro",
    "theme_summary_paragraph",
    "findings_list",
    "statements_list",
    "lessons_shown",
    "not_covered_box",
    "cooperation_paragraph",
    "response_paragraph",
    "survey_item_sentence",
    "survey_paragraph",
    "associative_paragraph",
    "contract_record_paragraph",
    "credit_types_paragraph",
    "financer_paragraph",
    "fund_paragraph",
    "growth_paragraph",
    "pillar_paragraph",
    "selection_paragraph",
    "health_paragraph",
    "answer_block",
    "answer_blocks",
    "findings_markdown",
    "question_anchor",
    "question_heading",
]
