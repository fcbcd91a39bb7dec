"""A questionnaire export read: the question kinds, the tools recognised, the :class:`Question` and the
:class:`Survey` (kept respondents, without any identifying column), and the error that carries every problem."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ...rules.clean import name_key
from ...errors import CdvError
from ..problems import Problem
from .scales import Scale

KINDS = {
    "choix_unique": "choix unique",
    "choix_multiple": "choix multiple",
    "echelle": "échelle ordonnée",
    "ouverte": "question ouverte",
    "attribut": "caractéristique du répondant",
    "ignorer": "colonne ignorée",
    "identifiant": "colonne identifiante (jamais lue)",
}
TOOLS = {
    "google": "Google Forms",
    "microsoft": "Microsoft Forms",
    "limesurvey": "LimeSurvey",
    "framaforms": "Framaforms / Drupal Webform",
    "tableur": "tableur (une ligne par répondant)",
}
# Answers of a column per option: ticked, or not.
_TICKED = {"y", "x", "1", "oui", "yes", "vrai", "true", "coche", "checked"}
_UNTICKED = {"n", "0", "non", "no", "faux", "false"}


class QuestionnaireError(CdvError):
    """The export cannot be read; carries every problem, each naming file, line, column and expectation."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Question:
    """One question of the export: its columns, type and how its answers are read.

    ``items`` are the options of a multiple choice spread over one column per
    option (aligned with ``columns``); ``levels`` the ordered levels of a scale.
    """

    key: str
    label: str
    kind: str
    columns: list[int]
    header: str
    axe: str = ""
    volet: str = ""
    items: list[str] = field(default_factory=list)
    scale: Scale | None = None
    options: list[str] = field(default_factory=list)
    separator: str | None = None
    labels: dict = field(default_factory=dict)  # answer code -> label (LimeSurvey)
    partner: str = ""
    theme: str = ""
    inferred: bool = True
    declared_options: bool = False  # ``options`` come from the mapping file (shown in its order)
    level_labels: list[str] = field(default_factory=list)  # each level as the export spells it
    other: int | None = None  # LimeSurvey « other » column of a multiple choice: ticks « Autre » when filled

    @property
    def is_cooperation(self) -> bool:
        return self.kind == "echelle" and self.scale is not None and self.scale.code == "cooperation"


@dataclass
class Survey:
    """An export read: the answers of each kept respondent, without any identifying column."""

    fichier: str
    tool: str
    questions: list[Question]
    rows: list[list[str]]          # kept respondents, cells of the kept columns (index = column index)
    lines: list[int]               # line of each kept respondent in the file
    identifying: list[str]         # headers of the columns never read
    technical: list[str]           # headers of the tools' own columns (dates, ids)
    excluded: Counter = field(default_factory=Counter)  # reason -> respondents left out
    years: list[int] = field(default_factory=list)       # years of the submission dates
    attribute: Question | None = None
    problems: list[Problem] = field(default_factory=list)  # warnings
    # (line, column index) of the open answers where a value of an identifying column reappeared: taken out of
    # the answer as it was read (``anonymise.name_masker``), never kept.
    named: set[tuple[int, int]] = field(default_factory=set)

    @property
    def respondents(self) -> int:
        return len(self.rows)

    @property
    def tool_label(self) -> str:
        return TOOLS[self.tool]

    def question(self, key: str) -> Question:
        """The question whose key, label, header or LimeSurvey code is ``key``."""
        wanted = name_key(key)
        for question in self.questions:
            if wanted in {name_key(question.key), name_key(question.label), name_key(question.header)}:
                return question
        raise KeyError(key)


@dataclass
class _Column:
    index: int
    header: str
    question: str
    item: str = ""
    code: str = ""
    sub: str = ""
