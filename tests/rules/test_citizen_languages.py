"""``[municipality] citizen_languages``: what citizens are offered, checked with clear errors."""

from __future__ import annotations

from inbox.settings.config import load_settings
from tests.rules.test_config import problems_of, write

SAMI_AREA = """
[municipality]
name = "Kárášjoga gielda"
language = "nb"
timezone = "Europe/Oslo"
citizen_languages = ["nb", "se", "nn", "en"]
"""


def municipality(languages: str) -> str:
    return f"""
[municipality]
name = "Alver kommune"
language = "nn"
timezone = "Europe/Oslo"
citizen_languages = {languages}
"""


def test_by_default_citizens_are_offered_nynorsk_bokmal_and_english():
    assert load_settings(None).rules.municipality.citizen_languages == ("nn", "nb", "en")


def test_a_municipality_in_the_sami_area_offers_northern_sami(tmp_path):
    rules = load_settings(write(tmp_path, SAMI_AREA)).rules
    assert rules.municipality.citizen_languages == ("nb", "se", "nn", "en")


def test_an_unknown_code_names_the_key_the_file_and_the_known_codes(tmp_path):
    problems = problems_of(tmp_path, municipality('["nn", "sma", "en"]'))
    assert problems == [
        f"{tmp_path / 'svarfrist.toml'}: municipality.citizen_languages[1]: unknown language "
        "'sma'; expected a list of language codes from nn, nb, en, se"
    ]


def test_not_a_list_is_refused(tmp_path):
    (problem,) = problems_of(tmp_path, municipality('"nn, nb"'))
    assert problem.endswith(
        "municipality.citizen_languages: expected a list of language codes from nn, nb, en, se, "
        "got 'nn, nb'"
    )


def test_an_empty_list_is_refused(tmp_path):
    (problem,) = problems_of(tmp_path, municipality("[]"))
    assert "municipality.citizen_languages: expected a list of language codes" in problem


def test_the_municipalitys_own_language_must_be_offered(tmp_path):
    (problem,) = problems_of(tmp_path, municipality('["nb", "se"]'))
    assert problem.endswith(
        "municipality.citizen_languages: must include the municipality's language 'nn', "
        "got ['nb', 'se']"
    )


def test_a_language_listed_twice_is_refused(tmp_path):
    (problem,) = problems_of(tmp_path, municipality('["nn", "se", "se"]'))
    assert problem.endswith(
        "municipality.citizen_languages: lists a language twice: ['nn', 'se', 'se']"
    )


def test_a_table_in_the_list_is_an_unknown_language_not_a_crash(tmp_path):
    (problem,) = problems_of(tmp_path, municipality('["nn", { code = "se" }]'))
    assert "municipality.citizen_languages[1]: unknown language {'code': 'se'}" in problem


def test_short_messages_are_told_only_when_the_municipality_asks():
    assert load_settings(None).rules.municipality.detect_short_messages is False


def test_detect_short_messages_takes_true(tmp_path):
    own = municipality('["nn", "nb", "en"]') + "detect_short_messages = true\n"
    assert load_settings(write(tmp_path, own)).rules.municipality.detect_short_messages is True


def test_detect_short_messages_must_be_true_or_false(tmp_path):
    problems = problems_of(tmp_path, municipality('["nn"]') + 'detect_short_messages = "yes"\n')
    assert problems == [
        f"{tmp_path / 'svarfrist.toml'}: municipality.detect_short_messages: expected true or "
        "false, got 'yes'"
    ]
