"""Build the published reports: assemble, execute (papermill), convert (nbconvert), cache, index.

One report per (territory, year) is assembled from the section notebooks into a
single notebook with one parameters cell, so that it costs one kernel start.
Reports are built in parallel worker processes; a report is rebuilt only when
the hash of its inputs changes; a failed report leaves the previous good one in
place and writes the failed notebook beside it for inspection.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import html
import json
import logging
import multiprocessing
import os
import re
import signal
import tempfile
import threading
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterable

import nbformat

from . import __version__
from .formatting import date_fr
from .load import (
    TERRITORY_FILE,
    declared_report_years,
    default_data_dir,
    discover_territories,
    load_territory,
    read_inputs,
    read_metadata,
    Territory,
    TerritoryInputs,
)
from .metadata import read_territory_file
from .editions import OWN_DATA_TAG, STARTER_KIND, TRANSCRIBED_TAG, edition, figures_origin, prose_files
from .portrait import evaluation_title, is_open_data_only, portrait_title
from .coverage import report_hook
from .publication import audit_notebook, clear_tables, publish_data
from .config import PACKAGE_DIR, lock_fingerprint, notebooks_dir, processed_data_dir, reports_dir
from .engine import ENGINE_NAME, ensure_registered, init_worker, scratch_folder
from .iorw import write_atomic
from .ids import shell_word
from .writes import OUTPUT_ERRNOS
from .markup import demote_headings, sanitize_html
from .sigles import spell_out
from .problems import DataError, unexpected_failure

__all__ = [
    "SECTIONS",
    "Section",
    "STARTER_SECTIONS",
    "sections_for",
    "tailor",
    "undeclared_notebooks",
    "Job",
    "JobResult",
    "BuildSummary",
    "BuildInterrupted",
    "assemble",
    "build_all",
    "notebooks_dir",
    "render_html",
    "drop_empty_sections",
]



class Section(str):
    """A section notebook of ``notebooks/`` (its name), with where it applies.

    ``kinds``: report kinds (``genre`` codes of ``vocabulaires/genres_rapport.yml``);
    ``territories``: territory ids. Empty means every one. Its position is its place
    in :data:`SECTIONS`: a new section is declared there, in one line (see CONTRIBUTING).
    """

    kinds: tuple[str, ...]
    territories: tuple[str, ...]

    def __new__(cls, name: str, kinds: Iterable[str] = (), territories: Iterable[str] = ()):
        section = super().__new__(cls, name)
        section.kinds, section.territories = tuple(kinds), tuple(territories)
        return section

    def applies(self, kind: str, territory: str | None) -> bool:
        return (not self.kinds or kind in self.kinds) and (not self.territories or territory in self.territories)


def _applies(section: str, kind: str, territory: str | None) -> bool:
    return section.applies(kind, territory) if isinstance(section, Section) else True


# The evaluation report, in page order. A plain name applies to every report; e.g.
# Section("11_npnru", kinds=("evaluation_finale",), territories=("call",)) to some only.
SECTIONS = ("01_synthese", "02_contexte", "03_programmation", "04_gouvernance", "05_sante",
            "06_participation", "07_enseignements", "11_annexes", "08_qualite", "10_sources")
# A territory with no data yet: one short page saying what to fill in.
STARTER_SECTIONS = ("00_a_completer",)
# A territory known only from open data gets a portrait: no evaluation sections to leave empty.
PORTRAIT_SECTIONS = ("00_portrait", "02_contexte", "09_subventions_anct", "10_sources")
COMPARISON = "comparaison"
REPORT_FORMAT = "2"  # bump to invalidate every cached report when the page format changes
CACHE_FILE = ".empreinte.json"
FAILED_NOTEBOOK = "rapport.echec.ipynb"
LOG_FILE = "construction.log"
_PACKAGE = PACKAGE_DIR


# ---------------------------------------------------------------------------
# Jobs and results


@dataclass(frozen=True)
class Job:
    """One report to build: a (territory, year), or the comparison when ``territory`` is None."""

    territory: str | None
    year: int | None
    data_dir: str
    out_dir: str
    processed_dir: str
    notebooks: str
    key: str
    title: str
    engine: str | None = ENGINE_NAME  # None: papermill's own engine, one fresh kernel per report
    kind: str = ""  # report kind (editions.KINDS, or editions.STARTER_KIND)
    subtitle: str = ""
    logo: str = ""  # data URI of the territory's logo for this year, or empty
    origin: str = "transcrit"  # where the figures come from (editions.figures_origin)

    @property
    def folder(self) -> Path:
        if self.territory is None:
            return Path(self.out_dir)
        return Path(self.out_dir) / self.territory / str(self.year)

    @property
    def html_name(self) -> str:
        return "comparaison.html" if self.territory is None else "rapport.html"

    @property
    def label(self) -> str:
        return "comparaison" if self.territory is None else f"{self.territory} {self.year}"

    @property
    def parameters(self) -> dict:
        params = {"donnees": self.data_dir, "sortie_donnees": self.processed_dir}
        if self.territory is not None:
            params.update(territoire=self.territory, annee=self.year)
        return params


@dataclass
class JobResult:
    label: str
    territory: str | None
    year: int | None
    status: str  # "construit", "cache", "echec"
    seconds: float = 0.0
    message: str = ""
    section: str = ""
    cell: int | None = None
    html: str = ""
    failed_notebook: str = ""


@dataclass
class BuildSummary:
    results: list[JobResult] = field(default_factory=list)
    seconds: float = 0.0
    index: str = ""
    log: str = ""
    notes: list[str] = field(default_factory=list)  # French warnings about the build itself

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def ok(self) -> bool:
        return self.count("echec") == 0

    def text(self) -> str:
        """French summary for the command line."""
        from .formatting import nombre, pluriel

        lines = [
            f"{pluriel(len(self.results), 'rapport')} : {self.count('construit')} construit(s), "
            f"{self.count('cache')} repris du cache, {self.count('echec')} en échec — "
            f"{nombre(self.seconds, 1)} s"
        ]
        for result in self.results:
            if result.status == "echec":
                where = f" dans la section « {result.section} »" if result.section else ""
                cell = f", cellule {result.cell}" if result.cell is not None else ""
                inspect = f" — notebook d'échec : {result.failed_notebook}" if result.failed_notebook else ""
                lines.append(f"✘ {result.label} : échec{where}{cell} : {result.message}{inspect}")
        lines.extend(f"⚠ {note}" for note in self.notes)
        if self.index:
            lines.append(f"Index : {self.index}")
        if not self.ok and self.log:
            lines.append(f"Journal de construction : {self.log}")
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# Cache keys


def _digest_files(paths: Iterable[Path], digest) -> None:
    for path in sorted(paths):
        digest.update(path.as_posix().split("/cdv_analysis/")[-1].encode())
        digest.update(path.read_bytes())


def code_fingerprint() -> str:
    """Hash of the package's code, vocabularies and templates, and of the locked environment."""
    digest = hashlib.sha256()
    _digest_files((p for p in _PACKAGE.rglob("*") if p.is_file() and p.suffix in {".py", ".yml", ".j2", ".css"}
                   and "__pycache__" not in p.parts), digest)
    digest.update((lock_fingerprint() or "").encode())  # named on every page: a new lock rebuilds them
    return digest.hexdigest()


