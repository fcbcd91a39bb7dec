"""The registry of raw tables (:data:`TABLES`), in the order of the report's sections, and the vocabularies
its columns choose from. Adding a table type is one entry here (see CONTRIBUTING.md)."""

from __future__ import annotations

from dataclasses import replace

from ...rules.harmonise import codes, labels
from .specs import ColumnSpec, Figures, TableSpec

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
SECTION = labels("sections")  # section code → its title (vocabulaires/sections.yml, their one home)


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
            label="Financements", topic="la programmation financière", section=SECTION["programmation"],
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
            label="Projets", topic="les projets déposés et soutenus", section=SECTION["programmation"],
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
            label="Actions", topic="les actions financées", section=SECTION["programmation"],
        ),
        _indicator_table("realisations", "chiffres de réalisation des actions",
                         label="Réalisations", topic="les réalisations des actions", section=SECTION["programmation"],
                         figures=replace(_INDICATOR_FIGURES, goal=True)),
        _indicator_table("gouvernance", "chiffres de la gouvernance et de la démarche d'évaluation",
                         label="Gouvernance", topic="la gouvernance", section=SECTION["gouvernance"],
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
            label="Programmation du territoire", topic="la programmation action par action", section=SECTION["programmation"],
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
            label="Questionnaires", topic="les questionnaires de l'évaluation", section=SECTION["gouvernance"],
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
            section=SECTION["gouvernance"],
            figures=Figures(("pourcentage",), labels=("enquete", "partenaire", "libelle_niveau"),
                            coverage_labels=("enquete", "partenaire", "libelle_niveau")),
        ),
        _indicator_table("sante", "volet santé (ASV, CLS, actions, partenariats)",
                         label="Santé", topic="la santé", section=SECTION["sante"],
                         figures=replace(_INDICATOR_FIGURES, goal=True), evaluation=True),
        _indicator_table("participation", "participation des habitants et conseils citoyens",
                         label="Participation des habitants", topic="la participation des habitants",
                         section=SECTION["participation"], figures=replace(_INDICATOR_FIGURES, goal=True),
                         evaluation=True),
        _indicator_table("contexte", "indicateurs de contexte (QPV, EPCI, département…)",
                         label="Contexte des quartiers", topic="le contexte des quartiers",
                         section=SECTION["contexte"],
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

