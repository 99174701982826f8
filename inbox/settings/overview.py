"""What the configuration makes of the promises and the calendar, in words, for an
administrator to check (/admin/promises): each channel's rule with a worked example, the
opening hours, the periods (summer hours) and the days ahead that are not ordinary days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.dates import format_skeleton, get_day_names

from inbox.i18n import Language
from inbox.settings.promise_text import (
    CHANNEL_NAMES,
    HOLIDAY_LANGUAGES,
    closed_days,
    describe_rule,
)
from rules.calendar import WEEKDAYS, Calendar, Period, WeeklyHours
from rules.config import RulesConfig

#: How far ahead the list of closed and special days reaches.
DAYS_AHEAD = 365


@dataclass(frozen=True)
class ChannelRule:
    """One channel's promise as staff see it, and what it gives a message received now."""

    channel: str
    name: str
    due_rule: str
    target_rule: str | None
    acknowledges: bool
    example: str
    closed_between: tuple[str, ...]


@dataclass(frozen=True)
class SpecialDay:
    """A public holiday or a day the configuration closes, shortens or opens."""

    on: date
    day: str
    name: str
    hours: str


@dataclass(frozen=True)
class PeriodHours:
    name: str
    runs: str
    hours: tuple[tuple[str, str], ...]


def channel_rules(rules: RulesConfig, now: datetime, language: Language) -> list[ChannelRule]:
    """Every channel's rule in words, with the promise for a message received at ``now``."""
    calendar = rules.calendar
    received = calendar.localize(now)
    found = []
    for channel, channel_promise in rules.promises.items():
        promise = channel_promise.promise(calendar, received)
        values = {
            "received": language.datetime(promise.received_at),
            "target": language.datetime(promise.target_at),
            "due": language.datetime(promise.due_at),
        }
        if promise.target_at != promise.due_at:
            example = language.gettext(
                "A message received now, %(received)s, gets an answer preferably by "
                "%(target)s, at the latest by %(due)s.",
                **values,
            )
        else:
            example = language.gettext(
                "A message received now, %(received)s, gets an answer at the latest by %(due)s.",
                **values,
            )
        target = channel_promise.target
        found.append(
            ChannelRule(
                channel,
                language.gettext(CHANNEL_NAMES[channel]),
                describe_rule(channel_promise.due, language),
                describe_rule(target, language) if target is not None else None,
                channel_promise.acknowledge,
                example,
                tuple(closed_days(calendar, promise, language)),
            )
        )
    return found


def special_days(calendar: Calendar, today: date, language: Language) -> list[SpecialDay]:
    """Public holidays and configured special days from ``today`` for :data:`DAYS_AHEAD` days."""
    found = []
    for offset in range(DAYS_AHEAD):
        on = today + timedelta(days=offset)
        day = calendar.day(on)
        if not (day.holiday or day.is_special):
            continue
        if day.holiday:
            name = calendar.holiday_name(on, HOLIDAY_LANGUAGES[language.code]) or day.holiday
        else:
            name = language.gettext("special day in the configuration")
        if day.opens_at is None or day.closes_at is None:
            hours = language.gettext("closed")
        else:
            hours = f"{day.opens_at:%H:%M}-{day.closes_at:%H:%M}"
        found.append(SpecialDay(on, language.date(on), name, hours))
    return found


def weekly_hours(hours: WeeklyHours, language: Language) -> tuple[tuple[str, str], ...]:
    """(weekday, opening hours or "closed") from Monday to Sunday."""
    names = get_day_names("wide", locale=language.locale)
    return tuple(
        (
            names[number],
            str(hours[number]) if number in hours else language.gettext("closed"),
        )
        for number in range(len(WEEKDAYS))
    )


def periods(calendar: Calendar, language: Language) -> list[PeriodHours]:
    """The configured periods (summer hours) with when they run and their weekly hours."""
    return [
        PeriodHours(period.name, _runs(period, language), weekly_hours(period.hours, language))
        for period in calendar.periods
    ]


def _runs(period: Period, language: Language) -> str:
    # A leap year, so that a period may start or end on 29 February.
    start, end = (date(2000, month, day) for month, day in (period.start, period.end))
    return language.gettext(
        "%(start)s to %(end)s",
        start=format_skeleton("MMMMd", start, locale=language.locale),
        end=format_skeleton("MMMMd", end, locale=language.locale),
    )
