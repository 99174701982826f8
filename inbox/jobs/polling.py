"""Polling the configured mailboxes and providers' lists into intake, without losing or
doubling a message.

For each batch of a mailbox: fetch (``BODY.PEEK[]``, ``INTERNALDATE``), take
every message in through :func:`inbox.intake.polling.take_in`, **commit**, then
mark the batch done at the source (``\\Seen`` or moved), then advance the cursor
and commit again. A crash before the first commit leaves nothing behind; a crash
after it leaves messages that are read again next time and found already stored.
The loop is this job's, not intake's: its transactions end and begin around the
mailbox's own steps, on one connection to the server.

One poller per mailbox at a time: on PostgreSQL a session advisory lock per
account is held while it polls, so two workers never read one mailbox at
once; the other one skips it and says so.

After each poll the account's state (``account_states``: the last poll that read it
to the end, the last error) is written in a short transaction of its own, for
``/admin/channels`` and ``/metrics``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from channels.base import InboundMessage
from channels.email import EmailAccount, Fetched, Mailbox, MailboxError
from channels.meta.account import MetaAccount, MetaCredentialError
from channels.sms import SmsCredentialError, TwilioAccount, list_inbound
from inbox.clock import now
from inbox.database import begin_write, commit_and_begin_write
from inbox.extensions import db
from inbox.intake import polling
from inbox.intake.polling import PollReport, Progress, ReadBatch
from inbox.jobs.read_ahead import Answer, Reader, reading_ahead
from inbox.logs import describe
from inbox.models import AccountActivity
from inbox.reports import account_states

log = logging.getLogger(__name__)


def poll_account(
    account: EmailAccount,
    *,
    on_total: Progress | None = None,
    on_message: Progress | None = None,
    on_committed: Callable[[], None] | None = None,
    read_ahead: bool = False,
) -> PollReport:
    """Read the account's folder from its cursor to the end; never raises for one message.

    Commits as it goes, starting with whatever the session holds; ``on_committed`` is
    called after each batch's commit (a dispatcher beside the poll sends its
    acknowledgements then). ``read_ahead``: a folder of more than one batch is read by a
    process forked beside this one (:mod:`inbox.jobs.read_ahead`); only for a caller
    whose other threads a fork may leave behind (`svarfrist poll` has none; the worker's
    scheduler runs jobs in threads, so its polls read every batch themselves).
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
            _poll(
                account,
                report,
                on_total or _ignore,
                on_message or _ignore,
                on_committed or _nothing,
                read_ahead,
            )
        except (MailboxError, SQLAlchemyError) as error:
            # Nothing uncommitted is marked at the source; the next poll starts from the cursor.
            db.session.rollback()
            report.errors.append(f"{type(error).__name__}: {error}")
            log.error("poll_failed account=%s error=%s", account.name, describe(error))
    _note_state("email", account.name, report)
    return report


def _ignore(_count: int) -> None:
    return None


def _nothing() -> None:
    return None


def _poll(
    account: EmailAccount,
    report: PollReport,
    on_total: Progress,
    on_message: Progress,
    on_committed: Callable[[], None],
    read_ahead: bool,
):
    imap = account.imap
    with Mailbox(account.name, imap) as mailbox:
        begin_write()
        last_uid = polling.last_taken_in(account, mailbox.uidvalidity, report)
        db.session.commit()
        uids = mailbox.uids_after(last_uid)
        on_total(len(uids))
        if not uids:
            _advance(account, mailbox.uidvalidity, last_uid)
            return
        size = imap.batch_size
        chunks = [uids[start : start + size] for start in range(0, len(uids), size)]
        with _reader_for(account, read_ahead and len(chunks) > 1) as reader:
            for batch, read in _batches(mailbox, chunks, reader):
                begin_write()
                stored = polling.take_in(account, batch, report, on_message, read)
                commit()
                on_committed()
                mailbox.mark_done(stored)
                if len(stored) < len(batch):
                    break  # keep the cursor before the failed message; it is read again next time
                _advance(account, mailbox.uidvalidity, batch[-1].uid if batch else last_uid)


