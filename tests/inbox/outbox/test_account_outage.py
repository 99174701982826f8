"""One account's hung server holds back only that account's rows, as a whole, for a while."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from channels.base import ByAccount
from channels.fake import FakeSender
from inbox.clock import frozen_at, now
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.jobs.dispatch import dispatch_once
from inbox.models import Message, OutboxMessage, OutboxStatus, OutKind
from inbox.outbox.outgoing import send_to_citizen
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email
from tests.inbox.outbox.test_endpoint_faults import NOW, MisbehavingEndpoint, smtp_sender
from tests.inbox.web_helpers import log_in


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


class Watching:
    """A sender that notes whether it was used while the hung SMTP send was still waiting."""

    def __init__(self, smtp_done: threading.Event) -> None:
        self.fake = FakeSender()
        self.smtp_done = smtp_done
        self.while_smtp_hung: list[bool] = []

    def send(self, message):
        self.while_smtp_hung.append(not self.smtp_done.is_set())
        return self.fake.send(message)


class Noting:
    """Sets ``done`` when the wrapped sender's first send has come back."""

    def __init__(self, sender, done: threading.Event) -> None:
        self.sender, self.done = sender, done

    def send(self, message):
        try:
            return self.sender.send(message)
        finally:
            self.done.set()

    def close(self) -> None:
        self.sender.close()


def test_a_hung_smtp_account_is_backed_off_whole_and_others_keep_flowing(app, client, caplog):
    service = make_department("innbyggjarservice", is_frontline=True)
    staff = make_user(service)
    rows = [
        ("email", "postmottak", "a@example.no"),  # the first row tried: its server hangs
        ("email", "postmottak", "b@example.no"),
        ("email", "postmottak", "c@example.no"),
        ("email", "byggesak", "d@example.no"),
        ("sms", "sms", "+4791234567"),
        ("sms", "sms", "+4791234568"),
    ]
    cases = [
        receive(email(received_at=now() - timedelta(minutes=5), sender=f"p{n}@example.no"))
        for n in range(len(rows))
    ]
    db.session.execute(delete(OutboxMessage))  # the acknowledgements: not what is tried here
    sent = [
        send_to_citizen(
            case,
            kind=OutKind.REPLY,
            text=f"Svar {n}",
            channel=channel,
            account=account,
            recipient=recipient,
            author=staff,
        )
        for n, (case, (channel, account, recipient)) in enumerate(zip(cases, rows, strict=True))
    ]
    db.session.commit()
    smtp_done = threading.Event()
    byggesak, sms = Watching(smtp_done), Watching(smtp_done)
    endpoint = MisbehavingEndpoint("silent")
    try:
        hung = Noting(smtp_sender(endpoint.port), smtp_done)
        senders = {
            "email": ByAccount("e-mail", {"postmottak": hung, "byggesak": byggesak}),
            "sms": sms,
        }
        with caplog.at_level(logging.INFO, logger="inbox.outbox.dispatch"):
            report = dispatch_once(senders)
            again = dispatch_once(senders)  # the account is still backed off: nothing tried
    finally:
        endpoint.close()

    assert endpoint.accepted == 1  # one row tried on the hung server, not three
    assert [m.text for m in sms.fake.sent] == ["Svar 4", "Svar 5"]
    assert [m.text for m in byggesak.fake.sent] == ["Svar 3"]
    assert all(sms.while_smtp_hung + byggesak.while_smtp_hung)  # they did not wait for it
    assert (report.sent, report.retried) == (3, 1) and not again
    db.session.rollback()
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.account == "postmottak").order_by("id")
    ).all()
    tried, *held = rows
    assert tried.attempts == 1 and "timed out" in tried.last_error.lower()
    for row in held:  # not tried this round, waiting as long as the tried one, in their order
        assert row.status == OutboxStatus.PENDING and row.attempts == 0
        assert row.next_attempt_at == tried.next_attempt_at
    assert (
        f"outbox_account_backed_off channel=email account=postmottak outbox_id={tried.id} "
        f"held=2 until={tried.next_attempt_at.isoformat()}"
    ) in caplog.text

    log_in(client, staff.email)
    held_message = db.session.get(Message, sent[1].id)
    page = client.get(f"/cases/{held_message.case.reference}").get_data(as_text=True)
    assert 'aria-live="polite">I kø, ikkje sendt enno</strong>' in page
    assert "Ikkje prøvd enno: kontoen postmottak svarar ikkje" in page
    assert "neste gong tysdag 24. november 2026 kl. 10:01" in page
