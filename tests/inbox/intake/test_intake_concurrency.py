"""Two processes taking in the same message at the same moment make one case."""

from __future__ import annotations

import multiprocessing
import threading
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from channels.email import EmailAccount, SmtpAccount, parse_email
from inbox.clock import now
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import Case, Contact, Message
from tests.factories import make_department
from tests.inbox.intake_helpers import email

ROUNDS = 5


def _take_in(database_url: str, data_dir, message, barrier, results) -> None:
    from inbox.intake.receiving import receive
    from tests.conftest import _build_app

    app = _build_app(database_url, data_dir=data_dir)
    with app.app_context():
        barrier.wait(timeout=30)
        case = receive(message)
        db.session.commit()
        results.put(case.reference)


def test_concurrent_intake_of_one_message_makes_exactly_one_case(app, database_url, tmp_path):
    make_department("innbyggjarservice", is_frontline=True)
    db.session.commit()
    context = multiprocessing.get_context("spawn")
    for round_number in range(ROUNDS):
        message = email(sender=f"person{round_number}@example.no")
        barrier, results = context.Barrier(2), context.Queue()
        workers = [
            context.Process(
                target=_take_in,
                args=(database_url, tmp_path / "data", message, barrier, results),
            )
            for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
            assert worker.exitcode == 0
        references = {results.get(timeout=5), results.get(timeout=5)}
        assert len(references) == 1, references
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Case)) == ROUNDS
    assert db.session.scalar(select(func.count()).select_from(Contact)) == ROUNDS
    inbound = select(func.count()).select_from(Message).where(Message.direction == "in")
    assert db.session.scalar(inbound) == ROUNDS


def test_copies_in_two_mailboxes_taken_in_at_once_make_one_case(app, database_url):
    """Two pollers, one copy each: the second waits for the first's commit and finds it.

    Deterministic: the first intake holds its transaction open while the second runs.
    """
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer in at a time; the race is PostgreSQL's")
    smtp = SmtpAccount("smtp", "127.0.0.1", 25, "none", "post@alver.kommune.no")
    accounts = [EmailAccount(name, f"{name}@alver.kommune.no", smtp) for name in ("post", "bygg")]
    app.extensions["svarfrist"] = replace(app.extensions["svarfrist"], email_accounts=accounts)
    make_department("innbyggjarservice", is_frontline=True)
    db.session.commit()
    raw = (
        b"From: Kari <kari@example.com>\r\nMessage-ID: <copy-1@example.com>\r\n"
        b"Subject: Hei\r\n\r\nHei\r\n"
    )
    # Kari wrote before: a new contact's unique address would make the second wait anyway.
    receive(email(sender="kari@example.com", subject="Før"))
    db.session.commit()
    first = receive(parse_email(raw, account="post", received_at=now(), max_attachment_bytes=10))
    results: list[str] = []

    def second_poller() -> None:
        with app.app_context():
            copy = parse_email(raw, account="bygg", received_at=now(), max_attachment_bytes=10)
            results.append(receive(copy).reference)
            db.session.commit()

    thread = threading.Thread(target=second_poller)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive(), "the second copy did not wait for the first intake's commit"
    db.session.commit()
    thread.join(timeout=30)
    assert results == [first.reference]
    inbound = select(func.count()).select_from(Message).where(Message.direction == "in")
    assert db.session.scalar(inbound) == 2  # the earlier one and this
