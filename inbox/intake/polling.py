"""Taking in what the pollers read: a batch of a mailbox's messages, a provider's list.

These steps work in the caller's transaction and never commit; the pollers in
:mod:`inbox.jobs.polling` own the order that makes a poll crash-safe (take in,
commit, mark at the source, advance the cursor, commit). The mailbox's cursor
(``source_cursors``) is its UIDVALIDITY and the last UID taken in; a provider's
list is read from the start of the last pull, less an overlap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from channels.base import InboundMessage
from channels.email import EmailAccount, Fetched, parse_email
from inbox.clock import now
from inbox.database import insert_or_merge
from inbox.extensions import db
from inbox.intake.languages import message_language
from inbox.intake.receiving import existing_message, receive_batch, receive_or_flag
from inbox.logs import describe
from inbox.models import Message, SourceCursor
from inbox.settings.config import Settings
from rules.language import Detection

log = logging.getLogger(__name__)
# Pulls from providers' lists (SMS, Meta): how far back the first one looks, and how
# much each one overlaps the last.
FIRST_LISTING = timedelta(days=1)
LISTING_OVERLAP = timedelta(hours=1)


@dataclass
class PollReport:
    account: str
    folder: str = ""
    new: int = 0
    known: int = 0
    failed: int = 0
    busy: bool = False
    restarted: bool = False
    errors: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.new or self.failed or self.errors or self.restarted)

    def __str__(self) -> str:
        if self.busy:
            return f"{self.account}: skipped, another process is polling it"
        text = (
            f"{self.account}/{self.folder}: {self.new} new, {self.known} already stored, "
            f"{self.failed} failed"
        )
        if self.restarted:
            text += " (UIDVALIDITY changed: folder read again from the start)"
        return text + "".join(f"\n  error: {error}" for error in self.errors)


#: Told how many messages a poll will read, then once per message read.
Progress = Callable[[int], None]


def last_taken_in(account: EmailAccount, uidvalidity: int, report: PollReport) -> int:
    """The last UID taken in from the account's folder, by its cursor (made on the first
    poll). 0 when the folder's UIDVALIDITY is not the cursor's: the server renumbered the
    folder, so it is read from the start and deduplication does the rest."""
    cursor = _cursor(account)
    if cursor.validity != str(uidvalidity):
        report.restarted = bool(cursor.validity)
        return 0
    return int(cursor.position)


#: A fetched message parsed, or what the parser raised on it.
Parsed = InboundMessage | Exception


@dataclass(frozen=True)
class ReadBatch:
    """A fetched batch read ahead of intake (see :mod:`inbox.jobs.read_ahead`)."""

    parsed: list[Parsed]
    #: Each parsed message's :func:`~inbox.intake.languages.message_language`, by external id.
    languages: dict[str, Detection]


def read_fetched(account: str, batch: list[Fetched], settings: Settings) -> ReadBatch:
    """:func:`parse_fetched`, and the language of each message parsed; needs nothing but
    its arguments."""
    parsed = parse_fetched(account, batch, settings.max_attachment_bytes)
    languages = {
        inbound.external_id: message_language(inbound, settings)
        for inbound in parsed
        if not isinstance(inbound, Exception)
    }
    return ReadBatch(parsed, languages)


def parse_fetched(account: str, batch: list[Fetched], max_attachment_bytes: int) -> list[Parsed]:
    """Each message of the batch parsed, in order, up to the first the parser raises on
    (never for mail, but one must not stop the rest), which ends the list as its error.
    Needs nothing but its arguments: a reader process of its own may run it."""
    parsed: list[Parsed] = []
    for item in batch:
        try:
            parsed.append(
                parse_email(
                    item.raw,
                    account=account,
                    received_at=item.received_at,
                    max_attachment_bytes=max_attachment_bytes,
                )
            )
        except Exception as error:
            parsed.append(error)
            break
    return parsed


def take_in(
    account: EmailAccount,
    batch: list[Fetched],
    report: PollReport,
    on_message: Progress,
    read: ReadBatch | None = None,
) -> list[int]:
    """Receive each message of the batch in the caller's write transaction; the UIDs stored,
    in order. Only after that transaction is committed may they be marked at the source.
    ``read``: the batch as a reader ahead of the poll read it (else it is parsed here).

    The batch is taken in as a set (:func:`receive_batch`); when that fails, message by
    message, which stops at the first message that cannot be stored (disk full, no
    frontline department): the ones after it wait for the next poll rather than move the
    cursor past it.
    """
    if read is None:
        settings: Settings = current_app.extensions["svarfrist"]
        read = ReadBatch(parse_fetched(account.name, batch, settings.max_attachment_bytes), {})
    readable: list[tuple[Fetched, InboundMessage]] = []
    for item, inbound in zip(batch, read.parsed, strict=False):
        if isinstance(inbound, Exception):
            _failed(account, item, inbound, report)
            break
        readable.append((item, inbound))
    try:
        results = receive_batch([inbound for _item, inbound in readable], read.languages)
    except Exception as error:
        log.warning("poll_batch_one_by_one account=%s error=%s", account.name, describe(error))
        return _take_in_one_by_one(account, readable, report, on_message)
    for (_case, is_known), (_item, _inbound) in zip(results, readable, strict=True):
        if is_known:
            report.known += 1
        else:
            report.new += 1
    on_message(len(readable))
    return [item.uid for item, _inbound in readable]


def _take_in_one_by_one(
    account: EmailAccount,
    parsed: list[tuple[Fetched, InboundMessage]],
    report: PollReport,
    on_message: Progress,
) -> list[int]:
    stored: list[int] = []
    for item, inbound in parsed:
        try:
            # Known messages are received too: a copy from another mailbox is noted on them.
            is_known = existing_message(inbound) is not None
            receive_or_flag(inbound)
            if is_known:
                report.known += 1
            else:
                report.new += 1
        except Exception as error:  # one message must never stop the mailbox
            _failed(account, item, error, report)
            break
        stored.append(item.uid)
        on_message(1)
    return stored


def _failed(account: EmailAccount, item: Fetched, error: Exception, report: PollReport) -> None:
    report.failed += 1
    report.errors.append(f"UID {item.uid}: {type(error).__name__}: {error}")
    log.error(
        "poll_message_failed account=%s uid=%s error=%s",
        account.name,
        item.uid,
        describe(error),
    )


def listing_window(channel: str, account: str) -> tuple[datetime, datetime]:
    """From when to ask the provider for messages, and when this pull started (the cursor's
    next position). The cursor is the start of the last successful pull, less an overlap, so
    a message the provider dates a little late is not skipped."""
    cursor = _source_cursor(channel, account, "messages")
    started = now()
    if cursor.position:
        return datetime.fromisoformat(cursor.position) - LISTING_OVERLAP, started
    return started - FIRST_LISTING, started


def take_in_listing(
    channel: str, account: str, found: list[InboundMessage], started: datetime, report: PollReport
) -> None:
    """Take in a provider's list, in the caller's write transaction, and move the cursor to
    ``started``. Messages already taken in (by a webhook or an earlier pull) are known by
    their channel's id and change nothing."""
    known = {
        (kind, external_id)
        for kind in {message.channel for message in found}
        for external_id in _stored_ids(
            kind, account, [m.external_id for m in found if m.channel == kind]
        )
    }
    for inbound in found:
        if (inbound.channel, inbound.external_id) in known:
            report.known += 1
            continue
        receive_or_flag(inbound)
        report.new += 1
    cursor = _source_cursor(channel, account, "messages")
    cursor.position = started.isoformat()
    cursor.updated_at = now()


