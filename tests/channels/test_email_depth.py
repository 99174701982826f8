"""Mail nested deeper than anyone writes is refused before Python's parser recurses on it."""

from __future__ import annotations

from datetime import UTC, datetime

from channels.email.reading import MAX_MIME_DEPTH, mime_depth, parse_email
from tests.channels.email_corpus import CORPUS, _nested

RECEIVED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
HEAD = (
    b"From: djup@example.no\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="lvl0"\r\n\r\n'
)


def read(raw: bytes):
    return parse_email(raw, account="postmottak", received_at=RECEIVED, max_attachment_bytes=10**6)


def forwarded(times: int) -> bytes:
    raw = b"From: a@example.no\r\nSubject: innerst\r\n\r\nHei\r\n"
    for _ in range(times):
        raw = b"From: a@example.no\r\nContent-Type: message/rfc822\r\n\r\n" + raw
    return raw


def test_mime_nested_two_thousand_levels_is_flagged_without_a_recursion_error():
    raw = HEAD + _nested(2000)
    message = read(raw)
    assert message.is_unreadable
    assert message.raw == raw
    assert message.metadata["parse_error"] == (
        f"ValueError: parts nested 2000 levels deep (more than {MAX_MIME_DEPTH})"
    )


def test_enclosed_messages_two_thousand_deep_are_flagged_without_a_recursion_error():
    message = read(forwarded(2000))
    assert message.is_unreadable
    assert "RecursionError" not in message.metadata["parse_error"]
    assert "2000 levels deep" in message.metadata["parse_error"]


def test_depth_counts_levels_closed_by_their_delimiters():
    assert mime_depth(HEAD + _nested(30)) == 30
    assert mime_depth(forwarded(3)) == 3
    # Three parts side by side, each two levels deep: three levels in all, not seven.
    inner = _nested(2)
    side_by_side = b"".join(
        b'--top\r\nContent-Type: multipart/mixed; boundary="lvl0"\r\n\r\n' + inner for _ in range(3)
    )
    raw = b'Content-Type: multipart/mixed; boundary="top"\r\n\r\n' + side_by_side + b"--top--\r\n"
    assert mime_depth(raw) == 3


def test_no_message_of_the_corpus_is_refused_for_its_depth():
    assert max(mime_depth(raw) for _name, raw in CORPUS) <= MAX_MIME_DEPTH
    assert read(HEAD + _nested(MAX_MIME_DEPTH)).is_unreadable is False


def test_boundaries_in_rfc_2231_form_count_as_levels_too():
    level = b"Content-Type: multipart/mixed; boundary*=us-ascii''b\r\n\r\n--b\r\n"
    assert mime_depth(level * (MAX_MIME_DEPTH + 1)) == MAX_MIME_DEPTH + 1
