"""Acronyms spelled out at their first use on a page, and the glossary of a report.

The acronyms and what they stand for live in ``vocabulaires/sigles.yml``. :func:`spell_out` works on the
sanitised HTML body of a page: in its text (never inside a tag, a heading, a chart, code or an existing
``<abbr>``), the first occurrence of each acronym is followed by its meaning in brackets.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from .harmonise import vocabulary, vocabulary_entries
from .markup import escape_html, escape_markdown

__all__ = ["acronyms", "spell_out", "glossary_markdown"]

# Elements whose end closes any quotation left open in them (a label cut short, a French quotation that
# reopens « on each paragraph).
_BLOCKS = ("p", "li", "td", "th", "blockquote", "dd", "dt", "div", "figcaption")
# Elements whose text is left as it is: headings (the table of contents and ids are built from them),
# charts, code, existing abbreviations.
_SKIPPED = ("h1", "h2", "h3", "h4", "h5", "h6", "svg", "script", "style", "code", "pre", "abbr", "title",
            "textarea", "caption")
_TAG = re.compile(r"(<[^>]*>)")


@cache
def acronyms() -> dict[str, str]:
    """Printed form → meaning, every alias included (« Q.P.V. » → its meaning)."""
    vocab = vocabulary("sigles")
    forms: dict[str, str] = {}
    for code, entry in vocabulary_entries("sigles").items():
        for form in (code, *entry.get("alias", [])):
            forms[str(form)] = vocab.label(code)
    return forms


@cache
def _numbered() -> frozenset[str]:
    """Printed forms of the acronyms followed by their number (« BOP 147 »: ``numero: true`` in sigles.yml)."""
    return frozenset(form for code, entry in vocabulary_entries("sigles").items() if entry.get("numero")
                     for form in (code, *entry.get("alias", [])))


@cache
def _pattern() -> re.Pattern:
    forms = sorted(acronyms(), key=len, reverse=True)  # « CISPD » before « CISP », « Q.P.V. » before « QPV »
    # group 2: a number just after (« BOP 147 »), kept with a numbered acronym before its meaning
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(f) for f in forms) + r")((?:[ \u00a0\u202f]+\d+)?)(?![\w])")


def _canonical(form: str) -> str:
    return form.replace(".", "").upper()


# Words an acronym leaves out of its letters (« Contrat Local de Santé » is CLS).
_SMALL_WORDS = {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "pour", "sur"}
_MEANING_BRACKET = re.compile(r"\s*\(([^()]*)\)$")  # « … territoires (devenu l'ANCT en 2020) »
_AS_CLAUSE = r", \1"  # inside the page's own brackets, a meaning's bracket becomes a clause (no nested brackets)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def _spelled_out_before(form: str, meaning: str, before: str) -> bool:
    """Whether the words just before « (FORM) » are its meaning: their initials end with its letters
    (« Atelier Santé Ville (ASV) »), or they hold the first word of its meaning (« quartiers prioritaires
    (QPV) », « conventions pluriannuelles (CPO) »). « crédits de l'État (CGET) » is neither."""
    words = [w for w in re.findall(r"\w+", _fold(before))[-12:] if w not in _SMALL_WORDS]
    letters = _fold(_canonical(form))
    if letters and "".join(w[0] for w in words).endswith(letters):
        return True
    first = next((w for w in re.findall(r"\w+", _fold(meaning)) if w not in _SMALL_WORDS), "")
    return bool(first) and any(w[:5] == first[:5] for w in words[-2 * len(letters):])


def spell_out(body: str) -> str:
    """``body`` with the first use of each acronym followed by « (its meaning) »."""
    seen: set[str] = set()
    skipping: list[str] = []
    quoted = 0  # inside « »: a quotation keeps the source's words, nothing is added to it
    parts = _TAG.split(body)
    for i, part in enumerate(parts):
        if part.startswith("<"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            if name:
                tag = name.group(1).lower()
                if part.startswith("</") and tag in _BLOCKS:
                    quoted = 0
                if tag in _SKIPPED and not part.endswith("/>"):
                    if part.startswith("</"):
                        if tag in skipping:
                            skipping.remove(tag)
                    else:
                        skipping.append(tag)
            continue
        if skipping or not part.strip():
            continue

        def expand(match: re.Match, depth: int) -> str:
            form, number = match.group(1), match.group(2)
            key = _canonical(form)
            if key in seen or depth > 0:
                return match.group(0)
            meaning = acronyms()[form]
            before, after = match.string[:match.start()], match.string[match.end(1):]
            clause = escape_html(_MEANING_BRACKET.sub(_AS_CLAUSE, meaning))  # never a bracket in a bracket
            if after.startswith(")") and before.rstrip().endswith("("):
                seen.add(key)
                if _spelled_out_before(form, meaning, before.rstrip()[:-1]):
                    return match.group(0)  # « Programme de Réussite Educative (P.R.E.) »: spelled out just before
                # « crédits de l'État (CGET) »: the words before the bracket are not its meaning (issue 16).
                return f"{form}, {clause}"
            if before.count("(") > before.count(")"):
                return match.group(0)  # among other words in brackets (« (ANCT, BOP 147) »): spelled out later
            seen.add(key)
            if number and form in _numbered():
                return f"{form}{number} ({clause})"  # « BOP 147 (budget opérationnel de programme, …) »
            return f"{form} ({clause}){number}"

        pieces = re.split(r"([«»])", part)
        for j, piece in enumerate(pieces):
            if piece == "«":
                quoted += 1
            elif piece == "»":
                quoted = max(0, quoted - 1)
            else:
                pieces[j] = _pattern().sub(lambda m, depth=quoted: expand(m, depth), piece)
        parts[i] = "".join(pieces)
    return "".join(parts)


def glossary_markdown() -> str:
    """The glossary of a report: every acronym of the vocabulary and what it stands for, as a Markdown list."""
    vocab = vocabulary("sigles")

    def abbr(form: str) -> str:
        return f'<abbr title="{escape_html(acronyms()[form])}">{escape_html(form)}</abbr>'

    # Each acronym in <abbr>, those inside a meaning too (« le BOP 147 »): the glossary is where they are
    # spelled out, not where they are first used (a portrait's glossary read « le BOP (budget opérationnel de
    # programme (le BOP 147…)) 147 »).
    return "\n".join(f"- {abbr(code)} : " + _pattern().sub(lambda m: abbr(m.group(1)) + m.group(2), escape_markdown(vocab.label(code)))
                     for code in sorted(vocab.labels))
