"""The municipality's working-day calendar.

A :class:`Calendar` answers, for any date, whether the municipality is open and
between which instants; the promise rules build every deadline from those
answers. Public holidays come from the ``holidays`` package for the configured
country; opening hours, dated periods (summer hours) and special days come
from configuration.

All instants going in must be timezone-aware; all instants coming out are
aware and in the municipality's time zone. Arithmetic is done on UTC epoch
seconds, so daylight-saving changes never stretch or shrink an hour.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# A calendar whose configuration closes every day would make the search for
# the next working day run forever; two years is far beyond any real promise.
SEARCH_LIMIT_DAYS = 2 * 366
ONE_DAY = timedelta(days=1)


def country_holidays(
    country: str, years: int | None = None, language: str | None = None
) -> holidays.HolidayBase:
    """``holidays.country_holidays``, importing that one country's module.

    The package ``holidays.countries`` imports the modules of all its 250 countries when it
    is imported (8 MB and 0.1 s in every process); the package's registry imports a
    country by its module's path, so an empty package module in its place is all it needs.
    """
    if "holidays.countries" not in sys.modules:
        spec = importlib.util.find_spec("holidays.countries")
        if spec is not None:  # else the registry reports the missing module itself
            sys.modules["holidays.countries"] = importlib.util.module_from_spec(spec)
    return holidays.country_holidays(country, years=years, language=language)


class CalendarError(ValueError):
    """A calendar was asked something it cannot answer (naive time, no open day)."""


def require_aware(moment: datetime, name: str = "time") -> None:
    """Refuse a naive datetime with a message saying how to fix it."""
    if not isinstance(moment, datetime):
        raise CalendarError(f"{name} must be a datetime, got {type(moment).__name__}")
    if moment.utcoffset() is None:
        raise CalendarError(
            f"{name} {moment.isoformat()} has no time zone; give an aware datetime, "
            "for example 2026-11-20T10:00:00+01:00"
        )


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Opening and closing time of one day, in local wall-clock time."""

    opens: time
    closes: time

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise CalendarError(
                f"closing time {self.closes:%H:%M} is not after opening time {self.opens:%H:%M}"
            )

    @classmethod
    def parse(cls, text: str) -> OpeningHours:
        """Parse ``"HH:MM-HH:MM"``."""
        opens, sep, closes = text.partition("-")
        if not sep:
            raise CalendarError(f'expected "HH:MM-HH:MM" or "closed", got {text!r}')
        return cls(parse_clock(opens.strip()), parse_clock(closes.strip()))

    def __str__(self) -> str:
        return f"{self.opens:%H:%M}-{self.closes:%H:%M}"


def parse_clock(text: str) -> time:
    """Parse a wall-clock time ``"HH:MM"`` (24-hour clock)."""
    hours, sep, minutes = text.partition(":")
    if not (sep and len(hours) == 2 and len(minutes) == 2 and (hours + minutes).isdigit()):
        raise CalendarError(f'expected a time as "HH:MM", got {text!r}')
    try:
        return time(int(hours), int(minutes))
    except ValueError:
        raise CalendarError(f"{text!r} is not a time of day (00:00 to 23:59)") from None


WeeklyHours = Mapping[int, OpeningHours]
"""Opening hours by weekday number (Monday is 0); a missing weekday is closed."""


@dataclass(frozen=True, slots=True)
class Period:
    """A recurring stretch of the year with its own weekly hours, both ends included.

    ``start`` and ``end`` are ``(month, day)``; a period may run over New Year.
    """

    name: str
    start: tuple[int, int]
    end: tuple[int, int]
    hours: WeeklyHours

    def covers(self, day: date) -> bool:
        key = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= key <= self.end
        return key >= self.start or key <= self.end


@dataclass(frozen=True, slots=True)
class Day:
    """What the calendar knows about one date.

    ``opens_at``/``closes_at`` are aware datetimes in the municipality's zone,
    or ``None`` on a closed day; ``holiday`` names the public holiday, if any.
    """

    date: date
    opens_at: datetime | None
    closes_at: datetime | None
    holiday: str | None
    is_special: bool
    opens_ts: float
    closes_ts: float

    @property
    def is_working_day(self) -> bool:
        return self.opens_at is not None

    @property
    def working_closes_at(self) -> datetime:
        """``closes_at`` of a day known to be a working day (as the working-day searches give)."""
        if self.closes_at is None:
            raise CalendarError(f"{self.date} is not a working day, so it has no closing time")
        return self.closes_at