def _reader_for(account: EmailAccount, wanted: bool) -> AbstractContextManager[Reader | None]:
    """A reader ahead of the poll (:mod:`inbox.jobs.read_ahead`), when ``wanted``."""
    if not wanted:
        return nullcontext(None)
    return reading_ahead(account.name, current_app.extensions["svarfrist"])


def _batches(
    mailbox: Mailbox, chunks: list[list[int]], reader: Reader | None
) -> Iterator[tuple[list[Fetched], ReadBatch | None]]:
    """Each chunk's messages fetched, in order, with what the reader read of them (``None``:
    intake parses them). With a reader, the next chunk is fetched and given to it before
    this one is taken in, so it is read while this one is; the first one too, so the poll's
    own process never parses or loads the language models."""

    def fetched(chunk: list[int]) -> tuple[list[Fetched], Answer | None]:
        batch = mailbox.fetch(chunk, now())
        return batch, reader.read(batch) if reader is not None else None

    ahead = None
    for index, chunk in enumerate(chunks):
        batch, answer = ahead or fetched(chunk)
        ahead = fetched(chunks[index + 1]) if reader and index + 1 < len(chunks) else None
        yield batch, answer() if answer is not None else None


def commit() -> None:
    """The intake commit; only after it may the source be marked (a seam for crash tests)."""
    db.session.commit()


def _advance(account: EmailAccount, uidvalidity: int, uid: int) -> None:
    begin_write()
    polling.advance(account, uidvalidity, uid)
    db.session.commit()


def poll_sms_account(account: TwilioAccount) -> PollReport:
    """Take in what Twilio has received since the last pull and the webhook may have missed."""
    return _poll_listing("sms", account.name, lambda since: list_inbound(account, since, now()))


def poll_meta_account(account: MetaAccount) -> PollReport:
    """Take in the page's recent messages and comments that no webhook brought."""
    from channels.meta.pulls import list_recent  # with requests: not for a mailbox's poll

    return _poll_listing("meta", account.name, lambda since: list_recent(account, since))


def _poll_listing(
    channel: str, account: str, listing: Callable[[datetime], list[InboundMessage]]
) -> PollReport:
    """Take in a provider's list of recent messages, skipping those already stored; commits
    what the session holds first, and no transaction is open while the provider answers."""
    report = PollReport(account, "messages")
    commit_and_begin_write()
    since, started = polling.listing_window(channel, account)
    db.session.commit()
    try:
        found = listing(since)
    except _provider_errors() as error:
        report.errors.append(f"{channel} account {account!r}: {type(error).__name__}: {error}")
        log.error("poll_failed channel=%s account=%s error=%s", channel, account, describe(error))
    else:
        begin_write()
        polling.take_in_listing(channel, account, found, started, report)
        db.session.commit()
    _note_state(channel, account, report)
    return report


def _provider_errors() -> tuple[type[Exception], ...]:
    """What a provider's listing raises when it cannot answer. Python looks at an ``except``
    clause only once something is raised, so a poll of mailboxes never imports twilio and
    requests (a quarter of a second of its start-up)."""
    from requests import RequestException
    from twilio.base.exceptions import TwilioException

    return (TwilioException, RequestException, SmsCredentialError, MetaCredentialError)


def _note_state(kind: str, account: str, report: PollReport) -> None:
    """Keep the poll's outcome in the account's state; a database that cannot take it is
    logged, and the report stays what the poll found."""
    outcome = account_states.Outcome()
    if report.errors:
        outcome.failure("; ".join(report.errors), now())
    else:
        outcome.success(now())
    try:
        begin_write()
        account_states.record(kind, account, AccountActivity.POLL, outcome)
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.error("account_state_failed account=%s error=%s", account, describe(error))


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
