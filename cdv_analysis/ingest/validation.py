"""Checks of a table read as strings: its schema row by row, then rules across rows and files."""

from __future__ import annotations

import re

import pandas as pd

from .problems import WARNING, Problem
from .schemas import TABLES, TEXTUAL_UNITS, ValidationContext, raw_schema, schema_holds

__all__ = ["schema_problems", "table_problems"]


def schema_problems(table: str, frame: pd.DataFrame, context: ValidationContext, shown: str) -> list[Problem]:
    spec = TABLES[table]
    present = [c for c in spec.column_names if c in frame.columns]
    problems: list[Problem] = []
    for missing in (c for c in spec.required_columns if c not in frame.columns):
        problems.append(Problem(shown, f"une colonne « {missing} » (obligatoire dans la table {table} ; "
                                "voir data/README.md)", ligne=1, colonne=missing))
    for unknown in (c for c in frame.columns if c not in spec.column_names and c not in {"ligne", "fichier"}):
        problems.append(Problem(shown, f"une colonne de la table {table} ({', '.join(spec.column_names)}) ; "
                                "cette colonne sera ignorée", ligne=1, colonne=unknown or "(sans nom)",
                                gravite=WARNING))
    if frame.empty:  # a header-only file (the shipped template): an empty table, not an error
        return problems
    for case in _cases_by_unit(table, frame, present, context):
        index = case["index"]
        line = int(frame.loc[index, "ligne"]) if index is not None and not pd.isna(index) else None
        problems.append(Problem(shown, str(case["check"]), ligne=line, colonne=case["column"],
                                valeur=None if pd.isna(case["failure_case"]) else str(case["failure_case"])))
    if spec.one_of and all(c in frame.columns for c in spec.one_of):
        empty = frame[list(spec.one_of)].apply(lambda col: col.str.strip() == "").all(axis=1)
        for line in frame.loc[empty, "ligne"]:
            problems.append(Problem(shown, "au moins une de ces colonnes remplie : " + ", ".join(spec.one_of),
                                    ligne=int(line), colonne=spec.one_of[0], valeur=""))
    return problems


def _failure_cases(table: str, frame: pd.DataFrame, present: list[str], context: ValidationContext) -> list:
    """Pandera's failure cases of the present columns (each with column, check, index, failure_case).

    None when every cell passes (``schema_holds``, the same tests): pandera, slow to import and to run,
    then only names what fails.
    """
    if schema_holds(table, frame, present, context):
        return []
    from pandera.errors import SchemaErrors

    try:
        raw_schema(table, present, context).validate(frame[present], lazy=True)
    except SchemaErrors as exc:
        return [case for _, case in exc.failure_cases.iterrows()]
    return []


def _cases_by_unit(table: str, frame: pd.DataFrame, present: list[str], context: ValidationContext) -> list:
    """:func:`_failure_cases`, where the rows whose unit says the value is a date or a phrase (« texte »,
    « date ») have every column checked but « valeur », which is then not a figure. Checked apart, the other
    rows often pass whole, and pandera is not needed at all."""
    if "unite" not in frame.columns or "valeur" not in present:
        return _failure_cases(table, frame, present, context)
    textual = frame["unite"].astype(str).str.strip().str.lower().isin(TEXTUAL_UNITS)
    if not textual.any():
        return _failure_cases(table, frame, present, context)
    return [*_failure_cases(table, frame[~textual], present, context),
            *_failure_cases(table, frame[textual], [c for c in present if c != "valeur"], context)]


def table_problems(table: str, frame: pd.DataFrame) -> list[Problem]:
    """Checks across rows (and files) of one table."""
    problems: list[Problem] = []
    # Two printed lines may be identical (a list naming a holder twice); the
    # transcriber tells them apart in « remarque », so it counts here.
    content = [c for c in TABLES[table].column_names if c in frame.columns]
    if frame.empty:
        return problems
    keyed = frame[content].apply(lambda col: col.str.strip())
    duplicated = keyed.duplicated(keep="first")
    if duplicated.any():
        first_of = {}
        for index, key in zip(keyed.index, map(tuple, keyed.itertuples(index=False))):
            if not duplicated[index]:
                first_of.setdefault(key, index)
                continue
            original = first_of[key]
            problems.append(Problem(
                frame.loc[index, "fichier"],
                f"une ligne unique : elle répète la ligne {frame.loc[original, 'ligne']} de "
                f"{frame.loc[original, 'fichier']} (même contenu)",
                ligne=int(frame.loc[index, "ligne"]),
            ))
    if table in ("actions", "programmation"):
        problems += _total_rows(frame)
    if table == "actions" and "dispositif" in frame.columns:
        problems += _unshown_schemes(frame)
    if table == "qualitatif" and "id" in frame.columns:
        ids = frame["id"].str.strip()
        for index in frame.index[ids.duplicated(keep="first") & (ids != "")]:
            problems.append(Problem(frame.loc[index, "fichier"], "un identifiant unique dans le territoire",
                                    ligne=int(frame.loc[index, "ligne"]), colonne="id", valeur=ids[index]))
        if "rattache_a" in frame.columns:
            known = set(ids)
            for index, parent in frame["rattache_a"].str.strip().items():
                if parent and parent not in known:
                    problems.append(Problem(frame.loc[index, "fichier"], "l'identifiant d'un énoncé existant",
                                            ligne=int(frame.loc[index, "ligne"]), colonne="rattache_a",
                                            valeur=parent))
    return problems


TOTAL_LABEL = re.compile(r"^\s*(sous[\s\-]*)?tota(l|ux)(\s|$|[:(\-–])", re.I)


def _total_rows(frame: pd.DataFrame) -> list[Problem]:
    """A « TOTAL » or « Sous-total » line typed among the actions: it would be counted as one more action."""
    problems = []
    for column in ("intitule", "porteur", "numero", "dossier"):
        if column not in frame.columns:
            continue
        for index in frame.index[frame[column].map(lambda v: bool(TOTAL_LABEL.match(str(v or ""))))]:
            problems.append(Problem(frame.loc[index, "fichier"], "une action, et non une ligne de total ou de "
                                    "sous-total (supprimez-la : les totaux sont recalculés à partir des actions)",
                                    ligne=int(frame.loc[index, "ligne"]), colonne=column,
                                    valeur=str(frame.loc[index, column])))
    return problems


# The schemes of ``actions`` that a report section shows (indicators/programmation.py, subventions.py).
SHOWN_SCHEMES = ("anct", "fcs", "grille_priorites")
SHOWN_SCHEME_PREFIXES = ("fonds_de_concours",)


def _unshown_schemes(frame: pd.DataFrame) -> list[Problem]:
    """One warning per scheme (``dispositif``) whose actions no section shows: never ignored without a word."""
    problems = []
    schemes = frame["dispositif"].map(lambda v: str(v or "").strip())
    for scheme in sorted(set(schemes) - {""}):
        if scheme in SHOWN_SCHEMES or scheme.startswith(SHOWN_SCHEME_PREFIXES):
            continue
        rows = frame[schemes == scheme]
        count = len(rows)
        problems.append(Problem(
            rows["fichier"].iloc[0],
            f"un dispositif qu'une section du rapport montre ({', '.join(SHOWN_SCHEMES)}, fonds_de_concours…) : "
            f"{count} action{'s' if count > 1 else ''} de ce dispositif ne figure{'nt' if count > 1 else ''} dans "
            "aucune section ; la programmation du territoire, action par action, va dans la table programmation "
            "(cdv importer programmation)", ligne=int(rows["ligne"].iloc[0]), colonne="dispositif", valeur=scheme,
            gravite=WARNING))
    return problems
