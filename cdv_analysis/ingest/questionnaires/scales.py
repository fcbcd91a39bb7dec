"""Ordered answer scales: those of ``vocabulaires/echelles.yml``, or the levels a mapping file lists."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from ...rules.clean import name_key
from ...rules.harmonise import vocabulary_entries

_LEADING_NUMBER = re.compile(r"^\s*\d+\s*[-.):–]\s*")


@dataclass(frozen=True)
class Scale:
    """An ordered answer scale, from its weakest level to its strongest."""

    code: str
    label: str
    levels: tuple[str, ...]
    aliases: dict = field(default_factory=dict, compare=False, hash=False)  # answer key -> level index

    def level(self, answer: str) -> int | None:
        """Index (0-based) of the level an answer names, or None."""
        return self.aliases.get(_answer_key(answer))


def _answer_key(answer: str) -> str:
    return name_key(_LEADING_NUMBER.sub("", str(answer)))


@cache
def scales() -> dict[str, Scale]:
    """The scales of ``vocabulaires/echelles.yml``, by code."""
    found = {}
    for code, entry in vocabulary_entries("echelles").items():
        levels, aliases = [], {}
        for index, level in enumerate(entry["niveaux"]):
            levels.append(level["libelle"])
            for alias in [level["libelle"], *level.get("alias", [])]:
                aliases[_answer_key(alias)] = index
        found[code] = Scale(code, entry["libelle"], tuple(levels), aliases)
    return found


def _custom_scale(levels: list[str]) -> Scale:
    return Scale("personnalisee", "échelle du fichier de correspondances", tuple(levels),
                 {_answer_key(level): index for index, level in enumerate(levels)})


def _scale_of(values: list[str]) -> Scale | None:
    """The shortest known scale naming every answer (at least two distinct ones)."""
    keys = {_answer_key(v) for v in values}
    if len(keys) < 2:
        return None
    fitting = [s for s in scales().values() if keys <= set(s.aliases)]
    return min(fitting, key=lambda s: len(s.levels)) if fitting else None