@dataclass(frozen=True)
class Calendar:
    """Opening hours, periods, special days and public holidays of one municipality.

    Special days: a dated one (``date`` key) overrides everything, holidays
    included, so an administrator can open or close any single date; a
    recurring one (``(month, day)`` key) only closes or shortens a day that
    would otherwise be open. ``None`` as hours means closed.
    """

    timezone: str = "Europe/Oslo"
    country: str = "NO"
    weekly: WeeklyHours = field(default_factory=dict)
    periods: tuple[Period, ...] = ()
    recurring_days: Mapping[tuple[int, int], OpeningHours | None] = field(default_factory=dict)
    dated_days: Mapping[date, OpeningHours | None] = field(default_factory=dict)
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _days: dict[date, Day] = field(default_factory=dict, init=False, repr=False, compare=False)
    _later: dict[tuple[date, int], Day] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_zone", ZoneInfo(self.timezone))

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        # On first use, which a command that never asks about a date (a report) need not pay.
        return country_holidays(self.country)

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    # -- facts about one date -------------------------------------------------

    def day(self, on: date) -> Day:
        """The calendar facts for a date (computed once, then cached)."""
        found = self._days.get(on)
        if found is None:
            found = self._days[on] = self._compute_day(on)
        return found

    def _compute_day(self, on: date) -> Day:
        holiday = self._holidays.get(on)
        hours, is_special = self._hours_on(on, holiday is not None)
        if hours is None:
            return Day(on, None, None, holiday, is_special, 0.0, 0.0)
        opens_at = datetime.combine(on, hours.opens, tzinfo=self._zone)
        closes_at = datetime.combine(on, hours.closes, tzinfo=self._zone)
        return Day(
            on,
            opens_at,
            closes_at,
            holiday,
            is_special,
            opens_at.timestamp(),
            closes_at.timestamp(),
        )

    def _hours_on(self, on: date, is_holiday: bool) -> tuple[OpeningHours | None, bool]:
        if on in self.dated_days:
            return self.dated_days[on], True
        if is_holiday:
            return None, False
        hours = self._regular_hours(on)
        key = (on.month, on.day)
        if hours is not None and key in self.recurring_days:
            return self.recurring_days[key], True
        return hours, False

    def _regular_hours(self, on: date) -> OpeningHours | None:
        for period in self.periods:
            if period.covers(on):
                return period.hours.get(on.weekday())
        return self.weekly.get(on.weekday())

    def is_working_day(self, on: date) -> bool:
        return self.day(on).is_working_day

    def holiday_name(self, on: date, language: str | None = None) -> str | None:
        """The public holiday's name in one of the ``holidays`` package's languages."""
        if language is None:
            return self.day(on).holiday
        return country_holidays(self.country, years=on.year, language=language).get(on)

    def local_date(self, moment: datetime) -> date:
        """The municipality's calendar date at an instant."""
        require_aware(moment)
        return moment.astimezone(self._zone).date()

    def localize(self, moment: datetime) -> datetime:
        """The same instant in the municipality's time zone."""
        require_aware(moment)
        return moment.astimezone(self._zone)

    # -- walking over working days ------------------------------------------

    def days_from(self, first: date) -> Iterator[Day]:
        """Every day from ``first`` on, up to the search limit."""
        for offset in range(SEARCH_LIMIT_DAYS):
            yield self.day(first + timedelta(days=offset))
        raise self._no_working_day(first)

    @staticmethod
    def _no_working_day(first: date) -> CalendarError:
        return CalendarError(
            f"no working day within {SEARCH_LIMIT_DAYS} days after {first.isoformat()}; "
            "check the opening hours and closed days in the configuration"
        )

    def working_day_on_or_after(self, first: date) -> Day:
        for candidate in self.days_from(first):
            if candidate.opens_at is not None:
                return candidate
        raise AssertionError("days_from raises before running out")  # pragma: no cover

    def next_working_day(self, after: date) -> Day:
        """The first working day strictly after ``after``."""
        return self.working_day_on_or_after(after + timedelta(days=1))

    def add_working_days(self, after: date, count: int) -> Day:
        """The ``count``-th working day after ``after``; ``after`` itself never counts."""
        found = self._later.get((after, count))
        if found is None:
            if count < 1:
                raise CalendarError(f"number of working days must be at least 1, got {count}")
            found = self.day(after)
            for _ in range(count):
                found = self.next_working_day(found.date)
            self._later[(after, count)] = found
        return found

    def working_days_after(self, after: date, count: int) -> list[Day]:
        """The next ``count`` working days after ``after`` (for picking a new date)."""
        days: list[Day] = []
        while len(days) < count:
            days.append(self.next_working_day(days[-1].date if days else after))
        return days

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The instant when ``hours`` of opening time have passed since ``start``.

        Time outside opening hours does not count; a result that lands exactly
        on a closing time stays on that day.
        """
        require_aware(start, "start")
        if hours <= 0:
            raise CalendarError(f"number of working hours must be positive, got {hours}")
        moment = start.timestamp()
        remaining = hours * 3600.0
        on = start.astimezone(self._zone).date()
        # The hot path of the `working_hours` rule: a plain loop over the day cache.
        for _ in range(SEARCH_LIMIT_DAYS):
            current = self._days.get(on) or self.day(on)
            if current.opens_at is not None and moment < current.closes_ts:
                begin = max(moment, current.opens_ts)
                available = current.closes_ts - begin
                if remaining <= available:
                    return datetime.fromtimestamp(begin + remaining, self._zone)
                remaining -= available
            on += ONE_DAY
        raise self._no_working_day(start.date())

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Opening time between two instants; negative when ``end`` is before ``start``."""
        require_aware(start, "start")
        require_aware(end, "end")
        begin, finish = start.timestamp(), end.timestamp()
        if finish < begin:
            return -self.working_time_between(end, start)
        seconds = 0.0
        on = self.local_date(start)
        last = self.local_date(end)
        while on <= last:
            current = self.day(on)
            if current.opens_at is not None:
                overlap = min(finish, current.closes_ts) - max(begin, current.opens_ts)
                seconds += max(overlap, 0.0)
            on += ONE_DAY
        return timedelta(seconds=seconds)
