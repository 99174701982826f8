"""The figures ``/metrics`` reads from the database, as a prometheus-client collector.

Everything here is read at scrape time from the database every process shares, so
each web process (and each machine) answers the same. The metrics' names are listed
in the README ("Monitoring").
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy import func, select, union_all

from inbox.extensions import db
from inbox.models import (
    AccountState,
    Case,
    CaseStatus,
    Direction,
    Message,
    TurnDay,
    TurnDayChange,
    WebhookEvent,
    WorkerHeartbeat,
)
from inbox.reports.account_states import accounts_of_kind, sending_account
from inbox.reports.channel_health import WEBHOOK_SOURCES, pending_outbox
from inbox.settings.config import Settings

#: prometheus-client's multiprocess mode (a directory for every process's figures): set
#: before the process starts, as the library reads it when it is imported.
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: The outbox channels each kind of account sends.
SENDING_CHANNELS = {"email": ("email",), "sms": ("sms",), "meta": ("facebook", "instagram")}


class DatabaseFigures:
    """A collector (``collect()``) of the database's figures at ``at``."""

    def __init__(self, settings: Settings, at: datetime) -> None:
        self.settings = settings
        self.at = at

    def collect(self) -> Iterator[Metric]:
        yield self._received()
        yield from self._accounts()
        yield from self._outbox()
        yield self._webhooks_waiting()
        yield from self._promises()
        beat = db.session.scalar(select(func.max(WorkerHeartbeat.beat_at)))
        if beat is not None:
            age = GaugeMetricFamily(
                "svarfrist_worker_heartbeat_age_seconds",
                "Seconds since the newest background worker heartbeat.",
            )
            age.add_metric([], (self.at - beat).total_seconds())
            yield age

    def _received(self) -> Metric:
        family = CounterMetricFamily(
            "svarfrist_messages_received",
            "Citizens' messages taken in, per channel and account.",
            labels=["channel", "account"],
        )
        rows = db.session.execute(
            select(Message.channel, Message.account, func.count())
            .where(Message.direction == Direction.IN)
            .group_by(Message.channel, Message.account)
            .order_by(Message.channel, Message.account)
        )
        for channel, account, count in rows:
            family.add_metric([channel, account], count)
        return family

    def _accounts(self) -> Iterator[Metric]:
        labels = ["kind", "account", "activity"]
        attempts = CounterMetricFamily(
            "svarfrist_account_attempts",
            "Polls (activity=poll), webhook events taken in (webhook) and messages sent "
            "(send), per configured account.",
            labels=labels,
        )
        failures = CounterMetricFamily(
            "svarfrist_account_failures", "Of those, the ones that failed.", labels=labels
        )
        failing = GaugeMetricFamily(
            "svarfrist_account_consecutive_failures",
            "Failures since the last success (0: working).",
            labels=labels,
        )
        success = GaugeMetricFamily(
            "svarfrist_account_last_success_timestamp_seconds",
            "When the last poll read the account to its end, the newest webhook taken in "
            "arrived, the last message was sent (Unix time).",
            labels=labels,
        )
        rows = db.session.scalars(
            select(AccountState).order_by(
                AccountState.kind, AccountState.account, AccountState.activity
            )
        )
        for row in rows:
            values = [row.kind, row.account, row.activity.value]
            attempts.add_metric(values, row.attempts)
            failures.add_metric(values, row.failures)
            failing.add_metric(values, row.consecutive_failures)
            if row.last_success_at is not None:
                success.add_metric(values, row.last_success_at.timestamp())
        yield from (attempts, failures, failing, success)

    def _outbox(self) -> Iterator[Metric]:
        waiting = GaugeMetricFamily(
            "svarfrist_outbox_waiting",
            "Outgoing messages not sent yet (retries included), per channel and account.",
            labels=["channel", "account"],
        )
        oldest = GaugeMetricFamily(
            "svarfrist_outbox_oldest_waiting_seconds",
            "Age of the oldest outgoing message not sent yet (0: none waiting).",
            labels=["channel", "account"],
        )
        figures: dict[tuple[str, str], tuple[int, datetime | None]] = {
            (channel, account.name): (0, None)
            for kind, channels in SENDING_CHANNELS.items()
            for account in accounts_of_kind(self.settings, kind)
            for channel in channels
        }
        for channel, account, count, first in pending_outbox():
            through = sending_account(self.settings, channel, account)
            key = (channel, through[1] if through else account)
            known, earliest = figures.get(key, (0, None))
            figures[key] = (known + count, min(filter(None, (earliest, first)), default=None))
        for (channel, account), (count, first) in sorted(figures.items()):
            waiting.add_metric([channel, account], count)
            age = (self.at - first).total_seconds() if first is not None else 0
            oldest.add_metric([channel, account], max(age, 0))
        yield from (waiting, oldest)

    def _webhooks_waiting(self) -> Metric:
        family = GaugeMetricFamily(
            "svarfrist_webhooks_waiting",
            "Stored webhooks not taken in yet (failing ones included), per account.",
            labels=["kind", "account"],
        )
        rows = db.session.execute(
            select(WebhookEvent.source, WebhookEvent.account, func.count())
            .where(WebhookEvent.processed_at.is_(None))
            .group_by(WebhookEvent.source, WebhookEvent.account)
            .order_by(WebhookEvent.source, WebhookEvent.account)
        )
        for source, account, count in rows:
            family.add_metric([WEBHOOK_SOURCES.get(source, source), account], count)
        return family

    def _promises(self) -> Iterator[Metric]:
        late = CounterMetricFamily(
            "svarfrist_turns_answered_late",
            "Promises broken: citizens' turns answered after their due time, per channel.",
            labels=["channel"],
        )
        counts = union_all(
            *(
                select(table.channel, table.answered, table.by_due)
                for table in (TurnDay, TurnDayChange)
            )
        ).subquery()
        rows = db.session.execute(
            select(counts.c.channel, func.sum(counts.c.answered) - func.sum(counts.c.by_due))
            .group_by(counts.c.channel)
            .order_by(counts.c.channel)
        )
        for channel, count in rows:
            late.add_metric([channel], int(count or 0))
        overdue = GaugeMetricFamily(
            "svarfrist_cases_overdue",
            "Promises broken now: open cases past their due time, per channel.",
            labels=["channel"],
        )
        rows = db.session.execute(
            select(Case.channel, func.count())
            .where(Case.status != CaseStatus.CLOSED, Case.due_at < self.at)
            .group_by(Case.channel)
            .order_by(Case.channel)
        )
        for channel, count in rows:
            overdue.add_metric([channel], count)
        yield from (late, overdue)
