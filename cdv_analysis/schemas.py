"""The registry of raw tables (:data:`TABLES`) and their schemas, checked with pandera.

One entry per table type says everything the package needs to know about it:
its columns and how each is read (``kind``), what it is about (``topic``, for
the « Ce que ce rapport ne couvre pas » box), its name on the page (``label``),
the report section that shows it (``section``), where its printed figures are
and how the page's coverage of them is measured (``figures``), and which
columns break a figure down (``ColumnSpec.axis``, for the checks). Loading,
parsing, validation, coverage, the printed-figures tables, the checks, the
portrait and the shipped template (``cdv_analysis/modele/``, tested against
it) all read it: adding a table type is one entry here (see CONTRIBUTING.md).

Raw cells are validated as printed strings (they are parsed afterwards, in
``load``), so that every failure can name the file, line, column and value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from collections.abc import Callable, Iterable, Mapping

import pandas as pd
import pandera.pandas as pa

from .clean import ParseError, parse_figure, parse_montant, parse_nombre, parse_pourcentage
from .harmonise import COOPERATION_LEVELS, codes, vocabulary

__all__ = ["ColumnSpec", "Figures", "TableSpec", "TABLES", "ValidationContext", "raw_schema", "printed_column",
           "empty_frame"]

SUPPORTS = ("tableau", "texte", "graphique")
TYPE_CREDIT = codes("types_credit")
TEXTUAL_UNITS = ("texte", "date")  # a value in these units is text, not a figure
TYPES_PORTEUR = codes("types_porteur")
# Where a questionnaire's number of respondents comes from: printed for the question, the questionnaire's
# respondents (an upper bound), or counted in the raw answers imported (`cdv importer questionnaire`).
N_ORIGINS = ("publie", "questionnaire", "reponses")
VOLETS = ("gouvernance", "sante", "participation")  # the report section a questionnaire item feeds
QUALIFICATIFS = codes("qualificatifs")
CHAMPS = codes("champs")
DIFFUSION = codes("diffusion")
NATURES = codes("natures")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a raw table.

    ``kind`` says how its cells are read: ``texte``, ``annee``, ``montant``,
    ``pourcentage``, ``nombre``, ``entier``, ``choix``, ``pilier``, ``financeur``,
    ``source``, ``niveau``, ``valeur``, ``code``, ``qualificatif`` (a code of qualificatifs.yml or
    the words the source prints).
    """

    name: str
    kind: str = "texte"
    required: bool = False
    nullable: bool = True
    choices: tuple[str, ...] = ()
    # A column that breaks a printed figure down, and what it splits it along (« theme », « origine »,
    # « porteur »): a total and its parts differ only in such columns (``checks``).
    axis: str = ""


def printed_column(column: str) -> str:
    """The column that keeps the printed text of a parsed column: ``montant_publie``, ``valeur_publiee``."""
    return "valeur_publiee" if column == "valeur" else f"{column}_publie"


@dataclass(frozen=True)
class Figures:
    """Where a table's printed figures are, how they are named, and whether the page must show them."""

    columns: tuple[str, ...]  # the columns holding a printed figure; the first is the one the coverage looks for
    labels: tuple[str, ...]  # the columns naming a figure in its printed-figures table (``indicators.publies``)
    # The columns naming a figure in the coverage list; () when the page's coverage of the table is not measured.
    coverage_labels: tuple[str, ...] = ()
    goal: bool = False  # coverage aimed at 95 % and above (``coverage.GOAL_TABLES``)


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    description: str
    one_of: tuple[str, ...] = ()  # at least one of these cells must be filled
    label: str = ""  # its name on the page (« Financements »)
    topic: str = ""  # what it feeds in a report, for « Ce que ce rapport ne couvre pas » (« la santé »)
    section: str = ""  # the title of the report section that shows it ("" : several sections)
    figures: Figures | None = None  # None: the table holds no printed figure (actions, statements)
    evaluation: bool = False  # an evaluation needs it: a portrait names its missing file

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    @property
    def breakdown(self) -> tuple[str, ...]:
        """The columns that break a printed figure down (``ColumnSpec.axis``), in table order."""
        return tuple(c.name for c in self.columns if c.axis)

    @property
    def covered(self) -> bool:
        """Whether the coverage of the printed figures (``coverage``) looks for this table's figures."""
        return self.figures is not None and bool(self.figures.coverage_labels)

    @property
    def value_column(self) -> str:
        """The column holding the table's main printed figure."""
        if self.figures is None:
            raise KeyError(f"la table {self.name} ne contient pas de chiffres imprimés")
        return self.figures.columns[0]


