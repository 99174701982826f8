"""Text from outside on every channel: no characters that reorder what staff see."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from channels.callback import callback_message
from channels.email import parse_email
from channels.sms import TwilioAccount, inbound_from_webhook
from channels.text import without_bidi_controls

RECEIVED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
# Shows as "Faktura exe.pdf" where bidirectional controls are obeyed.
SPOOFED = "Faktura \u202efdp.exe"


@pytest.mark.parametrize(
    "control", list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
)
def test_every_bidirectional_control_is_taken_out(control):
    assert without_bidi_controls(f"Faktura {control}fdp.exe") == "Faktura fdp.exe"


def test_other_text_is_left_as_it_is():
    text = "Søknad om løyve \u2013 «hast» \U0001f600 مرحبا שלום"
    assert without_bidi_controls(text) == text


def test_email_subject_sender_name_and_texts_lose_them():
    spoofed = SPOOFED.encode()
    raw = (
        b"From: =?utf-8?b?S2FyaSDigK5ldnJhdHM=?= <kari@example.com>\r\n"
        b"Subject: " + spoofed + b"\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + spoofed + b"\r\n"
        b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>" + spoofed + b"</p>\r\n"
        b"--b--\r\n"
    )
    message = parse_email(raw, account="post", received_at=RECEIVED, max_attachment_bytes=1000)
    assert message.subject == "Faktura fdp.exe"
    assert message.sender.display_name == "Kari evrats"
    assert message.text.strip() == "Faktura fdp.exe"
    assert message.html is not None and "\u202e" not in message.html


def test_an_sms_body_loses_them():
    account = TwilioAccount("sms", "AC" + "0" * 32, "TOKEN", "https://svarfrist.example")
    form = {"MessageSid": "SM" + "1" * 32, "From": "+4791234567", "Body": SPOOFED}
    assert inbound_from_webhook(account, form, RECEIVED).text == "Faktura fdp.exe"


def test_a_callback_request_loses_them():
    inbound = callback_message(
        name="Kari \u202eevrats", phone="+4791234567", about=SPOOFED, received_at=RECEIVED
    )
    assert inbound.sender.display_name == "Kari evrats"
    assert inbound.text == "Faktura fdp.exe"
