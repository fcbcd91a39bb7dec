"""Encodings: the text of a file in UTF-8, Windows-1252 or Mac Roman, told apart by what each makes of French
text; never guessed silently."""

from __future__ import annotations

import codecs
import re

from ..problems import WARNING, Problem

# UTF-8 bytes read as Windows-1252: « é » shows as « Ã© », « œ » as « Å“ », « € » as « â‚¬ ».
_MOJIBAKE_RE = re.compile("Ã[\u0080-\u00bf©¨ª«®´¹º»¼½¾§¢£¤¥¦]|â€|â‚¬|Å[“’]")

# The 8-bit encodings a French spreadsheet saves in, told apart by what they make of the text.
_EIGHT_BIT = (("cp1252", "Windows-1252"), ("mac_roman", "Mac Roman"), ("cp850", "DOS (CP850)"))
_ACCEPTED = ("cp1252", "mac_roman")
_FRENCH_LETTERS = frozenset("àâçéèêëîïôùûüÿœÀÂÇÉÈÊËÎÏÔÙÛÜŸŒ")
_FRENCH_SIGNS = frozenset("«»‘’“”€…–—°§²³µ·×\u00a0")


def _french_score(text: str) -> int:
    """How French the non-ASCII characters of a decoded text look: +1 each plausible one, -3 each implausible."""
    score = 0
    for index, char in enumerate(text):
        if char < "\x80":
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if char in _FRENCH_LETTERS:
            # An accented capital inside a small-letter word (« rÈsultat », « FÛte ») is a misread « é » or « ê »,
            # and so is an accented letter standing alone, « à » apart (« Noæl ê Lens »).
            if not before.isalpha() and not after.isalpha():
                plausible = char in "àÀ"
            elif char.isupper():
                plausible = not (before.isalpha() and (before.islower() or after.islower()))
            else:
                plausible = True
        elif char in _FRENCH_SIGNS:
            plausible = not (char in "…«" and after.isalpha()) and not (char == "»" and before.isalpha())
        else:
            plausible = False
        score += 1 if plausible else -3
    return score


def decode_text(raw: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """Text of a file in UTF-8 (BOM or not), Windows-1252 or Mac Roman; a French problem otherwise.

    UTF-8 is recognised by its structure. An 8-bit file is decoded the way that
    gives plausible French text (« évoquent », not « Žvoquent ») and refused when
    neither way clearly does: an encoding is never guessed silently.
    """
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        return None, [Problem(shown, "un fichier non vide (au moins une ligne d'en-têtes)")]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw[:4096]:
        return None, [Problem(shown, "encodage illisible (UTF-16 ou fichier binaire) ; attendu : "
                              "un fichier texte en UTF-8 ou en Windows-1252 (Excel : « CSV UTF-8 »)")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    decoded = {}
    for codec, _ in _EIGHT_BIT:
        try:
            decoded[codec] = raw.decode(codec)
        except UnicodeDecodeError:
            continue
    windows = decoded.get("cp1252")
    mojibake = _MOJIBAKE_RE.search(windows) if windows is not None else None
    if mojibake:
        line = windows[: mojibake.start()].count("\n") + 1
        return None, [Problem(shown, "un seul encodage par fichier : ce fichier mélange UTF-8 et "
                              "Windows-1252 (réenregistrez-le en UTF-8)", ligne=line,
                              valeur=windows.splitlines()[line - 1][:60])]
    scores = sorted(((_french_score(text), codec) for codec, text in decoded.items()), reverse=True)
    best_score, best = scores[0]
    # DOS (CP850) files are not read, but a text that looks French that way too is ambiguous.
    if best in _ACCEPTED and best_score > 0 and (len(scores) == 1 or best_score > scores[1][0]):
        if best == "cp1252":
            return decoded[best], []
        label = dict(_EIGHT_BIT)[best]
        return decoded[best], [Problem(shown, f"un fichier en UTF-8 : encodage {label} reconnu et converti "
                                       "(Excel : enregistrez plutôt en « CSV UTF-8 »)", gravite=WARNING)]
    first = next(i for i, byte in enumerate(raw) if byte >= 0x80)
    line = raw[:first].count(b"\n") + 1
    shown_line = raw.splitlines()[line - 1]
    readings = " ; ".join(f"en {label} : « {shown_line.decode(codec, 'replace')[:50]} »" for codec, label in _EIGHT_BIT)
    return None, [Problem(shown, "un fichier en UTF-8 (Excel : « CSV UTF-8 ») : l'encodage de ce fichier n'est pas "
                          f"reconnu avec certitude ({readings}) ; réenregistrez-le en UTF-8", ligne=line)]

