"""Writing several files as one step: stage every file, then rename them all; and French words for write errors.

:class:`StagedWrites` is how an import (or ``cdv nouveau-territoire``) commits:
each file is first written beside its destination under a hidden temporary
name (a new folder is staged whole under a hidden name), and only when every
byte is on disk are they renamed into place. A failure while staging (disk
full, read-only folder) removes what was staged and leaves every destination
as it was, so that a retry starts from a clean state.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

from ..errors import CdvError
from .iorw import shown_path
from .iorw.writing import temporary_beside

__all__ = ["StagedWrites", "WriteFailed", "write_error_text", "OUTPUT_ERRNOS"]

# The errors of an output that cannot be written, each worded by :func:`write_error_text`.
OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENAMETOOLONG,
                           errno.EEXIST, errno.ENOTDIR, errno.EISDIR})


class WriteFailed(CdvError):
    """Files could not be written; the message (French) names the path and what to do. Nothing was changed."""

    def __init__(self, path: Path | str, error: OSError):
        self.path, self.error = Path(path), error
        super().__init__(write_error_text(path, error))


def write_error_text(path: Path | str, error: OSError, name_path: bool = True) -> str:
    """A French sentence for an ``OSError`` met while writing ``path``: what happened and what to do.

    ``name_path=False`` leaves the path out (for a message already located at it).
    """
    shown = shown_path(path) if name_path else "ce chemin"
    code = getattr(error, "errno", None)
    if code == errno.ENOSPC or code == errno.EDQUOT:
        return f"espace disque insuffisant pour écrire {shown} : libérez de la place puis relancez la commande"
    if code == errno.EROFS:
        return f"{shown} est sur un support en lecture seule : choisissez un dossier où l'écriture est permise"
    if code in (errno.EACCES, errno.EPERM):
        return (f"écriture refusée dans {shown} (droits insuffisants) : donnez-vous le droit d'écrire dans ce "
                "dossier ou choisissez-en un autre")
    if code == errno.ENAMETOOLONG:
        return f"nom de fichier trop long : {shown} : choisissez un nom plus court"
    if code in (errno.EEXIST, errno.ENOTDIR):
        return (f"{shown} : un fichier porte le nom d'un dossier attendu ; indiquez un dossier, "
                "ou déplacez ce fichier")
    if code == errno.EISDIR:
        return f"{shown} est un dossier, un fichier était attendu : déplacez-le ou choisissez un autre nom"
    if code == errno.ENOENT:
        return f"dossier introuvable : {shown} : créez-le ou vérifiez le chemin"
    reason = getattr(error, "strerror", None) or type(error).__name__
    return f"écriture impossible de {shown} ({reason})"


class StagedWrites:
    """Files to write together: :meth:`add` stages each one, :meth:`commit` renames all, :meth:`abort` undoes.

    Use as a context manager: leaving the block by an exception aborts, so that
    no temporary file or staged folder stays behind.
    """

    def __init__(self) -> None:
        self._files: list[tuple[Path, Path]] = []   # (temporary, destination)
        self._folders: dict[Path, Path] = {}        # destination folder -> staged folder

    def __enter__(self) -> StagedWrites:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            self.abort()

    def new_folder(self, folder: Path) -> None:
        """``folder`` does not exist yet: its files are staged in a hidden sibling, renamed whole on commit."""
        folder = Path(folder)
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            self._folders[folder] = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".tmp"))
        except OSError as error:
            raise WriteFailed(folder, error) from error

    def add(self, path: Path | str, data: bytes | str) -> None:
        """Stage ``data`` for ``path`` (written now under a temporary name, renamed by :meth:`commit`)."""
        path = Path(path)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        staged_folder = self._folders.get(path.parent)
        try:
            if staged_folder is not None:
                temporary = staged_folder / path.name
                temporary.write_bytes(payload)
                return
            self._files.append((temporary_beside(path, payload, sync=True), path))
        except OSError as error:
            raise WriteFailed(path, error) from error

    def commit(self) -> None:
        """Rename every staged file into place (data files first, in the order they were added)."""
        umask = os.umask(0)
        os.umask(umask)
        for temporary, destination in self._files:  # readable as published files already (temporary_beside)
            os.replace(temporary, destination)
        for destination, staged in self._folders.items():
            os.chmod(staged, 0o777 & ~umask)
            for child in staged.iterdir():
                os.chmod(child, 0o666 & ~umask)
            os.rename(staged, destination)
        self._files, self._folders = [], {}

    def abort(self) -> None:
        """Remove everything staged; destinations are untouched."""
        for temporary, _ in self._files:
            temporary.unlink(missing_ok=True)
        for staged in self._folders.values():
            shutil.rmtree(staged, ignore_errors=True)
        self._files, self._folders = [], {}
