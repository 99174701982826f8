"""How much time is left before a promise is due, in words that cannot be misread.

Working hours are never shown as if they were clock hours ("36 t att" for a deadline a week
away): what is left is counted in working days, or named as today or tomorrow with the time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from rules.calendar import Calendar


class Urgency(StrEnum):
    LATER = "later"
    TODAY = "today"
    OVERDUE = "overdue"


class Reading(StrEnum):
    """How the time left is said."""

    #: ``working_days`` working days left ("3 arbeidsdagar att").
    DAYS_LEFT = "days_left"
    #: Due later today, at ``due_local`` ("forfall i dag kl. 15.00").
    DUE_TODAY = "due_today"
    #: Due on the calendar day after today ("forfall i morgon kl. 12.00").
    DUE_TOMORROW = "due_tomorrow"
    #: Past due earlier today.
    OVERDUE_TODAY = "overdue_today"
    #: ``working_days`` working days past due ("2 arbeidsdagar over fristen").
    DAYS_OVER = "days_over"


@dataclass(frozen=True)
class TimeLeft:
    urgency: Urgency
    reading: Reading
    #: Working days left (after today, up to and including the due day) or, when overdue,
    #: working days since the due day; 0 for today and tomorrow.
    working_days: int
    #: The due time in the calendar's zone, for "kl. 15.00".
    due_local: datetime

    @property
    def days_over(self) -> int:
        """Working days since the due time passed; 0 unless overdue."""
        return self.working_days if self.reading == Reading.DAYS_OVER else 0


def time_left(calendar: Calendar, now: datetime, due_at: datetime) -> TimeLeft:
    """What is left of a promise due at ``due_at``, seen at ``now``."""
    today, due_day = calendar.local_date(now), calendar.local_date(due_at)
    due_local = calendar.localize(due_at)
    if due_at.timestamp() <= now.timestamp():
        over = _working_days_between(calendar, due_day, today)
        reading = Reading.DAYS_OVER if over else Reading.OVERDUE_TODAY
        return TimeLeft(Urgency.OVERDUE, reading, over, due_local)
    if due_day == today:
        return TimeLeft(Urgency.TODAY, Reading.DUE_TODAY, 0, due_local)
    if due_day == today + timedelta(days=1):
        return TimeLeft(Urgency.LATER, Reading.DUE_TOMORROW, 0, due_local)
    left = _working_days_between(calendar, today, due_day)
    return TimeLeft(Urgency.LATER, Reading.DAYS_LEFT, max(left, 1), due_local)


def _working_days_between(calendar: Calendar, first, last) -> int:
    """Working days after the day ``first`` up to and including the day ``last``."""
    day, count = first, 0
    while day < last:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count
