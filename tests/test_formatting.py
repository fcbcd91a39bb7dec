"""French formatting: exact babel output and round trips through the parsers."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from cdv_analysis.rules.clean import parse_montant, parse_nombre, parse_pourcentage
from cdv_analysis.rules.formatting import (
    LOCALE,
    date_fr,
    ecart_points,
    euros,
    guillemets,
    liste_fr,
    mois_fr,
    nombre,
    pluriel,
    pourcent,
    variation,
)

NNBSP = "\u202f"  # babel's thousands separator for fr_FR
NBSP = "\u00a0"  # babel's space before € and %
MINUS = "\u2212"


def test_locale_gives_french_symbols() -> None:
    """The locale the module formats with has French separators and words (not a copy of a constant)."""
    from babel import Locale

    symbols = Locale.parse(LOCALE).number_symbols["latn"]
    assert symbols["decimal"] == ","
    assert symbols["group"] == NNBSP
    assert Locale.parse(LOCALE).language == "fr"
    assert nombre(1234.5, 1) == f"1{NNBSP}234,5"


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (4_734_927, 0, f"4{NNBSP}734{NNBSP}927{NBSP}€"),
        (4_734_927, 2, f"4{NNBSP}734{NNBSP}927,00{NBSP}€"),
        (999, 0, f"999{NBSP}€"),
        (1_077.4, 0, f"1{NNBSP}077{NBSP}€"),
    ],
)
def test_euros(value: float, decimals: int, expected: str) -> None:
    assert euros(value, decimals) == expected


@pytest.mark.parametrize(
    "points, decimals, expected",
    [
        (68.3, 1, f"68,3{NBSP}%"),
        (68.3, 0, f"68{NBSP}%"),
        (5, 1, f"5,0{NBSP}%"),
        (100, 1, f"100,0{NBSP}%"),
        (12.346, 2, f"12,35{NBSP}%"),
    ],
)
def test_pourcent(points: float, decimals: int, expected: str) -> None:
    assert pourcent(points, decimals) == expected


@pytest.mark.parametrize(
    "value, decimals, expected",
    [(1263, 0, f"1{NNBSP}263"), (1.23, 1, "1,2"), (0, 0, "0"), (2_595_000, 0, f"2{NNBSP}595{NNBSP}000")],
)
def test_nombre(value: float, decimals: int, expected: str) -> None:
    assert nombre(value, decimals) == expected


@pytest.mark.parametrize(
    "points, expected",
    [
        (47, f"+47,0{NBSP}%"),
        (-3.5, f"{MINUS}3,5{NBSP}%"),
        (0, f"0,0{NBSP}%"),
        (-0.01, f"0,0{NBSP}%"),  # rounds to zero: no sign
    ],
)
def test_variation(points: float, expected: str) -> None:
    assert variation(points) == expected


@pytest.mark.parametrize(
    "points, decimals, expected",
    [
        (10, 0, "+10 points"),
        (-2, 0, f"{MINUS}2 points"),
        (1, 0, "+1 point"),
        (-1, 0, f"{MINUS}1 point"),
        (0, 0, "0 point"),
        (1.5, 1, "+1,5 point"),
        (1.96, 0, "+2 points"),
    ],
)
def test_ecart_points(points: float, decimals: int, expected: str) -> None:
    assert ecart_points(points, decimals) == expected


@pytest.mark.parametrize("value", [date(2023, 6, 27), datetime(2023, 6, 27, 14, 30), "2023-06-27"])
def test_dates(value: object) -> None:
    assert date_fr(value) == "27 juin 2023"
    assert mois_fr(value) == "juin 2023"


def test_first_of_month_is_not_an_ordinal() -> None:
    assert date_fr(date(2024, 2, 1)) == "1 février 2024"


@pytest.mark.parametrize(
    "n, singulier, plural, expected",
    [
        (1, "commune", None, "1 commune"),
        (19, "commune", None, "19 communes"),
        (0, "projet", None, "0 projet"),
        (1263, "projet", None, f"1{NNBSP}263 projets"),
        (3, "prix", None, "3 prix"),
        (2, "quartier prioritaire", "quartiers prioritaires", "2 quartiers prioritaires"),
        (4, "bureau", "bureaux", "4 bureaux"),
    ],
)
def test_pluriel(n: int, singulier: str, plural: str | None, expected: str) -> None:
    assert pluriel(n, singulier, plural) == expected


@pytest.mark.parametrize(
    "items, expected",
    [([], ""), (["a"], "a"), (["a", "b"], "a et b"), (["a", "b", "c"], "a, b et c"), ((1, 2), "1 et 2")],
)
def test_liste_fr(items: list[object], expected: str) -> None:
    assert liste_fr(items) == expected


def test_guillemets() -> None:
    assert guillemets("Quartiers 2030") == f"«{NBSP}Quartiers 2030{NBSP}»"


@pytest.mark.parametrize("missing", [None, math.nan, float("nan"), pd.NA, pd.NaT])
@pytest.mark.parametrize(
    "function",
    [euros, pourcent, nombre, variation, ecart_points, date_fr, mois_fr, liste_fr, guillemets],
)
def test_missing_values(function, missing: object) -> None:
    assert function(missing) == "n.d."


def test_missing_count_in_pluriel() -> None:
    assert pluriel(None, "commune") == "n.d."
    assert pluriel(math.nan, "commune") == "n.d."


@given(st.integers(-(10**12), 10**12))
def test_euros_round_trip(value: int) -> None:
    assert parse_montant(euros(value)) == value


@given(st.integers(0, 1000))
def test_pourcent_round_trip(tenths: int) -> None:
    assert parse_pourcentage(pourcent(tenths / 10)) == tenths / 10


@given(st.integers(0, 10**9))
def test_nombre_round_trip(value: int) -> None:
    assert parse_nombre(nombre(value)) == value


# --- issue 18: one number rule, compact amounts, printed values, dates, file sizes ---------------------------

@pytest.mark.parametrize("value, expected", [(80.0, 0), (42.1, 1), (0, 0), (12.25, 1)])
def test_decimales_is_the_one_rule(value: float, expected: int) -> None:
    from cdv_analysis.rules.formatting import decimales

    assert decimales(value) == expected


def test_the_rule_through_nombre_pourcent_and_chiffre() -> None:
    from cdv_analysis.rules.formatting import chiffre

    assert nombre(12.5, None) == "12,5" and nombre(1263.0, None) == f"1{NNBSP}263"
    assert pourcent(80.0, None) == f"80{NBSP}%" and pourcent(42.1, None) == f"42,1{NBSP}%"
    assert chiffre(42.1, "%") == f"42,1{NBSP}%" and chiffre(241934, "habitants") == f"241{NNBSP}934"


@pytest.mark.parametrize("value, expected", [
    (1_600_000, f"1,6{NBSP}M€"), (717_300, f"717,3{NBSP}k€"), (200_000, f"200{NBSP}k€"),
    (4_000_000, f"4{NBSP}M€"), (950, f"950{NBSP}€"), (-1_600_000, f"{MINUS}1,6{NBSP}M€"),
])
def test_euros_compact(value: float, expected: str) -> None:
    from cdv_analysis.rules.formatting import euros_compact

    assert euros_compact(value) == expected
    assert parse_montant(expected.replace(MINUS, "-")) == pytest.approx(value, rel=0.05)


@pytest.mark.parametrize("printed, expected", [
    ("44.5%", "44.5%"), ("1 077€", f"1{NNBSP}077€"), ("20 %", f"20{NBSP}%"), ("4 734 927 €", f"4{NNBSP}734{NNBSP}927{NBSP}€"),
    ("moins d'un emploi sur deux", "moins d'un emploi sur deux"), ("2019 2020", "2019 2020"), (None, ""),
])
def test_tel_qu_imprime_keeps_the_print_but_never_wraps_a_figure(printed, expected) -> None:
    from cdv_analysis.rules.formatting import tel_qu_imprime

    assert tel_qu_imprime(printed) == expected


def test_date_ou_texte_and_taille_fichier() -> None:
    from cdv_analysis.rules.formatting import date_ou_texte, taille_fichier

    assert date_ou_texte("2022-09-27") == "27 septembre 2022"
    assert date_ou_texte(date(2023, 6, 27)) == "27 juin 2023"
    assert date_ou_texte("2022") == "2022" and date_ou_texte(None) == ""
    assert taille_fichier(850) == f"850{NBSP}o" and taille_fichier(2_140) == f"2,1{NBSP}ko"
    assert taille_fichier(1_300_000) == f"1,3{NBSP}Mo"
    # The declared limits' units (powers of two), same rule and spacing (review_ingest 2.3: three rules before)
    assert taille_fichier(100 * 2**20, binaire=True) == f"100{NBSP}Mo"
    assert taille_fichier(3 * 2**19, binaire=True) == f"1,5{NBSP}Mo" and taille_fichier(600, binaire=True) == "600 octets"
    assert taille_fichier(2**20 + 15, 2**20, binaire=True) == "1\u202f048\u202f591 octets"  # not « 1 Mo » beside « 1 Mo »


@pytest.mark.parametrize("n, decimals, singular", [
    (0, 0, True), (1, 0, True), (-1, 0, True), (2, 0, False), (1.4, 0, True), (1.96, 0, False),
    (1.5, 1, True), (1.96, 1, False), (1263, 0, False),
])
def test_one_french_plural_rule(n: float, decimals: int, singular: bool) -> None:
    """The printed magnitude decides (« 1,96 » printed « 2 » is plural); narrative agreement follows it."""
    from cdv_analysis.rules.formatting import is_singular
    from cdv_analysis.presentation.narrative._base import _verb

    assert is_singular(n, decimals) is singular
    if decimals == 0:
        assert pluriel(n, "projet").endswith("projet" if singular else "projets")
        assert _verb(n, "est", "sont") == ("est" if singular else "sont")
