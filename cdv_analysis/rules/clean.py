"""Parsing of figures as French reports print them, and normalisation of names.

Printed values stay untouched in the raw tables; these functions turn them into
numbers (or comparison keys) when a table is loaded.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from ..errors import CdvError

__all__ = [
    "is_qpv_code",
    "qpv_geography",
    "ParseError",
    "Figure",
    "parse_montant",
    "parse_nombre",
    "parse_pourcentage",
    "parse_figure",
    "cell_text",
    "is_approximate",
    "name_key",
    "upper_first",
    "proper_case",
    "label_case",
    "PLACE_PARTICLES",
    "normalise_commune",
    "normalise_porteur",
]


class ParseError(CdvError, ValueError):
    """A printed value could not be read as the expected kind of number."""


# Every kind of space a PDF extraction or a French typographer may put in a number.
_SPACES = "\u0020\u00a0\u202f\u2009\u2007\u2008\u200a\t"
_SPACE_RE = re.compile(f"[{_SPACES}]+")
_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}
_MULTIPLIERS = {
    "milliards": 1e9,
    "milliard": 1e9,
    "millions": 1e6,
    "million": 1e6,
    "md€": 1e9,
    "m€": 1e6,
    "k€": 1e3,
    "milliers": 1e3,
}
_NUMBER_WORDS = {
    "zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "trente": 30, "cent": 100,
}
_FRACTION_RE = re.compile(r"^(\d+)/(\d+)$")
_NUMBER_RE = re.compile(r"^[+\-−]?[0-9][0-9.,]*$")


@dataclass(frozen=True)
class Figure:
    """A printed figure: its numeric value and the qualifier printed before it."""

    valeur: float
    qualificatif: str | None = None


def _plain(text: str) -> str:
    """Lower case, without accents, with a straight apostrophe; as long as ``text`` (NFC)."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _qualifier_words() -> tuple[tuple[str, ...], dict[str, str]]:
    """(printed words and signs, longest first; what a sentence writes for some of them) of
    ``vocabulaires/qualificatifs.yml``, their one home."""
    from .harmonise import vocabulary_entries  # harmonise imports this module: read at first use

    entries = vocabulary_entries("qualificatifs").values()
    written = {_plain(str(k)): str(v) for entry in entries for k, v in (entry.get("ecrit") or {}).items()}
    words = {_plain(str(alias)) for entry in entries for alias in entry.get("alias") or []} | set(written)
    return tuple(sorted(words, key=len, reverse=True)), written


def _strip_qualifier(text: str) -> tuple[str, str | None]:
    """(the figure, the qualifier printed before it as printed: « presque », « un peu plus de »).

    A sign or a clipped word is written as ``ecrit`` says (« < » → « moins de »); an elided « d' » as « de ».
    """
    words, written = _qualifier_words()
    plain = _plain(text)
    for word in words:
        if plain.startswith(word) and not (word[-1].isalpha() and plain[len(word):len(word) + 1].isalpha()):
            printed = " ".join(text[:len(word)].lower().split())
            # « plus d'1 million » is written « plus de 1 000 000 » on the page: the elision is undone
            return text[len(word):].strip(), written.get(word) or re.sub(r"\bd['’]$", "de", printed)
    return text, None


def _to_float(digits: str, original: str) -> float:
    """Read a number written with French or English separators.

    ``,`` is a decimal comma unless several of them occur; a single ``.`` followed by
    exactly three digits is a thousands separator (``53.387 €``), as French printers
    use it, otherwise a decimal point (``44.5``, ``0.125``: a leading 0 is never a thousands group).
    """
    sign = -1.0 if digits[:1] in "-−" else 1.0
    digits = digits.lstrip("+-−")
    if not digits or not _NUMBER_RE.match(digits):
        raise ParseError(f"« {original} » n'est pas un nombre")
    commas, dots = digits.count(","), digits.count(".")
    if commas and dots:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        if digits.count(decimal) > 1:
            raise ParseError(f"« {original} » a plusieurs séparateurs décimaux")
        digits = digits.replace(thousands, "").replace(decimal, ".")
    elif commas > 1:
        if not re.fullmatch(r"\d{1,3}(,\d{3})+", digits):
            raise ParseError(f"« {original} » a plusieurs virgules")
        digits = digits.replace(",", "")
    elif commas == 1:
        digits = digits.replace(",", ".")
    elif dots > 1:
        if not re.fullmatch(r"\d{1,3}(\.\d{3})+", digits):
            raise ParseError(f"« {original} » a plusieurs points")
        digits = digits.replace(".", "")
    elif dots == 1 and re.fullmatch(r"[1-9]\d{0,2}\.\d{3}", digits):  # « 0.125 » is always a decimal
        digits = digits.replace(".", "")
    if digits.endswith(".") or digits.startswith("."):
        raise ParseError(f"« {original} » n'est pas un nombre")
    value = float(digits)
    if not math.isfinite(value):
        raise ParseError(f"« {original} » n'est pas un nombre fini")
    return sign * value


