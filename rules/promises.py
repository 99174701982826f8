"""Reply promises: the rules a channel's target and due times are built from.

Each rule turns the instant a citizen's message was received into a deadline,
using the municipality's :class:`~rules.calendar.Calendar`. The README's "The
promise rules" section says what each rule means (``working_days``,
``same_day``, ``working_hours``, ``hours``); their configuration shape is the
TOML inline table that :meth:`Rule.to_config` returns and :func:`parse_rule` reads.
With the shipped defaults (Alver, open 09:00-15:00 on weekdays), an e-mail on
Friday 20 November 2026 at 10:00 is due at the close of the fifth working day
after it, Friday 27 November at 15:00; ``tests/rules/test_promises.py`` works
through this and the other channels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from rules.calendar import Calendar, CalendarError, parse_clock, require_aware

CHANNELS = (
    "email",
    "letter",
    "sms",
    "facebook",
    "instagram",
    "callback",
    "phone",
    "in_person",
    "web",
)
"""Every channel a promise can be configured for."""


class PromiseError(ValueError):
    """A promise rule or a preliminary answer's date is not acceptable."""


class Rule(Protocol):
    def deadline(self, calendar: Calendar, received_at: datetime) -> datetime:
        """The deadline for a message received at ``received_at``."""

    def to_config(self) -> dict[str, Any]:
        """The rule in its configuration shape, e.g. ``{"working_days": 5}``."""


@dataclass(frozen=True, slots=True)
class WorkingDays:
    """The close of the N-th working day after the day of receipt."""

    days: int

    def deadline(self, calendar: Calendar, received_at: datetime) -> datetime:
        day = calendar.add_working_days(calendar.local_date(received_at), self.days)
        return day.working_closes_at

    def to_config(self) -> dict[str, Any]:
        return {"working_days": self.days}


@dataclass(frozen=True, slots=True)
class SameDay:
    """The close of the day of receipt if it came in time, else of the next working day.

    In time means a working day and strictly before the cutoff, or before the
    close when the day closes earlier than the cutoff (or no cutoff is set).
    """

    cutoff: time | None = None

    def deadline(self, calendar: Calendar, received_at: datetime) -> datetime:
        local = calendar.localize(received_at)
        today = calendar.day(local.date())
        if today.closes_at is not None:
            limit = today.closes_at.time()
            if self.cutoff is not None and self.cutoff < limit:
                limit = self.cutoff
            if local.time() < limit:
                return today.closes_at
        return calendar.next_working_day(local.date()).working_closes_at

    def to_config(self) -> dict[str, Any]:
        return {"same_day": {} if self.cutoff is None else {"cutoff": f"{self.cutoff:%H:%M}"}}


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """N hours of opening time after receipt."""

    hours: float

    def deadline(self, calendar: Calendar, received_at: datetime) -> datetime:
        return calendar.add_working_hours(received_at, self.hours)

    def to_config(self) -> dict[str, Any]:
        return {"working_hours": self.hours}


@dataclass(frozen=True, slots=True)
class Hours:
    """N clock hours, day and night."""

    hours: float

    def deadline(self, calendar: Calendar, received_at: datetime) -> datetime:
        require_aware(received_at, "received time")
        # In UTC: aware arithmetic in a local zone adds wall-clock time, not elapsed time.
        elapsed = received_at.astimezone(UTC) + timedelta(hours=self.hours)
        return calendar.localize(elapsed)

    def to_config(self) -> dict[str, Any]:
        return {"hours": self.hours}


RULE_SHAPES = {
    "working_days": "a whole number of working days, at least 1, e.g. { working_days = 5 }",
    "same_day": 'a table with an optional cutoff, e.g. { same_day = { cutoff = "14:00" } }',
    "working_hours": "a positive number of opening hours, e.g. { working_hours = 8 }",
    "hours": "a positive number of clock hours, e.g. { hours = 24 }",
}

# A promise longer than about a year is a mistake in the file.
LONGEST = {"working_days": 366, "working_hours": 24 * 366, "hours": 24 * 366}


