"""Indicators: pure functions from a Territory's tables to small tidy DataFrames."""

from .contexte import INSEE_CAVEATS, KEY_INSEE_COLUMNS, qpv_gaps, qpv_profiles
from .enseignements import LESSON_THEMES, lessons, lessons_markdown
from .gouvernance import (
    COOPERATION_LEVELS,
    MEAN_LEVEL_CAVEAT,
    cooperation_levels,
    cooperation_means,
    response_rates,
    survey_items,
)
from .participation import council_opinions, participation_figures, statements, statements_summary
from .programmation import (
    actions_by_priority,
    agglomeration_envelopes,
    associative_projects,
    contract_record,
    credit_types,
    financer_mix,
    fonds_de_concours,
    fund_projects,
    growth,
    pillar_amounts,
    programmation_series,
    project_selection,
)
from .publies import FIGURE_COLUMNS, TABLE_TOPICS, printed_figures, uncovered_topics
from .subventions import PORTEUR_TYPES, actions_by, funded_actions, largest_porteurs
from .synthese import comparison_table, key_figures, qpv_population
from .sante import actions_by_public, health_actions, health_context, working_groups

__all__ = [
    "LESSON_THEMES",
    "lessons",
    "lessons_markdown",
    "INSEE_CAVEATS",
    "KEY_INSEE_COLUMNS",
    "qpv_profiles",
    "PORTEUR_TYPES",
    "actions_by",
    "funded_actions",
    "largest_porteurs",
    "comparison_table",
    "key_figures",
    "qpv_population",
    "qpv_gaps",
    "COOPERATION_LEVELS",
    "MEAN_LEVEL_CAVEAT",
    "cooperation_levels",
    "cooperation_means",
    "response_rates",
    "survey_items",
    "council_opinions",
    "participation_figures",
    "statements",
    "statements_summary",
    "actions_by_priority",
    "agglomeration_envelopes",
    "associative_projects",
    "contract_record",
    "credit_types",
    "financer_mix",
    "fonds_de_concours",
    "fund_projects",
    "growth",
    "pillar_amounts",
    "programmation_series",
    "project_selection",
    "actions_by_public",
    "health_actions",
    "health_context",
    "working_groups",
    "FIGURE_COLUMNS",
    "TABLE_TOPICS",
    "printed_figures",
    "uncovered_topics",
]
