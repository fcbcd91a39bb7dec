"""What a build computes once and hands to all its kernels: validated territories, and results of every year.

A build validates each territory while planning; each of its kernels would then validate it again, and
compute again, for each territory it holds, what depends on the files only (the checks of the printed
figures, the programmation series: ``territory.memoized(every_year=True)``). Instead, the build owns a private
folder (mode 700, removed at its end), named in its kernels' environment by :data:`VARIABLE`:

- planning saves each territory it validated there (:func:`hand_over`), before the territory's first job;
- a kernel takes a territory from there (:func:`territory`), under the fingerprint of the files it reads itself;
- the first kernel to compute a result of every year saves it there (:func:`keep`), the others read it
  (:func:`kept`).

Nothing is read under another fingerprint, so a file changed during the build is validated where it is read.
Outside a build (JupyterLab, ``cdv valider``), the variable is unset and nothing here is used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .territory import Territory

__all__ = ["VARIABLE", "NOTHING", "hand_over", "territory", "keep", "kept"]

VARIABLE = "CDV_TERRITOIRES_VALIDES"
NOTHING = object()  # what kept() returns when no kernel saved the result


def _folder() -> Path | None:
    root = os.environ.get(VARIABLE)
    return Path(root) if root else None


def _territory_file(root: Path, folder: Path, fingerprint: str) -> Path:
    return root / f"{hashlib.sha256(str(folder).encode()).hexdigest()[:16]}-{fingerprint}.pickle"


def _result_file(root: Path, of: Territory, key: tuple) -> Path:
    named = repr((of.id, str(Path(of.folder).resolve()), key))  # results name their territory: its folder counts
    return root / f"{of.digest}-{hashlib.sha256(named.encode()).hexdigest()[:16]}.resultat.pickle"


def _save(path: Path, value: object) -> None:
    from .iorw import write_atomic

    try:
        write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError, TypeError, AttributeError):  # a full disk…: each kernel computes it
        pass


def _load(path: Path) -> Any:
    try:
        with path.open("rb") as stream:
            return pickle.load(stream)  # the build's own folder, written whole (renamed into place)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return NOTHING


def hand_over(validated: Territory, root: Path | str) -> None:
    """Save a territory just validated for the kernels of the build that owns ``root``."""
    if not validated.digest or validated.errors:
        return
    import dataclasses

    clean = dataclasses.replace(validated)  # without what a report memoised
    _save(_territory_file(Path(root), validated.folder.resolve(), validated.digest), clean)


def territory(folder: Path, fingerprint: str) -> Territory | None:
    """The territory the build validated from the same files, if it saved it (None: validate it here)."""
    from .territory import Territory

    root = _folder()
    if root is None or not fingerprint:
        return None
    found = _load(_territory_file(root, folder, fingerprint))
    return found if isinstance(found, Territory) and found.digest == fingerprint else None


def kept(of: Territory, key: tuple) -> Any:
    """A result of every year that another kernel of the build computed for this territory from the same files,
    or :data:`NOTHING`."""
    root = _folder()
    if root is None or not of.digest:
        return NOTHING
    return _load(_result_file(root, of, key))


def keep(of: Territory, key: tuple, value: object) -> None:
    """Save a result of every year for the build's other kernels (nothing outside a build)."""
    root = _folder()
    if root is not None and of.digest:
        _save(_result_file(root, of, key), value)
