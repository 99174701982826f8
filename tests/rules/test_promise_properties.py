"""Properties every promise must have, for any arrival time in 2024-2030."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.promises import Hours, WorkingDays, WorkingHours
from tests.rules.conftest import OSLO

ZONES = st.sampled_from([UTC, OSLO, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9))])
ARRIVALS = st.builds(
    lambda moment, zone: moment.replace(tzinfo=UTC).astimezone(zone),
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 1)),
    ZONES,
)
RULES = st.one_of(
    st.integers(1, 15).map(WorkingDays),
    st.floats(0.25, 40).map(WorkingHours),
    st.floats(0.25, 200).map(Hours),
)
EXAMPLES = settings(max_examples=200, deadline=None)


@EXAMPLES
@given(received=ARRIVALS)
def test_due_is_never_before_receipt_on_any_shipped_channel(alver, alver_promises, received):
    for channel, rules in alver_promises.items():
        promise = rules.promise(alver, received)
        assert promise.due_at >= received, channel
        assert received <= promise.target_at <= promise.due_at, channel


@EXAMPLES
@given(received=ARRIVALS, rule=RULES)
def test_due_is_never_before_receipt_for_any_rule(alver, received, rule):
    assert rule.deadline(alver, received) >= received


@EXAMPLES
@given(received=ARRIVALS, days=st.integers(1, 15))
def test_working_days_due_is_a_working_days_close(alver, received, days):
    due = WorkingDays(days).deadline(alver, received)
    day = alver.day(due.date())
    assert day.is_working_day
    assert due == day.closes_at
    assert due.date() > alver.local_date(received)


@EXAMPLES
@given(first=ARRIVALS, later_by=st.timedeltas(timedelta(0), timedelta(days=20)), rule=RULES)
def test_due_is_monotonic_in_arrival_time(alver, first, later_by, rule):
    assert rule.deadline(alver, first) <= rule.deadline(alver, first + later_by)


@EXAMPLES
@given(received=ARRIVALS, days=st.integers(1, 15))
def test_one_more_working_day_is_later(alver, received, days):
    assert WorkingDays(days + 1).deadline(alver, received) > WorkingDays(days).deadline(
        alver, received
    )


@EXAMPLES
@given(received=ARRIVALS, hours=st.floats(0.25, 40))
def test_working_hours_round_trip(alver, received, hours):
    due = alver.add_working_hours(received, hours)
    counted = alver.working_time_between(received, due)
    assert abs(counted - timedelta(hours=hours)) < timedelta(seconds=1)
