"""Lists of statements (what the actors say), of the sources' own lessons, and of consistency findings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from ...analysis.checks import Finding
from ...rules.clean import cell_text as _text
from ...rules.formatting import pluriel
from ...rules.harmonise import label
from ...rules.markup import escape_markdown
from ._base import INDENT, _empty, guillemets, is_heading, md


def _attribution(row: pd.Series) -> str:
    actor = label("acteurs", _text(row["acteur"]))
    # The document by its short title (``Territory.source_title``), never its internal id.
    source = _text(row.get("titre_source"))
    return md(f"{actor}, {source}" if source else actor)


def statements_list(statements: pd.DataFrame, limit: int | None = None) -> str:
    """Statements (``indicators.statements``) quoted verbatim, sub-points nested under their parent.

    ``limit`` counts top-level statements; their sub-points always follow them.
    """
    if _empty(statements):
        return ""
    ids = set(statements["id"])
    children: dict[str, list[pd.Series]] = {}
    roots = []
    for _, row in statements.iterrows():
        parent = _text(row["rattache_a"])
        if parent in ids and parent != row["id"]:
            children.setdefault(parent, []).append(row)
        else:
            roots.append(row)
    lines: list[str] = []
    seen: set[str] = set()

    def write(row: pd.Series, depth: int, parent: pd.Series | None) -> None:
        if row["id"] in seen:  # a cycle of « rattache_a » must not loop forever
            return
        seen.add(row["id"])
        attribution = _attribution(row)
        suffix = "" if parent is not None and _attribution(parent) == attribution else f" — {attribution}"
        if is_heading(row):  # a heading of the source: the plain title of its sub-points, not a quotation
            lines.append(f"{INDENT * depth}- *{md(_text(row['texte']))}*{suffix}")
        else:
            lines.append(f"{INDENT * depth}- <q>{guillemets(_text(row['texte']))}</q>{suffix}")  # a quotation (RGAA 9.4)
        for child in children.get(row["id"], []):
            write(child, depth + 1, row)

    shown = roots if limit is None else roots[:limit]
    for row in shown:
        write(row, 0, None)
    if len(seen) < len(statements):
        left = len(statements) - len(seen)
        lines.append(f"- … et {pluriel(left, 'autre énoncé', 'autres énoncés')}.")
    return "\n".join(lines)


def findings_list(findings: Iterable[Finding], titles: Mapping[str, str] | None = None) -> str:
    """Inconsistencies of the published figures (``checks.run_checks``) as Markdown bullets; ``titles`` maps
    a source id to the document's short title (``{sid: territory.source_title(sid)}``) so that the page never
    shows an internal id."""
    lines = []
    titles = titles or {}
    for finding in findings:
        values = [f"{label} : {value}" for label, value in
                  (("publié", finding.publie), ("recalculé", finding.calcule)) if value is not None]
        document = titles.get(finding.source, finding.source)
        where = md(f"{document}, {finding.section}" if finding.section else document)
        lines.append(f"- **{md(finding.categorie)}** : {md(finding.message)}"
                     + (f" ({' ; '.join(values)})" if values else "") + f" — source : {where}")
    return "\n".join(lines) if lines else "Aucune incohérence n'a été relevée dans les chiffres publiés."


def not_covered_box(uncovered: pd.DataFrame) -> str:
    """A short quoted box: the subjects this report does not cover (``indicators.uncovered_topics``)."""
    if uncovered is None or uncovered.empty:
        return ""
    # Subjects, not files: the file that would feed each one is in ``cdv valider`` and the construction log.
    items = " ; ".join(md(row["sujet"]) for _, row in uncovered.iterrows())
    return (f"> **Ce que ce rapport ne couvre pas.** Les documents disponibles pour ce territoire ne renseignent "
            f"pas : {items}. Les parties correspondantes du rapport sont omises.")


def attached_layout(parent: pd.Series, children: list[pd.Series]) -> str:
    """How the rows attached to a statement are printed: ``"liste"``, ``"tableau"`` or ``"suite"``.

    The cells of a printed table stay a table; the unnumbered rows attached to a conclusion continue
    its paragraph (the caveat that follows it in the source); anything else is a list of sub-points.
    """
    if not children:
        return "suite"
    if "tableau" in _text(parent["section"]).lower():
        return "tableau"
    if (_text(parent.get("nature", "")) == "conclusion" and not _text(parent["texte"]).rstrip().endswith(":")
            and not any(_text(c.get("numero", "")) for c in children)):
        return "suite"
    return "liste"


def _short(section: object) -> str:
    """The last part of a source's section path (« 03. … – Perspectives – Partir d'une vision… »), uncut."""
    return _text(section).split(" – ")[-1].strip() or _text(section)


def statement_words(text: object) -> str:
    """A statement's words, whitespace, quote marks and footnote stars left out: the same words printed twice by
    the source (« comme "Fabrique à initiatives" » and « comme « Fabrique à initiatives »* ») compare equal."""
    return " ".join(re.sub(r"[«»“”\"*]", " ", _text(text)).split())


def _words(row: pd.Series) -> str:
    return statement_words(row["texte"])


def _same_words(where: str) -> str:
    return f"Mêmes mots que dans la partie « {where} », cités plus haut."


WORD_BUDGET = 1200  # words of « Enseignements et préconisations » on the page; the CSV holds every row


def lessons_shown(frame: pd.DataFrame, cited: dict[str, str] | None = None) -> set[str]:
    """Ids of the statements :func:`lessons_markdown` quotes on the page (the annexes leave them out)."""
    shown: set[str] = set()
    lessons_markdown(frame, cited, shown=shown)
    return shown


def lessons_markdown(frame: pd.DataFrame, cited: dict[str, str] | None = None, budget: int = WORD_BUDGET,
                     shown: set[str] | None = None) -> str:
    """French Markdown: the source's conclusions and proposals in its order, with its numbers.

    A part of the source (its section) opens with a short heading; a numbered proposal keeps
    its number; a row attached to another follows it (:func:`attached_layout`: a list, a table
    of the printed table's cells, or the rest of the same paragraph). A statement already quoted
    in an earlier section (``cited``: id → where) is not repeated: a line refers to it; nor are the same
    words printed twice by the source (two actors' slides proposing the same thing): the second time, a line
    says where they were quoted.
    Length rule: the rows the source calls conclusions, its numbered proposals and its closing part are
    always shown; the other rows follow in order while the page stays within ``budget`` words, and the
    number left to the CSV is said. Data text is escaped; an empty frame gives an empty string.
    """
    if frame is None or frame.empty:
        return ""
    cited = cited or {}
    ids = set(frame["id"])
    children: dict[str, list[pd.Series]] = {}
    for _, row in frame.iterrows():
        parent = _text(row["rattache_a"])
        if parent in ids and parent != row["id"]:
            children.setdefault(parent, []).append(row)
    lines: list[str] = []
    current = None
    referred: set[str] = set()
    said: dict[str, str] = {}  # words already quoted (whitespace normalised) → the part of the source they were in
    last_section = _text(frame["section"].iloc[-1])
    left = 0

    pending: list[tuple[str, str]] = []  # cells of a printed table, shown as one table

    def flush() -> None:
        if pending:
            from ..notebook import table_html

            cells = pd.DataFrame(pending, columns=["rubrique", "contenu"])
            lines.extend(["", table_html(cells, {"rubrique": ("Rubrique", "texte"), "contenu": ("Contenu", "texte")},
                                         caption=current or "Tableau de la source"), ""])
            pending.clear()

    def open_part(where: str) -> None:
        nonlocal current
        if where != current:
            flush()
            lines.extend(["", f"#### {escape_markdown(where)}", ""])
            current = where

    def essential(row: pd.Series) -> bool:
        return bool(_text(row["nature"]) == "conclusion" or _text(row.get("numero", ""))
                    or _text(row["section"]) == last_section)

    def size(row: pd.Series) -> int:
        return len(_text(row["texte"]).split()) + sum(len(_text(k["texte"]).split())
                                                       for k in children.get(row["id"], []))

    top = [row for _, row in frame.iterrows()
           if not (_text(row["rattache_a"]) in ids and _text(row["rattache_a"]) != row["id"])]
    words = sum(size(row) for row in top if essential(row) and row["id"] not in cited)

    for _, row in frame.iterrows():
        parent = _text(row["rattache_a"])
        if parent in ids and parent != row["id"]:
            continue  # printed with its parent
        where = _short(row["section"])
        if row["id"] in cited:
            if cited[row["id"]] not in referred:
                open_part(where)
                lines.append(f"- *Citée plus haut : {escape_markdown(cited[row['id']])}.*")
                referred.add(cited[row["id"]])
            continue
        if _words(row) in said:
            open_part(where)
            refer = f"- *{escape_markdown(_same_words(said[_words(row)]))}*"
            if lines[-1] != refer:  # two repeats in a row: one line says where both were
                lines.append(refer)
            continue
        kids = children.get(row["id"], [])
        if is_heading(row) and not kids:
            continue  # a heading alone says nothing; the part headings already show the source's structure
        if not essential(row):
            if words + size(row) > budget:
                left += 1 + len(kids)
                continue
            words += size(row)
        open_part(where)
        again = [f"Citée plus haut : {cited[k['id']]}." for k in kids if k["id"] in cited]
        again += [_same_words(said[_words(k)]) for k in kids if k["id"] not in cited and _words(k) in said]
        kids = [k for k in kids if k["id"] not in cited and _words(k) not in said]  # quoted earlier: not repeated
        if shown is not None:
            shown.update([row["id"], *(k["id"] for k in kids)])
        said.update({_words(r): where for r in [row, *kids] if _words(r) not in said})
        layout = attached_layout(row, kids)
        number = _text(row.get("numero", ""))
        lead = f"{number}. " if number and _text(row["nature"]) in {"proposition", "preconisation"} else "- "
        if layout != "tableau":
            flush()
        if layout == "suite":
            joined = " ".join([_text(row["texte"]), *(_text(k["texte"]) for k in kids)])
            lines.append(f"{lead}<q>« {escape_markdown(joined)} »</q>")  # a quotation (RGAA 9.4)
        elif layout == "liste":
            lines.append(f"{lead}*{escape_markdown(row['texte'])}*" if is_heading(row)
                         else f"{lead}<q>« {escape_markdown(row['texte'])} »</q>")
            lines += [f"{INDENT}- <q>« {escape_markdown(k['texte'])} »</q>" for k in kids]
        if layout != "tableau":  # the sub-points quoted earlier: where they are
            lines += [f"{INDENT}- *{escape_markdown(w)}*" for w in dict.fromkeys(again)]
        else:
            pending.append((_text(row["texte"]), " ; ".join(_text(k["texte"]) for k in kids)))
    flush()
    if left:
        lines += ["", f"*{pluriel(left, 'autre énoncé', 'autres énoncés')} de la source dans la table CSV.*"]
    return "\n".join(lines).strip() + "\n"
