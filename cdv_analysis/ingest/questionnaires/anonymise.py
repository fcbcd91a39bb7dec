"""Anonymisation: the columns that identify a person or a device (dropped as soon as the header is read,
their cells never reach a :class:`Survey`), and the personal data typed in an open answer: e-mail addresses and
phone numbers (taken out of the text), a civility followed by a name, a value of an identifying column (the
answer is then kept ``interne``: never published, listed for the evaluator to reread)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from ..iorw import header_key

# Header keys (``header_key``) of the columns that identify a person or a device.
_IDENTIFYING_EXACT = {
    "nom", "prenom", "name", "firstname", "lastname", "first_name", "last_name", "username", "user", "uid",
    "utilisateur", "nom_d_utilisateur", "token", "jeton", "code_d_acces", "ipaddr", "ip", "adresse_ip",
    "ip_address", "refurl", "url_de_provenance", "url_de_reference", "url_referente", "email", "e_mail",
    "mail", "courriel", "telephone", "tel", "portable", "adresse", "adresse_postale", "signature",
    # the name of the answering body (an association, a firm) identifies it as surely as a person's
    "structure", "votre_structure", "organisme", "votre_organisme", "association", "votre_association",
}
_IDENTIFYING_PARTS = ("e_mail", "email", "courriel", "messagerie", "adresse_electronique", "adresse_ip",
                      "ipaddr", "prenom", "telephone", "nom_d_utilisateur", "username", "adresse_postale")
# A respondent's place: a crossing attribute, not an identity (« Nom de votre commune »).
_ATTRIBUTE_PARTS = ("commune", "quartier", "qpv", "ville")


def _is_attribute(header: str) -> bool:
    """A short header naming the respondent's place: « Votre commune », « Quartier de résidence »."""
    tokens = header_key(header).split("_")
    return len(tokens) <= 5 and any(t in _ATTRIBUTE_PARTS for t in tokens)


def _is_identifying(header: str) -> bool:
    key = header_key(header)
    if not key:
        return False
    if _is_attribute(header) and not any(p in key for p in _IDENTIFYING_PARTS):
        return False
    return (key in _IDENTIFYING_EXACT or any(part in key for part in _IDENTIFYING_PARTS)
            or key.startswith("nom_") or key.endswith("_nom") or key == "votre_nom")


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
_CAPITALISED = r"[A-ZÀ-ÖØ-Þ][\w'’-]*"
# « M. Dupont », « Mme Martin », « Madame X », « Dr J. Lefebvre », « monsieur de Villiers »: a civility, then
# capitalised words. « Monsieur le Maire », « Madame la Préfète » name an office, not a person.
_CIVILITY = re.compile(r"(?<![\w.])(?P<civility>(?:M|MM|Mme|Mmes|Mlle|Mlles|Dr|Pr|Me)\.?|(?i:monsieur|messieurs"
                       r"|madame|mesdames|mademoiselle|docteur|maître|maitre|professeur))\s+"
                       rf"(?:(?:de|du|d'|d’|van|von)\s?)?(?:[A-Z]\.\s?)?{_CAPITALISED}(?:[ -]{_CAPITALISED})*")
PERSONAL_DATA = {"civilite": "civilité suivie d'un nom", "email": "adresse e-mail", "telephone": "numéro de téléphone",
                 "identifiant": "nom ou structure d'une colonne identifiante"}
NAME_TAKEN_OUT = "[nom retiré]"
_NAME_PARTICLES = {"des", "les", "van", "von", "der", "den", "del", "della", "dos", "das", "ben", "bin"}
_ORGANISATION_PARTS = ("structure", "association", "organisme", "entreprise", "societe", "etablissement")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def scrub(text: str) -> tuple[str, list[str]]:
    """An open answer with the e-mail addresses, phone numbers and names after a civility a respondent typed
    taken out; the kinds found (keys of :data:`PERSONAL_DATA`)."""
    text, mails = _EMAIL.subn("[adresse e-mail retirée]", text)
    text, phones = _PHONE.subn("[numéro retiré]", text)
    text, names = _CIVILITY.subn(lambda m: f"{m.group('civility')} {NAME_TAKEN_OUT}", text)
    return text, [kind for kind, count in (("civilite", names), ("email", mails), ("telephone", phones)) if count]


def _folded(text: str) -> str:
    return unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode().lower()


def _is_organisation(header: str) -> bool:
    key = header_key(header)
    return any(part in key for part in _ORGANISATION_PARTS)


def name_masker(values: Iterable[tuple[str, str]]) -> Callable[[str], tuple[str, int]]:
    """A function taking out of a text the ``values`` (header, cell) of identifying columns; how many it took.

    A person's name (« Jeanne Martin ») is found by any of its words of three letters or more written with a
    capital (« Martin », « MARTIN »), a body's name (« Les Amis du 12-14 ») whole, case and accents aside;
    e-mail addresses, IP addresses, tokens and numbers are left to :func:`scrub`.
    """
    words: set[str] = set()
    wholes: set[str] = set()
    for header, value in values:
        value = " ".join(value.split())
        if _is_organisation(header):
            if len(value) >= 4 and re.search(r"[^\W\d_]{2}", value):
                wholes.add(_folded(value))
        elif not re.search(r"[@/:\d]", value):
            words |= {_folded(w) for w in _WORD.findall(value)
                      if len(w) >= 3 and w[0].isupper() and _folded(w) not in _NAME_PARTICLES}

    def mask(text: str) -> tuple[str, int]:
        taken = 0
        if wholes:
            folded = _folded(text)
            if len(folded) == len(text):  # folding kept every character in place: spans hold in the text
                spans = [m.span() for w in sorted(wholes, key=len, reverse=True)
                         for m in re.finditer(rf"(?<!\w){re.escape(w)}(?!\w)", folded)]
                for start, end in sorted(spans, reverse=True):
                    if NAME_TAKEN_OUT not in text[start:end]:
                        text, taken = text[:start] + NAME_TAKEN_OUT + text[end:], taken + 1
            elif any(w in folded for w in wholes):
                return NAME_TAKEN_OUT, 1  # a rare letter folded away: nothing of the answer is kept

        def word(match: re.Match) -> str:
            nonlocal taken
            if match.group()[0].isupper() and _folded(match.group()) in words:
                taken += 1
                return NAME_TAKEN_OUT
            return match.group()

        return _WORD.sub(word, text), taken

    return mask
