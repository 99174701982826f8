"""Pulling the configured mailboxes into intake, without losing or doubling a message.

For each batch: fetch (``BODY.PEEK[]``, ``INTERNALDATE``), take every message
in through :func:`inbox.intake.receiving.receive`, **commit**, then mark the batch done
at the source (``\\Seen`` or moved), then advance the cursor and commit again.
A crash before the first commit leaves nothing behind; a crash after it
leaves messages that are read again next time and found already stored. A
new UIDVALIDITY means the server renumbered the folder: it is read from the
start and deduplication does the rest.

One poller per mailbox at a time: on PostgreSQL a session advisory lock per
account is held while it polls, so two workers never read one mailbox at
once; the other one skips it and says so.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from requests import RequestException
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from twilio.base.exceptions import TwilioException

from channels.email import EmailAccount, Fetched, Mailbox, MailboxError, parse_email, raw_id
from channels.meta.account import MetaAccount, MetaCredentialError
from channels.meta.pulls import list_recent
from channels.sms import SmsCredentialError, TwilioAccount, list_inbound
from inbox.clock import now
from inbox.database import begin_write, insert_or_merge
from inbox.extensions import db
from inbox.intake.receiving import receive_or_flag
from inbox.models import Message, SourceCursor
from inbox.settings.config import Settings

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


def poll_account(
    account: EmailAccount,
    *,
    on_total: Progress | None = None,
    on_message: Progress | None = None,
) -> PollReport:
    """Read the account's folder from its cursor to the end; never raises for one message.

    Commits as it goes, starting with whatever the session holds.
    """
    db.session.commit()
    report = PollReport(account.name, account.imap.folder if account.imap else "")
    if account.imap is None:
        report.errors.append("no imap_host configured: the account only sends")
        return report
    with _exclusive(account.name) as acquired:
        if not acquired:
            report.busy = True
            return report
        try:
            _poll(account, report, on_total or _ignore, on_message or _ignore)
        except (MailboxError, SQLAlchemyError) as error:
            # Nothing uncommitted is marked at the source; the next poll starts from the cursor.
            db.session.rollback()
            report.errors.append(f"{type(error).__name__}: {error}")
            log.error("poll_failed account=%s error=%s", account.name, error)
    return report


def _ignore(_count: int) -> None:
    return None


def _poll(account: EmailAccount, report: PollReport, on_total: Progress, on_message: Progress):
    imap = account.imap
    with Mailbox(account.name, imap) as mailbox:
        cursor = _cursor(account)
        last_uid = int(cursor.position or 0)
        if cursor.validity != str(mailbox.uidvalidity):
            report.restarted = bool(cursor.validity)
            last_uid = 0
        db.session.commit()
        uids = mailbox.uids_after(last_uid)
        on_total(len(uids))
        for start in range(0, len(uids), imap.batch_size):
            batch = mailbox.fetch(uids[start : start + imap.batch_size], now())
            stored = _take_in(account, batch, report, on_message)
            commit()
            mailbox.mark_done(stored)
            if len(stored) < len(batch):
                break  # keep the cursor before the failed message; it is read again next time
            _advance(account, mailbox.uidvalidity, batch[-1].uid if batch else last_uid)
        else:
            if not uids:
                _advance(account, mailbox.uidvalidity, last_uid)


def _take_in(
    account: EmailAccount, batch: list[Fetched], report: PollReport, on_message: Progress
) -> list[int]:
    """Receive each message of the batch in the open transaction; the UIDs stored, in order.

    Stops at the first message that cannot be stored (disk full, no frontline
    department): the ones after it wait for the next poll rather than move
    the cursor past it.
    """
    settings: Settings = current_app.extensions["svarfrist"]
    stored: list[int] = []
    begin_write()
    known = _known_ids(account, batch)
    for item in batch:
        try:
            if raw_id(item.raw) in known:
                report.known += 1
            else:
                inbound = parse_email(
                    item.raw,
                    account=account.name,
                    received_at=item.received_at,
                    max_attachment_bytes=settings.max_attachment_bytes,
                )
                receive_or_flag(inbound)
                report.new += 1
        except Exception as error:  # one message must never stop the mailbox
            report.failed += 1
            report.errors.append(f"UID {item.uid}: {type(error).__name__}: {error}")
            log.exception("poll_message_failed account=%s uid=%s", account.name, item.uid)
            break
        stored.append(item.uid)
        on_message(1)
    return stored


def poll_sms_account(account: TwilioAccount) -> PollReport:
    """Take in what Twilio has received since the last pull and the webhook may have missed."""
    return _poll_listing("sms", account.name, lambda since: list_inbound(account, since, now()))


def poll_meta_account(account: MetaAccount) -> PollReport:
    """Take in the page's recent messages and comments that no webhook brought."""
    return _poll_listing("meta", account.name, lambda since: list_recent(account, since))


def _poll_listing(channel: str, account: str, listing) -> PollReport:
    """Take in a provider's list of recent messages, skipping those already stored.

    Messages already taken in (by a webhook or an earlier pull) are known by
    their channel's id and change nothing. The cursor is the start of the last
    successful pull, less an overlap, so a message the provider dates a
    little late is not skipped.
    """
    db.session.commit()
    report = PollReport(account, "messages")
    cursor = _source_cursor(channel, account, "messages")
    started = now()
    since = (
        datetime.fromisoformat(cursor.position) - LISTING_OVERLAP
        if cursor.position
        else started - FIRST_LISTING
    )
    db.session.commit()
    try:
        found = listing(since)
    except (TwilioException, RequestException, SmsCredentialError, MetaCredentialError) as error:
        report.errors.append(f"{channel} account {account!r}: {type(error).__name__}: {error}")
        log.error("poll_failed channel=%s account=%s error=%s", channel, account, error)
        return report
    begin_write()
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
    cursor.position = started.isoformat()  # the same row, read again in this transaction
    cursor.updated_at = now()
    db.session.commit()
    return report


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


def _known_ids(account: EmailAccount, batch: list[Fetched]) -> set[str]:
    return _stored_ids("email", account.name, [raw_id(item.raw) for item in batch])


def commit() -> None:
    """The intake commit; only after it may the source be marked (a seam for crash tests)."""
    db.session.commit()


def _cursor(account: EmailAccount) -> SourceCursor:
    cursor = _source_cursor("email", account.name, account.imap.folder)
    cursor.position = cursor.position or "0"
    return cursor


def _source_cursor(channel: str, account: str, source: str) -> SourceCursor:
    begin_write()
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


def _advance(account: EmailAccount, uidvalidity: int, last_uid: int) -> None:
    cursor = _cursor(account)
    cursor.validity = str(uidvalidity)
    cursor.position = str(last_uid)
    cursor.updated_at = now()
    db.session.commit()


@contextmanager
def _exclusive(account_name: str) -> Iterator[bool]:
    """PostgreSQL: a session advisory lock on the account; elsewhere there is one poller."""
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    key = int.from_bytes(hashlib.sha256(f"poll:email:{account_name}".encode()).digest()[:8], "big")
    key -= 1 << 63  # a signed bigint
    with db.engine.connect() as connection:
        acquired = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        connection.commit()
        try:
            yield bool(acquired)
        finally:
            if acquired:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
