"""Two dispatcher processes on one database send every row exactly once.

PostgreSQL claims with FOR UPDATE SKIP LOCKED; SQLite with its single writer.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from sqlalchemy import func, select

from channels.base import OutboundMessage, SendResult, SendStatus
from inbox.extensions import db
from inbox.models import OutboxMessage, OutboxStatus
from inbox.outbox.dispatch import enqueue

ROWS = 200


class RecordingSender:
    """Appends the recipient of every message it sends to a file shared by both processes."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def send(self, message: OutboundMessage) -> SendResult:
        with self.log.open("a") as handle:
            handle.write(message.recipient + "\n")
        return SendResult(SendStatus.SENT, external_id=message.recipient)


def _dispatch(database_url: str, log: Path, barrier) -> None:
    from inbox.jobs.dispatch import dispatch_once
    from tests.conftest import _build_app

    app = _build_app(database_url, data_dir=log.parent)
    with app.app_context():
        barrier.wait(timeout=30)
        sender = RecordingSender(log)
        while dispatch_once({"email": sender}, batch_size=10).sent:
            pass


def test_two_dispatchers_send_each_row_exactly_once(app, database_url, tmp_path):
    for number in range(ROWS):
        enqueue(purpose="reply", channel="email", recipient=f"r{number}", payload={"text": "svar"})
    db.session.commit()
    log = tmp_path / "sent.log"
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=_dispatch, args=(database_url, log, barrier)) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    sent = log.read_text().splitlines()
    assert sorted(sent) == sorted(f"r{number}" for number in range(ROWS))
    db.session.expire_all()
    pending = select(func.count()).where(OutboxMessage.status != OutboxStatus.SENT)
    assert db.session.scalar(pending) == 0