def parse_rule(value: Any) -> Rule:
    """Read a rule from its configuration shape; :class:`PromiseError` says what is expected."""
    expected = "one of " + ", ".join(RULE_SHAPES)
    if not isinstance(value, dict) or len(value) != 1:
        raise PromiseError(f"expected a table with exactly one rule ({expected}), got {value!r}")
    ((name, argument),) = value.items()
    if name not in RULE_SHAPES:
        raise PromiseError(f"unknown rule {name!r}; expected {expected}")
    shape = RULE_SHAPES[name]
    if name == "same_day":
        return _parse_same_day(argument, shape)
    if isinstance(argument, bool) or not isinstance(argument, int | float):
        raise PromiseError(f"{name} must be {shape}, got {argument!r}")
    if name == "working_days":
        if not isinstance(argument, int) or argument < 1:
            raise PromiseError(f"working_days must be {shape}, got {argument!r}")
        if argument > LONGEST[name]:
            raise PromiseError(f"working_days must be at most {LONGEST[name]}, got {argument!r}")
        return WorkingDays(argument)
    if not math.isfinite(argument) or argument <= 0:
        raise PromiseError(f"{name} must be {shape}, got {argument!r}")
    if argument > LONGEST[name]:
        # Beyond this, working out a due time loops for ages or overflows.
        raise PromiseError(f"{name} must be at most {LONGEST[name]}, got {argument!r}")
    return WorkingHours(argument) if name == "working_hours" else Hours(argument)


def _parse_same_day(argument: Any, shape: str) -> SameDay:
    if not isinstance(argument, dict) or set(argument) - {"cutoff"}:
        raise PromiseError(f"same_day must be {shape}, got {argument!r}")
    if "cutoff" not in argument:
        return SameDay()
    if not isinstance(argument["cutoff"], str):
        raise PromiseError(f'cutoff must be a time as "HH:MM", got {argument["cutoff"]!r}')
    try:
        return SameDay(parse_clock(argument["cutoff"]))
    except CalendarError as error:
        raise PromiseError(f"cutoff: {error}") from None


@dataclass(frozen=True, slots=True)
class Promise:
    """The promise given for one citizen message: preferably by target, at the latest by due."""

    received_at: datetime
    target_at: datetime
    due_at: datetime


@dataclass(frozen=True, slots=True)
class ChannelPromise:
    """A channel's promise rules; without its own target rule the target is the due time.

    ``acknowledge`` says whether a new turn on the channel gets an automatic
    acknowledgement that states the due time.
    """

    due: Rule
    target: Rule | None = None
    acknowledge: bool = False

    def promise(self, calendar: Calendar, received_at: datetime) -> Promise:
        """The promise for a message received at ``received_at``.

        A target rule that would land after the due time is capped at the due time.
        """
        received_at = calendar.localize(received_at)
        due_at = self.due.deadline(calendar, received_at)
        if self.target is None:
            return Promise(received_at, due_at, due_at)
        target_at = self.target.deadline(calendar, received_at)
        if target_at.timestamp() > due_at.timestamp():
            target_at = due_at
        return Promise(received_at, target_at, due_at)

    def to_config(self) -> dict[str, Any]:
        shape: dict[str, Any] = {"due": self.due.to_config()}
        if self.target is not None:
            shape["target"] = self.target.to_config()
        return shape


def preliminary_due(calendar: Calendar, new_date: date, now: datetime) -> datetime:
    """The due time of a preliminary answer's new date: the close of that day.

    The date must be a working day after today (in the municipality's zone).
    """
    today = calendar.local_date(now)
    if new_date <= today:
        raise PromiseError(
            f"the new date {new_date.isoformat()} must be after today ({today.isoformat()})"
        )
    day = calendar.day(new_date)
    if day.closes_at is None:
        reason = f" ({day.holiday})" if day.holiday else ""
        raise PromiseError(f"the new date {new_date.isoformat()}{reason} is not a working day")
    return day.closes_at
