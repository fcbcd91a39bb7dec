"""Raw questionnaire exports, one row per respondent: questions, answers, counts with n per question.

Reads the exports of Google Forms, Microsoft Forms (French headers: « Horodateur »,
« Heure de début »…), LimeSurvey (question codes, ``Q3[SQ001]`` sub-questions,
``Y``/blank; « codes » or « texte » header styles) and Framaforms / Drupal Webform
(« Serial », « SID », « Heure de soumission », header over several rows), or any
sheet with one row per respondent.

Identifying columns (e-mail, name, IP address, user name, access token…) are
dropped as soon as the header is read: their cells never reach a
:class:`Survey`, so no table, page or CSV can show them; only their headers are
kept, to be named in the import summary.

Question types are inferred from the answers (an ordered scale of
``vocabulaires/echelles.yml``, several options in one cell, a column per option,
a few recurring answers, free text) and can be set by a small mapping file
(:func:`read_mapping`). This package never writes anything.

One module per concept: ``survey`` (the question kinds, :class:`Question`, :class:`Survey`),
``scales`` (ordered answer scales), ``mapping`` (the mapping file), ``exports`` (reading the
exports of survey tools), ``anonymise`` (identifying columns, contact details in open answers),
``questions`` (typing the questions), ``counts`` (answers and counts with n per question) and
``tables`` (the territory's tables written from a survey).
"""

from __future__ import annotations

from .anonymise import scrub
from .counts import COUNTED_KINDS, answers_of, open_answers, question_counts, summary_lines
from .exports import parse_records, read_export
from .mapping import read_mapping
from .questions import default_volet
from .scales import Scale, scales
from ..schemas.registry import VOLETS
from .survey import KINDS, TOOLS, Question, QuestionnaireError, Survey
from .tables import survey_tables

__all__ = [
    "KINDS", "VOLETS", "Question", "Survey", "QuestionnaireError", "Scale", "scales", "read_mapping",
    "read_export", "parse_records", "answers_of", "question_counts", "open_answers", "summary_lines",
    "COUNTED_KINDS", "TOOLS", "default_volet", "scrub", "survey_tables",
]
