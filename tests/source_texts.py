"""The plain-text sources the embedded data was transcribed from (tests/fixtures/sources), and the comparison of a
quotation with them: only the source's words, cuts shown « […] », a source's slip marked « [sic] », a sentence cut
mid-way ended by « […] » (issue 16)."""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

SOURCES = Path(__file__).parent / "fixtures" / "sources"
CUT, SIC = "[…]", "[sic]"
_MARKS = re.compile(r"\[…\]|\[sic\]")
_PUNCTUATION = " .,;:…!?"


def normalised(text: str, fold: bool = True) -> str:
    """Whitespace, apostrophes, quote marks, Markdown escapes and emphasis normalised; case folded (``fold``)."""
    text = html.unescape(text).replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[«»“”\"*\\]", "", text.replace("\u00a0", " ").replace("\u202f", " "))
    text = re.sub(r"\s+", " ", text).strip()
    return text.lower() if fold else text


@cache
def _cleaned(name: str) -> str:
    """Source file ``name`` without the extraction's own markup (its line breaks kept)."""
    text = (SOURCES / name).read_text("utf-8")
    text = re.sub(r"(?m)^[¹²³⁴⁵⁶⁷⁸⁹⁰]+ .*$", " ", text)
    text = re.sub(r"(?<=[\s.,;:])[¹²³⁴⁵⁶⁷⁸⁹⁰]+", "", text)  # a footnote mark (not « km² »)
    text = re.sub(r"\^\{([^}]*)\}|\^(\w+)", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"</?sup>", "", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"(?<=\w-)[ \t]*\n\s*(?=\w)", "", text)
    return re.sub(r"(?m)^[ \t]*(?:[-•●▪➔→]|#+)[ \t]+", " ", text)


@cache
def source_text(name: str, fold: bool = True) -> str:
    """The words of source file ``name`` as the printed document reads them, :func:`normalised`.

    The extraction's own markup is taken out: HTML tags, superscripts (« 4<sup>ème</sup> », « 2^{ème} », « 5^e »),
    a footnote the page layout put inside a sentence (a line « ¹ Source : … »), list bullets, Markdown headings,
    a word split at a line end (« Bruay-La-⏎Buissière »).
    """
    return normalised(_cleaned(name), fold)


@cache
def _source_lines(name: str) -> str:
    """:func:`source_text` with the case kept and one line per non-blank line of the file."""
    return "\n".join(normalised(line, fold=False) for line in _cleaned(name).splitlines() if line.strip())


@cache
def _flat_lines(name: str) -> str:
    """:func:`_source_lines` folded, its line breaks as spaces: the same positions, searched by words."""
    flat = _source_lines(name).lower().replace("\n", " ")
    assert len(flat) == len(_source_lines(name)), name
    return flat


def pieces(quote: str, fold: bool = True) -> list[str]:
    """The stretches of ``quote`` between its « […] » and « [sic] » marks, each normalised and trimmed."""
    return [p.strip(_PUNCTUATION) for p in _MARKS.split(normalised(quote, fold))]


def foreign_pieces(quote: str, source: str, fold: bool = True) -> list[str]:
    """The pieces of ``quote`` (4 characters or more) that are not in ``source`` (a :func:`source_text` of the same
    ``fold``: unfolded, a capital put on a word the source writes in lower case is not the source's)."""
    return [p for p in pieces(quote, fold) if len(p) >= 4 and p not in source]


def cut_mid_sentence(quote: str, name: str) -> bool:
    """Whether ``quote`` ends where source file ``name`` does not: a sentence cut mid-way without « […] », or a
    closing punctuation the source does not print there (a full stop put where it has a comma).

    The sentence goes on when the source continues the quote's last piece, on the same line, with a comma, a
    bracket, a lower-case word or a figure. A line end is an end (a list item, a table cell, a slide line): the
    extraction of a page wrapped in lines may hide a cut there.
    """
    text = normalised(quote, fold=False)
    if not text or text.endswith(CUT):
        return False
    last = _MARKS.split(text)[-1]
    core = last.rstrip(_PUNCTUATION)
    closing = last[len(core):].strip()
    if len(core.strip()) < 4:
        return False
    lines, flat = _source_lines(name), _flat_lines(name)
    needle = " ".join(core.lower().split())
    ends = []
    for start in (m.start() for m in re.finditer(re.escape(needle), flat)):
        end = start + len(needle)
        after = lines[end:end + len(closing) + 8]
        if closing:
            if not re.sub(r"[ \n]", "", after).startswith(closing.replace(" ", "")):
                ends.append(False)  # a punctuation the source does not print there
                continue
            if closing[-1] in ".!?…":
                ends.append(True)
                continue
            after = after.lstrip(" \n")[len(closing.replace(" ", "")):]
        after = after.lstrip(" ")
        if after.startswith(","):  # a list item ending with a comma is whole; a clause is not
            after = after[1:].lstrip(" ") if after[1:].lstrip(" ")[:1] in ("\n", "") else after
        numbered = re.match(r"\d+\.\d", after)  # the next cell of a table numbered « 2.1 », « 2.2 »…
        ends.append(not after or after[0] == "\n" or bool(numbered) or not (
            after[0] in ",(" or after[0].islower() or after[0].isdigit()))
    return bool(ends) and not any(ends)
