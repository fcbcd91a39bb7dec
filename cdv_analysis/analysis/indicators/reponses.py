"""Answers to the evaluative questions of a territory's référentiel (``cdv_analysis.ingest.referentiel``).

For each question of a report section: its criteria, each with the indicator rows the
référentiel cites (value as printed, n, Wilson 95 % interval, source, vintage) and a few
representative statements chosen by :func:`representative_statements`; the source's own
conclusion with the rows that qualify it; and the strength of the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ...rules import formatting as fr
from ...rules.clean import cell_text, is_approximate
from ...rules.harmonise import label
from ...ingest.load import ROW_ORIGIN, Territory
from ...ingest.territory import memoized
from ...ingest.referentiel import Question, Referentiel, referentiel_of_year, select_rows
from ...rules.stats import compatible_counts, wilson_interval
from ._common import measure_label

__all__ = ["NATURE_RANK", "FINDING_RULES", "Answer", "answers", "findings", "representative_statements", "quoted_ids", "quoted_where", "statement_rows", "says_figure",
           "matches_key", "INDICATOR_COLUMNS"]

# The selection rule, by nature: findings first (constats and the source's conclusions), then appraisals and
# obstacles, then expectations, then the actors' own words, then proposals; descriptions of the scheme last.
NATURE_RANK = {"conclusion": 0, "constat": 0, "avis": 1, "frein": 1, "levier": 1, "attente": 2, "citation": 3,
               "proposition": 4, "preconisation": 4}
_LAST_RANK = 5
# Units written after a printed figure that does not carry them (counts, amounts and rates carry their own mark).
_UNIT_WORDS = {"mois", "ans", "jours", "heures", "habitants", "points"}
INDICATOR_COLUMNS = ["question", "critere_id", "critere", "table", "enquete", "libelle", "valeur", "n", "ic_bas", "ic_haut",
                     "repondants", "millesime", "source", "titre_source", "section"]


@dataclass
class Answer:
    """One question's answer block: its criteria's indicators and statements, its conclusion, its evidence."""

    question: Question
    indicators: pd.DataFrame
    statements: pd.DataFrame  # every candidate statement, ``retenu`` True for those shown
    conclusion: list[tuple[pd.Series, list[pd.Series]]]  # (conclusion row, rows that qualify it)
    evidence: dict = field(default_factory=dict)

    def shown(self, criterion_id: str) -> pd.DataFrame:
        rows = self.statements
        return rows[(rows["critere_id"] == criterion_id) & rows["retenu"]]


def representative_statements(candidates: pd.DataFrame, exclude: set[str] | frozenset = frozenset(),
                              per_actor: int = 1, limit: int = 3) -> pd.Series:
    """Which candidate statements a criterion shows: a boolean Series aligned on ``candidates``.

    The rule: statements already quoted on the page (``exclude``) are left out; the others are ranked by
    nature (:data:`NATURE_RANK`: constats before appraisals, expectations, quotations, proposals and
    descriptions), a statement before its sub-points, then in the référentiel's order; the first
    ``per_actor`` of each actor group are kept, ``limit`` at most. The rest stay in the CSV.
    """
    if candidates.empty:
        return pd.Series(dtype=bool)
    order = candidates.assign(
        _rank=candidates["nature"].map(lambda n: NATURE_RANK.get(cell_text(n), _LAST_RANK)),
        _sub=candidates["rattache_a"].map(lambda r: 1 if cell_text(r) else 0),
        _pos=range(len(candidates)))
    # A heading of the source (nature « intitule ») is nobody's words: never shown as a statement.
    order = order[~order["id"].isin(exclude) & (order["nature"] != "intitule")].sort_values(
        ["_rank", "_sub", "_pos"], kind="stable")
    kept: list = []
    per_group: dict[str, int] = {}
    for index, row in order.iterrows():
        group = label("acteurs", cell_text(row["acteur"]))
        if per_group.get(group, 0) >= per_actor:
            continue
        per_group[group] = per_group.get(group, 0) + 1
        kept.append(index)
        if len(kept) >= limit:
            break
    return pd.Series(candidates.index.isin(kept), index=candidates.index)


def statement_rows(territory: Territory, ids: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """The qualitatif rows of ``ids``, in that order (unknown ids are skipped: loading reports them).

    Without the file and line each row was read from (``ROW_ORIGIN``): these rows are shipped in
    ``reponses_<section>_enonces.csv``, and the file is a path of the machine that built the report.
    """
    table = territory.table("qualitatif").drop(columns=list(ROW_ORIGIN), errors="ignore")
    by_id = table.drop_duplicates("id").set_index("id", drop=False)
    return by_id.loc[[i for i in ids if i in by_id.index]].reset_index(drop=True)


def _interval(printed: str, n: object, value: object,
              counted: object = None) -> tuple[int | None, float | None, float | None]:
    if not printed and counted is not None and pd.notna(counted) and pd.notna(n) and int(n) > 0:
        low, high = wilson_interval(int(counted), int(n))  # an imported questionnaire: its own count
        return int(counted), 100 * low, 100 * high
    if pd.isna(n) or not printed or is_approximate(printed) or pd.isna(value):
        return None, None, None
    candidates = compatible_counts(printed, int(n))
    if len(candidates) != 1 or int(n) <= 0:
        return None, None, None
    low, high = wilson_interval(candidates[0], int(n))
    return candidates[0], 100 * low, 100 * high


def _percent(value: object, printed: str) -> str:
    if pd.isna(value):
        return printed
    return fr.pourcent(float(value), None)


def _amount_and_share(amount: str, share: str) -> str:
    """A printed amount or count with the share printed beside it (« 4 734 927,00 € (68,3 %) »), else either."""
    if amount and share:
        return f"{amount} ({share})" if "%" in share else f"{amount} ({share}\xa0%)"
    return amount or share


def _money_label(row: pd.Series, what: str) -> str:
    """A money row named by what it measures (``measure_label``: « montant programmé », « total des financements
    politique de la ville (tous dispositifs) »), its pillar, theme, financer and credit type (``what``), and the
    base of a share or change (« (base : crédits de la programmation 2022) »)."""
    head = measure_label(row)
    champ = cell_text(row.get("champ"))
    if row["mesure"] == "evolution" and champ:
        head += " — " + measure_label({"mesure": "programmation", "champ": champ})  # the change of what
    libelle = head + (f" — {what}" if what else " (tous financeurs)" if head == label("mesures", "programmation")
                      else "")
    share = cell_text(row["part_publiee_publie"]) or row["mesure"] == "evolution"
    base = cell_text(row.get("base"))
    return f"{libelle} (base : {base})" if share and base else libelle


def _indicator_rows(table: str, rows: pd.DataFrame) -> list[dict]:
    out = []
    for _, row in rows.iterrows():
        n = low = high = None
        if table in ("enquetes", "cooperation"):
            printed = cell_text(row["pourcentage_publie"])
            libelle = (f"{cell_text(row['question'])} — {cell_text(row['modalite'])}" if table == "enquetes" else
                       f"coopération avec {cell_text(row['partenaire'])} — {cell_text(row['libelle_niveau'])}")
            value = _percent(row["pourcentage"], printed)
            # The questionnaire's respondents are not the n of the question: no count, no interval from them
            # (an imported questionnaire's own count stays: its n is the question's).
            bounded = table == "enquetes" and cell_text(row.get("n_origine")) == "questionnaire"
            n = None if bounded else row["n_repondants"]
            _, low, high = (None, None, None) if bounded else _interval(printed, n, row["pourcentage"],
                                                                         row.get("effectif"))
        elif table == "financements":
            # Pillar and credit type name the row too: a pillar table's rows differ by nothing else.
            credit = label("types_credit", cell_text(row["type_credit"])) if cell_text(row["type_credit"]) else ""
            theme, financer = cell_text(row["thematique"]), cell_text(row["financeur_publie"])
            if theme and financer.casefold().startswith(theme.casefold()):
                financer = ""  # « Fonds de Cohésion Sociale — Fonds de cohésion sociale de la … »: named once
            what = " — ".join(x for x in (cell_text(row["pilier_publie"]), theme, financer, credit) if x)
            libelle = _money_label(row, what)
            value = _amount_and_share(cell_text(row["montant_publie"]), cell_text(row["part_publiee_publie"]))
        elif table == "projets":
            carriers = label("types_porteur", cell_text(row["type_porteur"])) if cell_text(row["type_porteur"]) else ""
            libelle = " — ".join(x for x in (label("mesures", cell_text(row["mesure"])), cell_text(row["pilier_publie"]),
                                             cell_text(row["thematique"]), carriers, cell_text(row["porteur_publie"]))
                                 if x)
            value = _amount_and_share(cell_text(row["nombre_publie"]), cell_text(row["part_publiee_publie"]))
        else:
            parts = [cell_text(row[c]) for c in ("indicateur", "modalite") if cell_text(row[c])]
            if table == "contexte" and cell_text(row["perimetre"]):
                parts.append(cell_text(row["perimetre"]))  # the QPV's figure and the agglomeration's side by side
            libelle = " — ".join(parts)
            value = cell_text(row["valeur_publiee"])
            unit = cell_text(row.get("unite"))
            if unit in _UNIT_WORDS and not value.endswith(unit):
                value = f"{value} {unit}"  # « 3 mois », not « 3 »
        word = cell_text(row.get("qualificatif_mot"))
        if word and not value.lower().startswith(word.split()[0].lower()):
            value = f"{word} {value}"  # the qualifier travels with the figure (« jusqu'à 53 % »)
        respondents = row.get("n_repondants") if table in ("enquetes", "cooperation") else None
        out.append({"table": table, "enquete": cell_text(row.get("enquete", "")), "libelle": libelle, "valeur": value,
                    "n": None if n is None or pd.isna(n) else int(n), "ic_bas": low, "ic_haut": high,
                    # the questionnaire's respondents (an upper bound of each question's n)
                    "repondants": None if respondents is None or pd.isna(respondents) else int(respondents),
                    "millesime": (cell_text(row["millesime"]) or "année non précisée") if "millesime" in row
                    else cell_text(row["annee"]), "source": cell_text(row["source"]),
                    "section": cell_text(row["section"])})
    return out


def quoted_where(territory: Territory, annee: int | str) -> dict[str, str]:
    """Statement id → « la réponse à la question N » for every statement the answer blocks quote."""
    where: dict[str, str] = {}
    for number, answer in enumerate(answers(territory, annee), start=1):
        place = f"réponse à la question {number}"
        ids = list(answer.statements.loc[answer.statements["retenu"], "id"])
        for row, qualifiers in answer.conclusion:
            ids += [row["id"], *(q["id"] for q in qualifiers)]
        where.update({i: place for i in ids})
    return where


def quoted_ids(territory: Territory, annee: int | str) -> set[str]:
    """Ids of the statements the answer blocks of the report of ``annee`` quote (shown ones and conclusions)."""
    return set(quoted_where(territory, annee))


def _conclusion(territory: Territory, question: Question) -> list[tuple[pd.Series, list[pd.Series]]]:
    table = territory.table("qualitatif")
    result = []
    for _, row in statement_rows(territory, question.conclusion).iterrows():
        qualifiers = [r for _, r in table[table["rattache_a"] == row["id"]].iterrows()]
        result.append((row, qualifiers))
    return result


def answers(territory: Territory, annee: int | str, section: str | None = None,
            referentiel: Referentiel | None = None) -> list[Answer]:
    """The answer blocks of the report of ``annee`` (of one ``section``, or all), in the référentiel's order.

    Statements are chosen question after question, each criterion excluding what the page already quotes
    (earlier criteria and every question's conclusion), so that no statement is quoted twice. In a report
    (``Territory.memo``) the blocks are computed once and every cell that needs them reads them.
    """
    if referentiel is None:
        every = memoized(territory, ("answers", str(annee)), lambda: _answers(territory, annee, None))
        return [a for a in every if section is None or a.question.section == section]
    return _answers(territory, annee, referentiel, section)


def _answers(territory: Territory, annee: int | str, referentiel: Referentiel | None,
             section: str | None = None) -> list[Answer]:
    referentiel = referentiel or referentiel_of_year(territory, annee)
    if referentiel is None:
        return []
    quoted: set[str] = set()
    for question in referentiel.questions:
        quoted.update(question.conclusion)
        for _, qualifiers in _conclusion(territory, question):
            quoted.update(q["id"] for q in qualifiers)
    result = []
    for question in referentiel.questions:
        indicator_rows, statement_frames = [], []
        for criterion in question.criteres:
            for table, filtre in criterion.indicateurs:
                for item in _indicator_rows(table, select_rows(territory.table(table), filtre)):
                    indicator_rows.append({"question": question.id, "critere_id": criterion.id,
                                           "critere": criterion.critere, **item})
            candidates = statement_rows(territory, criterion.enonces)
            if not candidates.empty:
                candidates = candidates.assign(question=question.id, critere_id=criterion.id)
                candidates["retenu"] = representative_statements(candidates, exclude=quoted).to_numpy()
                quoted.update(candidates.loc[candidates["retenu"], "id"])
                statement_frames.append(candidates)
        if section is not None and question.section != section:
            continue
        indicators = pd.DataFrame(indicator_rows, columns=INDICATOR_COLUMNS)
        indicators["titre_source"] = indicators["source"].map(
            lambda s: territory.source_title(s))
        statements = (pd.concat(statement_frames, ignore_index=True) if statement_frames else
                      pd.DataFrame(columns=["id", "acteur", "nature", "texte", "source", "section", "question",
                                            "critere_id", "retenu", "rattache_a"]))
        conclusion = _conclusion(territory, question)
        result.append(Answer(question, indicators, statements, conclusion,
                             _evidence(indicators, statements, conclusion)))
    return result


def _evidence(indicators: pd.DataFrame, statements: pd.DataFrame, conclusion: list) -> dict:
    """How many sources and documents' parts, how many respondents, how many actor groups speak."""
    used = statements[statements["retenu"]] if not statements.empty else statements
    sources = set(indicators["source"]) | set(used.get("source", [])) | {row["source"] for row, _ in conclusion}
    surveys = {}
    for _, row in indicators[indicators["repondants"].notna()].iterrows():
        surveys.setdefault(row["enquete"] or row["table"], int(row["repondants"]))
    groups = sorted({label("acteurs", cell_text(a)) for a in statements.get("acteur", [])})
    return {"sources": sorted(s for s in sources if s), "indicateurs": len(indicators),
            "repondants": surveys,
            "enonces": len(statements), "enonces_retenus": int(statements["retenu"].sum()) if len(statements) else 0,
            "groupes": groups}


FINDING_RULES = {
    "question": "réponse à une question évaluative",
    "evolution": "plus forte évolution de la programmation",
    "chiffre_cle": "chiffre que la source met en avant",
}
MAX_FINDINGS, MIN_FINDINGS = 8, 5
FINDING_COLUMNS = ["rang", "regle", "question", "question_texte", "numero_question", "section", "texte", "auteur", "libelle", "valeur",
                   "n", "source"]


def _key_indicator(answer: Answer) -> pd.Series | None:
    rows = answer.indicators
    if rows.empty:
        return None
    wanted = answer.question.chiffre_cle
    if wanted:
        from ...ingest.referentiel import no_key_figure

        if no_key_figure(wanted):
            return None  # « chiffre_cle: aucun »: no figure sums this question up

        match = rows[matches_key(rows, wanted)]
        if not match.empty:
            return match.sort_values("millesime", kind="stable").iloc[-1]  # the latest vintage
    return rows.iloc[0]


def matches_key(rows: pd.DataFrame, wanted: str) -> pd.Series:
    """Indicator rows whose label starts with the référentiel's ``chiffre_cle`` (case and accents ignored)."""
    from ...ingest.referentiel import _fold

    return rows["libelle"].map(_fold).str.startswith(_fold(wanted))


def _earlier(answer: Answer, figure: pd.Series) -> pd.Series | None:
    """The same indicator at an earlier vintage (« 3 actions en 2015 » before « 22 en 2022 »), if printed."""
    same = answer.indicators[(answer.indicators["libelle"] == figure["libelle"])
                             & (answer.indicators["millesime"] < figure["millesime"])]
    return same.sort_values("millesime", kind="stable").iloc[0] if not same.empty else None


def findings(territory: Territory, annee: int | str) -> pd.DataFrame:
    """Up to 8 findings of the synthesis (5 when the sources give enough), each one sentence with its figure and the
    section it sums up.

    The rule, in this order and never beyond :data:`MAX_FINDINGS`: (1) one finding per evaluative question
    of the référentiel — the evaluator's ``synthese`` sentence (else the question) and its key indicator
    (``chiffre_cle``, its latest vintage, else its first; an earlier vintage of it is shown too); (2) unless a
    programmation question's key figure is already its change, the programmation's change up to the report's
    year, over the period the report's own sources print, else since the previous printed year (with each amount's
    qualifier and what the amounts cover); (3) the figures the source itself prints (``key_figures`` not
    ``calcule``, in their order) that no earlier finding gives already, until :data:`MIN_FINDINGS` findings are
    reached.
    """
    from .montants import amount_shown, change_between, perimeter_name
    from .programmation import programmation_series
    from .synthese import key_figures

    year = int(str(annee)[-4:])
    rows: list[dict] = []
    for number, answer in enumerate(answers(territory, annee), start=1):
        figure = _key_indicator(answer)
        earlier = None if figure is None else _earlier(answer, figure)
        q = answer.question
        value = "" if figure is None else figure["valeur"] + (f" en {figure['millesime']}" if earlier is not None
                                                               else "")
        if earlier is not None:
            value = f"{earlier['valeur']} en {earlier['millesime']}, {value}"
        rows.append({"regle": "question", "question": q.id, "question_texte": q.question, "numero_question": number, "section": q.section,
                     "texte": q.synthese or q.question, "auteur": "evaluateur" if q.synthese else "question",
                     "libelle": "" if figure is None else figure["libelle"], "valeur": value,
                     "n": None if figure is None or pd.isna(figure["n"]) else int(figure["n"]),
                     "source": "" if figure is None else figure["source"]})
    series = programmation_series(territory)
    series = series[series["annee"] <= year] if not series.empty else series
    # A question whose key figure is already the programmation's change (CALL's « évolution des financements »)
    # answers for it; a question on the year's means alone does not.
    answered = any(row["section"] == "programmation" and row["libelle"].startswith("évolution") for row in rows)
    if len(series) >= 2 and int(series["annee"].iloc[-1]) == year and not answered:
        # Over the period the report's own sources print (a final evaluation), else since the previous year.
        own = series[series["source"].isin(territory.sources_of_report_year(year))]
        before = own.iloc[0] if len(own) >= 2 else series.iloc[-2]
        now = series.iloc[-1]
        change = change_between(before, now)  # the approximate-amount rule: « environ +48 % », never « +47,7 % »
        if change.pct is not None:
            what = perimeter_name(now["champ"]) or "programmation du contrat de ville"
            amounts = f"{amount_shown(before, perimeter=False)} → {amount_shown(now, perimeter=False)}"
            rows.append({"regle": "evolution", "question": "", "numero_question": None, "section": "programmation",
                         "texte": f"Évolution {int(before['annee'])}–{int(now['annee'])} ({what})",
                         "auteur": "calcul", "libelle": amounts + (", montants approchés" if change.approximate else ""),
                         "valeur": change.shown, "n": None, "source": now["source"]})
    figures = key_figures(territory, annee)
    for _, figure in figures[~figures["calcule"].astype(bool)].iterrows():  # the source's figures, not sums or rates
        if len(rows) >= MIN_FINDINGS:
            break
        if _already_said(figure["valeur_affichee"], rows):
            continue  # a figure an earlier finding already gives (« 6 931 463 € » in a question's sentence)
        rows.append({"regle": "chiffre_cle", "question": "", "numero_question": None,
                     "section": _FIGURE_SECTIONS.get(figure["cle"], "synthese"), "texte": figure["indicateur"],
                     "auteur": "source", "libelle": figure["indicateur"], "valeur": figure["valeur_affichee"],
                     "n": None, "source": figure["source"]})
    result = pd.DataFrame(rows[:MAX_FINDINGS], columns=[c for c in FINDING_COLUMNS if c != "rang"])
    result.insert(0, "rang", range(1, len(result) + 1))
    return result


def _spaced(text: object) -> str:
    """Spaces of every kind made one, none before « % » (« 33 % » and « 33% » are the same figure)."""
    return " ".join(cell_text(text).replace("\u202f", " ").replace("\xa0", " ").split()).replace(" %", "%")


def says_figure(text: object, value: object) -> bool:
    """Whether a figure (as displayed, « 6 931 463 € ») stands in ``text`` as a whole number, spaces aside."""
    figure = _spaced(value)
    # Not a piece of a longer number: no digit, decimal comma or thousands group on either side.
    whole = r"(?<![\d,])(?<!\d )" + re.escape(figure) + r"(?!\d|,\d| \d)"
    return bool(figure) and re.search(whole, _spaced(text)) is not None


def _already_said(value: object, rows: list[dict]) -> bool:
    """Whether a figure already stands in an earlier finding's sentence or value."""
    return any(says_figure(_spaced(row["texte"]) + " | " + _spaced(row["valeur"]), value) for row in rows)


# The report section that details each headline figure of ``key_figures`` (its key → notebook section).
_FIGURE_SECTIONS = {"programmation": "programmation", "financements_politique_ville": "programmation",
                    "projets_deposes": "programmation", "projets_soutenus": "programmation",
                    "taux_selection": "programmation", "part_pilier_principal": "programmation",
                    "part_credits_specifiques": "programmation", "projets_associatifs": "programmation",
                    "credits_specifiques": "programmation", "financements_tous_financeurs": "programmation",
                    "taux_reponse_communes": "gouvernance",
                    "taux_reponse_associations": "gouvernance", "population": "contexte",
                    "population_qpv": "contexte"}