def parse_figure(text: object, unit: str | None = None) -> Figure:
    """Parse any printed figure: ``1 077€``, ``44.5%``, ``plus de 30``, ``¾``, ``1,2 M€``.

    ``unit`` (``"€"`` or ``"%"``) is only used to reject a value printed with
    the other unit.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        raise ParseError("valeur vide")
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return Figure(float(text))
    original = str(text)
    cleaned = _SPACE_RE.sub(" ", original).strip()
    if not cleaned:
        raise ParseError("valeur vide")
    cleaned, qualifier = _strip_qualifier(cleaned)
    lowered = cleaned.lower()
    multiplier = 1.0
    for word, factor in _MULTIPLIERS.items():
        if lowered.endswith(word) or lowered.endswith(word + " d'euros") or lowered.endswith(word + " €"):
            multiplier = factor
            cleaned = cleaned[: lowered.rfind(word)]
            lowered = cleaned.lower()
            break
    has_euro = "€" in cleaned or "eur" in lowered
    has_percent = "%" in cleaned
    if unit == "%" and has_euro:
        raise ParseError(f"« {original} » est un montant, pas un pourcentage")
    if unit == "€" and has_percent:
        raise ParseError(f"« {original} » est un pourcentage, pas un montant")
    core = re.sub(r"(?i)((€|euros?|eur\b)(\s*(/|par)\s*(an|mois|habitant))?|%|\s)", "", cleaned)
    core = core.rstrip(".")  # a sentence-final full stop is not a decimal point
    scale = 100.0 if unit == "%" else 1.0
    if core in _FRACTIONS:
        return Figure(_FRACTIONS[core] * scale, qualifier)
    fraction = _FRACTION_RE.match(core)
    if fraction and int(fraction.group(2)):
        return Figure(int(fraction.group(1)) / int(fraction.group(2)) * scale, qualifier)
    if core.lower() in _NUMBER_WORDS:
        return Figure(float(_NUMBER_WORDS[core.lower()]) * multiplier, qualifier)
    return Figure(_to_float(core, original) * multiplier, qualifier)


def cell_text(value: object) -> str:
    """A table cell as stripped text; empty for None, NaN and pandas' missing values."""
    if value is None:
        return ""
    if not isinstance(value, str):
        try:
            import pandas as pd

            if pd.isna(value):
                return ""
        except (TypeError, ValueError):
            pass
    return str(value).strip()


def is_approximate(printed: object) -> bool:
    """Whether a printed figure is not exact: « environ 33 % », « plus de 60 % », « ¾ », « 3/4 ».

    An empty cell prints nothing, so nothing approximate; an unreadable one is not exact.
    """
    text = cell_text(printed)
    if not text:
        return False
    if any(c in text for c in (*_FRACTIONS, "/")):
        return True
    try:
        return parse_figure(text).qualificatif is not None
    except ParseError:
        return True


def parse_montant(text: object) -> float:
    """Amount in euros: ``4 734 927,00 €``, ``53.387 €``, ``1 712 989``, ``€4 734 927,00``."""
    return parse_figure(text, unit="€").valeur


def parse_pourcentage(text: object) -> float:
    """Percentage as a number of points: ``68,3 %`` → 68.3, ``35,3%`` → 35.3, ``¾`` → 75."""
    return parse_figure(text, unit="%").valeur


def parse_nombre(text: object) -> float:
    """Count or plain number: ``1 263``, ``2 595``, ``1.2``."""
    return parse_figure(text).valeur


# ---------------------------------------------------------------------------
# Names


_FOLDED_LIGATURES = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'", "‘": "'"}


@cache  # one character at a time, over every cell of a territory: each character is folded once per process
def _fold_char(char: str) -> str:
    if char in _FOLDED_LIGATURES:
        return _FOLDED_LIGATURES[char]
    base = unicodedata.normalize("NFD", char)[0]
    return base.lower()


def name_key(name: object) -> str:
    """Comparison key of a name: no case, accents, spaces or punctuation.

    ``"Nœux-les-Mines"``, ``"NOEUX LES MINES"`` and ``"Noeux les Mines"`` share
    one key, and so do ``"Lil lers"`` and ``"Lillers"``.
    """
    if name is None:
        return ""
    folded = "".join(_fold_char(c) for c in str(name))
    return re.sub(r"[^0-9a-z]", "", folded)


# ---------------------------------------------------------------------------
# Case of names: the one home of « SAINT-DENIS » → « Saint-Denis » and of upper-case first letters

