"""How much time is left before a promise is due, counted in opening time."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from rules.calendar import Calendar


class Urgency(StrEnum):
    LATER = "later"
    TODAY = "today"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class TimeLeft:
    urgency: Urgency
    #: Opening hours left (rounded up) before the due time; 0 when overdue.
    hours: int
    #: Working days since the due time passed; 0 unless overdue.
    days_over: int


def time_left(calendar: Calendar, now: datetime, due_at: datetime) -> TimeLeft:
    if due_at.timestamp() <= now.timestamp():
        return TimeLeft(Urgency.OVERDUE, 0, _working_days_between(calendar, due_at, now))
    hours = math.ceil(calendar.working_time_between(now, due_at) / timedelta(hours=1))
    today = calendar.local_date(now) == calendar.local_date(due_at)
    return TimeLeft(Urgency.TODAY if today else Urgency.LATER, hours, 0)


def _working_days_between(calendar: Calendar, start: datetime, end: datetime) -> int:
    """Working days after the day of ``start`` up to and including the day of ``end``."""
    day, last, count = calendar.local_date(start), calendar.local_date(end), 0
    while day < last:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count
