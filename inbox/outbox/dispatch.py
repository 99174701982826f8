"""The outbox: outgoing messages as rows, sent by a dispatcher after the commit.

Rows are written by :func:`enqueue` in the same transaction as the change that
caused them, so a rolled-back change sends nothing. The dispatcher
(:mod:`inbox.jobs.dispatch`) claims due rows (:func:`claim`), sends each
through its channel's adapter outside any transaction (:func:`send`), and
records the outcome (:func:`record`).

Duplicate window: a claim is committed before sending and pushes the row's
next attempt one lease ahead. If the process dies after the adapter sent the
message but before the outcome was committed, the row is sent again once the
lease has run out; that is the only way a row is sent twice. On PostgreSQL the
outcome's commit does not wait for the disk: a crash of the database server
itself (not of the dispatcher) within a fraction of a second of it puts the row
in that same window.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.expression import Executable

from channels.base import (
    ByAccount,
    OutboundAttachment,
    OutboundMessage,
    Sender,
    SendResult,
    SendStatus,
)
from inbox.blobs import current_store
from inbox.clock import now
from inbox.database import flush
from inbox.extensions import db
from inbox.logs import describe
from inbox.models import Case, Message, OutboxMessage, OutboxStatus
from inbox.outbox.report import DispatchReport

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
MAX_ATTEMPTS = 8


def enqueue(
    *,
    purpose: str,
    channel: str,
    recipient: str,
    payload: Mapping[str, Any],
    account: str = "",
    case: Case | None = None,
    message: Message | None = None,
) -> OutboxMessage:
    """Add a row to send; it lives and dies with the caller's transaction."""
    queued_at = now()
    row = OutboxMessage(
        purpose=purpose,
        channel=channel,
        account=account,
        recipient=recipient,
        payload=dict(payload),
        case=case,
        message=message,
        status=OutboxStatus.PENDING,
        next_attempt_at=queued_at,
        created_at=queued_at,
    )
    db.session.add(row)
    flush()
    return row