def _job_key(notebooks: list[Path], data_fingerprints: list[str], parameters: dict, code: str) -> str:
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


def _cached(job: Job) -> bool:
    record = job.folder / CACHE_FILE
    if not (job.folder / job.html_name).is_file() or not record.is_file():
        return False
    try:
        return json.loads(record.read_text("utf-8")).get("cle") == job.key
    except (OSError, ValueError):
        return False


# ---------------------------------------------------------------------------
# Assembling and converting


def assemble(paths: Iterable[Path], parameters: dict | None = None) -> nbformat.NotebookNode:
    """One notebook from several section notebooks, keeping a single parameters and setup cell.

    Every section's ``setup`` cell must be ``notebook.SETUP_CELL`` exactly (an
    import added to one section would otherwise work in JupyterLab and vanish
    from the report); ``parameters`` (what papermill will inject) must be
    declared by the ``parameters`` cell. Both failures raise ``ValueError``.
    """
    from .notebook import SETUP_CELL, check_parameters, parameter_names

    cells, seen, metadata, declared = [], set(), None, None
    for path in paths:
        book = nbformat.read(path, as_version=4)
        metadata = metadata or book.metadata
        section = book.metadata.get("cdv_section", path.stem)
        for cell in book.cells:
            tags = set(cell.metadata.get("tags", []))
            if "setup" in tags and cell.source.strip() != SETUP_CELL:
                raise ValueError(f"{path.name} : la cellule « setup » diffère de la cellule commune "
                                 f"(cdv_analysis.notebook.SETUP_CELL) ; mettez les imports dans "
                                 f"cdv_analysis/notebook_setup.py.")
            if "parameters" in tags and declared is None:
                declared = parameter_names(cell.source)
            unique = tags & {"parameters", "setup"}
            if unique & seen:
                continue
            seen |= unique
            cell.metadata["cdv_section"] = cell.metadata.get("cdv_section", section)
            cell.metadata["cdv_notebook"] = path.stem  # where a territory's own prose for this section goes
            cells.append(cell)
    if parameters is not None:
        check_parameters(parameters, declared or [])
    book = nbformat.v4.new_notebook(cells=cells, metadata=dict(metadata or {}))
    return book


