"""The escalation ladder at the right working-hour moments (Alver's calendar, Oslo time)."""

from __future__ import annotations

from datetime import datetime

import pytest

from rules.escalation import EscalationRule, Level, reached
from tests.rules.conftest import OSLO

# Due Monday 30 November 2026 at the close (15:00); the weekend before does not count.
DUE = datetime(2026, 11, 30, 15, 0, tzinfo=OSLO)
RULE = EscalationRule(warn_hours_before=4, next_level_after_days=2, next_level=("dir@alver.no",))


@pytest.mark.parametrize(
    ("now", "levels"),
    [
        (datetime(2026, 11, 27, 14, 0, tzinfo=OSLO), []),  # Fri 14:00: 7 working hours left
        (datetime(2026, 11, 27, 14, 59, tzinfo=OSLO), []),  # 6 h 1 min left
        (datetime(2026, 11, 30, 10, 59, tzinfo=OSLO), []),  # 4 h 1 min left
        (datetime(2026, 11, 30, 11, 0, tzinfo=OSLO), [Level.WARNING]),  # exactly 4 h left
        (datetime(2026, 11, 28, 12, 0, tzinfo=OSLO), []),  # Saturday: still 6 h left
        (datetime(2026, 11, 30, 15, 0, tzinfo=OSLO), [Level.WARNING, Level.BREACH]),
        (datetime(2026, 12, 2, 14, 59, tzinfo=OSLO), [Level.WARNING, Level.BREACH]),
        (
            datetime(2026, 12, 2, 15, 0, tzinfo=OSLO),  # two working days after the breach
            [Level.WARNING, Level.BREACH, Level.NEXT],
        ),
    ],
)
def test_levels_reached(alver, now, levels):
    assert reached(alver, RULE, DUE, now) == levels


def test_no_next_level_when_none_is_configured(alver):
    late = datetime(2026, 12, 20, 12, 0, tzinfo=OSLO)
    assert reached(alver, EscalationRule(next_level=()), DUE, late) == [
        Level.WARNING,
        Level.BREACH,
    ]


def test_no_warning_when_switched_off(alver):
    just_before = datetime(2026, 11, 30, 14, 0, tzinfo=OSLO)
    assert reached(alver, EscalationRule(warn_hours_before=0), DUE, just_before) == []
