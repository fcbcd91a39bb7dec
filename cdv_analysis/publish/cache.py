"""Cache keys: a report is rebuilt only when the hash of its inputs (code, notebooks, data, parameters) changes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from .. import __version__
from ..config import PACKAGE_DIR, environment_drift, lock_fingerprint
from ..ingest.iorw import write_atomic
from .jobs import Job

__all__ = ["REPORT_FORMAT", "CACHE_FILE", "code_fingerprint", "job_key", "is_cached", "write_record"]


REPORT_FORMAT = "2"  # bump to invalidate every cached report when the page format changes
CACHE_FILE = ".empreinte.json"


def _digest_files(paths: Iterable[Path], digest) -> None:
    for path in sorted(paths):
        digest.update(path.as_posix().split("/cdv_analysis/")[-1].encode())
        digest.update(path.read_bytes())


def code_fingerprint() -> str:
    """Hash of the package's code, vocabularies and templates, of the lock, and of the installed versions that
    differ from it."""
    digest = hashlib.sha256()
    _digest_files((p for p in PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in {".py", ".yml", ".j2", ".css"}
                   and "__pycache__" not in p.parts), digest)
    digest.update((lock_fingerprint() or "").encode())  # named on every page: a new lock rebuilds them
    digest.update(repr(environment_drift()).encode())  # and so are the installed versions that differ from it
    return digest.hexdigest()


def job_key(notebooks: list[Path], data_fingerprints: list[str], parameters: dict, code: str) -> str:
    """The cache key of one report: page format, code, its notebooks, its data and its parameters."""
    digest = hashlib.sha256()
    digest.update(REPORT_FORMAT.encode())
    digest.update(code.encode())
    for path in notebooks:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for fingerprint in data_fingerprints:
        digest.update(fingerprint.encode())
    digest.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def is_cached(job: Job) -> bool:
    """True when the job's page is on disk with the record of the same key."""
    record = job.folder / CACHE_FILE
    if not (job.folder / job.html_name).is_file() or not record.is_file():
        return False
    try:
        return json.loads(record.read_text("utf-8")).get("cle") == job.key
    except (OSError, ValueError):
        return False


def write_record(job: Job) -> None:
    """The cache record beside a page just built: its key, when, with which parameters and version."""
    write_atomic(job.folder / CACHE_FILE, json.dumps(
        {"cle": job.key, "construit_le": dt.datetime.now().isoformat(timespec="seconds"),
         "parametres": job.parameters, "version": __version__}, ensure_ascii=False, indent=1))
