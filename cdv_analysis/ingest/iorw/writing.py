"""Writing: every output of the package (reports, processed tables, imports) goes through :func:`write_atomic`,
so that a reader never sees a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def temporary_beside(path: Path | str, data: bytes | str, *, sync: bool = False) -> Path:
    """``data`` in a new hidden temporary file beside ``path`` (same folder, so that renaming it is atomic),
    readable as a published file is (mkstemp creates 0600 files), not yet renamed; ``sync``: on disk before
    returning. Nothing stays behind on failure. The one staging step of :func:`write_atomic` and
    ``writes.StagedWrites``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            if sync:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(name, 0o666 & ~_umask())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def write_atomic(path: Path | str, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it."""
    path = Path(path)
    temporary = temporary_beside(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path
