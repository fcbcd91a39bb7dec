"""Anonymisation: the columns that identify a person or a device (dropped as soon as the header is read,
their cells never reach a :class:`Survey`), and the e-mail addresses and phone numbers typed in an open answer."""

from __future__ import annotations

import re

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


def scrub(text: str) -> tuple[str, int]:
    """An open answer with the e-mail addresses and phone numbers a respondent typed taken out; how many."""
    text, mails = _EMAIL.subn("[adresse e-mail retirée]", text)
    text, phones = _PHONE.subn("[numéro retiré]", text)
    return text, mails + phones