def _common(annee_required: bool = True, support: bool = True) -> tuple[ColumnSpec, ...]:
    columns = [
        ColumnSpec("annee", "annee", required=annee_required, nullable=not annee_required),
        ColumnSpec("source", "source", required=True, nullable=False),
        ColumnSpec("section", "texte", required=True, nullable=False),
        ColumnSpec("remarque"),
    ]
    if support:
        columns.append(ColumnSpec("support", "choix", choices=SUPPORTS))
    return tuple(columns)


def _meaning(champ: bool = False, base: bool = True, millesime: bool = True) -> tuple[ColumnSpec, ...]:
    """What a printed figure means besides its value (vocabulaires/qualificatifs.yml, champs.yml).

    ``qualificatif``: exact, approached (« près de », « environ »), lower or upper bound; ``champ``: what a
    sum covers; ``base``: the denominator of a printed share; ``millesime``: the year the figure describes
    as the source prints it (empty when the source does not print it).
    """
    columns = [ColumnSpec("qualificatif", "qualificatif")]
    if champ:
        columns.append(ColumnSpec("champ", "choix", choices=CHAMPS))
    if base:
        columns.append(ColumnSpec("base"))
    if millesime:
        columns.append(ColumnSpec("millesime", "annee"))
    return tuple(columns)


_INDICATOR_FIGURES = Figures(("valeur",), labels=("theme", "indicateur", "modalite", "perimetre"),
                             coverage_labels=("theme", "indicateur", "modalite"))


def _indicator_table(name: str, description: str, **registry) -> TableSpec:
    registry.setdefault("figures", _INDICATOR_FIGURES)
    return TableSpec(
        name,
        (
            ColumnSpec("perimetre"),
            ColumnSpec("theme"),
            ColumnSpec("indicateur", required=True, nullable=False),
            ColumnSpec("modalite"),
            ColumnSpec("valeur", "valeur", required=True, nullable=False),
            ColumnSpec("unite"),
            *_meaning(),
            ColumnSpec("diffusion", "choix", choices=DIFFUSION),
            *_common(),
        ),
        description,
        **registry,
    )