# Small words kept in lower case inside a place name (« Saint-Laurent-du-Var », « Villeneuve-lès-Avignon »).
PLACE_PARTICLES = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "sur", "sous", "en", "et", "lès", "lez",
                             "aux", "au"})
_WORD_SEPARATOR = re.compile(r"([\s\-'’])")


def upper_first(text: str) -> str:
    """``text`` with its first letter in upper case, the rest as written (« associations » → « Associations »)."""
    return text[:1].upper() + text[1:]


def _case_words(text: str, keep_lower) -> str:
    """``text`` in lower case with each word's first letter raised, except where ``keep_lower(parts, index, first)``."""
    parts = _WORD_SEPARATOR.split(text.lower())
    out, first = [], True
    for index, part in enumerate(parts):
        if not part or _WORD_SEPARATOR.fullmatch(part):
            out.append(part)
            continue
        out.append(part if keep_lower(parts, index, first) else upper_first(part))
        first = False
    return "".join(out)


def proper_case(name: str) -> str:
    """A place name printed in capitals as French writes it: « SAINT-DENIS » → « Saint-Denis ».

    « LE HAVRE » → « Le Havre », « VILLENEUVE-D'ASCQ » → « Villeneuve-d'Ascq »,
    « VILLENEUVE-LÈS-AVIGNON » → « Villeneuve-lès-Avignon ». A name already
    in mixed case is kept as written.
    """
    name = " ".join(str(name).split())
    if not (name.isupper() or name.islower()):
        return name

    def particle(parts: list[str], index: int, first: bool) -> bool:
        after_apostrophe = index > 0 and parts[index - 1] in "'’"
        followed_by_apostrophe = index + 1 < len(parts) and parts[index + 1] in "'’"
        return (parts[index] in PLACE_PARTICLES and not first and not after_apostrophe
                and not (followed_by_apostrophe and index > 0 and parts[index - 1] == " "))

    return _case_words(name, particle)


def label_case(printed: str, lower_words: Iterable[str]) -> str:
    """A label printed in capitals with its words raised, except ``lower_words`` after the first
    (compared by :func:`name_key`): « CONTRAT DE VILLE DE LENS-LIEVIN » → « Contrat de ville de Lens-Lievin ».
    A label with a lower-case letter is kept as written."""
    if not printed or any(char.islower() for char in printed):
        return printed
    keys = {name_key(word) for word in lower_words}
    return _case_words(printed.strip(), lambda parts, index, first: not first and name_key(parts[index]) in keys)


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` to its key letters, keeping each letter's position in ``text``."""
    letters: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        for letter in _fold_char(char):
            if letter.isalnum():
                letters.append(letter)
                positions.append(index)
    return "".join(letters), positions


def _tidy_spaces(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def normalise_commune(name: object, communes: list[str] | tuple[str, ...] = ()) -> str:
    """Canonical spelling of a commune name.

    When ``name`` matches one of ``communes`` (the territory's reference list)
    up to case, accents, spaces and hyphens, the reference spelling is returned;
    otherwise the name with tidied spaces.
    """
    text = _tidy_spaces(str(name or ""))
    key = name_key(text)
    for commune in communes:
        if name_key(commune) == key:
            return commune
    return text


def normalise_porteur(name: object, communes: list[str] | tuple[str, ...] = ()) -> str:
    """Tidy a project holder's name and fix the commune names it contains.

    ``"Ville de  Lil lers"`` becomes ``"Ville de Lillers"`` when ``Lillers`` is a
    reference commune. The rest of the name keeps its printed case.
    """
    text = _tidy_spaces(str(name or ""))
    if not text or not communes:
        return text
    for commune in sorted(communes, key=lambda c: -len(name_key(c))):
        target = name_key(commune)
        if not target:
            continue
        folded, positions = _folded_with_positions(text)
        start = folded.find(target)
        while start != -1:
            first = positions[start]
            last = positions[start + len(target) - 1]
            before_ok = first == 0 or not text[first - 1].isalnum()
            after_ok = last + 1 >= len(text) or not text[last + 1].isalnum()
            if before_ok and after_ok:
                text = text[:first] + commune + text[last + 1:]
                break
            start = folded.find(target, start + 1)
    return _tidy_spaces(text)


_QPV_GEOGRAPHY = {"QP": "2015", "QN": "2024"}  # QPV codes of the 2015 and of the 2024 geography


def qpv_geography(code: str) -> str:
    """The QPV geography (« 2015 » or « 2024 ») a QPV code belongs to; empty when unknown."""
    return _QPV_GEOGRAPHY.get(str(code).strip().upper()[:2], "")


def is_qpv_code(code: object) -> bool:
    """« QP062001 » (2015) or « QN06201M » (2024): a priority neighbourhood, not a reference perimeter."""
    return bool(re.match(r"Q[PN]\d", str(code).strip().upper()))
