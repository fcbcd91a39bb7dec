"""Portraits of contracts known only from open data, and the French of their names.

A territory whose every table was written by an importer (INSEE QPV
indicators, ANCT subsidies) has no evaluation to report: it gets a
« Portrait du contrat de ville », titled from its ``territoire.yml`` with the
right French article before the name (« du contrat de ville de Lens »,
« de la communauté d'agglomération … », « du Havre »).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["OPEN_DATA_ORIGIN", "is_open_data_only", "proper_case", "with_preposition", "portrait_title",
           "evaluation_title"]

OPEN_DATA_ORIGIN = "donnees-ouvertes"
_MANIFEST = ".imports.json"  # importers.MANIFEST (not imported: importers pulls in the whole loader)
_TERRITORY_FILE = "territoire.yml"

# Small words kept in lower case inside a place name (« Saint-Laurent-du-Var », « Villeneuve-lès-Avignon »).
_PARTICLES = {"de", "du", "des", "d", "la", "le", "les", "l", "sur", "sous", "en", "et", "lès", "lez", "aux", "au"}
_VOWELS = "aeiouyhâàäéèêëîïôöûùüœ"
# Common nouns that open a territory name: (gender, lower-cased in running text).
_NOUNS = {"contrat": ("m", True), "communauté": ("f", True), "métropole": ("f", False),
          "agglomération": ("f", False), "ville": ("f", False), "commune": ("f", True),
          "territoire": ("m", False), "pays": ("m", False), "établissement": ("m", True),
          "syndicat": ("m", False), "eurométropole": ("f", False)}


def proper_case(name: str) -> str:
    """A place name printed in capitals as French writes it: « SAINT-DENIS » → « Saint-Denis ».

    « LE HAVRE » → « Le Havre », « VILLENEUVE-D'ASCQ » → « Villeneuve-d'Ascq »,
    « VILLENEUVE-LÈS-AVIGNON » → « Villeneuve-lès-Avignon ». A name already
    in mixed case is kept as written.
    """
    name = " ".join(str(name).split())
    if not (name.isupper() or name.islower()):
        return name
    parts = re.split(r"([ \-'’])", name.lower())
    out, first = [], True
    for index, part in enumerate(parts):
        if not part or part in " -'’":
            out.append(part)
            continue
        after_apostrophe = index > 0 and parts[index - 1] in "'’"
        followed_by_apostrophe = index + 1 < len(parts) and parts[index + 1] in "'’"
        particle = part in _PARTICLES and not first and not after_apostrophe
        if particle and not (followed_by_apostrophe and index > 0 and parts[index - 1] == " "):
            out.append(part)
        else:
            out.append(part[:1].upper() + part[1:])
        first = False
    return "".join(out)


def with_preposition(name: str, preposition: str = "de") -> str:
    """``name`` after « de », « à » or « pour », with its article: « du contrat de ville de Lens ».

    A name opening with a common noun takes its article (« de la communauté
    d'agglomération … », « de l'Agglomération … »); a place name takes none
    (« de Montpellier »), except its own (« du Havre », « des Mureaux »).
    """
    name = " ".join(str(name).split())
    words = name.split(" ", 1)
    head, rest = words[0], (words[1] if len(words) > 1 else "")
    lowered = head.lower()
    contracted = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}
    if lowered in ("le", "les") and rest:
        article = contracted.get((preposition, lowered))
        return f"{article} {rest}" if article else f"{preposition} {head} {rest}"
    if lowered == "la" and rest:  # a town's own article is part of its name: « de La Rochelle »
        return f"{preposition} {head} {rest}"
    noun = re.split(r"[\s'’-]", lowered, maxsplit=1)[0]
    if noun in _NOUNS:
        gender, lower = _NOUNS[noun]
        shown = name[:1].lower() + name[1:] if lower else name
        if shown[:1].lower() in _VOWELS:
            article = "l'"
        else:
            article = "le " if gender == "m" else "la "
        phrase = f"{article}{shown}"
        if article == "le ":
            return {"de": f"du {shown}", "à": f"au {shown}"}.get(preposition, f"{preposition} {phrase}")
        return f"{preposition} {phrase}"
    if preposition == "de" and name[:1].lower() in _VOWELS:
        return f"d'{name}"
    return f"{preposition} {name}"


def _is_contract_name(name: str) -> bool:
    return name.lower().startswith("contrat de ville")


def portrait_title(name: str) -> str:
    """« Portrait du contrat de ville de Montpellier » (or of the contract's own label)."""
    name = " ".join(str(name).split())
    if _is_contract_name(name):
        return f"Portrait {with_preposition(name)}"
    return f"Portrait du contrat de ville {with_preposition(name)}"


def evaluation_title(name: str, acronym: str) -> str:
    """« Contrat de Ville — Communauté d'agglomération … (CALL) »; the acronym only when it adds something."""
    name = " ".join(str(name).split())
    shown = name if _is_contract_name(name) else f"Contrat de Ville — {name}"
    return shown if not acronym or acronym.lower() in name.lower() else f"{shown} ({acronym})"


def is_open_data_only(folder: Path | str, meta: dict | None = None) -> bool:
    """True for a territory known only from open data.

    Either its ``territoire.yml`` says ``origine: donnees-ouvertes``, or every
    data file of its folder was written by an importer (listed in ``.imports.json``).
    """
    folder = Path(folder)
    if meta is None:
        import yaml

        try:
            meta = yaml.safe_load((folder / _TERRITORY_FILE).read_text("utf-8")) or {}
        except (OSError, ValueError, yaml.YAMLError):
            meta = {}
    if isinstance(meta, dict) and str(meta.get("origine", "")).strip() == OPEN_DATA_ORIGIN:
        return True
    try:
        imported = set(json.loads((folder / _MANIFEST).read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return False
    tables = [p.name for p in folder.iterdir()
              if p.is_file() and p.suffix.lower() in {".csv", ".xlsx", ".tsv"} and not p.name.startswith(".")]
    return bool(tables) and set(tables) <= imported


def portrait_subtitle(year: int | str) -> str:
    return f"Portrait du contrat de ville — données ouvertes, édition {year}"


# ---------------------------------------------------------------------------
# Sections of a portrait (the notebooks call these: their cells stay short)

_EVALUATION_TABLES = ("financements", "gouvernance", "sante", "participation")
_KEY_INDICATORS = ("tp60", "tx_tot_empl", "ind_jeune", "tx_tot_eprec", "brev", "part_chomprinc", "pmimp",
                   "decuc_q2")


def _source_names(ctx) -> list[str]:
    return [str(s.get("titre", sid)) for sid, s in ctx.sources.items()]


def show_portrait_intro(ctx) -> None:
    """The portrait's opening box: what it is built from and which tables would make it an evaluation."""
    from .narrative.contexte import portrait_intro
    from .notebook import show_markdown

    missing = [ctx.territory.expected_file(t) for t in _EVALUATION_TABLES if not ctx.territory.has(t)]
    show_markdown(portrait_intro(ctx.territory.nom, _source_names(ctx), missing))


def show_insee_section(ctx, many: int | None = None) -> bool:
    """Every imported INSEE indicator by theme, the per-QPV table, and charts that fit a page. False if none."""
    from .charts.donnees_ouvertes import MANY_QPV, qpv_distributions, qpv_profiles_bars, qpv_ranking_bars
    from .indicators.contexte import (INSEE_CAVEATS, insee_values, insee_vintages, qpv_profiles, qpv_table,
                                      theme_summary)
    from .markup import escape_markdown
    from .narrative.contexte import insee_vintage_paragraph, qpv_table_html, theme_summary_paragraph
    from .notebook import show_chart, show_markdown

    from IPython.display import HTML, display

    values = insee_values(ctx.territory)
    if values.empty:
        return False
    table = qpv_table(values)
    source = ctx.source_label(table.attrs["source"])
    show_markdown("### Profils des quartiers prioritaires (INSEE)")
    show_markdown(insee_vintage_paragraph(insee_vintages(values), len(table)))
    ctx.save_table("indicateurs_qpv", table)
    key = [c for c in table.columns if c.split("_20")[0] in _KEY_INDICATORS and table[c].notna().any()]
    if len(table) > (many or MANY_QPV):
        show_chart(qpv_distributions(table, key, source=source))
        poverty = next((c for c in key if c.startswith("tp60")), key[0] if key else None)
        if poverty:
            show_chart(qpv_ranking_bars(table, poverty, source=source))
    else:
        profiles = qpv_profiles(ctx.territory)
        if len(profiles):
            show_chart(qpv_profiles_bars(profiles, source=source))
    display(HTML(qpv_table_html(table, f"Indicateurs par quartier ({len(table)} quartiers), population d'abord")))
    for theme in dict.fromkeys(values["theme"]):
        summary = theme_summary(values, theme)
        show_markdown(f"#### {escape_markdown(theme[:1].upper() + theme[1:])}\n\n" + theme_summary_paragraph(summary))
    show_markdown(INSEE_CAVEATS)
    return True


def show_subsidies_section(ctx) -> bool:
    """ANCT subsidies of the year: by theme, pillar and porteur type, largest porteurs, health sub-themes."""
    from . import charts
    from .indicators.subventions import actions_by, health_actions_anct, largest_porteurs
    from .narrative.contexte import subsidies_paragraph, health_subsidies_paragraph
    from .notebook import show_chart, show_markdown, show_table

    t, year = ctx.territory, ctx.year
    by_theme = actions_by(t, year, "thematique")
    if by_theme.empty:
        return False
    source = ctx.source_label(by_theme.attrs["source"])
    porteurs = largest_porteurs(t, year)
    show_markdown(subsidies_paragraph(by_theme, porteurs))
    for by, what in (("thematique", "thème"), ("pilier", "pilier"), ("type_porteur", "type de porteur")):
        table = actions_by(t, year, by)
        ctx.save_table(f"anct_par_{by}", table)
        show_chart(charts.amounts_by_bars(table, what=what, source=source))
    health = health_actions_anct(t, year)
    if len(health):
        ctx.save_table("anct_sante", health)
        show_markdown("#### Santé\n\n" + health_subsidies_paragraph(health))
    show_table(porteurs, {"porteur": ("Porteur", "texte"), "actions": ("Actions", "nombre"),
                          "montant": ("Montant", "euros"), "part": ("Part", "pourcent")},
               caption=f"Les {len(porteurs)} premiers porteurs {year}")
    return True
