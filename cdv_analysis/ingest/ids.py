"""Ids that come from data, made safe: the one home of slugs and of « is this folder inside the data folder ».

Contract codes, labels, territory ids, questionnaire names and file stems are
untrusted text. Before one names a folder or a file, it is reduced to a slug
(:func:`slug`: lowercase ASCII letters, digits, ``-`` and ``_``, at most
:data:`MAX_ID` characters), never used as a path; :func:`child` then checks
that the result resolves to a direct child of the data folder before anything
is opened for writing. :func:`distinct_slugs` keeps two different source codes
apart when they slug alike (``C-1``, ``C.1``, ``C_1``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path

from ..errors import CdvError

__all__ = ["MAX_ID", "SAFE_ID", "UnsafeId", "slug", "id_problem", "child", "file_in", "shell_word", "distinct_slugs"]

MAX_ID = 64
SAFE_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_EXPECTED = (f"un identifiant de {MAX_ID} caractères au plus, en lettres minuscules sans accent, chiffres, "
             "- ou _ (commençant par une lettre ou un chiffre)")
_FOLD = {"œ": "oe", "æ": "ae", "ß": "ss"}


class UnsafeId(CdvError, ValueError):
    """An id that is not a safe folder or file name; ``expected`` says what is, in French."""

    def __init__(self, value: str, expected: str = _EXPECTED):
        self.value, self.expected = value, expected
        super().__init__(f"identifiant refusé « {value!r} » ; attendu : {expected}")


def _fold(text: str) -> str:
    out = []
    for char in text.lower():
        char = _FOLD.get(char, char)
        out.append(unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode())
    return "".join(out)


def slug(text: object, limit: int = MAX_ID) -> str:
    """``text`` as a safe id: accents folded, any other character a ``-``; ``""`` when nothing is left.

    « Contrat de ville de Lens-Liévin » → ``contrat-de-ville-de-lens-lievin`` ; ``../../x`` → ``x``.
    """
    folded = re.sub(r"[^a-z0-9_]+", "-", _fold(str(text or "")))
    folded = re.sub(r"^[-_]+|[-_]+$", "", folded)
    return re.sub(r"[-_]+$", "", folded[:limit])


def id_problem(value: object) -> str | None:
    """What a safe id would be (French), or None when ``value`` is one."""
    text = str(value) if value is not None else ""
    if len(text) <= MAX_ID and SAFE_ID.fullmatch(text):
        return None
    return _EXPECTED


def child(root: Path | str, name: str) -> Path:
    """``root/name`` once ``name`` is a safe id and the path resolves to a direct child of ``root``.

    Raises :class:`UnsafeId` otherwise (a symlink leaving ``root`` included), so that
    nothing derived from data is ever opened outside the data folder.
    """
    if id_problem(name):
        raise UnsafeId(str(name))
    root = Path(root)
    path = root / name
    if path.resolve().parent != root.resolve():
        raise UnsafeId(str(name), f"un dossier à l'intérieur de {root} (ce chemin en sort)")
    return path


def file_in(folder: Path | str, name: object) -> Path | None:
    """``folder/name`` when ``name`` is a plain file name (no separator, not hidden) of a regular file that
    resolves inside ``folder``; else None (a name from data never reaches another folder)."""
    text = str(name or "")
    if not text or text != Path(text).name or text.startswith(".") or "\x00" in text or "\\" in text:
        return None
    folder = Path(folder)
    path = folder / text
    if path.is_symlink() or not path.is_file() or path.resolve().parent != folder.resolve():
        return None
    return path


def shell_word(name: object) -> str:
    """``name`` as one word of a command a user may copy into a shell (quoted when it is not a safe id)."""
    import shlex

    text = str(name)
    return text if id_problem(text) is None else shlex.quote(text)


def _short_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def distinct_slugs(wanted: Mapping[Hashable, tuple[str, str]], taken: Iterable[str] = ()) -> dict[Hashable, str]:
    """A distinct safe id for each key, from its (label, code): never two keys on one id, never a ``taken`` one.

    The label's slug comes first; on a collision the code's slug is added, and if
    that still collides (codes that differ only by punctuation, ``C-1`` and
    ``C.1``) a short hash of the raw code, which differs whenever the codes do.
    """
    used, result = set(taken), {}
    for key in sorted(wanted, key=lambda k: (str(wanted[k][1]), str(k))):
        label, code = wanted[key]
        base = slug(label, MAX_ID - 24) or slug(code, MAX_ID - 24) or "territoire"
        code_part = slug(code, 10)
        candidates = [base, f"{base}-{code_part}" if code_part else base,
                      f"{base}-{code_part}-{_short_hash(str(code))}" if code_part else f"{base}-{_short_hash(str(code))}"]
        choice, counter = next((c for c in candidates if c not in used), None), 2
        while choice is None:
            numbered, counter = f"{candidates[-1]}-{counter}", counter + 1
            choice = numbered if numbered not in used else None
        used.add(choice)
        result[key] = choice
    return result
