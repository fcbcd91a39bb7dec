"""Lists of statements (what the actors say), of the sources' own lessons, and of consistency findings."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..checks import Finding
from ..clean import cell_text as _text
from ..formatting import pluriel
from ..harmonise import label
from ..markup import escape_markdown
from ._base import INDENT, _absent, guillemets, md


def _attribution(row: pd.Series) -> str:
    actor = _text(row["acteur"])
    actor = label("acteurs", actor)
    source = _text(row["source"])
    return md(f"{actor} ({source})" if source else actor)


def statements_list(statements: pd.DataFrame, limit: int | None = None, *,
                    expected_file: str | None = None) -> str:
    """Statements (``indicators.statements``) quoted verbatim, sub-points nested under their parent.

    ``limit`` counts top-level statements; their sub-points always follow them.
    """
    if (absent := _absent(statements, "les constats et propositions", expected_file)) is not None:
        return absent
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


def findings_list(findings: Iterable[Finding]) -> str:
    """Inconsistencies of the published figures (``checks.run_checks``) as Markdown bullets."""
    lines = []
    for finding in findings:
        values = [f"{label} : {value}" for label, value in
                  (("publié", finding.publie), ("recalculé", finding.calcule)) if value is not None]
        where = md(f"{finding.source}, {finding.section}" if finding.section else finding.source)
        lines.append(f"- **{md(finding.categorie)}** : {md(finding.message)}"
                     + (f" ({' ; '.join(values)})" if values else "") + f" — source : {where}")
    return "\n".join(lines) if lines else "Aucune incohérence n'a été relevée dans les chiffres publiés."


def not_covered_box(uncovered: pd.DataFrame) -> str:
    """A short quoted box: what this report does not cover, and which raw file would feed it."""
    if uncovered is None or uncovered.empty:
        return ""
    items = " ; ".join(f"{md(row['sujet'])} ({md(row['fichier'])})" for _, row in uncovered.iterrows())
    return (f"> **Ce que ce rapport ne couvre pas.** Aucune table ne renseigne, pour ce territoire : {items}. "
            "Les sections correspondantes sont omises ; ajouter le fichier indiqué les fait apparaître.")


def lessons_markdown(frame: pd.DataFrame) -> str:
    """French Markdown: one sub-section per theme, conclusions then recommendations, each quoted and attributed.

    Consecutive statements from the same source and section share one attribution line
    (« *Titre du document — section* ») placed above them; a sub-point from another
    section carries its own. Data text is escaped; an empty frame gives an empty string.
    """
    if frame is None or frame.empty:
        return ""
    lines: list[str] = []
    ids = set(frame["id"])
    for theme_label, by_theme in frame.groupby("theme_libelle", sort=False):
        lines += [f"### {escape_markdown(theme_label)}", ""]
        for role, by_role in by_theme.groupby("role", sort=False):
            lines += [f"**{role}**"]
            current = None
            for _, row in by_role.iterrows():
                where = f"{escape_markdown(row['titre_source'])} — {escape_markdown(_text(row['section']))}"
                quote = f"<q>« {escape_markdown(row['texte'])} »</q>"  # a quotation (RGAA 9.4)
                nested = _text(row["rattache_a"]) in ids and _text(row["rattache_a"]) != row["id"]
                if nested and current is not None:
                    # A sub-point stays in its parent's list; a header line here would break the list.
                    lines.append(f"    - {quote}" + ("" if where == current else f" — *{where}*"))
                    continue
                if where != current:
                    lines += ["", f"*{where}*", ""]
                    current = where
                lines.append(f"- {quote}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
