"""A fetched batch taken in as a set: the same outcome as message by message, in fewer steps."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake import references
from inbox.intake.receiving import receive, receive_batch
from inbox.models import Case, Contact, Message, OutboxMessage, TurnDayChange
from inbox.reports import turn_days
from rules.autoreply import Hold
from tests.factories import make_department
from tests.inbox.intake_helpers import OSLO, email

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=OSLO)


@pytest.fixture
def frontline(app):
    return make_department("innbyggjarservice", is_frontline=True)


@pytest.fixture(autouse=True)
def fixed_clock():
    with frozen_at(NOW):
        yield


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def outcome() -> dict:
    """What a person or the report sees of what intake did."""
    held = sorted(
        str((message.metadata_json or {}).get("acknowledgement_held"))
        for message in db.session.scalars(select(Message).where(Message.external_id.is_not(None)))
    )
    counted = db.session.execute(
        select(func.sum(TurnDayChange.turns), func.sum(TurnDayChange.cases))
    ).one()
    return {
        "cases": count(Case),
        "contacts": count(Contact),
        "messages": count(Message),
        "outbox": count(OutboxMessage),
        "held": held,
        "turn_days": tuple(counted),
    }


def mails() -> list:
    later = datetime(2026, 11, 20, 10, 5, tzinfo=OSLO)
    repeated = email(sender="ola@example.no", external_id="<twice@example.no>")
    return [
        email(sender="kari@example.no"),
        repeated,
        email(sender="Kari@Example.no", received_at=later),  # the same citizen again
        repeated,  # the same message again in the batch: no second case
        email(sender="per@example.no"),
    ]


def test_a_batch_ends_as_the_same_messages_one_by_one(frontline):
    for inbound in mails():
        receive(inbound)
    db.session.commit()
    one_by_one = outcome()
    db.session.execute(Message.__table__.update().values(external_id=None))
    db.session.commit()  # forget they were taken in, keep their contacts and acknowledgements

    before = outcome()
    results = receive_batch(mails())
    db.session.commit()
    after = outcome()

    assert [is_known for _case, is_known in results] == [False, False, False, True, False]
    assert results[1][0].id == results[3][0].id
    assert one_by_one["cases"] == 4
    assert after["cases"] - before["cases"] == one_by_one["cases"]
    assert after["contacts"] == one_by_one["contacts"] == 3  # Kari's second mail found her
    # each sender was acknowledged minutes ago, in the first round: every ack held now
    assert after["outbox"] == one_by_one["outbox"] == 3
    assert after["turn_days"] == (8, 8)  # four turns and four cases each time
    # Kari's second mail was held the first time; this time every sender was acknowledged
    # minutes ago (each held like that, by the batch's one look-up)
    assert one_by_one["held"] == sorted(["None", "None", "None", Hold.RECENTLY_ACKNOWLEDGED])
    assert after["held"] == [Hold.RECENTLY_ACKNOWLEDGED] * 4


def test_a_batch_holds_a_second_acknowledgement_to_one_sender_as_one_by_one_does(frontline):
    first = email(sender="kari@example.no")
    second = email(sender="kari@example.no", received_at=first.received_at + timedelta(minutes=2))
    receive_batch([first, second])
    db.session.commit()
    held = db.session.scalars(
        select(Message.metadata_json).where(Message.external_id == second.external_id)
    ).one()
    assert held["acknowledgement_held"] == Hold.RECENTLY_ACKNOWLEDGED
    assert count(OutboxMessage) == 1


def test_a_failing_batch_leaves_nothing_behind(frontline, app):
    good = email(sender="kari@example.no")
    bad = email(sender="ola@example.no")
    settings = app.extensions["svarfrist"]
    promises = {name: rule for name, rule in settings.rules.promises.items() if name != "email"}
    app.extensions["svarfrist"] = replace(
        settings, rules=replace(settings.rules, promises=promises)
    )
    with pytest.raises(Exception, match="no promise is configured for channel 'email'"):
        receive_batch([good, bad])
    db.session.commit()
    assert (count(Case), count(Message), count(TurnDayChange)) == (0, 0, 0)


def test_turn_day_changes_of_a_batch_are_one_row_per_day_and_kind(frontline):
    receive_batch([email(sender=f"innbyggjar{number}@example.no") for number in range(5)])
    db.session.commit()
    rows = db.session.execute(
        select(TurnDayChange.day, TurnDayChange.turns, TurnDayChange.cases).order_by(
            TurnDayChange.day
        )
    ).all()
    # the turns count on the day they came, the cases on the day they were opened
    assert rows == [(NOW.date() - timedelta(days=4), 5, 0), (NOW.date(), 0, 5)]
    assert turn_days.fold() == 2


def test_reserved_references_are_handed_out_once_each(frontline, app):
    references.reserve({2026: 3})
    db.session.commit()
    handed_out = [references.next_reference(2026) for _ in range(5)]
    assert handed_out == [f"2026-00000{number}" for number in range(1, 6)]
