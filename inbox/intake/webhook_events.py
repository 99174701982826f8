"""Webhook events: stored when they arrive, taken in by the poller.

:func:`store` is all a webhook request does after its signature and shape
are checked: one INSERT (the same Twilio MessageSid twice is stored once).
:func:`take_in_next` turns stored events into cases through intake, with
the time the webhook arrived as the time received, so the promise counts
from the arrival and not from when the poller got to it. An event whose
account is no longer configured, or whose intake fails, stays pending with
its error and is tried again on the next round (the worker's
:mod:`inbox.jobs.webhooks` takes them in batch by batch).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import select

from channels.base import InboundMessage
from channels.meta.webhooks import parse_webhook
from channels.sms import fetch_media, inbound_from_webhook
from inbox.clock import now
from inbox.database import insert_or_merge
from inbox.extensions import db
from inbox.intake.receiving import receive_batch, receive_or_flag
from inbox.logs import describe
from inbox.models import WebhookEvent
from inbox.reports.account_states import Outcome
from inbox.settings.config import Settings

log = logging.getLogger(__name__)
TWILIO_SMS = "twilio-sms"
META = "meta"
#: The kind of configured account (``[[channels.sms]]``, ``[[channels.meta]]``) per source.
ACCOUNT_KINDS = {TWILIO_SMS: "sms", META: "meta"}


def store(source: str, account: str, payload: Any, external_id: str | None = None) -> None:
    """Keep a verified webhook request for intake; the caller commits."""
    db.session.execute(
        insert_or_merge(WebhookEvent)
        .values(
            source=source,
            account=account,
            external_id=external_id,
            payload=payload,
            received_at=now(),
            attempts=0,
        )
        .on_conflict_do_nothing(index_elements=["source", "account", "external_id"])
    )


@dataclass
class EventReport:
    taken_in: int = 0
    failed: int = 0
    #: Per account (kind, name): what its events did, for the account's state.
    outcomes: dict[tuple[str, str], Outcome] = field(default_factory=dict)

    def outcome(self, event: WebhookEvent) -> Outcome:
        key = (ACCOUNT_KINDS.get(event.source, event.source), event.account)
        return self.outcomes.setdefault(key, Outcome())

    def __bool__(self) -> bool:
        return bool(self.taken_in or self.failed)

    def __str__(self) -> str:
        return f"webhooks: {self.taken_in} taken in, {self.failed} failed (kept for the next round)"


def take_in_next(size: int, report: EventReport, after: int = 0) -> int | None:
    """Claim up to ``size`` pending events after the id ``after``, oldest first, and take
    them in, in the caller's write transaction (the caller commits); the last id claimed, or
    ``None`` when none was pending. Passing it as ``after`` next time moves past events that
    failed, so they wait for the next round instead of being tried again at once."""
    events = _claim(size, after)
    read = [_read(event) for event in events]
    if not _take_in_together(read, report):
        for event, messages in read:
            _take_in(event, messages, report)
    return events[-1].id if events else None


def _read(event: WebhookEvent) -> tuple[WebhookEvent, list[InboundMessage] | Exception]:
    """The event's messages, or why they cannot be read (kept for the event's own intake)."""
    try:
        return event, _messages(event)
    except Exception as error:  # the event fails alone, in _take_in
        return event, error


def _take_in_together(
    read: list[tuple[WebhookEvent, list[InboundMessage] | Exception]], report: EventReport
) -> bool:
    """Take in the messages of all the events as one batch (:func:`receive_batch`); False, with
    nothing taken in, when one of them cannot be read or stored: then each event goes alone."""
    if not read or any(isinstance(messages, Exception) for _event, messages in read):
        return False
    try:
        receive_batch([inbound for _event, messages in read for inbound in messages])
    except Exception as error:
        log.warning("webhook_events_one_by_one error=%s", describe(error))
        return False
    for event, _messages_read in read:
        event.attempts += 1
        _taken_in(event, report)
    return True


def _claim(size: int, after: int) -> list[WebhookEvent]:
    query = (
        select(WebhookEvent)
        .where(WebhookEvent.processed_at.is_(None), WebhookEvent.id > after)
        .order_by(WebhookEvent.id)
        .limit(size)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # another poller takes the others
    return list(db.session.scalars(query))


def _take_in(
    event: WebhookEvent, messages: list[InboundMessage] | Exception, report: EventReport
) -> None:
    event.attempts += 1
    try:
        if isinstance(messages, Exception):
            raise messages
        with db.session.begin_nested():
            for inbound in messages:
                receive_or_flag(inbound)
    except Exception as error:  # one event must not stop the others
        event.last_error = f"{type(error).__name__}: {error}"[:2000]
        report.failed += 1
        report.outcome(event).failure(event.last_error, now())
        log.error(
            "webhook_event_failed id=%s source=%s error=%s",
            event.id,
            event.source,
            describe(error),
        )
        return
    _taken_in(event, report)


def _taken_in(event: WebhookEvent, report: EventReport) -> None:
    event.processed_at = now()
    event.last_error = None
    report.taken_in += 1
    report.outcome(event).success(event.received_at)


def _messages(event: WebhookEvent) -> list[InboundMessage]:
    settings: Settings = current_app.extensions["svarfrist"]
    if event.source == TWILIO_SMS:
        account = next((a for a in settings.sms_accounts if a.name == event.account), None)
        if account is None:
            raise LookupError(f"no [[channels.sms]] account named {event.account!r}")
        inbound = inbound_from_webhook(account, event.payload, event.received_at)
        return [fetch_media(account, inbound, settings.max_attachment_bytes)]
    if event.source == META:
        account = next((a for a in settings.meta_accounts if a.name == event.account), None)
        if account is None:
            raise LookupError(f"no [[channels.meta]] account named {event.account!r}")
        return parse_webhook(account, event.payload, event.received_at)
    raise LookupError(f"unknown webhook source {event.source!r}")
