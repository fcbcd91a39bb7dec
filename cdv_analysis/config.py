"""Where things live: the project's folders, in one place (as cookiecutter-data-science's ``config.py``).

Every path default of the package is read from here; environment variables
let a user point the package at other folders without editing code.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
# Exact versions and hashes of every dependency (`make lock` refreshes it, `make report` and `make test` install it).
LOCK_FILE = PROJECT_DIR / "requirements.lock"


def raw_data_dir() -> Path:
    """``$CDV_DONNEES``, else ``data/raw`` of the project this package sits in, else of the cwd."""
    env = os.environ.get("CDV_DONNEES")
    if env:
        return Path(env)
    project = PROJECT_DIR / "data" / "raw"
    if project.is_dir():
        return project
    return Path.cwd() / "data" / "raw"


def processed_data_dir(raw_dir: Path | str | None = None) -> Path:
    """``data/processed`` beside the raw data folder."""
    return Path(raw_dir or raw_data_dir()).parent / "processed"


def reports_dir() -> Path:
    """``$CDV_RAPPORTS``, else ``reports/`` of the project."""
    env = os.environ.get("CDV_RAPPORTS")
    return Path(env) if env else PROJECT_DIR / "reports"


def notebooks_dir() -> Path:
    """``$CDV_NOTEBOOKS``, else the ``notebooks`` folder of the project (an empty variable counts as unset)."""
    env = os.environ.get("CDV_NOTEBOOKS")
    return Path(env) if env else PROJECT_DIR / "notebooks"


def lock_fingerprint() -> str | None:
    """SHA-256 of the project's ``requirements.lock``, or None when the package runs outside its project."""
    try:
        return hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest()
    except OSError:
        return None


_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^ ;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def package_name(name: str) -> str:
    """A distribution's name as packaging normalises it (PEP 503): « Jinja2 » → « jinja2 », « jupyter_client » →
    « jupyter-client »."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_pins(text: str) -> dict[str, list[tuple[str, str]]]:
    """Pinned (version, environment marker) pairs of each package of a ``requirements.lock`` text."""
    pins: dict[str, list[tuple[str, str]]] = {}
    for line in text.splitlines():
        match = _PIN.match(line)
        if match:
            pins.setdefault(package_name(match[1]), []).append((match[2], (match[3] or "").strip()))
    return pins


def version_drift(lock_text: str, installed: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
    """(package, installed version, locked version) of each installed package whose version is not the one the
    lock pins for this Python and platform (a package the lock pins but that is not installed is not used here)."""
    from packaging.markers import Marker
    from packaging.version import InvalidVersion, Version

    def same(a: str, b: str) -> bool:
        try:
            return Version(a) == Version(b)
        except InvalidVersion:
            return a == b

    drift = []
    for name, pins in sorted(locked_pins(lock_text).items()):
        here = [version for version, marker in pins if not marker or Marker(marker).evaluate()]
        if here and name in installed and not same(installed[name], here[0]):
            drift.append((name, installed[name], here[0]))
    return tuple(drift)


@functools.cache
def environment_drift() -> tuple[tuple[str, str, str], ...]:
    """:func:`version_drift` of this process's installed packages against the project's ``requirements.lock``
    (empty outside the project, or when the environment is the locked one: ``make report``)."""
    from importlib.metadata import distributions

    try:
        text = LOCK_FILE.read_text("utf-8")
    except OSError:
        return ()
    installed: dict[str, str] = {}
    for distribution in distributions():  # the first of a name on sys.path is the one imported
        name = distribution.metadata["Name"]
        if name:
            installed.setdefault(package_name(name), distribution.version)
    return version_drift(text, installed)
