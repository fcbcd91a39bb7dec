"""Which section notebooks make a report: the evaluation, the starter page, the portrait, the comparison.

A new section is declared in one line of :data:`SECTIONS` (see CONTRIBUTING, « Ajouter une section »).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..ingest.editions import STARTER_KIND

if TYPE_CHECKING:
    from .jobs import Job

__all__ = ["Section", "SECTIONS", "STARTER_SECTIONS", "PORTRAIT_SECTIONS", "COMPARISON", "QUALITY_ANCHOR", "anchors",
           "sections_for", "undeclared_notebooks"]


class Section(str):
    """A section notebook of ``notebooks/`` (its name), with where it applies.

    ``kinds``: report kinds (``genre`` codes of ``vocabulaires/genres_rapport.yml``);
    ``territories``: territory ids. Empty means every one. Its position is its place
    in :data:`SECTIONS`: a new section is declared there, in one line (see CONTRIBUTING).
    ``anchor``: the HTML id of the section's opening heading, whatever its text says (code
    that finds the section on the page uses this id, never one derived from the heading).
    """

    kinds: tuple[str, ...]
    territories: tuple[str, ...]
    anchor: str

    def __new__(cls, name: str, kinds: Iterable[str] = (), territories: Iterable[str] = (), anchor: str = ""):
        section = super().__new__(cls, name)
        section.kinds, section.territories, section.anchor = tuple(kinds), tuple(territories), anchor
        return section

    def applies(self, kind: str, territory: str | None) -> bool:
        return (not self.kinds or kind in self.kinds) and (not self.territories or territory in self.territories)


def _applies(section: str, kind: str, territory: str | None) -> bool:
    return section.applies(kind, territory) if isinstance(section, Section) else True


# The id of the « Qualité des données » section on the page: the coverage table goes at its end.
QUALITY_ANCHOR = "qualite-des-donnees"
# The evaluation report, in page order. A plain name applies to every report; e.g.
# Section("11_npnru", kinds=("evaluation_finale",), territories=("call",)) to some only.
SECTIONS = ("01_synthese", "02_contexte", "03_programmation", "04_gouvernance", "05_sante",
            "06_participation", "07_enseignements", "11_annexes", Section("08_qualite", anchor=QUALITY_ANCHOR),
            "10_sources")
# A territory with no data yet: one short page saying what to fill in.
STARTER_SECTIONS = ("00_a_completer",)
# A territory known only from open data gets a portrait: no evaluation sections to leave empty.
PORTRAIT_SECTIONS = ("00_portrait", "02_contexte", "09_subventions_anct", "10_sources")
COMPARISON = "comparaison"


def anchors() -> dict[str, str]:
    """Section notebook → the declared id of its opening heading (:attr:`Section.anchor`)."""
    return {str(s): s.anchor for s in (*SECTIONS, *PORTRAIT_SECTIONS, *STARTER_SECTIONS)
            if isinstance(s, Section) and s.anchor}


def sections_for(job: Job) -> tuple[str, ...]:
    """The section notebooks of a report: a portrait for open-data-only territories, a short page for a
    territory with no data yet, else the evaluation sections that apply to the report's kind and territory."""
    if job.portrait:
        return PORTRAIT_SECTIONS
    if job.kind == STARTER_KIND:
        return STARTER_SECTIONS
    return tuple(s for s in SECTIONS if _applies(s, job.kind, job.territory))


def undeclared_notebooks(notebooks: Path) -> list[str]:
    """Section notebooks of ``notebooks`` that no report uses (declare them in :data:`SECTIONS`)."""
    declared = {*SECTIONS, *PORTRAIT_SECTIONS, *STARTER_SECTIONS, COMPARISON}
    return sorted(p.name for p in notebooks.glob("*.ipynb") if p.stem not in declared)
