"""What ships beside a report's HTML: the CSV tables behind its charts and tables."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

__all__ = ["DATA_FOLDER", "publish_data"]

DATA_FOLDER = "donnees"  # the links under charts and tables point to donnees/<name>.csv


def publish_data(processed: Path, report_folder: Path) -> Path:
    """Copy ``processed/*.csv`` into ``report_folder/donnees/``, replacing the previous copy atomically.

    The new folder is filled beside the old one, then swapped in by renames, so a
    reader never sees a half-copied folder; an absent ``processed`` folder gives an empty one.
    """
    target = report_folder / DATA_FOLDER
    report_folder.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{DATA_FOLDER}-", dir=report_folder))
    for csv in sorted(processed.glob("*.csv")) if processed.is_dir() else []:
        shutil.copy2(csv, fresh / csv.name)
    fresh.chmod(0o755)
    previous = None
    if target.exists():
        previous = Path(tempfile.mkdtemp(prefix=f".{DATA_FOLDER}-ancien-", dir=report_folder))
        previous.rmdir()
        target.rename(previous)
    fresh.rename(target)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)
    return target
