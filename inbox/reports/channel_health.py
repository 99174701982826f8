"""How each configured channel account is doing, for ``/admin/channels``.

For every account in the configuration (mailboxes, SMTP senders, Twilio numbers,
Meta pages): its state per activity (``account_states``), the messages taken in
today (the municipality's day), the outbox rows and stored webhooks waiting and
the oldest of them, and one overall state. A handful of grouped queries, whatever
the number of accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import func, select

from inbox.extensions import db
from inbox.models import (
    AccountActivity,
    AccountState,
    Direction,
    Message,
    OutboxMessage,
    OutboxStatus,
    WebhookEvent,
    WorkerHeartbeat,
)
from inbox.reports.account_states import KIND_OF_CHANNEL, sending_account
from inbox.settings.config import Settings

#: Webhook sources (``webhook_events.source``) per kind of account.
WEBHOOK_SOURCES = {"twilio-sms": "sms", "meta": "meta"}
#: A poll may take a while (a large mailbox) and a worker may be busy: an account is
#: "late" only when no poll has read it for three of its intervals and two minutes more.
LATE_INTERVALS = 3
LATE_MARGIN = timedelta(minutes=2)


class State(StrEnum):
    WORKING = "working"
    FAILING = "failing"
    LATE = "late"  # worked, but has not been read for a long while (no worker?)
    NEVER = "never"  # never read (or, for a send-only mailbox, nothing sent yet)


@dataclass(frozen=True)
class Account:
    """A configured account, as the page names it."""

    kind: str  # email, sms, meta
    name: str
    #: The mailbox's address, the number (or messaging service), the page's id.
    address: str
    #: Whether Svarfrist reads it (an e-mail account without imap_host only sends).
    is_read: bool
    poll_interval: timedelta
    takes_webhooks: bool
    #: The server it is read from and the one it sends through, for e-mail.
    imap_server: str | None = None
    smtp_server: str | None = None


@dataclass(frozen=True)
class Activity:
    activity: AccountActivity
    attempts: int = 0
    failures: int = 0
    consecutive_failures: int = 0
    failing_since: datetime | None = None
    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class AccountHealth:
    account: Account
    state: State
    #: Failing since, or (late) last read at.
    state_since: datetime | None
    #: The activities that apply to the account, in the order the page shows them.
    activities: tuple[Activity, ...]
    received_today: int
    outbox_waiting: int
    outbox_oldest_at: datetime | None
    webhooks_waiting: int
    webhooks_oldest_at: datetime | None

    @property
    def last_error(self) -> Activity | None:
        """The activity with the newest error, if any has had one."""
        erred = [a for a in self.activities if a.last_error_at is not None]
        return max(erred, key=lambda a: a.last_error_at) if erred else None


@dataclass(frozen=True)
class ChannelHealth:
    accounts: tuple[AccountHealth, ...]
    #: The newest worker heartbeat: nothing is polled or sent without a worker.
    worker_beat_at: datetime | None


def configured_accounts(settings: Settings) -> list[Account]:
    accounts = []
    for mail in settings.email_accounts:
        imap = mail.imap
        accounts.append(
            Account(
                "email",
                mail.name,
                mail.address,
                is_read=imap is not None,
                poll_interval=timedelta(seconds=mail.poll_interval_seconds),
                takes_webhooks=False,
                imap_server=f"{imap.server.host}:{imap.server.port}" if imap else None,
                smtp_server=f"{mail.smtp.host}:{mail.smtp.port}",
            )
        )
    for sms in settings.sms_accounts:
        accounts.append(
            Account(
                "sms",
                sms.name,
                sms.from_number or sms.messaging_service_sid or "",
                is_read=True,
                poll_interval=timedelta(seconds=sms.poll_interval_seconds),
                takes_webhooks=True,
            )
        )
    for page in settings.meta_accounts:
        accounts.append(
            Account(
                "meta",
                page.name,
                page.page_id,
                is_read=True,
                poll_interval=timedelta(seconds=page.poll_interval_seconds),
                takes_webhooks=True,
            )
        )
    return accounts


def channel_health(settings: Settings, at: datetime) -> ChannelHealth:
    """Every configured account's health at ``at``."""
    rows = db.session.scalars(select(AccountState))
    states = {(row.kind, row.account, row.activity): row for row in rows}
    received = _received_since(_start_of_day(settings, at))
    waiting = _outbox_waiting(settings)
    webhooks = _webhooks_waiting()
    accounts = []
    for account in configured_accounts(settings):
        key = (account.kind, account.name)
        activities = tuple(
            _activity(states.get((*key, activity)), activity)
            for activity in _activities_of(account)
        )
        state, since = _overall(account, activities, at)
        outbox_count, outbox_oldest = waiting.get(key, (0, None))
        webhook_count, webhook_oldest = webhooks.get(key, (0, None))
        accounts.append(
            AccountHealth(
                account,
                state,
                since,
                activities,
                received.get(key, 0),
                outbox_count,
                outbox_oldest,
                webhook_count,
                webhook_oldest,
            )
        )
    beat = db.session.scalar(select(func.max(WorkerHeartbeat.beat_at)))
    return ChannelHealth(tuple(accounts), beat)


