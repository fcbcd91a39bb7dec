"""What a registry entry says about a raw table: its columns (:class:`ColumnSpec`, how each cell is read),
its printed figures (:class:`Figures`) and the entry itself (:class:`TableSpec`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a raw table.

    ``kind`` says how its cells are read: ``texte``, ``annee``, ``montant``,
    ``pourcentage``, ``nombre``, ``entier``, ``choix``, ``pilier``, ``financeur``,
    ``source``, ``niveau``, ``valeur``, ``code``, ``qualificatif`` (a code of qualificatifs.yml or
    the words the source prints).
    """

    name: str
    kind: str = "texte"
    required: bool = False
    nullable: bool = True
    choices: tuple[str, ...] = ()
    # A column that breaks a printed figure down, and what it splits it along (« theme », « origine »,
    # « porteur »): a total and its parts differ only in such columns (``checks``).
    axis: str = ""


def printed_column(column: str) -> str:
    """The column that keeps the printed text of a parsed column: ``montant_publie``, ``valeur_publiee``."""
    return "valeur_publiee" if column == "valeur" else f"{column}_publie"


@dataclass(frozen=True)
class Figures:
    """Where a table's printed figures are, how they are named, and whether the page must show them."""

    columns: tuple[str, ...]  # the columns holding a printed figure; the first is the one the coverage looks for
    labels: tuple[str, ...]  # the columns naming a figure in its printed-figures table (``indicators.publies``)
    # The columns naming a figure in the coverage list; () when the page's coverage of the table is not measured.
    coverage_labels: tuple[str, ...] = ()
    goal: bool = False  # coverage aimed at 95 % and above (``coverage.GOAL_TABLES``)


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    description: str
    one_of: tuple[str, ...] = ()  # at least one of these cells must be filled
    label: str = ""  # its name on the page (« Financements »)
    topic: str = ""  # what it feeds in a report, for « Ce que ce rapport ne couvre pas » (« la santé »)
    section: str = ""  # the title of the report section that shows it ("" : several sections)
    figures: Figures | None = None  # None: the table holds no printed figure (actions, statements)
    evaluation: bool = False  # an evaluation needs it: a portrait names its missing file

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    @property
    def breakdown(self) -> tuple[str, ...]:
        """The columns that break a printed figure down (``ColumnSpec.axis``), in table order."""
        return tuple(c.name for c in self.columns if c.axis)

    @property
    def covered(self) -> bool:
        """Whether the coverage of the printed figures (``coverage``) looks for this table's figures."""
        return self.figures is not None and bool(self.figures.coverage_labels)

    @property
    def value_column(self) -> str:
        """The column holding the table's main printed figure."""
        if self.figures is None:
            raise KeyError(f"la table {self.name} ne contient pas de chiffres imprimés")
        return self.figures.columns[0]