# The registry, in the order of the report's sections (the coverage table and the « not covered » box follow it).
TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "financements",
            (
                ColumnSpec("mesure", "choix", required=True, nullable=False,
                           choices=codes("mesures", table="financements")),
                ColumnSpec("pilier", "pilier", axis="theme"),
                ColumnSpec("thematique", axis="theme"),
                ColumnSpec("financeur", "financeur", axis="origine"),
                ColumnSpec("type_credit", "choix", choices=TYPE_CREDIT, axis="origine"),
                ColumnSpec("montant", "montant", required=True),
                ColumnSpec("part_publiee", "pourcentage"),
                *_meaning(champ=True),
                *_common(),
            ),
            "montants de la programmation, des crédits spécifiques et du droit commun",
            one_of=("montant", "part_publiee"),
            label="Financements", topic="la programmation financière", section="Programmation",
            figures=Figures(("montant", "part_publiee"),
                            labels=("mesure", "pilier_publie", "thematique", "financeur_publie", "type_credit"),
                            coverage_labels=("mesure", "thematique", "financeur_publie", "pilier_publie"), goal=True),
            evaluation=True,
        ),
        TableSpec(
            "projets",
            (
                ColumnSpec("mesure", "choix", required=True, nullable=False,
                           choices=codes("mesures", table="projets")),
                ColumnSpec("pilier", "pilier", axis="theme"),
                ColumnSpec("thematique", axis="theme"),
                ColumnSpec("type_porteur", "choix", choices=TYPES_PORTEUR, axis="porteur"),
                ColumnSpec("porteur", axis="porteur"),
                ColumnSpec("commune", axis="porteur"),
                ColumnSpec("nombre", "entier", required=True, nullable=False),
                ColumnSpec("part_publiee", "pourcentage"),
                *_meaning(),
                *_common(),
            ),
            "nombres de projets déposés, soutenus et de porteurs",
            label="Projets", topic="les projets déposés et soutenus", section="Programmation",
            figures=Figures(("nombre", "part_publiee"),
                            labels=("mesure", "pilier_publie", "thematique", "type_porteur", "porteur_publie",
                                    "commune_publiee"),
                            coverage_labels=("mesure", "thematique", "pilier_publie", "porteur_publie")),
        ),
        TableSpec(
            "actions",
            (
                ColumnSpec("dispositif", "code", required=True, nullable=False),
                ColumnSpec("numero"),
                ColumnSpec("axe"),
                ColumnSpec("priorite"),
                ColumnSpec("sous_priorite"),
                ColumnSpec("pilier", "pilier"),
                ColumnSpec("thematique"),
                ColumnSpec("porteur"),
                ColumnSpec("type_porteur", "choix", choices=TYPES_PORTEUR),
                ColumnSpec("intitule", required=True, nullable=False),
                ColumnSpec("commune"),
                ColumnSpec("montant", "montant"),
                *_common(support=False),
            ),
            "actions une par une (FCS, fonds de concours, focus, grilles d'actions)",
            label="Actions", topic="les actions financées", section="Programmation",
        ),
        _indicator_table("realisations", "chiffres de réalisation des actions",
                         label="Réalisations", topic="les réalisations des actions", section="Programmation",
                         figures=replace(_INDICATOR_FIGURES, goal=True)),
        _indicator_table("gouvernance", "chiffres de la gouvernance et de la démarche d'évaluation",
                         label="Gouvernance", topic="la gouvernance", section="Gouvernance et coopérations",
                         figures=replace(_INDICATOR_FIGURES, goal=True), evaluation=True),
        TableSpec(
            "programmation",
            (
                ColumnSpec("dossier"),
                ColumnSpec("porteur"),
                ColumnSpec("type_porteur", "choix", choices=TYPES_PORTEUR),
                ColumnSpec("intitule", required=True, nullable=False),
                ColumnSpec("pilier", "pilier"),
                ColumnSpec("thematique"),
                ColumnSpec("qpv"),
                ColumnSpec("commune"),
                ColumnSpec("statut"),
                ColumnSpec("financeur", "financeur"),
                ColumnSpec("type_credit", "choix", choices=TYPE_CREDIT),
                ColumnSpec("montant", "montant"),
                ColumnSpec("cout_total", "montant"),
                *_common(support=False),
            ),
            "programmation du territoire : une ligne par action et par financeur (cdv importer programmation)",
            label="Programmation du territoire", topic="la programmation action par action", section="Programmation",
        ),
        TableSpec(
            "enquetes",
            (
                ColumnSpec("enquete", required=True, nullable=False),
                ColumnSpec("axe"),
                ColumnSpec("question", required=True, nullable=False),
                ColumnSpec("modalite"),
                ColumnSpec("pourcentage", "pourcentage", required=True),
                ColumnSpec("effectif", "entier"),
                ColumnSpec("n_repondants", "entier"),
                ColumnSpec("n_origine", "choix", choices=N_ORIGINS),
                ColumnSpec("sans_reponse", "entier"),
                ColumnSpec("volet", "choix", choices=VOLETS),
                ColumnSpec("croisement"),
                ColumnSpec("groupe"),
                *_meaning(base=False, millesime=False),
                *_common(annee_required=False),
            ),
            "résultats des questionnaires",
            one_of=("pourcentage", "effectif"),
            label="Questionnaires", topic="les questionnaires de l'évaluation", section="Gouvernance et coopérations",
            figures=Figures(("pourcentage",), labels=("enquete", "question", "modalite"),
                            coverage_labels=("enquete", "question", "modalite")),
        ),
        TableSpec(
            "cooperation",
            (
                ColumnSpec("enquete", required=True, nullable=False),
                ColumnSpec("partenaire", required=True, nullable=False),
                ColumnSpec("niveau", "niveau", required=True, nullable=False),
                ColumnSpec("libelle_niveau"),
                ColumnSpec("pourcentage", "pourcentage", required=True),
                ColumnSpec("effectif", "entier"),
                ColumnSpec("n_repondants", "entier"),
                ColumnSpec("sans_reponse", "entier"),
                *_meaning(base=False, millesime=False),
                *_common(annee_required=False, support=False),
            ),
            "degrés de coopération entre partenaires (échelle à 5 niveaux)",
            one_of=("pourcentage", "effectif"),
            label="Niveaux de coopération", topic="la coopération entre partenaires",
            section="Gouvernance et coopérations",
            figures=Figures(("pourcentage",), labels=("enquete", "partenaire", "libelle_niveau"),
                            coverage_labels=("enquete", "partenaire", "libelle_niveau")),
        ),
        _indicator_table("sante", "volet santé (ASV, CLS, actions, partenariats)",
                         label="Santé", topic="la santé", section="Santé",
                         figures=replace(_INDICATOR_FIGURES, goal=True), evaluation=True),
        _indicator_table("participation", "participation des habitants et conseils citoyens",
                         label="Participation des habitants", topic="la participation des habitants",
                         section="Participation des habitants", figures=replace(_INDICATOR_FIGURES, goal=True),
                         evaluation=True),
        _indicator_table("contexte", "indicateurs de contexte (QPV, EPCI, département…)",
                         label="Contexte des quartiers", topic="le contexte des quartiers",
                         section="Contexte des quartiers",
                         figures=replace(_INDICATOR_FIGURES, coverage_labels=("perimetre", "indicateur", "modalite"))),
        TableSpec(
            "qualitatif",
            (
                ColumnSpec("id", "code", required=True, nullable=False),
                ColumnSpec("acteur", required=True, nullable=False),
                ColumnSpec("nature", "choix", required=True, nullable=False, choices=NATURES),
                ColumnSpec("theme"),
                ColumnSpec("numero"),
                ColumnSpec("rattache_a"),
                ColumnSpec("texte", required=True, nullable=False),
                ColumnSpec("diffusion", "choix", choices=DIFFUSION),
                *_common(annee_required=False, support=False),
            ),
            "constats, propositions, citations et priorités",
            label="Énoncés", topic="la parole des acteurs",
        ),
    )
}