def _stored_ids(channel: str, account: str, ids: list[str]) -> set[str]:
    """Which of these external ids are stored already: one query, not one per message."""
    return set(
        db.session.scalars(
            select(Message.external_id).where(
                Message.channel == channel,
                Message.account == account,
                Message.external_id.in_(ids),
            )
        )
    )


def _cursor(account: EmailAccount) -> SourceCursor:
    cursor = _source_cursor("email", account.name, account.imap.folder)
    cursor.position = cursor.position or "0"
    return cursor


def _source_cursor(channel: str, account: str, source: str) -> SourceCursor:
    where = (
        SourceCursor.channel == channel,
        SourceCursor.account == account,
        SourceCursor.source == source,
    )
    cursor = db.session.scalar(select(SourceCursor).where(*where))
    if cursor is None:
        # Two workers starting together both find none; the second insert does nothing.
        db.session.execute(
            insert_or_merge(SourceCursor)
            .values(
                channel=channel,
                account=account,
                source=source,
                validity="",
                position="",
                updated_at=now(),
            )
            .on_conflict_do_nothing()
        )
        cursor = db.session.scalar(select(SourceCursor).where(*where))
    return cursor


def advance(account: EmailAccount, uidvalidity: int, uid: int) -> None:
    """The account's folder is taken in up to ``uid`` (and marked at the source)."""
    cursor = _cursor(account)
    cursor.validity = str(uidvalidity)
    cursor.position = str(uid)
    cursor.updated_at = now()
