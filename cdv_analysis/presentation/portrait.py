"""Portraits of contracts known only from open data, and the French of their names.

A territory whose every table was written by an importer (INSEE QPV
indicators, ANCT subsidies) has no evaluation to report: it gets a
« Portrait du contrat de ville », titled from its ``territoire.yml`` with the
right French article before the name (« du contrat de ville de Lens »,
« de la communauté d'agglomération … », « du Havre »).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..rules.clean import proper_case
from ..ingest.schemas import TABLES

__all__ = ["OPEN_DATA_ORIGIN", "is_open_data_only", "proper_case", "with_preposition", "portrait_title",
           "evaluation_title", "portrait_subtitle", "EVALUATION_TABLES", "source_titles", "missing_evaluation_files"]

OPEN_DATA_ORIGIN = "donnees-ouvertes"
_MANIFEST = ".imports.json"  # importers.MANIFEST (not imported: importers pulls in the whole loader)

_VOWELS = "aeiouyhâàäéèêëîïôöûùüœ"
# Common nouns that open a territory name: (gender, lower-cased in running text).
_NOUNS = {"contrat": ("m", True), "communauté": ("f", True), "métropole": ("f", False),
          "agglomération": ("f", False), "ville": ("f", False), "commune": ("f", True),
          "territoire": ("m", False), "pays": ("m", False), "établissement": ("m", True),
          "syndicat": ("m", False), "eurométropole": ("f", False)}


def with_preposition(name: str, preposition: str = "de") -> str:
    """``name`` after « de », « à » or « pour », with its article: « du contrat de ville de Lens ».

    A name opening with a common noun takes its article (« de la communauté
    d'agglomération … », « de l'Agglomération … »); a place name takes none
    (« de Montpellier »), except its own (« du Havre », « des Mureaux »).
    """
    name = " ".join(str(name).split())
    words = name.split(" ", 1)
    head, rest = words[0], (words[1] if len(words) > 1 else "")
    lowered = head.lower()
    contracted = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}
    if lowered in ("le", "les") and rest:
        article = contracted.get((preposition, lowered))
        return f"{article} {rest}" if article else f"{preposition} {head} {rest}"
    if lowered == "la" and rest:  # a town's own article is part of its name: « de La Rochelle »
        return f"{preposition} {head} {rest}"
    noun = re.split(r"[\s'’-]", lowered, maxsplit=1)[0]
    if noun in _NOUNS:
        gender, lower = _NOUNS[noun]
        shown = name[:1].lower() + name[1:] if lower else name
        if shown[:1].lower() in _VOWELS:
            article = "l'"
        else:
            article = "le " if gender == "m" else "la "
        phrase = f"{article}{shown}"
        if article == "le ":
            return {"de": f"du {shown}", "à": f"au {shown}"}.get(preposition, f"{preposition} {phrase}")
        return f"{preposition} {phrase}"
    if preposition == "de" and name[:1].lower() in _VOWELS:
        return f"d'{name}"
    return f"{preposition} {name}"


def _is_contract_name(name: str) -> bool:
    return name.lower().startswith("contrat de ville")


def portrait_title(name: str) -> str:
    """« Portrait du contrat de ville de Montpellier » (or of the contract's own label)."""
    name = " ".join(str(name).split())
    if _is_contract_name(name):
        return f"Portrait {with_preposition(name)}"
    return f"Portrait du contrat de ville {with_preposition(name)}"


def evaluation_title(name: str, acronym: str) -> str:
    """« Contrat de Ville — Communauté d'agglomération … (CALL) »; the acronym only when it adds something."""
    name = " ".join(str(name).split())
    shown = name if _is_contract_name(name) else f"Contrat de Ville — {name}"
    return shown if not acronym or acronym.lower() in name.lower() else f"{shown} ({acronym})"


def is_open_data_only(folder: Path | str, meta: dict | None = None) -> bool:
    """True for a territory known only from open data.

    Either its ``territoire.yml`` says ``origine: donnees-ouvertes``, or every
    data file of its folder was written by an importer (listed in ``.imports.json``).
    """
    folder = Path(folder)
    if meta is None:
        from ..ingest.metadata import read_territory_yaml  # the one reader of territoire.yml

        meta = read_territory_yaml(folder)[0] or {}
    if isinstance(meta, dict) and str(meta.get("origine", "")).strip() == OPEN_DATA_ORIGIN:
        return True
    try:
        imported = set(json.loads((folder / _MANIFEST).read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return False
    tables = [p.name for p in folder.iterdir()
              if p.is_file() and p.suffix.lower() in {".csv", ".xlsx", ".tsv"} and not p.name.startswith(".")]
    # The territory's own evidence: its programmation, its questionnaires (`cdv importer questionnaire`).
    own = [t for t in tables if t.startswith("programmation.") or ".questionnaire-" in t]
    return bool(tables) and not own and set(tables) <= imported


def portrait_subtitle(year: int | str) -> str:
    return f"Portrait du contrat de ville — données ouvertes, édition {year}"


# ---------------------------------------------------------------------------
# Facts of a portrait's opening box (00_portrait)

# The tables that would make the territory's report an evaluation (``TableSpec.evaluation`` in the registry).
EVALUATION_TABLES = tuple(name for name, spec in TABLES.items() if spec.evaluation)


def source_titles(territory) -> list[str]:
    """Titles of the territory's sources (``sources.yml``), as the opening box lists them."""
    return [str(source.get("titre", sid)) for sid, source in territory.sources.items()]


def missing_evaluation_files(territory) -> list[str]:
    """The data files an evaluation would be read from and that the territory lacks."""
    return [territory.expected_file(table) for table in EVALUATION_TABLES if not territory.has(table)]
