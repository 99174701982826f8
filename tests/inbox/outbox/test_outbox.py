"""The outbox: sent once after the commit, retried with backoff, errors kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from channels.base import OutboundMessage, SendResult
from channels.fake import FakeSender
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.jobs.dispatch import dispatch_once
from inbox.models import Message, OutboxMessage, OutboxStatus
from inbox.outbox.dispatch import enqueue
from inbox.outbox.senders import SENDERS_KEY
from tests.factories import make_department
from tests.inbox.intake_helpers import email

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def queue(count: int = 1, channel: str = "email") -> list[OutboxMessage]:
    rows = [
        enqueue(
            purpose="reply",
            channel=channel,
            recipient=f"citizen{n}@example.no",
            payload={"subject": "Svar", "text": f"Svar nummer {n}", "headers": {"X-Test": "1"}},
        )
        for n in range(count)
    ]
    db.session.commit()
    return rows


def rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(START):
        yield


def test_a_row_is_sent_once_and_marked_sent(app):
    queue()
    sender = FakeSender()
    assert dispatch_once({"email": sender}).sent == 1
    assert dispatch_once({"email": sender}).sent == 0
    (row,) = rows()
    assert row.status == OutboxStatus.SENT
    assert row.sent_at == START and row.external_id == "fake-1" and row.attempts == 1
    assert sender.sent == [
        OutboundMessage(
            channel="email",
            account="",
            recipient="citizen0@example.no",
            text="Svar nummer 0",
            subject="Svar",
            headers={"X-Test": "1"},
        )
    ]


def test_a_failure_keeps_the_row_with_its_error_and_backs_off_exponentially(app):
    queue()
    sender = FakeSender(fail_next=2, error="SMTP 451 try later")
    assert dispatch_once({"email": sender}).retried == 1
    (row,) = rows()
    first_delay = row.next_attempt_at - START
    assert row.status == OutboxStatus.PENDING and row.last_error == "SMTP 451 try later"
    assert timedelta(minutes=1) <= first_delay <= timedelta(minutes=1, seconds=6)
    second_try = row.next_attempt_at
    with frozen_at(second_try):
        dispatch_once({"email": sender})
    (row,) = rows()
    second_delay = row.next_attempt_at - second_try
    assert row.attempts == 2
    assert timedelta(minutes=2) <= second_delay <= timedelta(minutes=2, seconds=12)
    with frozen_at(row.next_attempt_at):
        assert dispatch_once({"email": sender}).sent == 1
    assert rows()[0].status == OutboxStatus.SENT


def test_a_row_that_is_not_due_yet_is_left_alone(app):
    queue()
    sender = FakeSender(fail_next=1)
    dispatch_once({"email": sender})
    assert dispatch_once({"email": sender}).sent == 0
    assert sender.sent == []


def test_gives_up_after_the_maximum_number_of_attempts(app):
    queue()
    sender = FakeSender(fail_next=100)
    moment = START
    for _ in range(3):
        with frozen_at(moment):
            dispatch_once({"email": sender}, max_attempts=3)
        moment = rows()[0].next_attempt_at
    (row,) = rows()
    assert row.status == OutboxStatus.FAILED
    assert row.attempts == 3
    assert row.last_error == "connection refused"


def test_a_rejected_message_fails_at_once(app):
    queue()
    report = dispatch_once({"email": FakeSender(reject=True, error="550 no such mailbox")})
    assert report.failed == 1
    assert rows()[0].status == OutboxStatus.FAILED
    assert rows()[0].last_error == "550 no such mailbox"


class ExplodingSender:
    def send(self, message: OutboundMessage) -> SendResult:
        raise ConnectionResetError("connection closed by peer")


def test_an_adapter_exception_is_kept_as_the_error_and_other_rows_go_on(app):
    queue(channel="sms")
    queue(channel="email")
    report = dispatch_once({"sms": ExplodingSender(), "email": FakeSender()})
    assert (report.sent, report.retried) == (1, 1)
    sms_row = rows()[0]
    assert sms_row.status == OutboxStatus.PENDING
    assert sms_row.last_error == "ConnectionResetError: connection closed by peer"


def test_a_channel_without_a_sender_keeps_its_rows_with_the_reason(app):
    queue(channel="facebook")
    report = dispatch_once({})
    assert report.skipped == 1
    (row,) = rows()
    assert row.status == OutboxStatus.PENDING
    assert row.attempts == 0
    assert row.last_error == "no sender configured for channel facebook"
    assert row.next_attempt_at > START


def test_rows_of_a_rolled_back_change_are_never_sent(app):
    enqueue(purpose="reply", channel="email", recipient="x@example.no", payload={"text": "x"})
    db.session.rollback()
    sender = FakeSender()
    dispatch_once({"email": sender})
    assert rows() == [] and sender.sent == []


def test_dispatch_command_sends_once_and_prints_the_counts(app):
    queue(count=3)
    sender = FakeSender()
    app.extensions[SENDERS_KEY] = {"email": sender}
    result = app.test_cli_runner().invoke(args=["dispatch", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "dispatch sent=3 retried=0 failed=0 skipped=0"
    assert len(sender.sent) == 3


def test_dispatch_once_sends_every_due_batch_and_leaves_failures_for_later(app):
    queue(count=8)
    sender = FakeSender(fail_next=1)
    app.extensions[SENDERS_KEY] = {"email": sender}
    result = app.test_cli_runner().invoke(args=["dispatch", "--once", "--batch-size", "3"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "dispatch sent=7 retried=1 failed=0 skipped=0"


def test_an_outcome_and_its_delivery_note_are_written_together(app):
    """PostgreSQL: a lane's connection commits each statement by itself (no BEGIN and COMMIT
    round trips), so the row's outcome and its message's delivery note are one statement.
    SQLite: two UPDATEs in one transaction. Either way both are written."""
    make_department("innbyggjarservice", is_frontline=True)
    case = receive(email(received_at=START - timedelta(minutes=5)))  # queues its acknowledgement
    db.session.commit()
    writes: list[tuple[str, bool]] = []

    def seen(connection, _cursor, statement, *_rest) -> None:
        if statement.startswith(("UPDATE outbox SET status", "WITH", "UPDATE messages")):
            autocommit = connection.get_isolation_level() == "AUTOCOMMIT"
            writes.append((" ".join(statement.split()), autocommit or connection.in_transaction()))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert dispatch_once({"email": FakeSender()}).sent == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    if db.engine.dialect.name == "postgresql":
        ((statement, autocommit),) = writes
        assert statement.startswith("WITH outcome AS (UPDATE outbox SET status=")
        assert "UPDATE messages SET metadata=" in statement and autocommit
    else:
        assert [statement.split(" SET ")[0] for statement, _ in writes] == [
            "UPDATE outbox",
            "UPDATE messages",
        ]
        assert all(in_transaction for _statement, in_transaction in writes)
    db.session.expire_all()
    (row,) = rows()
    assert row.status == OutboxStatus.SENT and row.sent_at == START
    acknowledgement = db.session.get(Message, row.message_id)
    assert acknowledgement.case_id == case.id
    assert acknowledgement.metadata_json["delivery"] == "sent"
