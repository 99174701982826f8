"""Issue 18, item 6: time left is said in working days or as today/tomorrow with the time,
never as working hours that read as clock hours ("36 t att" a week before the due date)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from inbox.cases.timeleft import Reading, Urgency, time_left
from inbox.settings.config import load_settings

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(scope="module")
def alver():
    """Alver's calendar as shipped: weekdays 09:00-15:00 and Norwegian public holidays."""
    return load_settings(None).rules.calendar


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=OSLO)


def test_working_days_left_skip_the_weekend(alver):
    # Thursday 26 November to Tuesday 1 December: Friday, Monday and Tuesday are left.
    left = time_left(alver, at(2026, 11, 26, 10), at(2026, 12, 1, 15))
    assert (left.reading, left.working_days, left.urgency) == (Reading.DAYS_LEFT, 3, Urgency.LATER)


def test_a_deadline_a_week_away_is_days_not_hours(alver):
    # Monday 23 November 11:00 to Monday 30 November 15:00 is 33 opening hours: five days.
    left = time_left(alver, at(2026, 11, 23, 11), at(2026, 11, 30, 15))
    assert (left.reading, left.working_days) == (Reading.DAYS_LEFT, 5)


def test_easter_holidays_are_not_counted(alver):
    # Wednesday 24 March 2027: Thursday 25, Friday 26 and Monday 29 are holidays.
    left = time_left(alver, at(2027, 3, 24, 10), at(2027, 3, 30, 15))
    assert (left.reading, left.working_days) == (Reading.DAYS_LEFT, 1)


def test_due_today_says_the_time(alver):
    left = time_left(alver, at(2026, 11, 24, 10), at(2026, 11, 24, 15))
    assert (left.reading, left.urgency) == (Reading.DUE_TODAY, Urgency.TODAY)
    assert (left.due_local.hour, left.due_local.minute) == (15, 0)


def test_due_tomorrow_is_the_next_calendar_day(alver):
    left = time_left(alver, at(2026, 11, 30, 10), at(2026, 12, 1, 12))
    assert left.reading == Reading.DUE_TOMORROW and left.due_local.hour == 12
    # Friday to Monday is not "tomorrow": one working day is left.
    weekend = time_left(alver, at(2026, 11, 27, 10), at(2026, 11, 30, 15))
    assert (weekend.reading, weekend.working_days) == (Reading.DAYS_LEFT, 1)


def test_overdue_today_and_overdue_by_working_days(alver):
    today = time_left(alver, at(2026, 11, 24, 10), at(2026, 11, 24, 9, 30))
    assert (today.reading, today.urgency, today.days_over) == (
        Reading.OVERDUE_TODAY,
        Urgency.OVERDUE,
        0,
    )
    # Due Wednesday 24 March 2027; by Tuesday 30 March three holidays and a weekend passed.
    late = time_left(alver, at(2027, 3, 30, 10), at(2027, 3, 24, 15))
    assert (late.reading, late.working_days, late.days_over) == (Reading.DAYS_OVER, 1, 1)
    weeks = time_left(alver, at(2026, 11, 24, 10), at(2026, 11, 9, 15))
    assert weeks.days_over == 11  # 10 to 13, 16 to 20, 23 and 24 November


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nn", ["3 arbeidsdagar att", "Forfall i dag kl. 15:00", "Forfall i morgon kl. 12:00"]),
        ("nb", ["3 arbeidsdager igjen", "Forfall i dag kl. 15:00", "Forfall i morgen kl. 12:00"]),
        # English pages write the time as Babel's English does (3:00 PM).
        (
            "en",
            ["3 working days left", "Due today at 3:00\u202fPM", "Due tomorrow at 12:00\u202fPM"],
        ),
    ],
)
def test_the_words_in_each_language(app, language, expected):
    from flask_babel import force_locale

    from inbox.clock import frozen_at
    from inbox.web.labels import time_left_text

    with app.test_request_context(), force_locale(language):
        with frozen_at(at(2026, 11, 26, 10)):
            days = time_left_text(at(2026, 12, 1, 15))
            today = time_left_text(at(2026, 11, 26, 15))
        with frozen_at(at(2026, 11, 30, 10)):
            tomorrow = time_left_text(at(2026, 12, 1, 12))
        with frozen_at(at(2026, 12, 3, 10)):
            over = time_left_text(at(2026, 12, 1, 15))
    assert [days[0], today[0], tomorrow[0]] == expected
    assert [days[1], today[1], tomorrow[1], over[1]] == ["later", "today", "later", "overdue"]
    assert (
        over[0]
        == {
            "nn": "2 arbeidsdagar over fristen",
            "nb": "2 arbeidsdager over fristen",
            "en": "2 working days overdue",
        }[language]
    )