def _activities_of(account: Account) -> list[AccountActivity]:
    activities = [AccountActivity.POLL] if account.is_read else []
    if account.takes_webhooks:
        activities.append(AccountActivity.WEBHOOK)
    return [*activities, AccountActivity.SEND]


def _activity(row: AccountState | None, activity: AccountActivity) -> Activity:
    if row is None:
        return Activity(activity)
    return Activity(
        activity,
        row.attempts,
        row.failures,
        row.consecutive_failures,
        row.failing_since,
        row.last_success_at,
        row.last_error_at,
        row.last_error,
    )


def _overall(
    account: Account, activities: tuple[Activity, ...], at: datetime
) -> tuple[State, datetime | None]:
    failing = [a.failing_since for a in activities if a.consecutive_failures and a.failing_since]
    if failing:
        return State.FAILING, min(failing)
    first = activities[0]  # reading, or for a send-only mailbox sending
    if first.last_success_at is None:
        return State.NEVER, None
    late = LATE_INTERVALS * account.poll_interval + LATE_MARGIN
    if first.activity == AccountActivity.POLL and at - first.last_success_at > late:
        return State.LATE, first.last_success_at
    return State.WORKING, None


def _start_of_day(settings: Settings, at: datetime) -> datetime:
    zone = settings.rules.calendar.zone
    return datetime.combine(at.astimezone(zone).date(), time(), tzinfo=zone)


def _received_since(start: datetime) -> dict[tuple[str, str], int]:
    """Citizens' messages taken in since ``start``, per account (kind, name)."""
    rows = db.session.execute(
        select(Message.channel, Message.account, func.count())
        .where(Message.direction == Direction.IN, Message.created_at >= start)
        .group_by(Message.channel, Message.account)
    )
    counts: dict[tuple[str, str], int] = {}
    for channel, account, count in rows:
        kind = KIND_OF_CHANNEL.get(channel)
        if kind is not None:
            counts[kind, account] = counts.get((kind, account), 0) + count
    return counts


def pending_outbox():
    """(channel, account, rows, oldest ``created_at``) of the outbox rows not sent yet."""
    return db.session.execute(
        select(
            OutboxMessage.channel,
            OutboxMessage.account,
            func.count(),
            func.min(OutboxMessage.created_at),
        )
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .group_by(OutboxMessage.channel, OutboxMessage.account)
    )


def _outbox_waiting(settings: Settings) -> dict[tuple[str, str], tuple[int, datetime | None]]:
    """Outbox rows not sent yet (retrying included), per account they go out through."""
    return _merged(
        (sending_account(settings, channel, account), count, oldest)
        for channel, account, count, oldest in pending_outbox()
    )


def _webhooks_waiting() -> dict[tuple[str, str], tuple[int, datetime | None]]:
    """Stored webhooks not taken in yet (failing ones included), per account."""
    rows = db.session.execute(
        select(
            WebhookEvent.source,
            WebhookEvent.account,
            func.count(),
            func.min(WebhookEvent.received_at),
        )
        .where(WebhookEvent.processed_at.is_(None))
        .group_by(WebhookEvent.source, WebhookEvent.account)
    )
    return _merged(
        ((WEBHOOK_SOURCES.get(source, source), account), count, oldest)
        for source, account, count, oldest in rows
    )


def _merged(rows) -> dict[tuple[str, str], tuple[int, datetime | None]]:
    merged: dict[tuple[str, str], tuple[int, datetime | None]] = {}
    for key, count, oldest in rows:
        if key is None:
            continue
        known, earliest = merged.get(key, (0, None))
        merged[key] = (known + count, min(filter(None, (earliest, oldest)), default=None))
    return merged
