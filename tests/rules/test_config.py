"""Reading the configuration: the documented shape, the defaults, and clear errors."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from inbox.settings.config import load_settings
from rules.config import ConfigError
from rules.promises import SameDay, WorkingDays
from tests.rules.conftest import OSLO

DOCUMENTED = """
[municipality]
name = "Alver kommune"
language = "nn"
timezone = "Europe/Oslo"

[calendar]
country = "NO"
opening_hours = { mon = "09:00-15:00", tue = "09:00-15:00", wed = "09:00-15:00", \
thu = "09:00-15:00", fri = "09:00-15:00" }
special_days = { "12-24" = "closed", "2027-03-24" = "09:00-12:00" }

[[calendar.periods]]
name = "summer"
from = "05-15"
to = "09-15"
opening_hours = { mon = "08:00-15:00", tue = "08:00-15:00", wed = "08:00-15:00", \
thu = "08:00-15:00", fri = "08:00-15:00" }

[promises.email]
due = { working_days = 5 }

[promises.callback]
target = { same_day = { cutoff = "14:00" } }
due = { working_days = 1 }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "svarfrist.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    lines = str(raised.value).splitlines()
    assert all(line.startswith(f"{path}: ") for line in lines), lines
    return lines


def test_the_documented_shape_is_accepted(tmp_path):
    rules = load_settings(write(tmp_path, DOCUMENTED)).rules
    calendar = rules.calendar
    assert rules.municipality.name == "Alver kommune"
    assert not calendar.is_working_day(date(2027, 12, 24))
    assert calendar.day(date(2027, 3, 24)).closes_at == datetime(2027, 3, 24, 12, tzinfo=OSLO)
    assert calendar.day(date(2027, 6, 1)).opens_at == datetime(2027, 6, 1, 8, tzinfo=OSLO)
    assert rules.promises["email"].due == WorkingDays(5)
    assert rules.promises["callback"].target == SameDay(datetime(2000, 1, 1, 14).time())


def test_shipped_defaults_are_alvers_promises():
    promises = load_settings(None).rules.promises
    assert promises["email"].due == promises["letter"].due == WorkingDays(5)
    for channel in ("facebook", "instagram", "sms"):
        assert promises[channel].due == SameDay(), channel
    assert promises["callback"].target == SameDay(datetime(2000, 1, 1, 14).time())
    assert promises["callback"].due == WorkingDays(1)
    assert promises["email"].acknowledge and not promises["facebook"].acknowledge


def test_a_file_only_needs_what_differs(tmp_path):
    rules = load_settings(write(tmp_path, "[promises.email]\ndue = { working_days = 1 }\n")).rules
    assert rules.promises["email"].due == WorkingDays(1)
    assert rules.promises["callback"].due == WorkingDays(1)  # kept from the defaults
    assert rules.municipality.timezone == "Europe/Oslo"


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("[promises.email]\ndue = { weeks = 1 }", "promises.email.due", "unknown rule 'weeks'"),
        ('[calendar]\nopening_hours = { mon = "9-15" }', "calendar.opening_hours.mon", "HH:MM"),
        (
            '[calendar]\nopening_hours = { mon = "25:00-26:00" }',
            "calendar.opening_hours.mon",
            "not a time of day",
        ),
        (
            '[calendar]\nopening_hours = { mon = "15:00-09:00" }',
            "calendar.opening_hours.mon",
            "closing time 09:00 is not after opening time 15:00",
        ),
        ("[promises.fax]\ndue = { working_days = 5 }", "promises.fax", "unknown channel"),
        (
            '[calendar]\nopening_hours = { mandag = "09:00-15:00" }',
            "calendar.opening_hours.mandag",
            "expected one of mon, tue, wed, thu, fri, sat, sun",
        ),
        (
            '[calendar]\nspecial_days = { "24.12" = "closed" }',
            'calendar.special_days."24.12"',
            '"MM-DD" or a date "YYYY-MM-DD"',
        ),
        (
            '[calendar]\nspecial_days = { "02-30" = "closed" }',
            'calendar.special_days."02-30"',
            '"MM-DD"',
        ),
        (
            '[[calendar.periods]]\nfrom = "15.05"\nto = "09-15"\nopening_hours = {}',
            "calendar.periods[0].from",
            'expected a date "MM-DD"',
        ),
        ("[kalender]\ncountry = 'NO'", "kalender", "unknown section"),
        ('[municipality]\ntimezone = "Europe/Bergen"', "municipality.timezone", "IANA time zone"),
        ('[calendar]\ncountry = "XX"', "calendar.country", "country code"),
        ('[municipality]\nlanguage = "de"', "municipality.language", "expected one of nn, nb, en"),
        ("[promises.email]\ntarget = { working_days = 1 }", "promises.email.due", "missing"),
        (
            "[promises.email]\ndue = { working_days = 5 }\nacknowledge = 'yes'",
            "promises.email.acknowledge",
            "expected true or false",
        ),
        (
            '[calendar]\nopening_hours = { sat = "closed", sun = "closed" }',
            "calendar.opening_hours",
            "at least one weekday must be open",
        ),
    ],
)
def test_bad_configuration_names_file_key_and_what_is_expected(tmp_path, text, key, expected):
    (line,) = problems_of(tmp_path, text)
    assert f": {key}: " in line
    assert expected in line


def test_reply_templates_are_read_and_checked(tmp_path):
    good = '[[templates]]\nname = "Takk"\ntext = "Takk for meldinga."\ndepartment = "byggesak"\n'
    (template,) = load_settings(write(tmp_path, good)).templates
    assert (template.name, template.language, template.department) == ("Takk", "nn", "byggesak")
    lines = problems_of(tmp_path, '[[templates]]\nname = "Takk"\nlanguage = "de"\ntekst = "x"\n')
    keys = sorted(line.split(": ")[1] for line in lines)
    assert keys == ["templates[0].language", "templates[0].tekst", "templates[0].text"]


def test_every_problem_in_a_file_is_reported(tmp_path):
    lines = problems_of(
        tmp_path,
        '[calendar]\nopening_hours = { mon = "9-15", tue = "15:00-09:00", fre = "09:00-15:00" }\n'
        "[promises.fax]\ndue = { working_days = 5 }\n"
        "[promises.email]\ndue = { working_days = 0 }\n",
    )
    assert len(lines) == 5


def test_invalid_toml_names_the_line(tmp_path):
    (line,) = problems_of(tmp_path, '[municipality]\nname = "Alver\n')
    assert "is not valid TOML" in line
    assert "line 2" in line


def test_a_missing_file_is_reported(tmp_path):
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError, match=f"{missing}: \\(file\\): cannot be read"):
        load_settings(missing)
