"""What a build is made of: a report to build (:class:`Job`), its outcome (:class:`JobResult`), the summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from .engine import ENGINE_NAME

__all__ = ["Status", "Job", "JobResult", "BuildSummary"]


class Status(StrEnum):
    """How a report fared in a build; ``wording`` is the French of each in the build's summary
    (singular, plural: « 1 construit », « 3 construits »).

    The values are the words results have always held (``result.status == "echec"`` still holds).
    """

    BUILT = "construit", ("construit", "construits")
    CACHED = "cache", ("repris du cache", "repris du cache")
    FAILED = "echec", ("en échec", "en échec")

    wording: tuple[str, str]

    def __new__(cls, value: str, wording: tuple[str, str]):
        member = str.__new__(cls, value)
        member._value_, member.wording = value, wording
        return member


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
    portrait: bool = False  # known only from open data (portrait.is_open_data_only), decided once when planning

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
    status: Status
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

    def count(self, status: Status | str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def ok(self) -> bool:
        return self.count(Status.FAILED) == 0

    def text(self) -> str:
        """French summary for the command line."""
        from ..rules.formatting import nombre, pluriel

        counts = ", ".join(pluriel(self.count(status), *status.wording) for status in Status)
        lines = [f"{pluriel(len(self.results), 'rapport')} : {counts} — {nombre(self.seconds, 1)} s"]
        for result in self.results:
            if result.status == Status.FAILED:
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
