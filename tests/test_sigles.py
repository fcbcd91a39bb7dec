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
