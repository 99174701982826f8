"""Whether anything is due, asked through the driver alone, says what the claim would take."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.models import OutboxMessage, OutboxStatus
from inbox.outbox.dispatch import claim, enqueue
from inbox.outbox.due import anything_due
from tests.conftest import free_port

START = datetime(2026, 11, 24, 9, 0, 0, 123456, tzinfo=UTC)


def queue(at: datetime) -> OutboxMessage:
    with frozen_at(at):
        row = enqueue(purpose="reply", channel="email", recipient="kari@example.no", payload={})
    db.session.commit()
    return row


def claimable(at: datetime) -> bool:
    """What a dispatcher's claim at ``at`` would take, the claim undone afterwards."""
    with frozen_at(at):
        taken = claim(1000)
    db.session.rollback()
    return bool(taken)


def test_an_empty_outbox_has_nothing_due(app, database_url):
    assert anything_due(database_url, START) is False


def test_the_answer_is_the_claims_to_the_microsecond(app, database_url):
    row = queue(START)
    moments = (START - timedelta(microseconds=1), START, START + timedelta(hours=1))
    answers = [(anything_due(database_url, at), claimable(at)) for at in moments]
    assert answers == [(False, False), (True, True), (True, True)]

    row.status = OutboxStatus.SENT
    db.session.commit()
    assert (anything_due(database_url, START), claimable(START)) == (False, False)


def test_a_row_waiting_for_its_retry_is_not_due_before_it(app, database_url):
    row = queue(START)
    row.next_attempt_at = START + timedelta(minutes=2)
    db.session.commit()
    later = START + timedelta(minutes=2)
    assert (anything_due(database_url, START), claimable(START)) == (False, False)
    assert (anything_due(database_url, later), claimable(later)) == (True, True)
    # asked in another zone, the instant is the same
    oslo = later.astimezone(ZoneInfo("Europe/Oslo"))
    assert anything_due(database_url, oslo) is True
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.PENDING


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///svarfrist.db?timeout=30",
        "mysql+pymysql://svarfrist@127.0.0.1/svarfrist",
        "postgresql+psycopg://svarfrist@127.0.0.1:{free_port}/svarfrist",  # nobody answers
    ],
)
def test_what_it_cannot_tell_is_left_to_the_dispatcher(url):
    assert anything_due(url.format(free_port=free_port()), START) is None


def test_a_missing_sqlite_file_is_not_created(tmp_path):
    missing = tmp_path / "svarfrist.db"
    assert anything_due(f"sqlite:///{missing}", START) is None
    assert not missing.exists()