CONDITIONAL = "conditionnel"


def _heading_level(cell) -> int | None:
    first = cell.source.lstrip().split("\n", 1)[0] if cell.cell_type == "markdown" else ""
    hashes = len(first) - len(first.lstrip("#"))
    return hashes if 0 < hashes <= 6 and first[hashes:hashes + 1] == " " else None


def _shows_something(cell) -> bool:
    return cell.cell_type == "code" and any(
        not (o.get("output_type") == "stream" and o.get("name") == "stderr") for o in cell.get("outputs", []))


def drop_empty_sections(book: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove each Markdown cell tagged ``conditionnel`` whose part of the page shows nothing.

    A tagged heading's part runs to the next heading of the same or a higher
    level; a tagged cell without a heading covers the cells up to the next
    heading. The part is empty when none of its code cells displayed anything.
    """
    cells = book.cells
    keep = []
    for index, cell in enumerate(cells):
        if CONDITIONAL not in cell.metadata.get("tags", []):
            keep.append(cell)
            continue
        level = _heading_level(cell) or 7
        shown = False
        for later in cells[index + 1:]:
            later_level = _heading_level(later)
            if later_level is not None and later_level <= level:
                break
            shown = shown or _shows_something(later)
        if shown:
            keep.append(cell)
    book.cells = keep
    return book


_HEADING_RE = re.compile(r"<h([23])[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.S)


def _slug(text: str) -> str:
    import unicodedata
    from urllib.parse import unquote

    ascii_text = unicodedata.normalize("NFD", unquote(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


_ANY_HEADING_RE = re.compile(r"<h([1-6])([^>]*)\bid=\"([^\"]+)\"([^>]*)>(.*?)</h\1>", re.S)


def _clean_heading_ids(body: str) -> str:
    """Readable, unique ASCII ids for headings of every level (nbconvert percent-encodes accents).

    Each heading is renamed where it stands: two sections both titled « Constats
    chiffrés » get ``constats-chiffres`` and ``constats-chiffres-2``.
    """
    used: set[str] = set()

    def rename(match: re.Match) -> str:
        level, before, anchor, after, inner = match.groups()
        base = _slug(anchor)
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        inner = inner.replace(f'href="#{anchor}"', f'href="#{slug}"')
        return f'<h{level}{before}id="{slug}"{after}>{inner}</h{level}>'

    return _ANY_HEADING_RE.sub(rename, body)


_TEXT_NODE = re.compile(r">[^<]+<")
_THOUSANDS_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")


_BARE_TABLE = re.compile(r"<table>(.*?)</table>", re.S)  # a Markdown table (the library's own have a class)
_LEAD = re.compile(r"<(strong|h[2-6])\b[^>]*>(.*?)</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _box_bare_tables(body: str) -> str:
    """Each Markdown table gets a caption (the bold line or heading just above it, else its headers) and sits
    in a labelled box that scrolls sideways on a narrow screen, like the tables of :func:`notebook.table_html`."""
    from .markup import escape_html, scroll_box

    previous_end = [0]

    def box(match: re.Match) -> str:
        # The lead is looked for between the previous table and this one: two tables never share a caption.
        leads = _LEAD.findall(body[max(previous_end[0], match.start() - 1500):match.start()])
        previous_end[0] = match.end()
        label = html.unescape(_TAG.sub("", leads[-1][1])).replace("¶", "").strip() if leads else ""
        if not label:
            headers = [html.unescape(_TAG.sub("", h)).strip() for h in re.findall(r"<th\b[^>]*>(.*?)</th>", match.group(1), re.S)]
            label = "Tableau : " + ", ".join(h for h in headers if h)
        return scroll_box(f'<table class="cdv-table"><caption>{escape_html(label)}</caption>{match.group(1)}</table>',
                          label)

    return _BARE_TABLE.sub(box, body)


def _unbreakable_numbers(body: str) -> str:
    """Text of the page (quotations, printed values) with thousands spaces made narrow no-break spaces.

    « 56 000 habitants » quoted from a source keeps its print, but can no longer wrap between « 56 » and « 000 ».
    """
    return _TEXT_NODE.sub(lambda node: _THOUSANDS_SPACE.sub("\u202f", node.group()), body)


def _toc(body: str) -> list[dict]:
    """Sections (h2) with their sub-sections (h3), for a two-level table of contents."""
    entries: list[dict] = []
    for level, anchor, inner in _HEADING_RE.findall(body):
        label = html.unescape(re.sub(r"<[^>]+>", "", inner).replace("¶", "").strip())
        if level == "2" or not entries:
            entries.append({"anchor": anchor, "label": label, "children": []})
        else:
            entries[-1]["children"].append({"anchor": anchor, "label": label})
    return entries


def _page_css() -> str:
    return (_PACKAGE / "templates" / "rapport.css").read_text("utf-8")


@functools.lru_cache(maxsize=1)
def _html_exporter():
    """nbconvert's exporter for the report body, built once per process (loading its templates is slow)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = ("parameters", "injected-parameters", "setup")
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    return exporter


@functools.cache
def _page_template(name: str):
    """A page template of the package (Jinja environment built once per process)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    environment = Environment(loader=FileSystemLoader(_PACKAGE / "templates"),
                              autoescape=select_autoescape(["html", "j2"]))
    return environment.get_template(name)


def render_html(executed: nbformat.NotebookNode, title: str, subtitle: str, footer: dict[str, str],
                index_href: str = "index.html", body_hook: Callable[[str], str] | None = None,
                logo: str = "", origin: str = "transcrit", page_title: str | None = None) -> str:
    """A self-contained French page: header, table of contents, sections, footer. No script, no network."""
    book = drop_empty_sections(nbformat.from_dict(executed))
    for cell in book.cells:
        if cell.cell_type == "code":
            # Warnings go to the audit notebook, not to the published page.
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            for output in cell.outputs:  # headings come from Markdown only, never from an HTML output
                if "text/html" in output.get("data", {}):
                    output["data"]["text/html"] = demote_headings(output["data"]["text/html"])
    exporter = _html_exporter()
    body, _ = exporter.from_notebook_node(book)
    body = sanitize_html(_clean_heading_ids(body))  # no script, event attribute or unsafe URL from data
    body = _unbreakable_numbers(_box_bare_tables(body))
    body = spell_out(body)  # each acronym spelled out at its first use (vocabulaires/sigles.yml)
    if body_hook is not None:  # e.g. the coverage table, computed from the sanitised body; escapes its own text
        body = body_hook(body)
    page = _page_template("rapport.html.j2")
    return page.render(title=title, subtitle=subtitle, toc=_toc(body), body=body, footer=footer, css=_page_css(),
                       index_href=index_href, logo=logo if logo.startswith("data:image/") else "", origin=origin,
                       page_title=page_title)


def _failure_details(book: nbformat.NotebookNode) -> tuple[str, int | None]:
    """Section and position (among the code cells) of the cell papermill marked as failed.

    A cell that killed its kernel (or timed out) is not marked failed: execution
    stopped at the last cell that started.
    """
    cells = [c for c in book.cells if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]
    marks = [c.metadata.get("papermill", {}) for c in cells]
    failed = [i for i, mark in enumerate(marks) if mark.get("exception")]
    started = [i for i, mark in enumerate(marks) if mark.get("start_time")]
    where = failed[0] if failed else started[-1] if started else None
    if where is None:
        return "", None
    return cells[where].metadata.get("cdv_section", ""), where + 1


_KERNEL_START_ERRORS = ("kernel died", "kernel didn't respond", "address already in use", "timeout waiting for kernel")


def _execute(input_path: Path, output_path: Path, parameters: dict, cwd: Path, engine: str | None = ENGINE_NAME,
             attempts: int = 3) -> None:
    import papermill
    from nbclient.exceptions import DeadKernelError

    if engine == ENGINE_NAME:
        ensure_registered()
    for attempt in range(1, attempts + 1):
        try:
            papermill.execute_notebook(str(input_path), str(output_path), parameters=parameters,
                                       engine_name=engine, kernel_name="python3", progress_bar=False,
                                       log_output=False, cwd=str(cwd), start_timeout=120)
            return
        except (papermill.PapermillExecutionError, DeadKernelError):
            raise  # the notebook itself failed, or killed its kernel: running it again would do the same
        except (RuntimeError, TimeoutError, OSError) as error:
            # Concurrent kernels can race for ports at start-up: start again.
            if attempt == attempts or not any(m in str(error).lower() for m in _KERNEL_START_ERRORS):
                raise
            time.sleep(0.5 * attempt)


def run_job(job: Job) -> JobResult:
    """Build one report (in a worker process). Never raises: failures become results."""
    started = time.perf_counter()
    result = JobResult(job.label, job.territory, job.year, "construit", html=str(job.folder / job.html_name))
    try:
        names = sections_for(job) if job.territory is not None else (COMPARISON,)
        book = assemble((Path(job.notebooks) / f"{name}.ipynb" for name in names), job.parameters)
        if job.territory is not None:
            book = tailor(book, job.origin, prose_files(Path(job.data_dir) / job.territory, job.year))
        if job.territory is not None:  # every table is written again: a table no longer produced disappears
            clear_tables(Path(job.processed_dir) / job.territory / str(job.year))
        with tempfile.TemporaryDirectory(prefix="cdv-") as temporary, scratch_folder(temporary):
            input_path = Path(temporary) / "rapport.ipynb"
            output_path = Path(temporary) / "rapport.execute.ipynb"
            nbformat.write(book, input_path)
            try:
                _execute(input_path, output_path, job.parameters, cwd=Path(temporary), engine=job.engine)
            except Exception as error:  # noqa: BLE001 - every failure is reported, none stops the batch
                result.status = "echec"
                result.message = _error_message(error)
                if output_path.is_file():
                    executed = nbformat.read(output_path, as_version=4)
                    result.section, result.cell = _failure_details(executed)
                    failed = write_atomic(job.folder / FAILED_NOTEBOOK, nbformat.writes(executed))
                    result.failed_notebook = str(failed)
                return result
            executed = nbformat.read(output_path, as_version=4)
        hook = None if job.territory is None or job.origin != "transcrit" or job.kind == STARTER_KIND \
            else report_hook(job.data_dir, job.territory, job.year)  # printed figures: transcribed documents only
        page = render_html(executed, job.title, _subtitle(job), _footer(job),
                           "index.html" if job.territory is None else "../../index.html", hook,
                           logo=job.logo, origin="modele" if job.kind == STARTER_KIND else job.origin,
                           page_title=_page_title(job))
        audit = audit_notebook(executed, {"donnees": job.data_dir, "sortie_donnees": job.processed_dir,
                                          "notebooks": job.notebooks, "sortie": job.out_dir})
        write_atomic(job.folder / job.html_name.replace(".html", ".ipynb"), nbformat.writes(audit))
        write_atomic(job.folder / job.html_name, page)
        write_atomic(job.folder / CACHE_FILE, json.dumps(
            {"cle": job.key, "construit_le": dt.datetime.now().isoformat(timespec="seconds"),
             "parametres": job.parameters, "version": __version__}, ensure_ascii=False, indent=1))
        (job.folder / FAILED_NOTEBOOK).unlink(missing_ok=True)
        if job.territory is not None:
            publish_data(Path(job.processed_dir) / job.territory / str(job.year), job.folder)
    except Exception as error:  # noqa: BLE001
        result.status = "echec"
        result.message = _error_message(error)
    finally:
        result.seconds = time.perf_counter() - started
    return result


def _error_message(error: Exception) -> str:
    from nbclient.exceptions import DeadKernelError

    if isinstance(error, DeadKernelError):
        return "le noyau Python s'est arrêté pendant l'exécution (mémoire insuffisante ou arrêt forcé)"
    if isinstance(error, OSError) and error.filename and error.errno in OUTPUT_ERRNOS:
        from .writes import write_error_text

        return write_error_text(error.filename, error)  # disk full, read-only output…: what to do, in French
    ename, evalue = getattr(error, "ename", None), getattr(error, "evalue", None)
    text = f"{ename} : {evalue}" if ename else f"{type(error).__name__} : {error}"
    return text.strip().splitlines()[0][:300] if text.strip() else type(error).__name__


def is_portrait(job: Job) -> bool:
    return job.territory is not None and is_open_data_only(Path(job.data_dir) / job.territory)


def sections_for(job: Job) -> tuple[str, ...]:
    """The section notebooks of a report: a portrait for open-data-only territories, a short page for a
    territory with no data yet, else the evaluation sections that apply to the report's kind and territory."""
    if is_portrait(job):
        return PORTRAIT_SECTIONS
    if job.kind == STARTER_KIND:
        return STARTER_SECTIONS
    return tuple(s for s in SECTIONS if _applies(s, job.kind, job.territory))


def undeclared_notebooks(notebooks: Path) -> list[str]:
    """Section notebooks of ``notebooks`` that no report uses (declare them in :data:`SECTIONS`)."""
    declared = {*SECTIONS, *PORTRAIT_SECTIONS, *STARTER_SECTIONS, COMPARISON}
    return sorted(p.name for p in notebooks.glob("*.ipynb") if p.stem not in declared)


def tailor(book: nbformat.NotebookNode, origin: str, prose: dict[str, Path]) -> nbformat.NotebookNode:
    """The report of one territory and year: framing cells of the other origin dropped, own prose added.

    A cell tagged ``si-transcrit`` stays only when the figures are transcribed from documents,
    ``si-donnees-propres`` only when they are the territory's own data. Each prose file
    ``textes/<annee>/<section>.md`` becomes a Markdown cell of that section, after the cell tagged
    ``texte-territoire`` or else after the section's opening Markdown cells.
    """
    unwanted = OWN_DATA_TAG if origin == "transcrit" else TRANSCRIBED_TAG
    cells = [c for c in book.cells if unwanted not in c.metadata.get("tags", [])]
    for section, path in prose.items():
        text = path.read_text("utf-8", errors="replace").strip()
        positions = [i for i, c in enumerate(cells) if c.metadata.get("cdv_notebook") == section]
        if not text or not positions:
            continue
        marked = [i for i in positions if "texte-territoire" in cells[i].metadata.get("tags", [])]
        at = marked[0] + 1 if marked else positions[0]
        while not marked and at in positions and cells[at].cell_type == "markdown":
            at += 1
        cell = nbformat.v4.new_markdown_cell(text, metadata={
            "cdv_section": cells[positions[0]].metadata.get("cdv_section", section), "cdv_notebook": section,
            "tags": ["texte-territoire"]})
        cells.insert(at, cell)
    book.cells = cells
    return book


def _subtitle(job: Job) -> str:
    from .portrait import portrait_subtitle

    if job.territory is None:
        return "Comparaison des territoires et des années"
    if is_portrait(job):
        return portrait_subtitle(job.year)
    return job.subtitle or f"Rapport d'évaluation {job.year}"


def _page_title(job: Job) -> str:
    """A short ``<title>`` that tells the pages apart by their first words: « CALL — rapport d'évaluation 2022 »."""
    if job.territory is None:
        return "Comparaison des territoires et des années — Contrats de Ville"
    if is_portrait(job):
        return f"{job.title} — édition {job.year}"
    acronym = re.search(r"\(([^()]{2,15})\)$", job.title)
    subtitle = _subtitle(job)
    subtitle = subtitle if str(job.year) in subtitle else f"{subtitle} {job.year}"
    return f"{acronym.group(1) if acronym else job.title} — {subtitle[:1].lower()}{subtitle[1:]}"


def _footer(job: Job) -> dict[str, str]:
    # Worded for a reader: the build parameters stay in the executed notebook and reports/construction.log.
    return {
        "Logiciel": f"cdv-analysis {__version__}",
        "Empreinte de la page": job.key[:16],
        "Construit le": date_fr(dt.date.today()),
    }


# ---------------------------------------------------------------------------
# Batch


def planned_years(tid: str, data_dir: Path, strict: bool = True,
                  inputs: TerritoryInputs | None = None) -> tuple[dict, list[int], Territory | None]:
    """A territory's metadata and the years that get a report, with the territory when it had to be loaded.

    The years come from ``territoire.yml``, else from the data themselves (the
    territory is then loaded: with ``strict`` a data error raises ``DataError``).
    An open-data territory without declared years gets one portrait, of its latest data.
    ``inputs`` are the territory's files when already read (``load.read_inputs``).
    """
    if inputs is None:
        meta, problems = read_metadata(tid, data_dir)
    else:
        meta, problems = read_territory_file(inputs.folder, raw=inputs.files.get(TERRITORY_FILE))
    declared = declared_report_years(meta)
    years, loaded = declared, None
    if any(p.is_error for p in problems) or not declared:
        loaded = load_territory(tid, data_dir, strict=strict, inputs=inputs)
        meta, years = loaded.meta, loaded.report_years()
        if not declared_report_years(meta) and is_open_data_only(Path(data_dir) / tid, meta):
            years = years[-1:]  # not one portrait per INSEE vintage
    return meta, years, loaded


def _plan(data_dir: Path, out_dir: Path, processed_dir: Path, notebooks: Path, territories: list[str] | None,
          years: list[int] | None, force: bool, engine: str | None = ENGINE_NAME) -> tuple[list[Job], list[JobResult]]:
    """Jobs to run and results known in advance (cached reports, invalid territories).

    Each territory's files are read once (``load.read_inputs``): their hash is the
    cache key, and a territory is parsed and validated from those same bytes only
    when one of its reports must be rebuilt, so that a no-change run stays cheap.
    """

    code = code_fingerprint()
    jobs, results, fingerprints = [], [], []

    def invalid(tid: str, error: DataError) -> JobResult:
        return JobResult(tid, tid, None, "echec", message=(
            f"données invalides ({len([p for p in error.problems if p.is_error])} erreur(s)) : "
            f"lancez `cdv valider --territoire {shell_word(tid)}`"))

    for tid in territories or discover_territories(data_dir):
        try:
            inputs = read_inputs(data_dir / tid)
            meta, report_years, loaded = planned_years(tid, data_dir, inputs=inputs)
        except DataError as error:
            results.append(invalid(tid, error))
            continue
        except Exception as error:  # noqa: BLE001 — one broken territory never stops the others
            results.append(JobResult(tid, tid, None, "echec", message=unexpected_failure(error)))
            continue
        fingerprint = inputs.fingerprint
        fingerprints.append(fingerprint)
        portrait = is_open_data_only(data_dir / tid, meta)
        # Every report notebook is in the key: the sections chosen depend on the kind, known after validation.
        section_paths = [notebooks / f"{name}.ipynb" for name in dict.fromkeys(
            PORTRAIT_SECTIONS if portrait else (*SECTIONS, *STARTER_SECTIONS))]
        name = str(meta.get("nom", tid))
        for year in report_years:
            if years and year not in years:
                continue
            params = {"territoire": tid, "annee": year}
            default_title = portrait_title(name) if portrait else evaluation_title(name, str(meta.get("sigle", "")))
            job = Job(tid, year, str(data_dir), str(out_dir), str(processed_dir), str(notebooks),
                      _job_key(section_paths, [fingerprint], params, code), default_title, engine)
            if not force and _cached(job):
                results.append(JobResult(job.label, tid, year, "cache", html=str(job.folder / job.html_name)))
                continue
            if loaded is None:
                try:
                    loaded = load_territory(tid, data_dir, inputs=inputs)
                except DataError as error:
                    results.append(invalid(tid, error))
                    break
                except Exception as error:  # noqa: BLE001
                    results.append(JobResult(tid, tid, None, "echec", message=unexpected_failure(error)))
                    break
            blank = not portrait and _no_data_for(loaded, year)
            shown = edition(meta, data_dir / tid, year, default_title, STARTER_KIND if blank else "")
            jobs.append(dataclasses.replace(job, title=shown.title, kind=STARTER_KIND if blank else shown.kind,
                                            subtitle=shown.subtitle, logo=shown.logo,
                                            origin=figures_origin(meta, year)))
    if not territories and not years:
        job = Job(None, None, str(data_dir), str(out_dir), str(processed_dir), str(notebooks),
                  _job_key([notebooks / f"{COMPARISON}.ipynb"], fingerprints, {}, code),
                  "Contrats de Ville — comparaison des territoires", engine)
        if not force and _cached(job):
            results.append(JobResult(job.label, None, None, "cache", html=str(job.folder / job.html_name)))
        else:
            jobs.append(job)
    return jobs, results


def _no_data_for(territory: Territory, year: int) -> bool:
    """True when no row of any table comes from a source of the report year (or, without sources, of any)."""
    sources = territory.sources_of_report_year(year)
    for frame in territory.tables.values():
        if len(frame) and (not sources or frame["source"].isin(sources).any()):
            return False
    return True


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
    page = _page_template("index.html.j2").render(
        entries=entries, names=names, comparison=(out_dir / "comparaison.html").is_file(),
        date=date_fr(dt.date.today()), version=__version__, css=_page_css())
    return write_atomic(out_dir / "index.html", page)


class BuildInterrupted(Exception):
    """The build was stopped by a signal; the reports finished before it are in ``summary``."""

    def __init__(self, signum: int, summary: BuildSummary):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.summary = summary

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    def text(self) -> str:
        """French message for the command line."""
        from .formatting import pluriel

        built = self.summary.count("construit")
        return (f"Construction interrompue ({'Ctrl-C' if self.signum == signal.SIGINT else 'signal d’arrêt'}) : "
                f"{pluriel(built, 'rapport')} construit(s) avant l'interruption ; les rapports déjà publiés "
                "restent en place. Relancez la commande : seuls les rapports manquants ou périmés seront "
                "construits.")


class _Stop(BaseException):
    def __init__(self, signum: int):
        self.signum = signum


@contextlib.contextmanager
def _stopped_by_signals():
    """SIGINT and SIGTERM raise :class:`_Stop` in the main thread for the duration of the build."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise _Stop(signum)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop every worker (each kills its kernels on SIGTERM), then forget the pending reports."""
    workers = multiprocessing.active_children()
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.join(10)
        if worker.is_alive():
            worker.kill()
            worker.join(5)
    pool.shutdown(wait=False, cancel_futures=True)


@contextlib.contextmanager
def _logged_to(log_path: Path):
    """Library logs and warnings of the main process go to the build log, not to the terminal."""
    handler = logging.FileHandler(log_path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    logging.captureWarnings(True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            yield
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        handler.close()


def build_all(data_dir: Path | str | None = None, out_dir: Path | str | None = None,
              processed_dir: Path | str | None = None, territories: list[str] | None = None,
              years: list[int] | None = None, jobs: int | None = None, force: bool = False,
              progress: bool = True, notebooks: Path | str | None = None,
              fresh_kernels: bool = False) -> BuildSummary:
    """Build every report (or the selected ones) and the index; returns the summary.

    Reports run in warm kernels (engine ``cdv-chaud``, one kernel per worker) unless
    ``fresh_kernels``. Kernel and library messages go to ``construction.log`` in the
    reports folder. On SIGINT or SIGTERM the workers and their kernels are stopped
    and :class:`BuildInterrupted` is raised; finished reports stay published.
    """
    started = time.perf_counter()
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    out_dir = Path(out_dir) if out_dir else reports_dir()
    processed_dir = Path(processed_dir) if processed_dir else processed_data_dir()
    notebooks = Path(notebooks) if notebooks else notebooks_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / LOG_FILE
    log_path.write_text("", "utf-8")
    engine = None if fresh_kernels else ENGINE_NAME
    results: list[JobResult] = []
    with _stopped_by_signals(), _logged_to(log_path):
        try:
            to_build, results = _plan(data_dir.resolve(), out_dir.resolve(), processed_dir.resolve(),
                                      notebooks.resolve(), territories, years, force, engine)
            _run_jobs(to_build, results, jobs, progress, log_path, warm=engine is not None)
        except _Stop as stop:
            raise BuildInterrupted(stop.signum, BuildSummary(results, time.perf_counter() - started,
                                                             log=str(log_path))) from None
    results.sort(key=lambda r: (r.territory is None, r.territory or "", r.year or 0))
    index = write_index(out_dir, results, data_dir)
    notes = [f"notebooks/{name} n'est déclaré dans aucun rapport : ajoutez-le à SECTIONS dans "
             "cdv_analysis/report.py (voir CONTRIBUTING.md, « Ajouter une section »)"
             for name in undeclared_notebooks(notebooks)]
    return BuildSummary(results, time.perf_counter() - started, str(index), str(log_path), notes)


def _expected_work(job: Job) -> int:
    """Bytes of raw data behind a report: the biggest start first, so none starts last on an idle pool."""
    if job.territory is None:
        return 0
    return sum(path.stat().st_size for path in (Path(job.data_dir) / job.territory).glob("*.*") if path.is_file())


def _run_jobs(to_build: list[Job], results: list[JobResult], jobs: int | None, progress: bool, log_path: Path,
              warm: bool) -> None:
    """Run the jobs in worker processes, appending to ``results`` as they finish."""
    from tqdm import tqdm

    if not to_build:
        return
    workers = max(1, min(jobs or os.cpu_count() or 1, len(to_build)))
    to_build = sorted(to_build, key=_expected_work, reverse=True)
    bar = tqdm(total=len(to_build), desc="Rapports", unit="rapport", disable=not progress)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=init_worker, initargs=(str(log_path), warm))
    try:
        futures = {pool.submit(run_job, job): job for job in to_build}
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            bar.set_postfix_str(result.label)
            bar.update()
    except _Stop:
        _stop_workers(pool)
        raise
    finally:
        bar.close()
    pool.shutdown(wait=True)
