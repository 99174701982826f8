"""Every message in the awkward-mail corpus is read without raising, and read safely."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from channels.base import InboundMessage
from channels.email import parse_email
from tests.channels.email_corpus import CORPUS

RECEIVED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
NAMES = [name for name, _ in CORPUS]


def test_corpus_names_are_unique():
    assert len(NAMES) == len(set(NAMES))


def test_corpus_messages_are_all_different_bytes():
    assert len({raw for _, raw in CORPUS}) == len(CORPUS)


def test_corpus_is_large_enough_and_each_message_small_enough():
    assert len(CORPUS) >= 40
    too_big = [name for name, raw in CORPUS if len(raw) >= 300 * 1024]
    assert not too_big


@pytest.mark.parametrize("raw", [raw for _, raw in CORPUS], ids=NAMES)
def test_corpus_message_is_read_safely(raw):
    message = parse_email(
        raw, account="postmottak", received_at=RECEIVED, max_attachment_bytes=1_000_000
    )

    assert isinstance(message, InboundMessage)
    assert message.raw == raw
    assert message.external_id
    if not message.is_unreadable:
        assert "@" in message.sender.value
    for attachment in message.attachments:
        name = attachment.filename
        assert "/" not in name and "\\" not in name and not name.startswith("."), name
    assert "\r" not in message.subject and "\n" not in message.subject
    text = message.subject + message.text + (message.sender.display_name or "")
    assert "\ufffd" not in text, "a wrong or missing charset lost letters"
    text.encode("utf-8")  # no lone surrogates from undecoded 8-bit headers


BY_NAME = dict(CORPUS)
ONLY_UNREADABLE = {"garbage_bytes_no_headers", "empty_bytes"}


def read(name: str) -> InboundMessage:
    return parse_email(
        BY_NAME[name], account="postmottak", received_at=RECEIVED, max_attachment_bytes=1_000_000
    )


def test_only_bytes_without_any_header_are_unreadable():
    unreadable = {name for name in NAMES if read(name).is_unreadable}
    assert unreadable == ONLY_UNREADABLE


@pytest.mark.parametrize(
    ("name", "sender", "display_name"),
    [
        ("raw_8bit_utf8_headers", "åse@example.no", "Åse Ødegård"),
        ("raw_8bit_latin1_headers", "bjorn.saetero@example.no", "Bjørn Sæterø"),
        ("from_name_newline_injection_in_encoded_word", "kari.inject@example.net", None),
        ("from_without_domain_with_reply_to", None, None),
        ("from_empty_group_with_return_path", None, None),
    ],
)
def test_senders_are_found_in_hostile_and_broken_headers(name, sender, display_name):
    message = read(name)
    assert not message.is_unreadable
    if sender is not None:
        assert message.sender.value == sender
    if display_name is not None:
        assert message.sender.display_name == display_name
    assert "\n" not in (message.sender.display_name or "")


def test_a_body_in_latin_1_declared_as_utf_8_keeps_its_letters():
    assert "Søppeldunken på Bøvågen" in read("declared_utf8_but_latin1_body").text
    assert "øydelagt" in read("missing_charset_8bit_latin1").text


def test_a_malformed_message_id_does_not_make_the_message_unreadable():
    message = read("malformed_message_id_and_references")
    assert not message.is_unreadable and "@" in message.sender.value


def test_structure_and_reports_are_not_attachments():
    assert read("deep_nesting_30_levels").attachments == ()
    bounce = read("bounce_delivery_status_postfix")
    assert all(a.content_type != "message/delivery-status" for a in bounce.attachments)
    assert bounce.metadata["bounce_of"] == "<ack-1@svarfrist.example>"


def test_a_forwarded_subject_with_a_slash_keeps_its_name():
    names = [a.filename for a in read("forwarded_message_rfc822").attachments]
    assert "Klage på vedtak i sak 2026-1234.eml" in names
