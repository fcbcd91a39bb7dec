"""The mapping file (YAML) that sets question types, labels and the crossing attribute, and its entries."""

from __future__ import annotations

from pathlib import Path

from ...rules.clean import name_key
from ..iorw import read_yaml, shown_path
from ..problems import Problem
from .scales import scales
from ..schemas.registry import VOLETS  # the report sections a questionnaire item may feed
from .survey import KINDS, QuestionnaireError, _Column

_MAPPING_KEYS = {"type", "libelle", "axe", "volet", "echelle", "niveaux", "options", "reponses", "partenaire", "theme"}


def read_mapping(path: Path | str | None) -> dict:
    """The mapping file (YAML) that sets question types, labels and the crossing attribute.

    ::

        croisement: Votre commune     # the attribute to cross by (« non »: none)
        incompletes: exclure          # LimeSurvey responses never submitted, Webform drafts (or « inclure »)
        questions:
          "Q2":                       # a header as printed, its question part or a LimeSurvey code
            type: choix_multiple      # choix_unique, choix_multiple, echelle, ouverte, attribut, ignorer, identifiant
            options: ["Santé", "Emploi, insertion"]   # options holding a comma
            libelle: Domaines d'intervention
            axe: Profil des répondants
            volet: sante              # gouvernance (default), sante, participation
          "Q5":
            type: echelle
            echelle: cooperation      # a scale of vocabulaires/echelles.yml, or niveaux: [..]
          "Q1":
            reponses: {A1: Oui, A2: Non}   # LimeSurvey answer codes
    """
    if path is None:
        return {}
    path = Path(path)
    shown = shown_path(path)
    if not path.is_file():
        raise QuestionnaireError([Problem(shown, "un fichier de correspondances existant (YAML)")])
    _, mapping, problems = read_yaml(path, shown)  # as every outside YAML: no alias, repeated key, impossible date
    if problems:
        raise QuestionnaireError(problems)
    mapping = mapping or {}
    if not isinstance(mapping, dict):
        raise QuestionnaireError([Problem(shown, "un dictionnaire YAML (clés croisement, incompletes, questions)")])
    problems = []
    unknown = set(mapping) - {"croisement", "incompletes", "questions"}
    problems += [Problem(shown, "une clé parmi croisement, incompletes, questions", colonne=str(k)) for k in unknown]
    if str(mapping.get("incompletes", "exclure")) not in {"exclure", "inclure"}:
        problems.append(Problem(shown, "« exclure » ou « inclure »", colonne="incompletes",
                                valeur=str(mapping["incompletes"])))
    questions = mapping.get("questions") or {}
    if not isinstance(questions, dict):
        problems.append(Problem(shown, "un dictionnaire « en-tête: {type: …} » sous questions", colonne="questions"))
        questions = {}
    for key, entry in questions.items():
        where = f"questions.{key}"
        if not isinstance(entry, dict):
            problems.append(Problem(shown, "un dictionnaire (type, libelle, axe, volet, echelle…)", colonne=where))
            continue
        problems += [Problem(shown, "une clé parmi " + ", ".join(sorted(_MAPPING_KEYS)), colonne=f"{where}.{k}")
                     for k in set(entry) - _MAPPING_KEYS]
        if "type" in entry and entry["type"] not in KINDS:
            problems.append(Problem(shown, "un type parmi " + ", ".join(KINDS), colonne=f"{where}.type",
                                    valeur=str(entry["type"])))
        if "volet" in entry and entry["volet"] not in VOLETS:
            problems.append(Problem(shown, "un volet parmi " + ", ".join(VOLETS), colonne=f"{where}.volet",
                                    valeur=str(entry["volet"])))
        if "echelle" in entry and entry["echelle"] not in scales():
            problems.append(Problem(shown, "une échelle de cdv_analysis/vocabulaires/echelles.yml ("
                                    + ", ".join(scales()) + ")", colonne=f"{where}.echelle", valeur=str(entry["echelle"])))
        for listed in ("niveaux", "options"):
            if listed in entry and not (isinstance(entry[listed], list) and entry[listed]):
                problems.append(Problem(shown, "une liste non vide", colonne=f"{where}.{listed}"))
        if "reponses" in entry and not isinstance(entry["reponses"], dict):
            problems.append(Problem(shown, "un dictionnaire « code: libellé »", colonne=f"{where}.reponses"))
    if problems:
        raise QuestionnaireError(problems)
    return {"croisement": mapping.get("croisement"), "incompletes": str(mapping.get("incompletes", "exclure")),
            "questions": {str(k): v for k, v in questions.items()}, "fichier": shown}


def _entry(mapping: dict, *names: str) -> dict:
    questions = mapping.get("questions") or {}
    keys = {name_key(n) for n in names if n}
    for key, entry in questions.items():
        if name_key(key) in keys:
            return entry
    return {}


def _used_entries(mapping: dict, columns: list[_Column]) -> set[str]:
    names = set()
    for column in columns:
        names |= {name_key(n) for n in (column.header, column.question, column.code,
                                        f"{column.code}[{column.sub}]" if column.code else "") if n}
    return {k for k in (mapping.get("questions") or {}) if name_key(k) in names}
