"""Map each territory's printed labels to one shared vocabulary.

The vocabularies live in ``cdv_analysis/vocabulaires/*.yml``; a territory may
extend them under ``libelles:`` in its ``territoire.yml``. Raw data are never
edited: the printed label stays beside its code.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from collections.abc import Mapping

import yaml

from .clean import name_key
from ..errors import CdvError

__all__ = ["Vocabulary", "VocabularyError", "vocabulary", "vocabulary_entries", "PILLAR_CODES", "COMPARED_PILLARS", "pillar_label",
           "pillar_order", "codes", "labels", "label", "financer_credit_type", "COOPERATION_LEVELS"]


@dataclass(frozen=True)
class Vocabulary:
    """A controlled vocabulary: codes, their French labels and printed aliases."""

    name: str
    labels: Mapping[str, str]
    order: Mapping[str, int]
    aliases: Mapping[str, str] = field(repr=False)
    attributes: Mapping[str, Mapping[str, object]] = field(repr=False, default_factory=dict)

    def code(self, printed: object, extra: Mapping[str, str] | None = None) -> str | None:
        """Code of a printed label, or None when the label is unknown."""
        key = name_key(printed)
        if not key:
            return None
        if extra:
            for alias, code in extra.items():
                if name_key(alias) == key:
                    return code
        if key in self.aliases:
            return self.aliases[key]
        # A bare code ("cohesion_sociale") is accepted as its own alias.
        for code in self.labels:
            if name_key(code) == key:
                return code
        return None

    def label(self, code: str) -> str:
        return self.labels.get(code, code)

    def examples(self, limit: int = 4) -> str:
        """A short French list of accepted labels, for error messages."""
        return ", ".join(f"« {self.labels[c]} »" for c in list(self.labels)[:limit])


@cache
def _entries(name: str) -> dict:
    text = resources.files("cdv_analysis").joinpath("vocabulaires", f"{name}.yml").read_text("utf-8")
    return yaml.safe_load(text) or {}


def vocabulary_entries(name: str) -> dict:
    """The entries of ``vocabulaires/<name>.yml`` as written, for vocabularies of their own shape
    (``formats_anct``, ``indicateurs_insee``, ``echelles``, ``programmation``).

    The one reader of the package's YAML vocabularies: each file is parsed once per process; every
    caller gets its own copy, free to extend it.
    """
    return copy.deepcopy(_entries(name))


class VocabularyError(CdvError, ValueError):
    """A vocabulary file of ``vocabulaires/`` that contradicts itself (one alias for two codes)."""


@cache
def vocabulary(name: str) -> Vocabulary:
    """Load ``vocabulaires/<name>.yml`` (code → ``libelle``, ``ordre``, ``alias`` and other attributes)."""
    entries = _entries(name)
    labels, order, aliases, attributes = {}, {}, {}, {}
    for rank, (code, entry) in enumerate(entries.items()):
        labels[code] = entry["libelle"]
        order[code] = entry.get("ordre", rank + 1)
        attributes[code] = {k: v for k, v in entry.items() if k not in {"libelle", "ordre", "alias"}}
        for alias in [entry["libelle"], *entry.get("alias", [])]:
            previous = aliases.setdefault(name_key(alias), code)
            if previous != code:
                raise VocabularyError(f"alias « {alias} » of {name} maps to both {previous} and {code}")
    return Vocabulary(name, labels, order, aliases, attributes)


def codes(name: str, **attributes: object) -> tuple[str, ...]:
    """Codes of vocabulary ``name`` (those whose attributes match, e.g. ``table="projets"``)."""
    vocab = vocabulary(name)
    return tuple(code for code in vocab.labels
                 if all(vocab.attributes[code].get(k) == v for k, v in attributes.items()))


def labels(name: str) -> dict[str, str]:
    """Code → French label of vocabulary ``name`` (``types_porteur``, ``mesures``, ``acteurs``…)."""
    return dict(vocabulary(name).labels)


def label(name: str, code: object) -> str:
    """French label of ``code`` in vocabulary ``name``; an unknown code is shown with spaces for underscores."""
    text = "" if code is None else str(code)
    return vocabulary(name).labels.get(text, text.replace("_", " "))


PILLAR_CODES = tuple(vocabulary("piliers").labels)
# The pillars compared across territories and years (``comparaison: false`` leaves one out).
COMPARED_PILLARS = tuple(c for c in PILLAR_CODES if vocabulary("piliers").attributes[c].get("comparaison", True))
# Level (1 to 5) → label of the cooperation scale (``cooperation`` in vocabulaires/echelles.yml).
COOPERATION_LEVELS = {rank: level["libelle"]
                      for rank, level in enumerate(_entries("echelles")["cooperation"]["niveaux"], start=1)}


def pillar_label(code: str) -> str:
    return vocabulary("piliers").label(code)


def pillar_order(code: str) -> int:
    return vocabulary("piliers").order.get(code, 99)


def financer_credit_type(code: object, extra: Mapping[str, Mapping[str, object]] | None = None) -> str:
    """``specifique`` or ``droit_commun`` as ``financeurs.yml`` (or a territory's own ``extra`` entries)
    declares the financer's credits; empty when the vocabulary does not say."""
    text = "" if code is None else str(code)
    entry = (extra or {}).get(text) or vocabulary("financeurs").attributes.get(text, {})
    return str(entry.get("type_credit") or "")
