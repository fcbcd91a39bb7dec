"""The schema of ``territoire.yml``: every key, its type and range, checked with one located French message each.

Adding a key is one line in :data:`FIELDS` (or in the mapping it belongs to),
e.g. ``"logo": Field(text(200)),``. :func:`check_territory_file` returns the
mapping unchanged and every problem: a wrong type, an impossible date, a value
out of range is an error; an unknown key is a warning (the key is kept).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from ..rules.harmonise import codes
from .ids import MAX_ID, SAFE_ID

__all__ = ["FIELDS", "Field", "Finding", "check_territory_file", "text", "integer", "year", "date", "choice",
           "identifier", "qpv_code", "list_of", "mapping", "labels_of", "line_of"]

ROOT = "(racine)"


@dataclass(frozen=True)
class Finding:
    """One problem of a value: where (``sources[2].date``), what was expected (French), the value, severity."""

    path: tuple
    expected: str
    value: object = None
    error: bool = True

    @property
    def key(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out or ROOT


Check = Callable[[object, tuple, list[Finding]], object]  # (value, path, findings) -> the value


@dataclass(frozen=True)
class Field:
    """One key of a mapping: how its value is checked, and whether it must be there (and not empty)."""

    check: Check
    required: bool = False


def _scalar(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def text(limit: int = 500) -> Check:
    """A text (a number is accepted as its text) of at most ``limit`` characters, without control characters."""
    def check(value, path, findings):
        if not _scalar(value):
            findings.append(Finding(path, f"un texte (pas {_kind(value)})", value))
            return None
        shown = str(value)
        if len(shown) > limit:
            findings.append(Finding(path, f"un texte d'au plus {limit} caractères (ici {len(shown)})", shown[:60]))
        elif re.search(r"[\x00-\x08\x0b-\x1f\x7f]", shown):
            findings.append(Finding(path, "un texte sans caractère de contrôle", shown[:60]))
        return value
    return check


def integer(low: int, high: int, what: str = "un nombre entier") -> Check:
    def check(value, path, findings):
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if isinstance(value, str) and re.fullmatch(r"\s*\d{1,9}\s*", value):
            number = int(value)
        if number is None or not low <= number <= high:
            findings.append(Finding(path, f"{what} de {low} à {high}", value))
        return value
    return check


def year() -> Check:
    return integer(1900, 2100, "une année")


def _date_text(value: object) -> str | None:
    """``AAAA``, ``AAAA-MM`` or ``AAAA-MM-JJ`` of a real date from 1900 to 2100, else None."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat() if 1900 <= value.year <= 2100 else None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*", value)
    if not match or not 1900 <= int(match.group(1)) <= 2100:
        return None
    y, m, d = (int(g) if g else None for g in match.groups())
    try:
        dt.date(y, m or 1, d or 1)
    except ValueError:
        return None
    return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if d else "")


def date() -> Check:
    """A real date: ``2022``, ``2022-06`` or ``2022-06-27`` (from 1900 to 2100)."""
    def check(value, path, findings):
        if _date_text(value) is None:
            findings.append(Finding(path, "une date réelle AAAA, AAAA-MM ou AAAA-MM-JJ (ex. 2015-06-27)", value))
        return value
    return check


def choice(*values: str) -> Check:
    def check(value, path, findings):
        if str(value) not in values:
            findings.append(Finding(path, "une de ces valeurs : " + ", ".join(values), value))
        return value
    return check


def source_type() -> Check:
    """A code of vocabulaires/types_source.yml; another is a warning (its figures count as transcribed)."""
    known = codes("types_source")

    def check(value, path, findings):
        if str(value) not in known:
            findings.append(Finding(path, "un type de source parmi : " + ", ".join(known) + " (sinon ses chiffres "
                                    "sont comptés comme recopiés d'un document imprimé)", value, error=False))
        return value
    return check


def identifier() -> Check:
    def check(value, path, findings):
        if not isinstance(value, str | int) or isinstance(value, bool) or len(str(value)) > MAX_ID \
                or not SAFE_ID.fullmatch(str(value)):
            findings.append(Finding(path, f"un identifiant de {MAX_ID} caractères au plus en minuscules, chiffres, "
                                    "- ou _ (ex. « ra2022 »)", value))
        return value
    return check