@dataclass
class ValidationContext:
    """What a territory declares that its tables must agree with."""

    sources: frozenset[str] = frozenset()
    pillar_aliases: Mapping[str, str] = field(default_factory=dict)
    financer_aliases: Mapping[str, str] = field(default_factory=dict)


_YEAR_RE = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")


def year_span(value: str) -> tuple[int, int] | None:
    """(first, last) year of « 2021 » or « 2015-2022 »; None when the cell is not a year or period."""
    match = _YEAR_RE.match((value or "").strip())
    if not match:
        return None
    start = int(match.group(1))
    return start, int(match.group(2) or start)


def _is_year(value: str) -> bool:
    span = year_span(value)
    return span is not None and 1990 <= span[0] <= span[1] <= 2100


def _parses(parser: Callable[[str], float], minimum: float | None = None,
            maximum: float | None = None, integral: bool = False) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        try:
            number = parser(value)
        except ParseError:
            return False
        if minimum is not None and number < minimum:
            return False
        if maximum is not None and number > maximum:
            return False
        return not integral or float(number).is_integer()

    return check


def _expectation(spec: ColumnSpec, context: ValidationContext) -> tuple[Callable[[str], bool], str]:
    """The element check of a column and its French expectation."""
    kind = spec.kind
    if kind == "annee":
        return _is_year, "une année (« 2021 ») ou une période (« 2015-2022 »)"
    if kind == "montant":
        return _parses(parse_montant), "un montant en euros (ex. « 4 734 927,00 € » ou « 1 712 989 »)"
    if kind == "pourcentage":
        return _parses(parse_pourcentage), "un pourcentage (ex. « 68,3 » ou « 42,1 % »)"
    if kind == "nombre":
        return _parses(parse_nombre, minimum=0), "un nombre positif (ex. « 1 263 »)"
    if kind == "entier":
        return _parses(parse_nombre, minimum=0, integral=True), "un nombre entier positif (ex. « 132 »)"
    if kind == "niveau":
        levels = {str(level) for level in COOPERATION_LEVELS}
        return (lambda v: v.strip() in levels), f"un niveau de coopération de 1 à {len(levels)}"
    if kind == "valeur":
        return _parses(lambda v: parse_figure(v).valeur), "une valeur chiffrée (ex. « 43 % », « 1 077 € », « 2 595 »)"
    if kind == "code":
        return (lambda v: re.fullmatch(r"[a-z0-9][a-z0-9_\-]*", v.strip()) is not None), \
            "un identifiant en minuscules sans espace (ex. « fcs », « r21-a1 »)"
    if kind == "choix":
        return (lambda v: v.strip() in spec.choices), "une de ces valeurs : " + ", ".join(spec.choices)
    if kind == "qualificatif":
        words = vocabulary("qualificatifs")
        return (lambda v: words.code(v) is not None), (
            "un qualificatif : " + ", ".join(QUALIFICATIFS) + " ou les mots imprimés (« près de », « environ », "
            "« plus de », « jusqu'à », « moins de »…)")
    if kind == "source":
        declared = context.sources
        return (lambda v: v.strip() in declared), (
            "une source déclarée dans territoire.yml (" + ", ".join(sorted(declared)) + ")"
            if declared else "une source déclarée dans territoire.yml (aucune n'est déclarée)"
        )
    if kind == "pilier":
        pillars = vocabulary("piliers")
        return (lambda v: pillars.code(v, context.pillar_aliases) is not None), (
            "un pilier connu (" + pillars.examples(5)
            + ") ou un alias déclaré sous « libelles: piliers: » dans territoire.yml"
        )
    if kind == "financeur":
        financers = vocabulary("financeurs")
        return (lambda v: financers.code(v, context.financer_aliases) is not None), (
            "un financeur connu (" + financers.examples(5)
            + "…) ou un alias déclaré sous « libelles: financeurs: » dans territoire.yml"
        )
    return (lambda v: True), "du texte"


def raw_schema(table: str, present_columns: Iterable[str], context: ValidationContext) -> pa.DataFrameSchema:
    """Pandera schema of the columns of ``table`` that a file actually has.

    Missing required columns are reported before validation (``load``), so a
    file missing one column still has its other columns checked.
    """
    present = set(present_columns)
    columns: dict[str, pa.Column] = {}
    for spec in TABLES[table].columns:
        if spec.name not in present:
            continue
        checks = []
        if not spec.nullable:
            checks.append(pa.Check(lambda s: s.str.strip() != "", error="une valeur (cellule obligatoire)"))
        test, expected = _expectation(spec, context)
        if spec.kind != "texte":
            checks.append(pa.Check(lambda v, test=test: v.strip() == "" or test(v), element_wise=True, error=expected))
        columns[spec.name] = pa.Column(str, checks=checks, nullable=False, coerce=False)
    return pa.DataFrameSchema(columns, strict=False, name=table)


def empty_frame(table: str) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in TABLES[table].column_names})
