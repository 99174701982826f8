"""Reading e-mail from its bytes: charsets, encoded headers, attachments, bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels.email import parse_email, raw_id

RECEIVED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LIMIT = 1024 * 1024


def parse(raw: bytes, limit: int = LIMIT):
    return parse_email(raw, account="postmottak", received_at=RECEIVED, max_attachment_bytes=limit)


def test_encoded_subject_and_sender_name_and_latin1_body():
    raw = (
        b"From: =?utf-8?q?Kari_S=C3=A6le?= <Kari.Saele@Example.com>\r\n"
        b"To: postmottak@alver.kommune.no\r\n"
        b"Subject: =?iso-8859-1?q?Sp=F8rsm=E5l_om_bygges=F8knad?=\r\n"
        b"Message-ID: <abc@example.com>\r\n"
        b"In-Reply-To: <2026.000001.1@alver.kommune.no>\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n"
        b"Hei! N\xe5r f\xe5r eg svar?\r\n"
    )
    message = parse(raw)
    assert message.subject == "Spørsmål om byggesøknad"
    assert message.sender.value == "kari.saele@example.com"
    assert message.sender.display_name == "Kari Sæle"
    assert message.text.strip() == "Hei! Når får eg svar?"
    assert message.metadata["message_id"] == "<abc@example.com>"
    assert message.external_id.startswith("message-id:")
    assert message.metadata["in_reply_to"] == "<2026.000001.1@alver.kommune.no>"
    assert not message.is_unreadable and message.raw == raw


@pytest.mark.parametrize(
    "content_type", [b"text/plain", b"text/plain; charset=us-ascii", b"text/plain; charset=x-bogus"]
)
def test_missing_or_wrong_charset_still_gives_the_text(content_type):
    raw = (
        b"From: ola@example.com\r\nSubject: Hei\r\nContent-Type: " + content_type + b"\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nVasslekkasje i Kvernhusvegen \xe6\xf8\xe5\r\n"
    )
    message = parse(raw)
    assert "Vasslekkasje i Kvernhusvegen" in message.text
    assert not message.is_unreadable


def test_html_and_text_alternatives_and_an_rfc2231_attachment():
    raw = (
        b"From: ola@example.com\r\nSubject: Teikning\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b'--b1\r\nContent-Type: multipart/alternative; boundary="b2"\r\n\r\n'
        b"--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSj\xc3\xa5 vedlegg.\r\n"
        b"--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Sj\xc3\xa5 <b>vedlegg</b>.</p>\r\n"
        b"--b2--\r\n"
        b"--b1\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''bygges%C3%B8knad.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n"
        b"--b1--\r\n"
    )
    message = parse(raw)
    assert message.text.strip() == "Sjå vedlegg."
    assert "<b>vedlegg</b>" in message.html
    (attachment,) = message.attachments
    assert attachment.filename == "byggesøknad.pdf"
    assert attachment.content == b"%PDF-1.4"


def test_forwarded_messages_and_calendar_invitations_become_attachments():
    raw = (
        b"From: ola@example.com\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nSj\xc3\xa5 under.\r\n"
        b"--b\r\nContent-Type: message/rfc822\r\n\r\n"
        b"From: per@example.com\r\nSubject: Nabovarsel\r\n\r\nInnhald\r\n"
        b"--b\r\nContent-Type: text/calendar; method=REQUEST\r\n"
        b"Content-Disposition: attachment\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
        b"--b--\r\n"
    )
    names = [attachment.filename for attachment in parse(raw).attachments]
    assert names == ["Nabovarsel.eml", "vedlegg-2.ics"]


def test_attachments_over_the_limit_are_left_out_and_named():
    raw = (
        b"From: ola@example.com\r\nSubject: Stor\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nHei\r\n"
        b"--b\r\nContent-Type: image/png\r\n"
        b'Content-Disposition: attachment; filename="stor.png"\r\n'
        b"\r\n" + b"x" * 200 + b"\r\n--b--\r\n"
    )
    message = parse(raw, limit=100)
    assert message.attachments == ()
    assert message.metadata["attachments_too_large"] == ["stor.png"]


@pytest.mark.parametrize(
    ("filename", "safe"),
    [("../../etc/passwd", "passwd"), ("C:\\\\temp\\\\x.pdf", "x.pdf"), (".hidden", "hidden")],
)
def test_attachment_names_cannot_climb_out_of_their_folder(filename, safe):
    raw = (
        b"From: ola@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nHei\r\n"
        b"--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; "
        b'filename="' + filename.encode() + b'"\r\n\r\ndata\r\n--b--\r\n'
    )
    assert parse(raw).attachments[0].filename == safe


def test_iso_8859_1_encoded_words_in_headers_are_read_as_windows_1252():
    raw = (
        b"From: =?iso-8859-1?q?=93Kari=94?= <kari@example.com>\r\n"
        b"Subject: =?iso-8859-1?q?M=F8te_10=9611?=\r\n\r\nHei\r\n"
    )
    message = parse(raw)
    assert message.subject == "M\u00f8te 10\u201311"
    assert message.sender.display_name == "\u201cKari\u201d"


def mail(
    sender=b"Kari@Example.com",
    date=b"Mon, 23 Nov 2026 08:14:03 +0100",
    transport=b"",
    boundary=b"b1",
    message_id=b"<abc@example.com>",
):
    return (
        transport + b"From: Kari <" + sender + b">\r\nDate: " + date + b"\r\n"
        b"Message-ID: " + message_id + b"\r\nSubject: Hei\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n'
        b"--" + boundary + b"\r\nContent-Type: text/plain\r\n\r\nHei\r\n--" + boundary + b"--\r\n"
    )


@pytest.mark.parametrize(
    "copy",
    [
        mail(transport=b"Received: from mx2.example.net by mx.alver.kommune.no\r\n"),
        mail(transport=b"Delivered-To: byggesak@alver.kommune.no\r\n"),
        mail(boundary=b"resent-by-another-server"),
        mail(sender=b"kari@example.com"),
        mail(date=b"Mon, 23 Nov 2026 07:14:03 +0000"),
    ],
)
def test_the_same_message_in_other_bytes_has_the_same_id(copy):
    assert copy != mail()
    assert parse(copy).external_id == parse(mail()).external_id


@pytest.mark.parametrize(
    "other",
    [
        mail(sender=b"ola@example.com"),
        mail(date=b"Tue, 24 Nov 2026 08:14:03 +0100"),
        mail(message_id=b"<def@example.com>"),
    ],
)
def test_a_reused_message_id_from_another_sender_or_date_is_another_message(other):
    assert parse(other).external_id != parse(mail()).external_id


def test_without_message_id_the_raw_hash_is_the_id():
    raw = b"From: ola@example.com\r\nSubject: Hei\r\n\r\nHei\r\n"
    assert parse(raw).external_id == raw_id(raw)


@pytest.mark.parametrize("charset", [b"iso-8859-1", b"latin1", b"ascii", b"us-ascii"])
def test_latin1_and_ascii_parts_are_read_as_windows_1252(charset):
    raw = (
        b"From: ola@example.com\r\nSubject: Hei\r\n"
        b"Content-Type: text/plain; charset=" + charset + b"\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n"
        b"Eg kjem \x93f\xf8r\x94 klokka 10 \x96 eller seinare\r\n"
    )
    text = parse(raw).text
    assert text.strip() == "Eg kjem \u201cf\u00f8r\u201d klokka 10 \u2013 eller seinare"
    assert not any("\x80" <= char <= "\x9f" for char in text)


def test_a_utf8_part_with_a_few_broken_bytes_stays_utf8():
    raw = (
        b"From: ola@example.com\r\nSubject: Hei\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n"
        b"N\xc3\xa5r f\xc3\xa5r eg svar? \xc3\r\n"
    )
    text = parse(raw).text
    assert text.startswith("N\u00e5r f\u00e5r eg svar? \ufffd")
    assert "\u00c3" not in text


def test_a_message_without_a_usable_from_is_read_with_an_unknown_sender():
    raw = (
        b"From: ikkje ei adresse\r\nSubject: Hei\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nKven er eg?\r\n"
        b'--b\r\nContent-Type: application/pdf; name="a.pdf"\r\n'
        b"Content-Disposition: attachment; filename=a.pdf\r\n\r\n%PDF\r\n--b--\r\n"
    )
    message = parse(raw)
    assert not message.is_unreadable, message.metadata.get("parse_error")
    assert message.sender.value == "unknown@invalid"
    assert (message.subject, message.text.strip()) == ("Hei", "Kven er eg?")
    assert [a.filename for a in message.attachments] == ["a.pdf"]


@pytest.mark.parametrize("header", [b"Sender", b"Reply-To", b"Return-Path"])
def test_without_from_the_sender_comes_from_the_other_address_headers(header):
    raw = b"Subject: Hei\r\n" + header + b": <Kari@Example.com>\r\n\r\nHei\r\n"
    message = parse(raw)
    assert not message.is_unreadable
    assert message.sender.value == "kari@example.com"


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=2000))
def test_no_bytes_make_the_parser_raise(raw):
    message = parse(raw)
    assert message.raw == raw
    assert message.external_id


def test_a_bounce_whose_report_type_is_rfc_2231_encoded_is_read_as_one():
    raw = (
        b"From: MAILER-DAEMON@mx.example.com\r\nSubject: Undelivered\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/report; report-type*=us-ascii''delivery-status; "
        b'boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nNot delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.com\r\n\r\n"
        b"Final-Recipient: rfc822; kari@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        b"Message-ID: <ack-1@alver.kommune.no>\r\n"
        b"--b--\r\n"
    )
    message = parse(raw)
    assert not message.is_unreadable, message.metadata.get("parse_error")
    assert message.metadata["bounce_of"] == "<ack-1@alver.kommune.no>"
    assert message.metadata["bounce_reason"] == "5.1.1"
