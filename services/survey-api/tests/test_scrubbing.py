"""Free-text scrubbing: plain function tests."""

import pytest

from survey_api.responses.scrubbing import EMAIL_MARK, PERSONNUMMER_MARK, PHONE_MARK, scrub


@pytest.mark.parametrize(
    "personnummer",
    ["19850312-1234", "198503121234", "850312-1234", "8503121234", "850312+1234", "19850312+1234", "850312 - 1234"],
)
def test_personnummer_in_every_written_form_is_removed(personnummer: str) -> None:
    scrubbed = scrub(f"Jag heter Eva, {personnummer}, och vill klaga.")
    assert scrubbed == f"Jag heter Eva, {PERSONNUMMER_MARK}, och vill klaga."


@pytest.mark.parametrize(
    "phone", ["070-123 45 67", "+46 70 123 45 67", "08-123 456 78", "0046 8 1234567", "(08) 123 45 67"]
)
def test_phone_numbers_are_removed(phone: str) -> None:
    assert scrub(f"Ring mig på {phone} tack") == f"Ring mig på {PHONE_MARK} tack"


def test_ten_digits_that_could_be_either_are_removed_all_the_same() -> None:
    assert scrub("Ring 0701234567") == f"Ring {PERSONNUMMER_MARK}"


def test_email_addresses_are_removed() -> None:
    assert scrub("Skriv till eva.karlsson+kvalitet@exempel.kommun.se!") == f"Skriv till {EMAIL_MARK}!"


def test_ordinary_comments_and_short_numbers_are_kept() -> None:
    text = "Jag fick vänta 3 veckor, 2 gånger under 2025. Rum 12, betyg 8/10."
    assert scrub(text) == text


def test_several_identifiers_in_one_comment_all_go() -> None:
    scrubbed = scrub("Eva 19850312-1234, tel 070-1234567, eva@ex.se")
    assert scrubbed == f"Eva {PERSONNUMMER_MARK}, tel {PHONE_MARK}, {EMAIL_MARK}"