def claim(batch_size: int) -> list[int]:
    """Take due rows for this dispatcher; the caller commits the claim before anything is sent.

    One UPDATE ... RETURNING marks the rows (one lease ahead, one more
    attempt). On PostgreSQL its subquery skips rows another dispatcher has
    locked; on SQLite the single statement is the one writer's, so two
    dispatchers cannot take the same row there either.
    """
    claimed_at = now()
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= claimed_at,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(batch_size)
    )
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .values(next_attempt_at=claimed_at + LEASE, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(claimed)


#: A lane gets another connection of its adapter for each this many rows, up to the
#: adapter's limit (an SMTP account's ``smtp_connections``).
ROWS_PER_CONNECTION = 10
#: Lanes of a round beyond one per adapter are made only up to this many in all: each lane
#: holds a database connection while it sends, out of the pool's 15.
MOST_LANES = 10


@dataclass
class Lane:
    """Claimed rows that one adapter sends in order, and the adapter (``None``: the
    channel has none). ``group`` names the lanes of one account: they hold each other
    back when its server is down."""

    sender: Sender | None
    row_ids: list[int]
    group: int


def lanes(senders: Mapping[str, Sender], row_ids: list[int]) -> list[Lane]:
    """Claimed rows grouped by the adapter that sends them, each group in claim order.

    The dispatcher sends the lanes side by side, so one account's hung server holds up
    only the rows that go through it. An adapter that can open more connections
    (``side_by_side``, SMTP) gets a lane per connection, the rows dealt among them in
    turn, so a server's answer to one message is awaited while the next goes out on
    another connection; an adapter (its open connection) is used by one lane only.
    """
    groups: dict[int, tuple[Sender | None, list[int]]] = {}
    found = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.channel, OutboxMessage.account)
        .where(OutboxMessage.id.in_(row_ids))
        .order_by(OutboxMessage.id)
    )
    for row_id, channel, account in found:
        sender = senders.get(channel)
        if isinstance(sender, ByAccount):
            sender = sender.sender_for(account)
        groups.setdefault(id(sender), (sender, []))[1].append(row_id)
    result: list[Lane] = []
    spare = MOST_LANES - len(groups)
    for group, (sender, ids) in groups.items():
        side_by_side = getattr(sender, "side_by_side", None)
        adapters = [sender]
        if side_by_side is not None:
            wanted = -(-len(ids) // ROWS_PER_CONNECTION)
            adapters = side_by_side(1 + max(0, min(wanted - 1, spare)))
            spare -= len(adapters) - 1
        result.extend(
            Lane(adapter, ids[index :: len(adapters)], group)
            for index, adapter in enumerate(adapters)
        )
    return result


def back_off_account(row_id: int, claimed_with_it: list[int]) -> None:
    """Hold back the rest of an account whose server ``row_id`` found down, in the caller's
    write transaction.

    ``claimed_with_it`` (this round's rows through the same adapter) are not
    tried, their claim is undone, and they wait as long as ``row_id``; so do
    the account's pending rows that would come due before then. Their order
    among themselves stays as it was (by id). The case page says why.
    """
    row = db.session.get(OutboxMessage, row_id)
    if row.status == OutboxStatus.PENDING:
        until = row.next_attempt_at
    else:  # its last attempt: the account is down all the same
        until = now() + backoff(row.attempts)
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(claimed_with_it))
        .values(attempts=OutboxMessage.attempts - 1, next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    of_the_account = (
        OutboxMessage.channel == row.channel,
        OutboxMessage.account == row.account,
        OutboxMessage.status == OutboxStatus.PENDING,
    )
    db.session.execute(
        update(OutboxMessage)
        .where(*of_the_account, OutboxMessage.next_attempt_at < until)
        .values(next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    held = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.id != row.id,
            or_(OutboxMessage.id.in_(claimed_with_it), and_(*of_the_account)),
            OutboxMessage.next_attempt_at == until,
        )
    ).all()
    for waiting in held:
        db.session.refresh(waiting)
        _note_delivery(
            waiting,
            "retrying",
            row.last_error,
            next_attempt_at=until.isoformat(),
            backed_off_account=row.account,
        )
    log.warning(
        "outbox_account_backed_off channel=%s account=%s outbox_id=%s held=%s until=%s",
        row.channel,
        row.account,
        row.id,
        len(held),
        until.isoformat(),
    )


def claimed_rows(row_ids: list[int]) -> dict[int, OutboxMessage]:
    """The claimed rows with their messages (their outcomes are noted on them), in one
    query; :func:`outbound` says what each asks to send."""
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(row_ids))
        .options(selectinload(OutboxMessage.message))
    )
    return {row.id: row for row in rows}


def outbound(row: OutboxMessage) -> OutboundMessage:
    """What the row asks to send, as the adapters take it."""
    payload = row.payload or {}
    return OutboundMessage(
        channel=row.channel,
        account=row.account,
        recipient=row.recipient,
        text=payload.get("text", ""),
        subject=payload.get("subject", ""),
        html=payload.get("html"),
        headers=payload.get("headers", {}),
        attachments=tuple(_attachment(entry) for entry in payload.get("attachments", ())),
    )


def _attachment(entry: Mapping[str, str]) -> OutboundAttachment:
    """A payload's ``{"filename", "content_type", "sha256"}``: the file from the blob store
    (the row holds only its name, so a large file is not copied into the outbox table)."""
    return OutboundAttachment(
        filename=entry["filename"],
        content_type=entry["content_type"],
        content=current_store().get(entry["sha256"]),
    )


def send(sender: Sender | None, outbound: OutboundMessage, row_id: int) -> SendResult | None:
    """Send through the row's adapter (call it with no transaction open); ``None`` when no
    sender is configured for the channel. An adapter's exception is a failed send."""
    if sender is None:
        return None
    try:
        return sender.send(outbound)
    except Exception as error:  # an adapter bug must not stop the other rows
        log.error(
            "outbox_send_error outbox_id=%s channel=%s error=%s",
            row_id,
            outbound.channel,
            describe(error),
        )
        return SendResult(SendStatus.FAILED, error=f"{type(error).__name__}: {error}")


