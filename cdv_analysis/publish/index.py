"""``reports/index.html``: the readers' list of every report on disk."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .. import __version__
from ..rules.formatting import date_fr
from ..ingest.iorw import write_atomic
from ..ingest.load import read_metadata
from .render import page_css, page_template

__all__ = ["write_index"]

_YEAR = re.compile(r"\d{4}")


def write_index(out_dir: Path, data_dir: Path | None = None) -> Path:
    """``reports/index.html``: every report found on disk (``<territoire>/<AAAA>/rapport.html``).

    A build's status (built, cached, failed) is not for readers: it goes to the command's summary and
    reports/construction.log (a failed build keeps the previous page). A folder that is not a year
    (a copy kept as ``2022-ancien/``) is not a report of the index.
    """
    entries: dict[str, list[dict]] = {}
    for report in sorted(out_dir.glob("*/*/rapport.html")):
        if not _YEAR.fullmatch(report.parent.name):
            continue
        entries.setdefault(report.parent.parent.name, []).append(
            {"annee": int(report.parent.name), "lien": report.relative_to(out_dir).as_posix()})
    names = {tid: read_metadata(tid, data_dir)[0].get("nom", tid) for tid in entries}
    page = page_template("index.html.j2").render(
        entries=entries, names=names, comparison=(out_dir / "comparaison.html").is_file(),
        date=date_fr(dt.date.today()), version=__version__, css=page_css())
    return write_atomic(out_dir / "index.html", page)
