"""``reports/index.html``: the readers' list of every report on disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import __version__
from ..rules.formatting import date_fr
from ..ingest.iorw import write_atomic
from ..ingest.load import read_metadata
from .jobs import JobResult
from .render import page_css, page_template

__all__ = ["write_index"]


def write_index(out_dir: Path, results: list[JobResult], data_dir: Path | None = None) -> Path:
    """``reports/index.html``: every report found on disk. This run's ``results`` (built, cached, failed) are
    a build status: they go to the command's summary and reports/construction.log, not to the readers' index."""
    entries: dict[str, list[dict]] = {}
    for report in sorted(out_dir.glob("*/*/rapport.html")):
        tid, year = report.parent.parent.name, int(report.parent.name)
        entries.setdefault(tid, []).append({
            "annee": year, "lien": report.relative_to(out_dir).as_posix(),
            # No build status for a reader: a failed build keeps the previous page (see reports/construction.log).
            "etat": "",
            "message": ""})
    names = {tid: read_metadata(tid, data_dir)[0].get("nom", tid) for tid in entries}
    page = page_template("index.html.j2").render(
        entries=entries, names=names, comparison=(out_dir / "comparaison.html").is_file(),
        date=date_fr(dt.date.today()), version=__version__, css=page_css())
    return write_atomic(out_dir / "index.html", page)
