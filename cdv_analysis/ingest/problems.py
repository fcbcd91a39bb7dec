"""Problems found in input data, worded in French for the people who fix them."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import CdvError

__all__ = ["Problem", "DataError", "ERROR", "WARNING", "unexpected_failure"]

ERROR = "erreur"
WARNING = "avertissement"


@dataclass(frozen=True)
class Problem:
    """One problem in one place of one input file."""

    fichier: str
    attendu: str
    ligne: int | None = None
    colonne: str | None = None
    valeur: str | None = None
    gravite: str = ERROR
    territory: str | None = None

    @property
    def is_error(self) -> bool:
        return self.gravite == ERROR

    def __str__(self) -> str:
        where = [self.fichier]
        if self.ligne is not None:
            where.append(f"ligne {self.ligne}")
        if self.colonne:
            where.append(f"colonne « {self.colonne} »")
        text = ", ".join(where) + " : "
        if self.valeur is not None:
            shown = self.valeur if len(self.valeur) <= 80 else self.valeur[:77] + "…"
            text += f"valeur « {shown} » ; attendu : {self.attendu}"
        else:
            text += self.attendu
        return text


class DataError(CdvError):
    """Raised when a territory's data cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem], territory: str | None = None):
        self.problems = list(problems)
        self.territory = territory
        errors = [p for p in self.problems if p.is_error]
        head = f"Données invalides pour le territoire « {territory} »" if territory else "Données invalides"
        lines = [f"{head} ({len(errors)} erreur{'s' if len(errors) > 1 else ''}) :"]
        lines += [f"  - {p}" for p in errors[:50]]
        if len(errors) > 50:
            lines.append(f"  … et {len(errors) - 50} autres erreurs (voir `cdv valider`).")
        super().__init__("\n".join(lines))



def unexpected_failure(error: BaseException) -> str:
    """French account of an unexpected failure while reading one territory (the others go on)."""
    detail = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    return (f"lecture impossible ({type(error).__name__}{' : ' + detail if detail else ''}) ; "
            "ce territoire est ignoré, les autres sont traités. Signalez ce message s'il persiste.")
