"""Parsing of French printed figures and name normalisation."""

from __future__ import annotations

import math

import pytest
from babel.numbers import format_currency, format_decimal, format_percent
from hypothesis import given, strategies as st

from cdv_analysis.rules.clean import (
    ParseError,
    name_key,
    normalise_commune,
    normalise_porteur,
    parse_figure,
    parse_montant,
    parse_nombre,
    parse_pourcentage,
)


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("4 734 927,00 €", 4_734_927.0),
        ("4\u00a0734\u00a0927,00\u00a0€", 4_734_927.0),  # no-break spaces
        ("4\u202f734\u202f927\u202f€", 4_734_927.0),  # narrow no-break spaces (babel's)
        ("€4 734 927,00", 4_734_927.0),  # chart labels put the sign first
        ("53.387 €", 53_387.0),  # dot as a thousands separator
        ("1 712 989", 1_712_989.0),
        ("1 712 989 €", 1_712_989.0),
        ("97 918 €", 97_918.0),
        ("12 337 euros", 12_337.0),
        ("près 3 900 000 euros", 3_900_000.0),
        ("1,2 M€", 1_200_000.0),
        ("-1 500,50 €", -1_500.5),
    ],
)
def test_parse_montant_reads_printed_amounts(printed, expected):
    assert parse_montant(printed) == pytest.approx(expected)


@pytest.mark.parametrize(
    "printed, expected",
    [("68,3 %", 68.3), ("68,3", 68.3), ("35,3%", 35.3), ("44.5%", 44.5), ("100,0", 100.0), ("¾", 75.0), ("3/4", 75.0)],
)
def test_parse_pourcentage(printed, expected):
    assert parse_pourcentage(printed) == pytest.approx(expected)


@pytest.mark.parametrize(
    "printed, value, qualifier",
    [
        ("1 263", 1263, None),
        ("2 595", 2595, None),
        ("1.2", 1.2, None),
        ("0.125", 0.125, None),  # before: 125 (a leading 0 is never followed by a thousands separator)
        ("53.387", 53_387, None),
        ("1 077€", 1077, None),
        ("plus de 30", 30, "plus de"),
        ("près de 500", 500, "près de"),
        ("trois", 3, None),
        ("16 556 euros/an", 16_556, None),
        # The words as printed, not rewritten (before: « presque » became « près de », « un peu plus de »
        # « plus de »); a sign gets the words of qualificatifs.yml; an elided « d' » is written « de ».
        ("presque 40 %", 40, "presque"),
        ("Un peu plus de 30 %", 30, "un peu plus de"),
        ("quasiment 2 000", 2000, "quasiment"),
        ("< 10", 10, "moins de"),
        ("plus d'1 million", 1_000_000, "plus de"),
    ],
)
def test_parse_figure_keeps_qualifier(printed, value, qualifier):
    figure = parse_figure(printed)
    assert figure.valeur == pytest.approx(value)
    assert figure.qualificatif == qualifier


@pytest.mark.parametrize("bad", ["", "   ", "abc", "4 73x 927 €", "12,5,3", "1.2.3.4.5", "€", "1 jeune sur 6"])
def test_malformed_amounts_raise(bad):
    with pytest.raises(ParseError):
        parse_montant(bad)


def test_units_are_not_confused():
    with pytest.raises(ParseError):
        parse_montant("68,3 %")
    with pytest.raises(ParseError):
        parse_pourcentage("4 734 927 €")


def test_parse_nombre_of_numbers_is_identity():
    assert parse_nombre(132) == 132.0


amounts = st.integers(min_value=0, max_value=10**11)
cents = st.integers(min_value=0, max_value=10**11)


@given(amounts)
def test_babel_euro_amounts_round_trip(value):
    printed = format_currency(value, "EUR", locale="fr_FR", format="#,##0 ¤", currency_digits=False)
    assert parse_montant(printed) == value


@given(cents)
def test_babel_euro_amounts_with_cents_round_trip(value_in_cents):
    printed = format_currency(value_in_cents / 100, "EUR", locale="fr_FR")
    assert parse_montant(printed) == pytest.approx(value_in_cents / 100, abs=1e-6)


@given(st.integers(min_value=0, max_value=10**9))
def test_babel_decimal_numbers_round_trip(value):
    assert parse_nombre(format_decimal(value, locale="fr_FR")) == value


@given(st.integers(min_value=0, max_value=1000))
def test_babel_percentages_round_trip(tenths):
    printed = format_percent(tenths / 1000, locale="fr_FR", format="#,##0.0 %")
    assert math.isclose(parse_pourcentage(printed), tenths / 10, abs_tol=1e-9)


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([" ", "\u00a0", "\u202f", "."]))
def test_thousands_separators_round_trip(value, separator):
    grouped = f"{value:,}".replace(",", separator)
    assert parse_montant(grouped + " €") == value


@pytest.mark.parametrize(
    "a, b",
    [("Nœux-les-Mines", "NOEUX LES MINES"), ("Noeux les Mines", "Nœux-Les-Mines"), ("Lil lers", "Lillers"),
     ("Béthune", "BETHUNE"), ("Bruay-La-Buissière", "Bruay la Buissiere")],
)
def test_name_key_ignores_case_accents_spaces(a, b):
    assert name_key(a) == name_key(b)


def test_name_key_keeps_different_names_apart():
    assert name_key("Auchel") != name_key("Auchy-les-Mines")


def test_normalise_commune_uses_reference_spelling():
    communes = ["Lillers", "Nœux-les-Mines", "Bruay-La-Buissière"]
    assert normalise_commune("Lil lers", communes) == "Lillers"
    assert normalise_commune("Noeux les Mines", communes) == "Nœux-les-Mines"
    assert normalise_commune("  Inconnue   sur  Mer ", communes) == "Inconnue sur Mer"


def test_normalise_porteur_fixes_commune_inside_name():
    communes = ["Lillers", "Bruay-La-Buissière", "Nœux-les-Mines"]
    assert normalise_porteur("CCAS de Lil lers", communes) == "CCAS de Lillers"
    assert normalise_porteur("Ville de  Bruay-La-Buissière", communes) == "Ville de Bruay-La-Buissière"
    assert normalise_porteur("OFFICE CULTUREL DE NOEUX LES MINES", communes) == "OFFICE CULTUREL DE Nœux-les-Mines"
    # A commune name inside a longer word is not touched.
    assert normalise_porteur("Lillerstown club", communes) == "Lillerstown club"


def test_a_value_typed_as_printed_keeps_its_qualifier_words_and_gets_its_code():
    import pandas as pd

    from cdv_analysis.ingest.parsing import parse_table
    from cdv_analysis.ingest.schemas import TABLES

    row = dict.fromkeys(TABLES["realisations"].column_names, "")
    row.update(indicateur="Part des jeunes", annee="2022", source="ra2022")
    printed = ["presque 40 %", "un peu plus de 30 %", "< 10", "12"]
    parsed = parse_table("realisations", pd.DataFrame([{**row, "valeur": v} for v in printed]), {})
    assert parsed["valeur"].tolist() == [40, 30, 10, 12]
    assert parsed["qualificatif"].tolist() == ["approche", "minimum", "maximum", "exact"]
    assert parsed["qualificatif_mot"].tolist() == ["presque", "un peu plus de", "moins de", ""]
