"""What ships beside a report's HTML: the CSV tables behind its charts and tables, and the audit notebook."""

from __future__ import annotations

import copy
import shutil
import sys
import tempfile
from pathlib import Path

from ..config import PROJECT_DIR
from .assemble import PROSE_TAG

__all__ = ["DATA_FOLDER", "publish_data", "audit_notebook", "clear_tables"]

DATA_FOLDER = "donnees"  # the links under charts and tables point to donnees/<name>.csv


def publish_data(processed: Path, report_folder: Path) -> Path:
    """Copy ``processed/*.csv`` into ``report_folder/donnees/``, replacing the previous copy atomically.

    The new folder is filled beside the old one, then swapped in by renames, so a
    reader never sees a half-copied folder; an absent ``processed`` folder gives an empty one.
    """
    target = report_folder / DATA_FOLDER
    report_folder.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{DATA_FOLDER}-", dir=report_folder))
    try:
        for csv in sorted(processed.glob("*.csv")) if processed.is_dir() else []:
            shutil.copy2(csv, fresh / csv.name)
        fresh.chmod(0o755)
    except BaseException:  # disk full, Ctrl-C…: no half-copied folder left in the published report folder
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    previous = None
    if target.exists():
        previous = Path(tempfile.mkdtemp(prefix=f".{DATA_FOLDER}-ancien-", dir=report_folder))
        previous.rmdir()
        target.rename(previous)
    fresh.rename(target)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)
    return target


def clear_tables(processed: Path) -> None:
    """Remove the tables of a report about to be rebuilt: a table no longer produced is then never published."""
    for csv in processed.glob("*.csv") if processed.is_dir() else []:
        csv.unlink(missing_ok=True)


def audit_notebook(executed, paths: dict[str, Path | str], warnings: bool = False):
    """The executed notebook as it ships beside the page: safe to open or convert, telling no machine path.

    Every output a reader's Jupyter or nbconvert would render as HTML is the page's
    sanitised HTML (Markdown outputs rendered then sanitised, HTML outputs
    sanitised, headings of HTML outputs demoted), and so is a territory's own prose (Markdown
    cells tagged ``texte-territoire``, from its data folder); warnings (stderr) are dropped unless ``warnings``;
    each of ``paths`` (label → absolute folder), the temporary folder, the Python
    installation and the home folder are replaced by a label (« <donnees> »).
    """
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from ..rules.markup import demote_headings, sanitize_html

    book = copy.deepcopy(executed)
    for cell in book.cells:
        if cell.cell_type == "markdown" and PROSE_TAG in cell.metadata.get("tags", []):
            cell.source = sanitize_html(markdown2html_mistune(cell.source))  # a territory's prose is data
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if not warnings and output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            data = output.get("data")
            if data is not None:
                if "text/markdown" in data:
                    markdown = data.pop("text/markdown")
                    markdown = "".join(markdown) if isinstance(markdown, list) else markdown
                    data["text/html"] = sanitize_html(markdown2html_mistune(markdown))
                elif "text/html" in data:
                    data["text/html"] = sanitize_html(demote_headings(data["text/html"]))
            kept.append(output)
        cell.outputs = kept
    labels = {**{label: Path(path) for label, path in paths.items() if path}, "projet": PROJECT_DIR,
              "tmp": Path(tempfile.gettempdir()), "python": Path(sys.prefix), "home": Path.home()}
    folders = {str(path): label for label, path in labels.items() if len(str(path)) > 1}
    folders.update({str(path.resolve()): label for label, path in labels.items() if len(str(path.resolve())) > 1})
    return _without_paths(book, sorted(folders.items(), key=lambda entry: -len(entry[0])))


def _without_paths(node, folders: list[tuple[str, str]]):
    """``node`` with each folder replaced by its label, in every string but images (base64 has « / »)."""
    if isinstance(node, str):
        for folder, label in folders:
            node = node.replace(folder, f"<{label}>")
        return node
    if isinstance(node, list):
        return [_without_paths(item, folders) for item in node]
    if isinstance(node, dict):
        for key in list(node):
            if not str(key).startswith("image/"):
                node[key] = _without_paths(node[key], folders)
        return node
    return node
