"""The two generations of contrats de ville and the priority geography of each.

The contrats de ville of 2015 (signed in 2015, extended to 31 December 2023)
work on the QPV of 2014 (codes ``QP…``, e.g. ``QP062001``). Since 1 January 2024
the contrats de ville 2024–2030 (« Quartiers 2030 ») work on a new geography
listed by décret n° 2023-1314 du 28 décembre 2023 (codes ``QN…`` in the
« QNXXXYYZ » format, e.g. ``QN06201M``; outre-mer from 2025). A territory may
declare both under ``contrats:`` in its territoire.yml, each with its QPV and
priorities; a report year belongs to the contract in force that year, and any
comparison across the two says that the geography changed.

A territory declaring only the older keys (``contrat:`` and ``qpv:``) has one
contract, of the generation its dates (or its QPV codes) say.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

__all__ = ["GENERATIONS", "Contract", "contracts", "contract_of_year", "generation_of_year", "geography_change",
           "declared_qpv_codes", "contract_findings", "QPV_CODE_PATTERNS"]

# generation -> (label, first year, last year)
GENERATIONS = {
    "2015": ("contrat de ville 2015–2023", 2015, 2023),
    "2024": ("contrat de ville 2024–2030 « Quartiers 2030 »", 2024, 2030),
}
QPV_CODE_PATTERNS = {
    "2015": (re.compile(r"QP\d{2}[0-9AB]\d{3}"), "un code de QPV de 2015 (« QP » et 6 caractères, ex. « QP062001 »)"),
    "2024": (re.compile(r"QN\d{2}[0-9AB]\d{2}[0-9A-Z]"),
             "un code de QPV de 2024 au format QNXXXYYZ du décret n° 2023-1314 (ex. « QN06201M »)"),
}
GEOGRAPHY_CHANGE = (
    "La géographie prioritaire a changé au 1er janvier 2024 (décret n° 2023-1314 du 28 décembre 2023) : "
    "les quartiers prioritaires des contrats de ville 2024–2030 (codes « QN… ») ne sont pas ceux des contrats "
    "de 2015 (codes « QP… ») ; comparer {before} à {after}, c'est comparer des périmètres différents."
)


@dataclass(frozen=True)
class Contract:
    """One contrat de ville of a territory: its generation, its years, its QPV and its priorities."""

    id: str
    generation: str  # « 2015 » or « 2024 »
    nom: str
    first_year: int
    last_year: int
    qpv: tuple[dict, ...] = ()
    priorities: tuple[str, ...] = ()
    signature: str = ""
    code: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def label(self) -> str:
        return self.nom or GENERATIONS[self.generation][0]

    def covers(self, year: int) -> bool:
        return self.first_year <= int(year) <= self.last_year


def _year_of(value: object) -> int | None:
    if isinstance(value, dt.date):
        return value.year
    match = re.match(r"\s*((?:19|20)\d\d)", str(value or ""))
    return int(match.group(1)) if match else None


def _generation(entry: dict, qpv: list) -> str:
    declared = str(entry.get("generation") or "").strip()
    if declared in GENERATIONS:
        return declared
    start = _year_of(entry.get("signature")) or _year_of(entry.get("debut"))
    if start is not None:
        return "2024" if start >= 2024 else "2015"
    codes = {str(q.get("code", "")).strip().upper()[:2] for q in qpv if isinstance(q, dict) and q.get("code")}
    return "2024" if codes == {"QN"} else "2015"


def _contract(entry: dict, qpv: list, index: int) -> Contract:
    generation = _generation(entry, qpv)
    _, first, last = GENERATIONS[generation]
    first = _year_of(entry.get("signature")) or _year_of(entry.get("debut")) or first
    last = _year_of(entry.get("fin")) or last
    return Contract(
        id=str(entry.get("id") or f"contrat-{generation}"), generation=generation, nom=str(entry.get("nom") or ""),
        first_year=first, last_year=last, qpv=tuple(q for q in qpv if isinstance(q, dict)),
        priorities=tuple(str(p) for p in entry.get("priorites") or [] if str(p).strip()),
        signature=str(entry.get("signature") or ""), code=str(entry.get("code") or ""),
        extra={"index": index})


def contracts(meta: dict) -> list[Contract]:
    """The contracts a territoire.yml declares, oldest first (``contrats:``, else ``contrat:`` with ``qpv:``)."""
    listed = meta.get("contrats")
    if isinstance(listed, list) and listed:
        found = [_contract(entry, entry.get("qpv") if isinstance(entry.get("qpv"), list) else [], index)
                 for index, entry in enumerate(listed) if isinstance(entry, dict)]
        return sorted(found, key=lambda c: (c.first_year, c.extra["index"]))
    single = meta.get("contrat") if isinstance(meta.get("contrat"), dict) else {}
    qpv = meta.get("qpv") if isinstance(meta.get("qpv"), list) else []
    if not single and not qpv:
        return []
    return [_contract(single, qpv, 0)]


def contract_of_year(meta: dict, year: int | str) -> Contract | None:
    """The contract in force in ``year`` (the latest signed when two overlap), or None."""
    year = int(str(year)[-4:])
    covering = [c for c in contracts(meta) if c.covers(year)]
    return covering[-1] if covering else None


def generation_of_year(year: int | str) -> str:
    """The generation of contracts in force nationally in ``year``: « 2015 » up to 2023, « 2024 » from 2024."""
    return "2024" if int(str(year)[-4:]) >= 2024 else "2015"


def geography_change(years) -> str | None:
    """The French warning for a comparison over ``years`` spanning both geographies, else None."""
    from ..rules.formatting import liste_fr

    years = sorted({int(str(y)[-4:]) for y in years if str(y).strip()[-4:].isdigit()})
    if len({generation_of_year(y) for y in years}) < 2:
        return None
    before = [y for y in years if y < 2024]
    after = [y for y in years if y >= 2024]
    # one « et » per list: « comparer 2019, 2021 et 2022 à 2024 », never « entre 2019, 2021 et 2022 et 2024 »
    return GEOGRAPHY_CHANGE.format(before=liste_fr(str(y) for y in before), after=liste_fr(str(y) for y in after))


def declared_qpv_codes(meta: dict) -> list[str]:
    """Every QPV code a territoire.yml declares (``qpv:`` and the ``qpv:`` of each contract), upper case."""
    codes: list[str] = []
    lists = [meta.get("qpv")] + [c.get("qpv") for c in meta.get("contrats") or [] if isinstance(c, dict)]
    for listed in lists:
        if isinstance(listed, list):
            codes += [str(q["code"]).strip().upper() for q in listed if isinstance(q, dict) and q.get("code")]
    return list(dict.fromkeys(codes))


def declared_contract_codes(meta: dict) -> list[str]:
    """Every contract code a territoire.yml declares (``contrat: {code}`` and the ``code`` of each ``contrats:``),
    upper case."""
    entries = [meta.get("contrat")] + list(meta.get("contrats") or [])
    codes = [str(c["code"]).strip().upper() for c in entries if isinstance(c, dict) and str(c.get("code") or "").strip()]
    return list(dict.fromkeys(codes))


def contract_findings(meta: dict) -> list[tuple[tuple, str, object]]:
    """(key path, French expectation, value) of each inconsistency of the contracts of a territoire.yml.

    A QPV code of the other geography, a contract of 2024 starting before 2024 (or of 2015 after 2023),
    two contracts of one generation, a report year that no declared contract covers.
    """
    listed = meta.get("contrats")
    found: list[tuple[tuple, str, object]] = []
    if not isinstance(listed, list):
        return found
    seen: dict[str, int] = {}
    for index, entry in enumerate(listed):
        if not isinstance(entry, dict):
            continue
        qpv = entry.get("qpv") if isinstance(entry.get("qpv"), list) else []
        contract = _contract(entry, qpv, index)
        pattern, expected = QPV_CODE_PATTERNS[contract.generation]
        for number, quarter in enumerate(qpv):
            code = str(quarter.get("code", "")).strip().upper() if isinstance(quarter, dict) else ""
            if code and not pattern.fullmatch(code):
                found.append((("contrats", index, "qpv", number, "code"),
                              f"{expected} : ce contrat est de la génération {contract.generation}", code))
        _, first, last = GENERATIONS[contract.generation]
        if not first <= contract.first_year <= last:
            found.append((("contrats", index, "signature"),
                          f"une date de {first} à {last} pour un {GENERATIONS[contract.generation][0]}",
                          entry.get("signature") or entry.get("debut")))
        if contract.generation in seen:
            found.append((("contrats", index, "generation"), "un seul contrat par génération (2015, 2024)",
                          contract.generation))
        seen[contract.generation] = index
    declared = contracts(meta)
    for index, source in enumerate(meta.get("sources") or []):
        year = _year_of(source.get("annee_rapport")) if isinstance(source, dict) else None
        if year and declared and not any(c.covers(year) for c in declared):
            spans = ", ".join(f"{c.first_year}–{c.last_year}" for c in declared)
            found.append((("sources", index, "annee_rapport"),
                          f"une année couverte par un contrat déclaré sous « contrats: » ({spans})", year))
    return found
