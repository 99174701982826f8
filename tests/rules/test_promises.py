"""The promise rules, starting with worked examples of the shipped defaults (Alver, open
09:00-15:00 on weekdays; README, "The promise rules"), one per kind of rule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rules.calendar import OpeningHours
from rules.promises import (
    ChannelPromise,
    Hours,
    PromiseError,
    SameDay,
    WorkingDays,
    WorkingHours,
    parse_rule,
    preliminary_due,
)
from tests.rules.conftest import OSLO, calendar_with


def at(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


@pytest.mark.parametrize(
    ("channel", "received", "target", "due"),
    [
        # E-mail Friday 20 Nov 2026 10:00 → working days Mon 23 … Fri 27.
        ("email", at(2026, 11, 20, 10), at(2026, 11, 27, 15), at(2026, 11, 27, 15)),
        # E-mail Wednesday 24 March 2027 16:00, Easter week → Monday 5 April.
        ("email", at(2027, 3, 24, 16), at(2027, 4, 5, 15), at(2027, 4, 5, 15)),
        # Facebook on a Saturday → the close of Monday.
        ("facebook", at(2026, 11, 21, 12), at(2026, 11, 23, 15), at(2026, 11, 23, 15)),
        # Callback Tuesday 11:00 → target Tuesday 15:00, due Wednesday 15:00.
        ("callback", at(2026, 11, 24, 11), at(2026, 11, 24, 15), at(2026, 11, 25, 15)),
    ],
)
def test_worked_examples_of_the_shipped_defaults(
    alver, alver_promises, channel, received, target, due
):
    promise = alver_promises[channel].promise(alver, received)
    assert (promise.target_at, promise.due_at) == (target, due)


@pytest.mark.parametrize("hour", [0, 8, 9, 12, 15, 23])
def test_day_of_receipt_is_never_counted(alver, hour):
    assert WorkingDays(1).deadline(alver, at(2026, 11, 23, hour)) == at(2026, 11, 24, 15)


def test_arrival_exactly_at_opening_and_closing_is_the_same_working_day_count(alver):
    rule = WorkingDays(5)
    assert rule.deadline(alver, at(2026, 11, 23, 9)) == at(2026, 11, 30, 15)
    assert rule.deadline(alver, at(2026, 11, 23, 15)) == at(2026, 11, 30, 15)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 11, 24, 13, 59), at(2026, 11, 24, 15)),  # before the cutoff
        (at(2026, 11, 24, 14, 0), at(2026, 11, 25, 15)),  # exactly at the cutoff
        (at(2026, 11, 24, 14, 30), at(2026, 11, 25, 15)),  # after the cutoff
        (at(2026, 11, 24, 7, 0), at(2026, 11, 24, 15)),  # before opening
    ],
)
def test_same_day_is_strictly_before_the_cutoff(alver, received, due):
    assert SameDay(OpeningHours.parse("14:00-15:00").opens).deadline(alver, received) == due


def test_same_day_without_cutoff_uses_the_close(alver):
    assert SameDay().deadline(alver, at(2026, 11, 24, 14, 59)) == at(2026, 11, 24, 15)
    assert SameDay().deadline(alver, at(2026, 11, 24, 15, 0)) == at(2026, 11, 25, 15)


def test_same_day_cutoff_is_capped_at_an_early_close():
    short_day = calendar_with(dated={date(2027, 3, 24): OpeningHours.parse("09:00-12:00")})
    rule = SameDay(OpeningHours.parse("14:00-15:00").opens)
    assert rule.deadline(short_day, at(2027, 3, 24, 11, 59)) == at(2027, 3, 24, 12)
    assert rule.deadline(short_day, at(2027, 3, 24, 12, 0)) == at(2027, 3, 30, 15)


def test_working_hours_rule(alver):
    assert WorkingHours(8).deadline(alver, at(2026, 11, 23, 10)) == at(2026, 11, 24, 12)


def test_hours_rule_counts_clock_hours_across_dst(alver):
    received = at(2026, 3, 28, 12)  # the night to Sunday 29 March loses an hour
    assert Hours(24).deadline(alver, received) == at(2026, 3, 29, 13)
    assert Hours(24).deadline(alver, at(2026, 10, 24, 12)) == at(2026, 10, 25, 11)


def test_rules_refuse_naive_times(alver, alver_promises):
    with pytest.raises(ValueError, match="has no time zone"):
        alver_promises["email"].promise(alver, datetime(2026, 11, 23, 10))


def test_target_after_due_is_capped_at_due(alver):
    promise = ChannelPromise(due=SameDay(), target=WorkingDays(5))
    result = promise.promise(alver, at(2026, 11, 23, 10))
    assert result.target_at == result.due_at == at(2026, 11, 23, 15)


def test_promise_times_are_in_the_municipality_zone(alver, alver_promises):
    received = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    promise = alver_promises["email"].promise(alver, received)
    assert promise.received_at == at(2026, 11, 20, 10)
    assert promise.received_at.tzinfo == OSLO


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"weeks": 1}, "unknown rule 'weeks'"),
        ({"working_days": 0}, "working_days must be a whole number of working days, at least 1"),
        ({"working_days": 2.5}, "at least 1"),
        ({"working_days": True}, "working_days must be"),
        ({"working_hours": -1}, "a positive number of opening hours"),
        ({"hours": "24"}, "a positive number of clock hours"),
        ({"same_day": {"cutoff": "2pm"}}, 'expected a time as "HH:MM"'),
        ({"same_day": {"cut": "14:00"}}, "same_day must be a table with an optional cutoff"),
        ({"working_days": 5, "hours": 2}, "exactly one rule"),
        (5, "exactly one rule"),
    ],
)
def test_parse_rule_says_what_is_expected(value, message):
    with pytest.raises(PromiseError, match=message):
        parse_rule(value)


@pytest.mark.parametrize(
    "rule",
    [
        WorkingDays(5),
        SameDay(),
        SameDay(OpeningHours.parse("14:00-15:00").opens),
        WorkingHours(8),
        Hours(24),
        Hours(0.5),
    ],
)
def test_to_config_round_trips(rule):
    assert parse_rule(rule.to_config()) == rule


def test_preliminary_answer_date_gives_the_close_of_that_day(alver):
    assert preliminary_due(alver, date(2026, 12, 4), at(2026, 11, 24, 10)) == at(2026, 12, 4, 15)


@pytest.mark.parametrize(
    ("new_date", "message"),
    [
        (date(2026, 11, 24), "must be after today"),
        (date(2026, 11, 20), "must be after today"),
        (date(2026, 11, 28), "2026-11-28 is not a working day"),
        (date(2026, 12, 25), r"2026-12-25 \(Christmas Day|2026-12-25 \(Første juledag"),
    ],
)
def test_preliminary_answer_date_must_be_a_future_working_day(alver, new_date, message):
    with pytest.raises(PromiseError, match=message):
        preliminary_due(alver, new_date, at(2026, 11, 24, 10))
