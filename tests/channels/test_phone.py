"""Phone numbers in E.164, read as numbers of the configured country."""

from __future__ import annotations

import pytest

from channels.phone import e164


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("912 34 567", "+4791234567"),
        ("91234567", "+4791234567"),
        ("+47 412 34 567", "+4741234567"),
        ("0047 91234567", "+4791234567"),
        (" +4755000000 ", "+4755000000"),
    ],
)
def test_norwegian_numbers_are_given_in_e164(text, number):
    assert e164(text, "NO") == number


@pytest.mark.parametrize(
    "text", ["", "12", "999999", "99999999999", "30003", "Telenor", "+47 1234"]
)
def test_what_is_no_norwegian_number_is_refused(text):
    assert e164(text, "NO") is None


def test_a_national_number_is_read_as_one_of_the_given_country():
    assert e164("070-123 45 67", "SE") == "+46701234567"
    assert e164("070-123 45 67", "NO") is None  # eleven digits are no Norwegian number
    assert e164("912 34 567", "SE") == "+4691234567"


def test_a_number_with_its_country_code_is_read_as_written_in_any_country():
    assert e164("+47 912 34 567", "SE") == "+4791234567"
    assert e164("+46 70 123 45 67", "NO") == "+46701234567"


def test_without_a_country_only_numbers_with_a_country_code_are_read():
    assert e164("+46 70 123 45 67", None) == "+46701234567"
    assert e164("912 34 567", None) is None
