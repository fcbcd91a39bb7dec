"""Where things live: the project's folders, in one place (as cookiecutter-data-science's ``config.py``).

Every path default of the package is read from here; environment variables
let a user point the package at other folders without editing code.
"""

from __future__ import annotations

import hashlib
import os
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
