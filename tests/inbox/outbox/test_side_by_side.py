"""An SMTP account's rows go out over several connections side by side (``smtp_connections``)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from channels.email import SmtpSender
from inbox.clock import frozen_at, now
from inbox.extensions import db
from inbox.jobs.dispatch import dispatch_once
from inbox.models import OutboxMessage, OutboxStatus
from inbox.outbox.dispatch import enqueue
from tests.inbox.outbox.test_endpoint_faults import NOW, MisbehavingEndpoint, smtp_sender

ROWS = 25


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


def queue_rows() -> None:
    for n in range(ROWS):
        enqueue(
            purpose="reply",
            channel="email",
            account="postmottak",
            recipient=f"innbyggjar{n}@example.no",
            payload={"subject": f"Svar {n}", "text": f"Hei, svar nummer {n}."},
        )
    db.session.commit()


def side_by_side(port: int, connections: int) -> SmtpSender:
    sender = smtp_sender(port)
    return SmtpSender(replace(sender.account, connections=connections), now)


def test_rows_go_out_once_each_over_the_accounts_connections(app, smtp_server):
    queue_rows()
    report = dispatch_once({"email": side_by_side(smtp_server.port, 3)}, batch_size=ROWS)

    assert report.sent == ROWS
    assert len(smtp_server.messages) == ROWS
    subjects = sorted(
        line
        for m in smtp_server.messages
        for line in m.decode().splitlines()
        if line[:8] == "Subject:"
    )
    assert subjects == sorted(f"Subject: Svar {n}" for n in range(ROWS))  # none twice
    assert len(set(smtp_server.peers)) == 3  # three connections, each a source port
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert {(row.status, row.attempts) for row in rows} == {(OutboxStatus.SENT, 1)}


def test_few_rows_use_few_connections(app, smtp_server):
    queue_rows()
    dispatch_once({"email": side_by_side(smtp_server.port, 3)}, batch_size=5)
    assert len(smtp_server.messages) == 5 and len(set(smtp_server.peers)) == 1


def test_a_hung_server_is_tried_once_per_connection_and_the_rest_held(app):
    queue_rows()
    endpoint = MisbehavingEndpoint("silent")
    try:
        report = dispatch_once({"email": side_by_side(endpoint.port, 3)}, batch_size=ROWS)
    finally:
        endpoint.close()

    assert endpoint.accepted == 3 and (report.sent, report.retried) == (0, 3)
    db.session.rollback()
    rows = db.session.scalars(select(OutboxMessage)).all()
    tried = [row for row in rows if row.attempts]
    assert len(tried) == 3 and all("timed out" in row.last_error.lower() for row in tried)
    held = [row for row in rows if not row.attempts]
    assert len(held) == ROWS - 3
    assert all(row.status == OutboxStatus.PENDING for row in rows)
    assert all(row.next_attempt_at > now() for row in rows)  # none is due again at once
