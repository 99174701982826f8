"""Sending e-mail through a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from channels.base import OutboundAttachment, OutboundMessage, SendStatus
from channels.email import Login, SmtpAccount, SmtpSender
from tests.conftest import free_port

SENT_AT = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def sent_at() -> datetime:
    return SENT_AT


def sender_for(port: int) -> SmtpSender:
    account = SmtpAccount("postmottak", "127.0.0.1", port, "none", "post@alver.kommune.no")
    return SmtpSender(account, sent_at)


def outbound(recipient: str = "kari@example.com", **changes) -> OutboundMessage:
    values = {
        "channel": "email",
        "account": "postmottak",
        "recipient": recipient,
        "subject": "Re: Byggesøknad [Sak 2026-000001]",
        "text": "Hei Kari,\n\nsøknaden er komplett.\n\nMed venleg helsing\nOla Nordmann\nByggesak",
        "headers": {
            "Message-ID": "<2026.000001.1@alver.kommune.no>",
            "In-Reply-To": "<citizen-1@example.com>",
            "Auto-Submitted": "auto-replied",
            "X-Auto-Response-Suppress": "All",
            "Bcc": "someone@example.com",
        },
        **changes,
    }
    return OutboundMessage(**values)


def test_a_message_reaches_the_server_with_threading_headers(smtp_server):
    result = sender_for(smtp_server.port).send(outbound())
    assert result.status == SendStatus.SENT
    assert result.external_id == "<2026.000001.1@alver.kommune.no>"
    (raw,) = smtp_server.messages
    received = message_from_bytes(raw, policy=policy.default)
    assert received["Subject"] == "Re: Byggesøknad [Sak 2026-000001]"
    assert received["In-Reply-To"] == "<citizen-1@example.com>"
    assert received["Auto-Submitted"] == "auto-replied"
    assert received["X-Auto-Response-Suppress"] == "All"
    assert received["Reply-To"] == "post@alver.kommune.no"
    assert received["Bcc"] is None  # only known headers pass
    assert "søknaden er komplett" in received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "<p>Hei Kari,</p>" in html and "søknaden er komplett" in html
    assert "<p>Med venleg helsing<br>\r\nOla Nordmann<br>\r\nByggesak</p>" in html


def test_paragraphs_of_one_line_each_go_as_text_alone(smtp_server):
    # Nothing for an HTML alternative to keep: every client shows them as written
    text = "Takk for meldinga di.\n\nDu får svar seinast fredag.\n\nDette er eit automatisk svar."
    sender_for(smtp_server.port).send(outbound(text=text))
    received = message_from_bytes(smtp_server.messages[0], policy=policy.default)
    assert received.get_content_type() == "text/plain"
    assert received.get_content() == text.replace("\n", "\r\n") + "\r\n"


def test_a_message_with_html_of_its_own_keeps_it(smtp_server):
    html = "<p>Sjå <a href='https://alver.kommune.no'>nettsida</a>.</p>"
    sender_for(smtp_server.port).send(outbound(text="Sjå nettsida.", html=html))
    received = message_from_bytes(smtp_server.messages[0], policy=policy.default)
    assert received.get_body(("html",)).get_content() == html + "\r\n"


def test_a_message_without_a_message_id_gets_one_in_the_senders_domain(smtp_server):
    """Not this machine's host name (Python's default), which may be internal or localhost."""
    result = sender_for(smtp_server.port).send(outbound(headers={}))
    (raw,) = smtp_server.messages
    received = message_from_bytes(raw, policy=policy.default)
    assert received["Message-ID"] == result.external_id
    assert result.external_id.startswith("<") and result.external_id.endswith("@alver.kommune.no>")
    assert f"Message-ID: {result.external_id}".encode() in raw  # on one line, not folded


def test_an_attachment_follows_the_text_and_html_intact(smtp_server):
    pdf = OutboundAttachment("kanalrapport-2026-10.pdf", "application/pdf", b"%PDF-1.7\n\x00\xff")
    sender_for(smtp_server.port).send(outbound(attachments=(pdf,)))
    (raw,) = smtp_server.messages
    received = message_from_bytes(raw, policy=policy.default)
    assert "søknaden er komplett" in received.get_body(("plain",)).get_content()
    (part,) = received.iter_attachments()
    assert part.get_content_type() == "application/pdf"
    assert part.get_filename() == "kanalrapport-2026-10.pdf"
    assert part.get_content() == b"%PDF-1.7\n\x00\xff"


def test_the_message_is_dated_by_the_clock_the_sender_was_given(smtp_server):
    sender_for(smtp_server.port).send(outbound())
    received = message_from_bytes(smtp_server.messages[0], policy=policy.default)
    assert received["Date"] == "Tue, 24 Nov 2026 09:30:00 -0000"


def test_the_html_alternative_escapes_the_text(smtp_server):
    sender_for(smtp_server.port).send(outbound(text="<script>alert(1)</script> & co\nHei"))
    received = message_from_bytes(smtp_server.messages[0], policy=policy.default)
    html = received.get_body(("html",)).get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_a_subject_cannot_smuggle_in_headers(smtp_server):
    sender_for(smtp_server.port).send(outbound(subject="Hei\r\nBcc: evil@example.com"))
    received = message_from_bytes(smtp_server.messages[0], policy=policy.default)
    assert received["Subject"] == "Hei Bcc: evil@example.com"
    assert received["Bcc"] is None


def test_a_refused_recipient_is_rejected_for_good(smtp_server):
    result = sender_for(smtp_server.port).send(outbound("refused@example.com"))
    assert result.status == SendStatus.REJECTED
    assert "550" in result.error


def test_a_temporary_failure_is_tried_again_later(smtp_server):
    result = sender_for(smtp_server.port).send(outbound("later@example.com"))
    assert result.status == SendStatus.FAILED
    assert "451" in result.error


def test_a_server_that_does_not_answer_is_a_temporary_failure():
    result = sender_for(free_port()).send(outbound())
    assert result.status == SendStatus.FAILED
    assert "ConnectionRefusedError" in result.error


class XOAuth2Handler:
    """An SMTP server that accepts only XOAUTH2 with one token (as Microsoft 365 does)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.messages: list[bytes] = []
        self.logins: list[str] = []

    async def auth_XOAUTH2(self, server, args):
        from aiosmtpd.smtp import AuthResult

        response = base64.b64decode(args[1]).decode() if len(args) > 1 else ""
        fields = dict(part.split("=", 1) for part in response.split("\x01") if "=" in part)
        self.logins.append(fields.get("user", ""))
        if fields.get("auth") == f"Bearer {self.token}":
            return AuthResult(success=True)
        return AuthResult(
            success=False, handled=False, message="535 5.7.3 Authentication unsuccessful"
        )

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 Message accepted"


