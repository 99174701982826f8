"""An SMTP account's rows go out over several connections side by side (``smtp_connections``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import select

from channels.base import ByAccount
from channels.email import SmtpSender
from inbox.clock import frozen_at, now
from inbox.extensions import db
from inbox.jobs.dispatch import dispatch_once
from inbox.models import OutboxMessage, OutboxStatus
from inbox.outbox.dispatch import MOST_LANES, enqueue, lanes
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


@pytest.mark.parametrize(("accounts", "expected"), [(2, [3, 3]), (5, [3, 3, 2, 1, 1])])
def test_extra_connections_stop_at_the_rounds_limit_and_every_account_keeps_one(
    app, accounts, expected
):
    names = [f"konto{n}" for n in range(accounts)]
    ids = [
        enqueue(
            purpose="reply",
            channel="email",
            account=name,
            recipient="innbyggjar@example.no",
            payload={"subject": "Svar", "text": "Hei"},
        ).id
        for name in names
        for _row in range(30)
    ]
    db.session.commit()
    senders = {name: side_by_side(1, 3) for name in names}  # never connected here
    found = lanes({"email": ByAccount("e-mail", senders)}, ids)

    per_account = Counter(lane.group for lane in found)
    assert [per_account[id(senders[name])] for name in names] == expected
    assert len(found) <= MOST_LANES
    assert sorted(row for lane in found for row in lane.row_ids) == sorted(ids)
