"""Personnummer checking, normalisation and pseudonymisation: what decides whether enrolments link."""

from datetime import date

import pytest

from outcome_api.participants.personnummer import (
    InvalidPersonnummer,
    appears_in,
    free_text_errors,
    normalise,
    pseudonym,
)

TODAY = date(2026, 11, 22)
KEY = "test-key-with-enough-length-for-production"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("19811218-9876", "198112189876"),
        ("198112189876", "198112189876"),
        ("811218-9876", "198112189876"),
        ("8112189876", "198112189876"),
        ("121212-1212", "201212121212"),
        ("121212+1212", "191212121212"),
        ("991231-1231", "199912311231"),
        (" 811218-9876 ", "198112189876"),
    ],
)
def test_valid_numbers_normalise_to_twelve_digits(written: str, expected: str) -> None:
    assert normalise(written, TODAY) == expected


def test_samordningsnummer_keeps_its_day_plus_sixty() -> None:
    assert normalise("701063-2391", TODAY) == "197010632391"


def test_leap_day_depends_on_the_century() -> None:
    assert normalise("000229-1235", TODAY) == "200002291235"
    with pytest.raises(InvalidPersonnummer, match="not a real date"):
        normalise("000229+1235", TODAY)


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("811218-9875", "check digit"),
        ("19811218-9875", "check digit"),
        ("811318-9875", "not a real date"),
        ("811232-9878", "not a real date"),
        ("701092-2396", "not a real date"),
        ("209912311231", "in the future"),
        ("81121-89876", "10 or 12 digits"),
        ("8112189876123", "10 or 12 digits"),
        ("811218 9876", "10 or 12 digits"),
        ("", "10 or 12 digits"),
    ],
)
def test_invalid_numbers_are_refused_without_repeating_them(written: str, reason: str) -> None:
    with pytest.raises(InvalidPersonnummer, match=reason) as refused:
        normalise(written, TODAY)
    digits = "".join(c for c in written if c.isdigit())
    assert not digits or digits[-4:] not in str(refused.value)


def test_ten_and_twelve_digit_forms_give_the_same_pseudonym() -> None:
    forms = ["811218-9876", "8112189876", "19811218-9876", "198112189876"]
    assert len({pseudonym(normalise(f, TODAY), KEY) for f in forms}) == 1


def test_pseudonym_depends_on_the_key_and_hides_the_number() -> None:
    number = normalise("811218-9876", TODAY)
    first = pseudonym(number, KEY)
    assert first != pseudonym(number, KEY + "x")
    assert len(first) == 64
    assert number not in first
    assert first != pseudonym(normalise("701063-2391", TODAY), KEY)


@pytest.mark.parametrize(
    "text",
    ["Bor hos mamma 19811218-9876", "pnr 8112189876.", "(811218-9876)", "samordningsnr 701063-2391 i akten"],
)
def test_a_personnummer_in_free_text_is_found_in_any_written_form(text: str) -> None:
    assert appears_in(text, TODAY)


@pytest.mark.parametrize(
    "text", ["Eget boende inom 12 månader", "811218-9875", "ärende 2023-004711", "tel 0701234567", "1234567890123"]
)
def test_other_numbers_in_free_text_are_left_alone(text: str) -> None:
    assert not appears_in(text, TODAY)


def test_free_text_errors_name_the_field_without_the_number() -> None:
    errors = free_text_errors({"description": "Bor hos 811218-9876", "target": "Eget boende", "baseline": None}, TODAY)
    assert errors == [{"field": "description", "message": "must not contain a personnummer or samordningsnummer"}]