@pytest.fixture
def xoauth2_server():
    from aiosmtpd.controller import Controller

    handler = XOAuth2Handler("token-123")
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        auth_require_tls=False,
        auth_exclude_mechanism=["PLAIN", "LOGIN"],
    )
    controller.start()
    handler.port = port
    yield handler
    controller.stop()


def token_script(tmp_path, body: str) -> str:
    script = tmp_path / "token.sh"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return f"{script} postmottak"


def xoauth2_sender(port: int, command: str) -> SmtpSender:
    login = Login("postmottak", "post@alver.kommune.no", "xoauth2", token_command=command)
    account = SmtpAccount("postmottak", "127.0.0.1", port, "none", "post@alver.kommune.no", login)
    return SmtpSender(account, sent_at)


def test_xoauth2_sends_with_a_fresh_token_from_the_configured_command(xoauth2_server, tmp_path):
    sender = xoauth2_sender(xoauth2_server.port, token_script(tmp_path, "echo token-123"))
    result = sender.send(outbound())
    assert result.status == SendStatus.SENT, result.error
    assert xoauth2_server.logins == ["post@alver.kommune.no"]
    assert len(xoauth2_server.messages) == 1


def test_a_stale_token_is_refused_and_tried_again_later(xoauth2_server, tmp_path):
    sender = xoauth2_sender(xoauth2_server.port, token_script(tmp_path, "echo expired"))
    result = sender.send(outbound())
    assert result.status == SendStatus.REJECTED  # 535: the credentials are wrong until fixed
    assert "535" in result.error
    assert xoauth2_server.messages == []


def test_a_failing_token_command_is_named_in_the_error(xoauth2_server, tmp_path):
    command = token_script(tmp_path, "echo 'az: not logged in' >&2; exit 3")
    result = xoauth2_sender(xoauth2_server.port, command).send(outbound())
    assert result.status == SendStatus.FAILED
    assert "'postmottak': token_command exited with 3: az: not logged in" in result.error


def test_one_connection_carries_many_messages_and_a_dropped_one_is_replaced(smtp_server):
    from aiosmtpd.controller import Controller

    sender = sender_for(smtp_server.port)
    for number in range(3):
        assert sender.send(outbound(f"kari{number}@example.com")).status == SendStatus.SENT
    assert len(set(smtp_server.peers)) == 1

    smtp_server.controller.stop()  # the server closes every connection (idle timeout, restart)
    smtp_server.controller = Controller(smtp_server, hostname="127.0.0.1", port=smtp_server.port)
    smtp_server.controller.start()

    assert sender.send(outbound("ola@example.com")).status == SendStatus.SENT
    sender.close()
    assert len(smtp_server.messages) == 4
    assert len(set(smtp_server.peers)) == 2
