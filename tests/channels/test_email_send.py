"""Sending e-mail through a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

from email import message_from_bytes, policy

from channels.base import OutboundMessage, SendStatus
from channels.email import SmtpAccount, SmtpSender
from tests.conftest import free_port


def sender_for(port: int) -> SmtpSender:
    return SmtpSender(SmtpAccount("postmottak", "127.0.0.1", port, "none", "post@alver.kommune.no"))


def outbound(recipient: str = "kari@example.com", **changes) -> OutboundMessage:
    values = {
        "channel": "email",
        "account": "postmottak",
        "recipient": recipient,
        "subject": "Re: Byggesøknad [Sak 2026-000001]",
        "text": "Hei Kari,\n\nsøknaden er komplett.",
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


def test_the_html_alternative_escapes_the_text(smtp_server):
    sender_for(smtp_server.port).send(outbound(text="<script>alert(1)</script> & co"))
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
