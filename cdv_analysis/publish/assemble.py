"""One report notebook from its section notebooks: one parameters and setup cell, the territory's framing."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import nbformat

from ..ingest.editions import OWN_DATA_TAG, TRANSCRIBED_TAG
from ..errors import AssemblyError

__all__ = ["PROSE_TAG", "assemble", "tailor"]

PROSE_TAG = "texte-territoire"  # a territory's own prose (textes/<annee>/<section>.md), and where it goes


def assemble(paths: Iterable[Path], parameters: dict | None = None) -> nbformat.NotebookNode:
    """One notebook from several section notebooks, keeping a single parameters and setup cell.

    Every section's ``setup`` cell must be ``notebook.SETUP_CELL`` exactly (an
    import added to one section would otherwise work in JupyterLab and vanish
    from the report); ``parameters`` (what papermill will inject) must be
    declared by the ``parameters`` cell. Both failures raise :class:`~cdv_analysis.errors.AssemblyError`
    (a ``ValueError``; :class:`~cdv_analysis.errors.UnknownParameter` for the second).
    """
    from ..presentation.notebook import SETUP_CELL, check_parameters, parameter_names

    cells, seen, metadata, declared = [], set(), None, None
    for path in paths:
        book = nbformat.read(path, as_version=4)
        metadata = metadata or book.metadata
        section = book.metadata.get("cdv_section", path.stem)
        for cell in book.cells:
            tags = set(cell.metadata.get("tags", []))
            if "setup" in tags and cell.source.strip() != SETUP_CELL:
                raise AssemblyError(f"{path.name} : la cellule « setup » diffère de la cellule commune "
                                    f"(cdv_analysis.presentation.notebook.SETUP_CELL) ; mettez les imports dans "
                                    f"cdv_analysis/presentation/notebook_setup.py.")
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
        marked = [i for i in positions if PROSE_TAG in cells[i].metadata.get("tags", [])]
        # Without a mark: after the opening Markdown cells, past the parameters and setup cells of a first section.
        at = marked[0] + 1 if marked else next((i for i in positions if cells[i].cell_type == "markdown"),
                                                positions[0])
        while not marked and at in positions and cells[at].cell_type == "markdown":
            at += 1
        cell = nbformat.v4.new_markdown_cell(text, metadata={
            "cdv_section": cells[positions[0]].metadata.get("cdv_section", section), "cdv_notebook": section,
            "tags": [PROSE_TAG]})
        cells.insert(at, cell)
    book.cells = cells
    return book
