"""The working-day calendar: opening hours, holidays, periods, special days, DST."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import holidays
import pytest

from rules.calendar import Calendar, CalendarError, OpeningHours, Period
from tests.rules.conftest import NINE_TO_THREE, OSLO, SUMMER, calendar_with


def at(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


def test_a_weekday_opens_and_closes_in_local_time(alver):
    day = alver.day(date(2026, 11, 20))
    assert day.is_working_day
    assert (day.opens_at, day.closes_at) == (at(2026, 11, 20, 9), at(2026, 11, 20, 15))
    assert day.closes_at.utcoffset() == timedelta(hours=1)


def test_weekends_are_closed(alver):
    assert not alver.is_working_day(date(2026, 11, 21))
    assert not alver.is_working_day(date(2026, 11, 22))
    assert alver.day(date(2026, 11, 22)).closes_at is None


@pytest.mark.parametrize("year", range(2024, 2031))
def test_every_norwegian_public_holiday_is_closed(alver, year):
    public = holidays.country_holidays("NO", years=year)
    assert len(public) >= 10, "the holidays package should know Norway's holidays"
    for holiday, name in public.items():
        assert not alver.is_working_day(holiday), f"{holiday} ({name}) should be closed"
        assert alver.day(holiday).holiday is not None


def test_easter_2027_closes_thursday_to_monday(alver):
    easter = [date(2027, 3, 25), date(2027, 3, 26), date(2027, 3, 29)]
    assert [alver.is_working_day(d) for d in easter] == [False, False, False]
    assert alver.is_working_day(date(2027, 3, 24))
    assert alver.is_working_day(date(2027, 3, 30))


def test_next_working_day_skips_weekend_and_holidays(alver):
    assert alver.next_working_day(date(2026, 11, 20)).date == date(2026, 11, 23)
    assert alver.next_working_day(date(2027, 3, 24)).date == date(2027, 3, 30)
    assert alver.next_working_day(date(2026, 12, 24)).date == date(2026, 12, 28)


def test_add_working_days_never_counts_the_starting_day(alver):
    assert alver.add_working_days(date(2026, 11, 20), 1).date == date(2026, 11, 23)
    assert alver.add_working_days(date(2026, 11, 20), 5).date == date(2026, 11, 27)
    assert alver.add_working_days(date(2026, 11, 21), 1).date == date(2026, 11, 23)


def test_add_working_days_refuses_zero(alver):
    with pytest.raises(CalendarError, match="at least 1"):
        alver.add_working_days(date(2026, 11, 20), 0)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (at(2026, 11, 23, 7, 0), 2, at(2026, 11, 23, 11, 0)),  # before opening
        (at(2026, 11, 23, 9, 0), 6, at(2026, 11, 23, 15, 0)),  # exactly a day, ends at close
        (at(2026, 11, 23, 15, 0), 1, at(2026, 11, 24, 10, 0)),  # at closing
        (at(2026, 11, 23, 18, 0), 1, at(2026, 11, 24, 10, 0)),  # after closing
        (at(2026, 11, 20, 13, 0), 8, at(2026, 11, 23, 15, 0)),  # over the weekend
        (at(2026, 11, 20, 13, 0), 9, at(2026, 11, 24, 10, 0)),
        (at(2027, 3, 24, 14, 0), 2, at(2027, 3, 30, 10, 0)),  # over Easter
        (at(2026, 11, 23, 10, 0), 0.5, at(2026, 11, 23, 10, 30)),
    ],
)
def test_add_working_hours(alver, start, hours, expected):
    assert alver.add_working_hours(start, hours) == expected


def test_add_working_hours_refuses_nothing_to_add(alver):
    with pytest.raises(CalendarError, match="must be positive"):
        alver.add_working_hours(at(2026, 11, 23, 10), 0)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (at(2026, 11, 23, 10), at(2026, 11, 23, 12), 2),
        (at(2026, 11, 23, 7), at(2026, 11, 23, 20), 6),
        (at(2026, 11, 20, 14), at(2026, 11, 23, 10), 2),  # Friday to Monday
        (at(2026, 11, 21, 10), at(2026, 11, 22, 20), 0),  # a weekend
        (at(2027, 3, 24, 14), at(2027, 3, 30, 10), 2),  # Easter in between
    ],
)
def test_working_time_between(alver, start, end, hours):
    assert alver.working_time_between(start, end) == timedelta(hours=hours)


def test_working_time_between_is_negative_backwards(alver):
    start, end = at(2026, 11, 23, 10), at(2026, 11, 23, 12)
    assert alver.working_time_between(end, start) == -timedelta(hours=2)


def test_working_time_between_accepts_any_zone(alver):
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Oslo
    assert alver.working_time_between(start, at(2026, 11, 23, 12)) == timedelta(hours=2)


@pytest.mark.parametrize(
    ("summer_day", "opens_at_eight"),
    [
        (date(2025, 5, 14), False),
        (date(2025, 5, 15), True),
        (date(2025, 9, 15), True),
        (date(2025, 9, 16), False),
    ],
)
def test_summer_period_boundaries_are_inclusive(summer_day, opens_at_eight):
    calendar = calendar_with(periods=(SUMMER,))
    opens = calendar.day(summer_day).opens_at
    assert opens.hour == (8 if opens_at_eight else 9)


def test_a_period_may_run_over_new_year():
    winter = Period("winter", (12, 20), (1, 10), {0: OpeningHours.parse("10:00-14:00")})
    calendar = calendar_with(periods=(winter,))
    assert calendar.day(date(2027, 1, 4)).opens_at.hour == 10  # a Monday inside
    assert not calendar.is_working_day(date(2027, 1, 5))  # Tuesday: not open in the period
    assert calendar.day(date(2027, 1, 11)).opens_at.hour == 9  # after the period


def test_recurring_special_day_closes_christmas_eve_every_year():
    calendar = calendar_with(recurring={(12, 24): None})
    assert not calendar.is_working_day(date(2027, 12, 24))  # a Friday
    assert calendar.day(date(2027, 12, 24)).is_special


def test_recurring_special_hours_never_open_a_weekend():
    calendar = calendar_with(recurring={(12, 31): OpeningHours.parse("09:00-12:00")})
    assert calendar.day(date(2025, 12, 31)).closes_at.hour == 12  # Wednesday: short day
    assert not calendar.is_working_day(date(2028, 12, 31))  # Sunday stays closed


def test_dated_special_day_shortens_one_day():
    calendar = calendar_with(dated={date(2027, 3, 24): OpeningHours.parse("09:00-12:00")})
    assert calendar.day(date(2027, 3, 24)).closes_at == at(2027, 3, 24, 12)
    assert calendar.day(date(2026, 3, 24)).closes_at == at(2026, 3, 24, 15)  # only that date


def test_dated_special_day_can_open_a_holiday():
    election = date(2027, 5, 17)
    calendar = calendar_with(dated={election: NINE_TO_THREE})
    assert calendar.is_working_day(election)


def test_opening_hours_keep_local_time_across_dst(alver):
    before, after = alver.day(date(2026, 3, 27)), alver.day(date(2026, 3, 30))
    assert before.opens_at.utcoffset() == timedelta(hours=1)
    assert after.opens_at.utcoffset() == timedelta(hours=2)
    assert (before.opens_at.hour, after.opens_at.hour) == (9, 9)
    assert after.opens_at.astimezone(UTC).hour == 7


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(2026, 3, 27, 13), at(2026, 3, 30, 11)),  # spring forward in between
        (at(2026, 10, 23, 13), at(2026, 10, 26, 11)),  # fall back in between
    ],
)
def test_working_hours_across_dst_count_opening_time_only(alver, start, expected):
    assert alver.add_working_hours(start, 4) == expected
    assert alver.working_time_between(start, expected) == timedelta(hours=4)


def test_naive_datetime_is_refused_with_a_clear_error(alver):
    with pytest.raises(CalendarError, match="has no time zone"):
        alver.add_working_hours(datetime(2026, 11, 23, 10, 0), 1)
    with pytest.raises(CalendarError, match="has no time zone"):
        alver.local_date(datetime(2026, 11, 23, 10, 0))


def test_a_calendar_without_open_days_raises_instead_of_looping():
    closed = Calendar("Europe/Oslo", "NO", {})
    with pytest.raises(CalendarError, match="no working day within"):
        closed.next_working_day(date(2026, 11, 23))
    with pytest.raises(CalendarError, match="no working day within"):
        closed.add_working_hours(at(2026, 11, 23, 10), 1)


@pytest.mark.parametrize("text", ["9-15", "09:00", "25:00-26:00", "09:60-15:00", "x"])
def test_malformed_opening_hours_are_refused(text):
    with pytest.raises(CalendarError):
        OpeningHours.parse(text)


def test_closing_before_opening_is_refused():
    with pytest.raises(CalendarError, match="closing time 09:00 is not after opening time 15:00"):
        OpeningHours.parse("15:00-09:00")


# In a process of its own: the test process has imported every country already.
ONE_COUNTRY = """
import sys
from rules.calendar import country_holidays
names = [country_holidays(code, years=2026).get("2026-05-17") for code in ("NO", "SE")]
print(names, sorted(m for m in sys.modules if m.startswith("holidays.countries.")))
"""


def test_a_calendar_imports_only_its_own_countrys_module():
    completed = subprocess.run(
        [sys.executable, "-c", ONE_COUNTRY],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert completed.stdout.strip() == (
        "['Constitution Day', None] ['holidays.countries.norway', 'holidays.countries.sweden']"
    )
