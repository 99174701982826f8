"""SMTP, Twilio and Graph endpoints that say nothing, hang up or answer 5xx.

Each adapter is pointed at a loopback endpoint that misbehaves in one way. The
outbox must keep the row, back off, show staff on the case why the message
has not gone yet, and send it exactly once when the endpoint works again.
"""

from __future__ import annotations

import socket
import threading
from datetime import datetime, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import delete, select

from channels.email import SmtpSender
from channels.email.accounts import SmtpAccount
from channels.fake import FakeSender
from channels.meta.account import MetaAccount
from channels.meta.sending import REPLY_HEADER, GraphSender
from channels.sms import TwilioAccount, TwilioSender
from inbox.clock import frozen_at, now
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.jobs.dispatch import dispatch_once
from inbox.models import Message, OutboxMessage, OutboxStatus, OutKind
from inbox.outbox.dispatch import FIRST_RETRY
from inbox.outbox.outgoing import send_to_citizen
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email
from tests.inbox.web_helpers import log_in

TIMEOUT = 1.0  # seconds: the adapters' own timeouts, shortened for the silent endpoint
#: The silent endpoint hangs up after this long: an adapter that does not keep its timeout
#: then reports a closed connection instead of a timeout (and the test never hangs).
SILENT_FOR = 10 * TIMEOUT
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)  # a Tuesday


class MisbehavingEndpoint:
    """A TCP server on loopback that accepts and then ``mode``s: ``silent`` (never answers,
    hangs up after :data:`SILENT_FOR`), ``hang_up`` (closes at once), ``http_503`` or
    ``smtp_421``."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _peer = self.listener.accept()
            except OSError:
                return  # closed
            self.accepted += 1
            self.connections.append(connection)  # kept open (silent) until close()
            if self.mode == "silent":
                gives_up = threading.Timer(SILENT_FOR, connection.close)
                gives_up.daemon = True
                gives_up.start()
            elif self.mode == "hang_up":
                connection.close()
            elif self.mode == "smtp_421":
                connection.sendall(b"421 4.3.2 Service not available, closing channel\r\n")
                connection.close()
            elif self.mode == "http_503":
                connection.recv(65536)
                body = b'{"code": 20503, "message": "Service Unavailable", "status": 503}'
                connection.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
                )
                connection.close()

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


def smtp_sender(port: int):
    account = SmtpAccount("postmottak", "127.0.0.1", port, "none", "post@alver.no", timeout=TIMEOUT)
    return SmtpSender(account, now)


def twilio_sender(port: int):
    account = TwilioAccount(
        "sms",
        "AC" + "0" * 32,
        "SVARFRIST_TEST_TWILIO_TOKEN",
        "https://svarfrist.alver.no",
        from_number="+4755000000",
        api_base_url=f"http://127.0.0.1:{port}",
    )
    return TwilioSender(account, timeout=TIMEOUT)


def graph_sender(port: int):
    account = MetaAccount(
        "alver",
        "1000",
        "SVARFRIST_TEST_PAGE_TOKEN",
        "SVARFRIST_TEST_APP_SECRET",
        "SVARFRIST_TEST_VERIFY_TOKEN",
        graph_base_url=f"http://127.0.0.1:{port}",
    )
    return GraphSender(account, timeout=TIMEOUT)


CHANNELS = {
    "email": (smtp_sender, "kari@example.no"),
    "sms": (twilio_sender, "+4791234567"),
    "facebook": (graph_sender, "2000"),
}
FAULTS = [
    ("email", "silent", "timed out"),
    ("email", "hang_up", "closed"),
    ("email", "smtp_421", "421"),
    ("sms", "silent", "timed out"),
    ("sms", "hang_up", "aborted"),
    ("sms", "http_503", "503"),
    ("facebook", "silent", "timed out"),
    ("facebook", "hang_up", "aborted"),
    ("facebook", "http_503", "503"),
]


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture(autouse=True)
def secrets(monkeypatch):
    for name in ("TWILIO_TOKEN", "PAGE_TOKEN", "APP_SECRET", "VERIFY_TOKEN"):
        monkeypatch.setenv(f"SVARFRIST_TEST_{name}", "not-a-real-secret")


@pytest.mark.parametrize(("channel", "mode", "said"), FAULTS)
def test_a_misbehaving_endpoint_keeps_the_row_shows_why_and_sends_once_later(
    app, client, channel, mode, said
):
    service = make_department("innbyggjarservice", is_frontline=True)
    staff = make_user(service)
    case = receive(email(received_at=now() - timedelta(minutes=5)))
    db.session.execute(delete(OutboxMessage))  # the acknowledgement: not what is tried here
    build, recipient = CHANNELS[channel]
    reply = send_to_citizen(
        case,
        kind=OutKind.REPLY,
        text="Svar frå kommunen",
        channel=channel,
        account="alver",
        recipient=recipient,
        author=staff,
    )
    # A reply inside Meta's 24 hours, as inbox.outbox.meta_replies marks it.
    if channel == "facebook":
        row = db.session.scalars(select(OutboxMessage)).one()
        row.payload = {**row.payload, "headers": {REPLY_HEADER: "response"}}
    db.session.commit()
    endpoint = MisbehavingEndpoint(mode)
    try:
        report = dispatch_once({channel: build(endpoint.port)})
    finally:
        endpoint.close()

    row = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == channel)).one()
    assert endpoint.accepted == 1, row.last_error  # it really tried, once, and gave up
    assert report.retried == 1 and report.sent == report.failed == 0
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert said in row.last_error.lower()
    # Backed off a minute from the clock, plus at most a tenth of it as jitter.
    assert NOW + FIRST_RETRY <= row.next_attempt_at <= NOW + FIRST_RETRY * 1.1
    log_in(client, staff.email)  # staff and the municipality write Nynorsk
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'aria-live="polite">I kø, ikkje sendt enno</strong>' in page
    assert (
        f"Sendinga feila: {escape(row.last_error)}. Svarfrist prøver igjen av seg sjølv, "
        "neste gong tysdag 24. november 2026 kl. 10:01."
    ) in page

    db.session.rollback()  # end the read snapshot from before the page's request
    working = FakeSender()
    with frozen_at(row.next_attempt_at + timedelta(seconds=1)):
        dispatch_once({channel: working})
        dispatch_once({channel: working})  # a second round finds nothing more to send
    db.session.rollback()
    assert [m.text for m in working.sent] == ["Svar frå kommunen"]
    assert db.session.get(OutboxMessage, row.id).status == OutboxStatus.SENT
    assert db.session.get(Message, reply.id).metadata_json["delivery"] == "sent"
