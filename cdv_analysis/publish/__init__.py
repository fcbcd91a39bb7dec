"""Publishing the reports, one module per job (as papermill does):

- :mod:`.sections` — which section notebooks make a report (``SECTIONS``: declare a new section there);
- :mod:`.jobs` — a report to build, its result, the build's summary;
- :mod:`.plan` — which reports to build, which the cache serves;
- :mod:`.cache` — cache keys and records;
- :mod:`.assemble` — one report notebook from its sections;
- :mod:`.engine` — warm kernels for papermill (the « cdv-chaud » engine) and the processes that hold them;
- :mod:`.execute` — one report in a worker: papermill (with retry), page, published data;
- :mod:`.render` — the self-contained French page (nbconvert, headings, tables, contents);
- :mod:`.coverage` — which printed figures the page shows, which it does not and why;
- :mod:`.publication` — the CSV tables copied beside each page (``donnees/``), the audit notebook;
- :mod:`.index` — ``reports/index.html``;
- :mod:`.build` — every report in parallel workers, stopped cleanly by a signal.

One report per (territory, year) is assembled from the section notebooks into a single notebook with one
parameters cell, so that it costs one kernel start. A report is rebuilt only when the hash of its inputs
changes; a failed report leaves the previous good one in place and writes the failed notebook beside it.
Names are imported on first use (``assemble`` is its module's name: import it from
:mod:`.assemble`): importing :mod:`cdv_analysis.publish.render` does not load the build machinery.
"""

import sys

# nbformat validates notebooks with jsonschema, whose optional IRI format checker imports rfc3987_syntax, which
# compiles a grammar when imported: 1,2 s of processor time in every process that builds (the command, each
# worker), for a format that no notebook schema uses (nbformat checks no format). Marked absent, so jsonschema
# goes without that checker, unless the process had already imported it.
sys.modules.setdefault("rfc3987_syntax", None)

_EXPORTS = {
    "build": ("BuildInterrupted", "LOG_FILE", "build_all"),
    "cache": ("CACHE_FILE", "REPORT_FORMAT", "code_fingerprint"),
    "execute": ("FAILED_NOTEBOOK", "run_job"),
    "index": ("write_index",),
    "jobs": ("BuildSummary", "Job", "JobResult", "Status"),
    "plan": ("plan_jobs", "planned_years"),
    "render": ("drop_empty_sections", "heading_id", "render_html"),
    "sections": ("COMPARISON", "PORTRAIT_SECTIONS", "SECTIONS", "STARTER_SECTIONS", "Section", "sections_for",
                 "undeclared_notebooks"),
}
_HOME = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name in _HOME:
        from importlib import import_module

        return getattr(import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
