"""``[status_page]`` and ``[municipality] accessibility_statement_url``: read as the README
writes them, and every mistake named by its key and the file."""

from __future__ import annotations

from inbox.settings.config import load_settings
from tests.rules.test_config import problems_of, write

README_EXAMPLE = """
[municipality]
accessibility_statement_url = "https://uustatus.no/nn/erklaringer/publisert/alver"

[auth]
public_url = "https://svarfrist.alver.kommune.no"

[status_page]
enabled = true
days_after_close = 14
phone = "56 37 50 00"
email = "postmottak@alver.kommune.no"
"""


def test_without_the_section_the_page_is_on_for_30_days_at_the_auth_public_url(tmp_path):
    settings = load_settings(write(tmp_path, '[auth]\npublic_url = "https://s.alver.no/"'))
    assert settings.status_page.is_enabled and settings.status_page.days_after_close == 30
    assert settings.public_url == "https://s.alver.no"
    assert settings.rules.municipality.accessibility_statement_url is None


def test_the_readme_example_is_read_as_written(tmp_path):
    settings = load_settings(write(tmp_path, README_EXAMPLE))
    page = settings.status_page
    assert (page.days_after_close, page.phone, page.email) == (
        14,
        "56 37 50 00",
        "postmottak@alver.kommune.no",
    )
    assert settings.public_url == "https://svarfrist.alver.kommune.no"
    assert settings.rules.municipality.accessibility_statement_url.startswith("https://uustatus")


def test_its_own_public_url_wins_and_false_switches_it_off(tmp_path):
    text = '[status_page]\nenabled = false\npublic_url = "https://innbyggjar.alver.no/"'
    settings = load_settings(write(tmp_path, text))
    assert settings.public_url == "https://innbyggjar.alver.no"
    assert not settings.status_page.is_enabled


def test_each_mistake_names_its_key(tmp_path):
    lines = problems_of(
        tmp_path,
        """
[municipality]
accessibility_statement_url = "uustatus.no/alver"

[status_page]
enabled = "yes"
days_after_close = -1
public_url = "svarfrist.alver.no"
colour = "blue"
""",
    )
    said = "\n".join(lines)
    for key in (
        "municipality.accessibility_statement_url: expected an http(s):// URL",
        "status_page.enabled: expected true or false, got 'yes'",
        "status_page.days_after_close: expected 0 to 10000 days, got -1",
        "status_page.public_url: expected an http(s):// URL",
        "status_page.colour: unknown key; expected one of enabled, days_after_close",
    ):
        assert key in said, said


def test_the_web_channel_cannot_be_acknowledged(tmp_path):
    lines = problems_of(
        tmp_path, "[promises.web]\ndue = { working_days = 3 }\nacknowledge = true\n"
    )
    assert any("promises.web.acknowledge: must be false" in line for line in lines), lines
    promise = load_settings(write(tmp_path, "[promises.web]\ndue = { working_days = 3 }\n"))
    assert promise.rules.promises["web"].acknowledge is False
