"""Import data from outside into territory folders, behind one interface (``base.Importer``).

An importer only writes table files carrying its own suffix
(``contexte.insee-qpv.csv``, ``actions.anct-2022.csv``) and records the SHA-256
of each in the folder's ``.imports.json``: a file that is not there, or whose
bytes changed since, was written by hand and is never overwritten. The whole
input is checked before anything is written, and every file is staged before
any is renamed into place, so an import is all or nothing.

:data:`IMPORTERS` is the registry the CLI reads (``cdv importer <name>``): adding
an importer is a module with an :class:`Importer` subclass and one line here.
"""

from __future__ import annotations

from .anct import AnctSubsidies, _type_porteur, anct_layouts, import_anct_subsidies, readable_name
from .base import MANIFEST, ImportFailed, Importer, ImportPlan, ImportSummary, Option, Target, commit
from .insee import InseeQpv, import_insee_qpv
from .programmation import Programmation, import_programmation
from .questionnaire import Questionnaire, import_questionnaire

__all__ = [
    "IMPORTERS", "MANIFEST", "ImportFailed", "ImportSummary", "ImportPlan", "Importer", "Option", "Target", "commit",
    "InseeQpv", "AnctSubsidies", "Programmation", "Questionnaire", "import_insee_qpv", "import_anct_subsidies",
    "import_programmation", "import_questionnaire", "anct_layouts", "readable_name", "_type_porteur",
]

# cdv importer <name> → its importer class, in the order `cdv importer --help` lists them.
IMPORTERS: dict[str, type[Importer]] = {importer.name: importer
                                        for importer in (InseeQpv, AnctSubsidies, Programmation, Questionnaire)}