def qpv_code() -> Check:
    def check(value, path, findings):
        if not isinstance(value, str) or not re.fullmatch(r"Q[PN][0-9A-Z]{6}", value.strip().upper()):
            findings.append(Finding(path, "un code de QPV (ex. « QP062001 » ou « QN06201M »)", value))
        return value
    return check


def list_of(item: Check, limit: int = 10_000) -> Check:
    def check(value, path, findings):
        if not isinstance(value, list):
            findings.append(Finding(path, f"une liste (« - … » ou « [a, b] »), pas {_kind(value)}", value))
            return value
        if len(value) > limit:
            findings.append(Finding(path, f"une liste d'au plus {limit} éléments"))
            return value
        for index, entry in enumerate(value):
            item(entry, (*path, index), findings)
        return value
    return check


def mapping(fields: dict[str, Field], closed: bool = True) -> Check:
    """A mapping of these keys; another key is reported (a warning) when ``closed``, and kept."""
    def check(value, path, findings):
        if not isinstance(value, dict):
            keys = ", ".join(fields)
            findings.append(Finding(path, f"un dictionnaire (clés {keys}), pas {_kind(value)}", value))
            return value
        for key, entry in value.items():
            spec = fields.get(str(key))
            if spec is None:
                if closed:
                    findings.append(Finding((*path, str(key)), "une clé connue (" + ", ".join(fields)
                                            + ") ; clé ignorée", error=False))
            elif entry is not None and entry != "":  # an empty optional value is as if absent (as in the template)
                spec.check(entry, (*path, str(key)), findings)
        missing = [key for key, spec in fields.items() if spec.required and value.get(key) in (None, "", [], {})]
        if missing:
            keys = ", ".join(f"« {key} »" for key in missing)
            which = "la clé obligatoire" if len(missing) == 1 else "les clés obligatoires"
            findings.append(Finding((*path, missing[0]), f"{which} {keys} (voir data/README.md)"))
        return value
    return check


def labels_of(vocabulary_name: str) -> Check:
    """A mapping « printed label: code » whose codes are those of a vocabulary (piliers, financeurs)."""
    def check(value, path, findings):
        from ..rules.harmonise import vocabulary

        if not isinstance(value, dict):
            findings.append(Finding(path, "un dictionnaire « libellé imprimé: code »", value))
            return value
        codes = vocabulary(vocabulary_name).labels
        for alias, code in value.items():
            if code not in codes:
                findings.append(Finding((*path, str(alias)), f"un code de {vocabulary_name} parmi : "
                                        + ", ".join(codes), f"{alias}: {code}"))
        return value
    return check


def per_year(item: Check) -> Check:
    """A mapping « year: value » (``rapports: {2024: {...}}``), each value checked by ``item``."""
    def check(value, path, findings):
        if not isinstance(value, dict):
            findings.append(Finding(path, "un dictionnaire « année: {genre, titre, sous_titre, logo} »", value))
            return value
        for key, entry in value.items():
            if not re.fullmatch(r"(19|20)\d\d", str(key)):
                findings.append(Finding((*path, str(key)), "une année de rapport sur quatre chiffres (ex. « 2024 »)",
                                        key))
            elif entry is not None:
                item(entry, (*path, str(key)), findings)
        return value
    return check


def report_kind() -> Check:
    """A report kind of ``vocabulaires/genres_rapport.yml``, the message naming each with its label."""
    def check(value, path, findings):
        from .editions import KINDS
        from ..rules.harmonise import label

        if str(value) not in KINDS:
            findings.append(Finding(path, "un genre de rapport parmi : " + ", ".join(
                f"{code} (« {label('genres_rapport', code)} »)" for code in KINDS), value))
        return value
    return check


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, dict):
        return "un dictionnaire"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, int | float):
        return "un nombre"
    if isinstance(value, dt.date):
        return "une date"
    return "un texte" if isinstance(value, str) else "une valeur vide" if value is None else type(value).__name__


def _figure() -> Check:  # population: {valeur, part, annee, source, section, qualificatif}
    # « qualificatif »: a code of vocabulaires/qualificatifs.yml or the printed words (« près de », « environ »).
    return mapping({"valeur": Field(text(40), required=True), "part": Field(text(40)), "annee": Field(year()),
                    "source": Field(identifier()), "section": Field(text()), "qualificatif": Field(text(40))})


# ---------------------------------------------------------------------------
# The keys of territoire.yml (see data/README.md). One line per key.

