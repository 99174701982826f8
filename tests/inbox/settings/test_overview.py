"""The promises page's words: each channel's rule with a worked example, the days ahead."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from inbox.i18n import Language
from inbox.settings import overview
from inbox.settings.config import load_settings
from tests.inbox.intake_helpers import OSLO

NYNORSK = Language.load("nn")


def _rules(tmp_path: Path, text: str = ""):
    path = tmp_path / "svarfrist.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path).rules


def test_each_channel_gets_its_rule_and_what_a_message_received_now_is_promised(tmp_path):
    rules = _rules(tmp_path)
    wednesday_easter = datetime(2027, 3, 24, 16, 0, tzinfo=OSLO)
    found = {
        rule.channel: rule for rule in overview.channel_rules(rules, wednesday_easter, NYNORSK)
    }
    assert list(found) == list(rules.promises)
    email = found["email"]
    assert email.name == "e-post" and email.acknowledges and email.target_rule is None
    assert email.due_rule.startswith("innan 5 arbeidsdagar")
    assert email.example == (
        "Ei melding motteken no, onsdag 24. mars 2027 kl. 16:00, får svar seinast "
        "måndag 5. april 2027 kl. 15:00."
    )
    assert "torsdag 25. mars 2027 (Skjærtorsdag)" in email.closed_between
    assert found["callback"].target_rule is not None
    tuesday_morning = datetime(2026, 11, 24, 11, 0, tzinfo=OSLO)
    callback = {r.channel: r for r in overview.channel_rules(rules, tuesday_morning, NYNORSK)}
    assert callback["callback"].example == (
        "Ei melding motteken no, tysdag 24. november 2026 kl. 11:00, får svar helst innan "
        "tysdag 24. november 2026 kl. 15:00, seinast onsdag 25. november 2026 kl. 15:00."
    )


def test_holidays_and_configured_days_ahead_are_named_with_their_hours(tmp_path):
    rules = _rules(
        tmp_path,
        '[calendar]\nspecial_days = { "12-24" = "closed", "12-23" = "09:00-12:00" }\n',
    )
    days = overview.special_days(rules.calendar, date(2026, 12, 1), NYNORSK)
    by_date = {day.on: day for day in days}
    assert by_date[date(2026, 12, 23)].hours == "09:00-12:00"
    assert by_date[date(2026, 12, 24)].hours == "stengt"
    assert by_date[date(2026, 12, 25)].name == "Første juledag"
    assert max(by_date) < date(2027, 12, 1) and date(2027, 5, 17) in by_date
    assert date(2026, 12, 5) not in by_date  # an ordinary Saturday


def test_weekly_hours_and_a_summer_period_read_as_the_file_says(tmp_path):
    rules = _rules(
        tmp_path,
        "[[calendar.periods]]\n"
        'name = "Sommar"\nfrom = "05-15"\nto = "09-15"\n'
        'opening_hours = { mon = "08:00-15:00", fri = "08:00-14:00" }\n',
    )
    weekly = overview.weekly_hours(rules.calendar.weekly, NYNORSK)
    assert weekly[0] == ("måndag", "09:00-15:00") and weekly[6] == ("søndag", "stengt")
    (summer,) = overview.periods(rules.calendar, NYNORSK)
    assert summer.name == "Sommar" and summer.runs == "15. mai til 15. september"
    assert summer.hours[4] == ("fredag", "08:00-14:00") and summer.hours[1][1] == "stengt"
