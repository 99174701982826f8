"""Calendars for the rule tests: Alver's shipped defaults and small variations."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from inbox.settings.config import load_settings
from rules.calendar import Calendar, OpeningHours, Period

OSLO = ZoneInfo("Europe/Oslo")
NINE_TO_THREE = OpeningHours.parse("09:00-15:00")
WEEKDAYS_NINE_TO_THREE = dict.fromkeys(range(5), NINE_TO_THREE)


@pytest.fixture(scope="session")
def alver() -> Calendar:
    """Alver's calendar as shipped: weekdays 09:00-15:00, Norwegian holidays, nothing else."""
    return load_settings(None).rules.calendar


@pytest.fixture(scope="session")
def alver_promises():
    return load_settings(None).rules.promises


def calendar_with(
    *,
    periods: tuple[Period, ...] = (),
    recurring: dict | None = None,
    dated: dict[date, OpeningHours | None] | None = None,
) -> Calendar:
    return Calendar(
        "Europe/Oslo",
        "NO",
        WEEKDAYS_NINE_TO_THREE,
        periods,
        recurring or {},
        dated or {},
    )


SUMMER = Period(
    "summer", (5, 15), (9, 15), dict.fromkeys(range(5), OpeningHours.parse("08:00-15:00"))
)