SOURCE = {
    "id": Field(identifier(), required=True),
    "fichier": Field(text(300)),
    "titre": Field(text()),
    "editeur": Field(text()),
    "date": Field(date()),
    "type": Field(source_type()),
    "annees": Field(list_of(year(), 200)),
    "annee_rapport": Field(year()),
    "url": Field(text(2000)),
    "diffusion": Field(text(60)),
}
QPV = {
    "nom": Field(text(200), required=True),
    "communes": Field(list_of(text(200), 200)),
    "code": Field(qpv_code()),
    "type": Field(choice("etat", "communautaire")),
}
CONTRACT = {
    "signature": Field(date()),
    "fin": Field(date()),
    "code": Field(text(100)),
}
# One contract of ``contrats:`` (cdv_analysis.ingest.contrats): the 2015–2023 one and the 2024–2030 one (« Quartiers 2030 »).
CONTRACT_GENERATION = {
    "id": Field(identifier()),
    "nom": Field(text(300)),
    "generation": Field(choice("2015", "2024")),
    "signature": Field(date()),
    "fin": Field(date()),
    "code": Field(text(100)),
    "qpv": Field(list_of(mapping(QPV), 5000)),
    "priorites": Field(list_of(text(500), 200)),
}
EDITION = {
    "genre": Field(report_kind()),
    "titre": Field(text(300)),
    "sous_titre": Field(text(300)),
    "logo": Field(text(200)),
}
FIELDS: dict[str, Field] = {
    "id": Field(identifier(), required=True),
    "nom": Field(text(300), required=True),
    "sigle": Field(text(60), required=True),
    "departement": Field(text(100)),
    "region": Field(text(100)),
    "nombre_communes_epci": Field(integer(1, 5000)),
    "communes": Field(list_of(text(200), 5000)),
    "qpv": Field(list_of(mapping(QPV), 5000)),
    "population": Field(_figure()),
    "population_qpv": Field(_figure()),
    "contrat": Field(mapping(CONTRACT)),
    "contrats": Field(list_of(mapping(CONTRACT_GENERATION), 10)),
    "sources": Field(list_of(mapping(SOURCE), 1000), required=True),
    "libelles": Field(mapping({"piliers": Field(labels_of("piliers")),
                               "financeurs": Field(labels_of("financeurs"))})),
    "origine": Field(text(60)),
    # Per report year: kind, title, subtitle, logo (a file of the folder: editions.edition_problems checks it).
    "rapports": Field(per_year(mapping(EDITION))),
}


def _cross_checks(meta: dict, findings: list[Finding]) -> None:
    """Rules between keys: a contract ends after it is signed; the contracts' QPV codes are of their
    generation (``contrats.contract_findings``); source ids are unique."""
    contract = meta.get("contrat")
    if isinstance(contract, dict):
        start, end = _date_text(contract.get("signature")), _date_text(contract.get("fin"))
        if start and end and end < start:
            findings.append(Finding(("contrat", "fin"), f"une fin de contrat après sa signature ({start})", end))
    from .contrats import contract_findings

    findings.extend(Finding(path, expected, value) for path, expected, value in contract_findings(meta))
    sources = meta.get("sources")
    if isinstance(sources, list):
        seen = set()
        for index, source in enumerate(sources):
            sid = source.get("id") if isinstance(source, dict) else None
            if not isinstance(sid, str | int):  # a list or mapping is reported by ``identifier`` (and unhashable)
                continue
            if sid in seen:
                findings.append(Finding(("sources", index, "id"), "un identifiant de source unique", sid))
            seen.add(sid)


def check_territory_file(value: object, require: bool = True) -> tuple[dict | None, list[Finding]]:
    """The normalised mapping of a ``territoire.yml`` and its findings (``require``: required keys checked)."""
    findings: list[Finding] = []
    if not isinstance(value, dict):
        return None, [Finding((), "un dictionnaire YAML (clés id, nom, sigle, sources…), et non "
                              + _kind(value))]
    fields = FIELDS if require else {k: Field(f.check) for k, f in FIELDS.items()}
    meta = mapping(fields)(value, (), findings)
    _cross_checks(meta, findings)
    return meta, findings


def line_of(text_: str, path: tuple) -> int | None:
    """The line (from 1) of the value at ``path`` in the YAML ``text_``, or of its closest parent found."""
    try:
        node = yaml.compose(text_, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
