"""Acronyms spelled out at their first use on a page; the glossary lists them (issue 16)."""

from __future__ import annotations

import html

from cdv_analysis.rules.sigles import glossary_markdown, spell_out


def test_first_use_is_spelled_out_once_outside_headings_and_charts():
    body = ("<h2>Les QPV</h2><p>Dans les QPV de l'EPCI, les Q.P.V. et le CISPD ; encore QPV.</p>"
            "<svg><text>QPV</text></svg><p>EPCI et QPVX</p>")
    out = spell_out(body)
    assert "<h2>Les QPV</h2>" in out and "<svg><text>QPV</text></svg>" in out
    assert out.count("(quartiers prioritaires de la politique de la ville)") == 1
    assert "les QPV (quartiers prioritaires de la politique de la ville) de l'EPCI (établissement public de " \
           "coopération intercommunale)" in out
    # « CISPD » is not « CISP » followed by a D; a dotted form counts as the same acronym.
    assert "CISPD (conseil intercommunal de sécurité et de prévention de la délinquance)" in out
    assert "Q.P.V. (" not in out and "QPVX" in out


def test_an_acronym_already_in_brackets_after_its_long_form_is_not_repeated():
    out = spell_out("<p>Programme de Réussite Educative (P.R.E.), puis le PRE.</p>")
    assert "(P.R.E.)" in out and "programme de réussite éducative)" not in out


def test_glossary_lists_every_acronym():
    text = glossary_markdown()
    for code in ("EPCI", "QPV", "CGET", "NPNRU", "ERBM", "CISP", "CDV", "ANCT", "ASV", "CLS"):
        assert f">{code}</abbr> : " in text
    assert spell_out("<ul><li>" + text.splitlines()[0][2:] + "</li></ul>").count("(") == 0


def test_a_quotation_is_never_altered():
    out = spell_out("<p>« Privilégier l'outil C.P.O. (3 ans) » puis la CPO.</p>")
    assert "« Privilégier l'outil C.P.O. (3 ans) »" in out
    assert "la CPO (convention pluriannuelle d'objectifs)." in html.unescape(out)


def test_an_acronym_inside_a_meaning_is_not_spelled_out_again():
    """A portrait's glossary read « BOP : budget opérationnel de programme (le BOP (budget opérationnel de
    programme (le BOP 147 porte…)) 147 porte…) »: its first BOP was inside BOP's own meaning."""
    import html
    import re

    line = next(x for x in glossary_markdown().splitlines() if ">BOP</abbr> : " in x)
    out = spell_out("<ul><li>" + line[2:].replace("\\(", "(").replace("\\)", ")") + "</li></ul>")
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == (
        "BOP : budget opérationnel de programme (le BOP 147 porte les crédits de la politique de la ville)")


def test_an_acronym_in_brackets_after_other_words_is_still_spelled_out():
    """CABBALR 2019 first uses CGET in « crédits de l'État (CGET) »: the bracket holds the acronym, but the words
    before it are not its meaning, so the reader is still told what it stands for (issue 16)."""
    out = html.unescape(spell_out("<p>dont 1 712 989 € de crédits de l'État (CGET) ; le CGET.</p>"))
    assert out == ("<p>dont 1 712 989 € de crédits de l'État (CGET, Commissariat général à l'égalité des territoires, "
                   "devenu l'ANCT en 2020) ; le CGET.</p>")
    # Its long form just before, whatever the case, accents or plural: not repeated.
    for spelled in ("l'Atelier Santé Ville (ASV)", "le Contrat Local de Santé (CLS)", "nombre de quartiers prioritaires (QPV)",
                    "Quartiers Prioritaires de la Politique de la Ville (QPV)", "des conventions pluriannuelles (CPO)"):
        assert spell_out(f"<p>{spelled}</p>") == f"<p>{spelled}</p>"
    # Inside a quotation nothing is added, brackets or not.
    assert spell_out("<p>« les crédits de l'État (CGET) »</p>") == "<p>« les crédits de l'État (CGET) »</p>"


def test_an_unclosed_quotation_ends_with_its_paragraph():
    """A label cut by ``markup.shorten`` (« … ») or a French quotation reopened on each paragraph left the
    rest of the page without any acronym spelled out (review_ingest 1.10)."""
    out = html.unescape(spell_out("<p>Le titre « Un appel à sortir de la complexit…</p>"
                                  "<p>Le QPV et le CLS sont cités.</p>"))
    assert "<p>Le QPV (quartiers prioritaires de la politique de la ville) et le CLS (contrat local de santé) " \
           "sont cités.</p>" in out
    out = html.unescape(spell_out("<p>« Premier paragraphe,</p><p>« le QPV cité. »</p><p>Puis le QPV.</p>"))
    assert out == ("<p>« Premier paragraphe,</p><p>« le QPV cité. »</p>"
                   "<p>Puis le QPV (quartiers prioritaires de la politique de la ville).</p>")


def test_an_acronym_and_its_number_stay_together_and_brackets_are_never_nested():
    """The « Financeurs » paragraph of CABBALR 2019 read « (ANCT (Agence …), BOP (budget opérationnel de
    programme (le BOP 147 porte …)) 147) » (review_analysis F18)."""
    label = "État – crédits spécifiques (ANCT, BOP 147)"  # financeurs.yml
    out = html.unescape(spell_out(f"<p>Financeurs : {label}.</p><p>Le BOP 147 et l'ANCT.</p>"))
    assert out == (f"<p>Financeurs : {label}.</p><p>Le BOP 147 (budget opérationnel de programme, le BOP 147 "
                   "porte les crédits de la politique de la ville) et l'ANCT (Agence nationale de la cohésion des "
                   "territoires).</p>")
    assert html.unescape(spell_out("<p>Le CGET.</p>")) == (
        "<p>Le CGET (Commissariat général à l'égalité des territoires, devenu l'ANCT en 2020).</p>")
