"""The escalation ladder: which levels a reply promise has reached at a given moment.

From the Altinn agreement: deviations go up step by step. Here: a warning
when a turn is due within N working hours (to whoever has the case), the
department's leader at the breach, and the next level (section leader,
director) M working days after the breach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from rules.calendar import Calendar, require_aware


class Level(StrEnum):
    WARNING = "warning"
    BREACH = "breach"
    NEXT = "next-level"


@dataclass(frozen=True)
class EscalationRule:
    #: Warn when no more than this many working hours are left (0: no warning).
    warn_hours_before: float = 4.0
    #: Working days after the breach before the next level hears of it.
    next_level_after_days: int = 2
    #: The next level's e-mail addresses (section leader, director); empty: none.
    next_level: tuple[str, ...] = ()


def reached(
    calendar: Calendar, rule: EscalationRule, due_at: datetime, now: datetime
) -> list[Level]:
    """The levels reached by ``now`` for a turn due at ``due_at``, lowest first."""
    require_aware(due_at, "due_at")
    require_aware(now, "now")
    levels = []
    if now >= due_at:
        levels += [Level.WARNING, Level.BREACH]
        next_at = calendar.add_working_days(
            calendar.local_date(due_at), rule.next_level_after_days
        ).working_closes_at
        if rule.next_level and now >= next_at:
            levels.append(Level.NEXT)
    elif rule.warn_hours_before > 0:
        left = calendar.working_time_between(now, due_at)
        if left <= timedelta(hours=rule.warn_hours_before):
            levels.append(Level.WARNING)
    return levels