def record(
    connection: Connection,
    row: OutboxMessage,
    result: SendResult | None,
    max_attempts: int,
    report: DispatchReport,
) -> None:
    """Write what :func:`send` said on the row and its message, in the caller's write
    transaction on ``connection``. Plain UPDATEs, not the session's unit of work: a lane
    writes one outcome per message sent, and a flush per row would cost more than the send.
    On PostgreSQL both are one statement (the row's in a WITH of its message's), atomic by
    itself: a lane's connection commits each statement as it is sent
    (:func:`~inbox.database.connection_for_many_commits`). The loaded ``row`` (and its
    message) are given the values written."""
    if result is None:
        changes, delivery = _retry(
            row, f"no sender configured for channel {row.channel}", keep_attempt=False
        )
        report.skipped += 1
    elif result.status == SendStatus.SENT:
        changes = {
            "status": OutboxStatus.SENT,
            "sent_at": now(),
            "external_id": result.external_id,
            "last_error": None,
        }
        delivery = _delivery_note("sent", None)
        report.sent += 1
    elif result.status == SendStatus.REJECTED or row.attempts >= max_attempts:
        changes = {"status": OutboxStatus.FAILED, "last_error": result.error}
        delivery = _delivery_note("failed", result.error)
        report.failed += 1
    else:
        changes, delivery = _retry(
            row, result.error or "failed without a reason", keep_attempt=True
        )
        report.retried += 1
    values = {f"new_{key}": value for key, value in changes.items()}
    values["outcome_row"] = row.id
    if row.message is not None:
        values.update(
            noted_message=row.message.id,
            new_metadata=_with_delivery(row.message.metadata_json, delivery),
        )
    one_statement = connection.dialect.name == "postgresql"
    for statement in _outcome_statements(tuple(changes), row.message is not None, one_statement):
        connection.execute(statement, values)
    for key, value in changes.items():
        set_committed_value(row, key, value)
    if row.message is not None:
        set_committed_value(row.message, "metadata_json", values["new_metadata"])
    log.info("outbox outbox_id=%s status=%s attempts=%s", row.id, row.status, row.attempts)


@cache
def _outcome_statements(
    columns: tuple[str, ...], with_message: bool, one_statement: bool
) -> tuple[Executable, ...]:
    """The UPDATEs :func:`record` runs for an outcome that sets ``columns`` (and the message's
    delivery note), built once per shape: SQLAlchemy then reuses their compiled form without
    building and comparing a new statement for every row sent. The values are bound by name:
    ``new_<column>``, ``outcome_row``, ``noted_message`` and ``new_metadata``."""
    outcome = (
        update(OutboxMessage)
        .where(OutboxMessage.id == bindparam("outcome_row"))
        .values({column: bindparam(f"new_{column}") for column in columns})
    )
    if not with_message:
        return (outcome,)
    note = (
        update(Message)
        .where(Message.id == bindparam("noted_message"))
        .values(metadata_json=bindparam("new_metadata"))
    )
    if one_statement:
        return (note.add_cte(outcome.cte("outcome")),)
    return outcome, note


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: one minute, doubling per attempt, at most six hours."""
    delay = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(delay, LONGEST_RETRY)


def _retry(
    row: OutboxMessage, error: str, *, keep_attempt: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The row's changes to try again after its backoff, and its message's delivery note."""
    # Without keep_attempt nothing was tried; the claim's count does not apply.
    attempts = row.attempts if keep_attempt else row.attempts - 1
    delay = backoff(max(attempts, 1))
    jitter = timedelta(seconds=random.uniform(0, delay.total_seconds() / 10))
    next_attempt_at = now() + delay + jitter
    changes = {"attempts": attempts, "next_attempt_at": next_attempt_at, "last_error": error}
    return changes, _delivery_note("retrying", error, next_attempt_at=next_attempt_at.isoformat())


def _note_delivery(row: OutboxMessage, delivery: str, error: str | None, **more: str) -> None:
    """Show on the case's message whether it reached the citizen, or why not yet."""
    if row.message is None:
        return
    row.message.metadata_json = _with_delivery(
        row.message.metadata_json, _delivery_note(delivery, error, **more)
    )


def _delivery_note(delivery: str, error: str | None, **more: str) -> dict[str, Any]:
    """What a message's metadata says of its delivery: sent, retrying or failed, and why."""
    return {"delivery": delivery, "delivery_error": error, **more}


def _with_delivery(metadata: dict[str, Any] | None, delivery: dict[str, Any]) -> dict[str, Any]:
    """A message's metadata with its delivery note replaced by ``delivery``."""
    transient = ("next_attempt_at", "backed_off_account")
    kept = {k: v for k, v in (metadata or {}).items() if k not in transient}
    return {**kept, **delivery}
