"""French Markdown sentences written from the indicator tables.

Every figure comes from the tables (through ``formatting``) and every quotation
is the data's own text between « »: nothing here adds an appraisal. Each
function returns ``""`` for an empty input: what a report does not cover is said
once, in the synthesis (``not_covered_box``).
"""

from __future__ import annotations

from ._base import ACTEURS, DANS, INDENT
from .contexte import (
    comparison_paragraph,
    contract_paragraph,
    geography_note,
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
from .enonces import (findings_list, lessons_markdown, lessons_shown, not_covered_box, statement_words,
                      statements_list)
from .gouvernance import (
    cooperation_paragraph,
    response_paragraph,
    survey_item_sentence,
    survey_paragraph,
    survey_table_name,
    survey_units,
)
from .programmation import (
    associative_paragraph,
    contract_record_paragraph,
    credit_types_paragraph,
    financer_paragraph,
    fund_paragraph,
    growth_paragraph,
    own_annex_columns,
    own_change_paragraph,
    own_place_note,
    own_programmation_paragraph,
    pillar_paragraph,
    selection_paragraph,
)
from .reponses import answer_block, answer_blocks, findings_markdown, question_anchor, question_heading
from .sante import health_paragraph
from ...rules.sigles import glossary_markdown

__all__ = [
    "glossary_markdown",
    "own_annex_columns",
    "own_change_paragraph",
    "own_place_note",
    "own_programmation_paragraph",
    "lessons_markdown",
    "ACTEURS",
    "DANS",
    "INDENT",
    "comparison_paragraph",
    "contract_paragraph",
    "geography_note",
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
    "statement_words",
    "statements_list",
    "lessons_shown",
    "not_covered_box",
    "cooperation_paragraph",
    "response_paragraph",
    "survey_item_sentence",
    "survey_paragraph",
    "survey_table_name",
    "survey_units",
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
