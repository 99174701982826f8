"""Webhook requests accepted and waiting to be taken in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from inbox.columns import UTCDateTime
from inbox.extensions import db


class WebhookEvent(db.Model):
    """One verified webhook request, stored before it is answered and taken in afterwards.

    Answering a provider takes one INSERT; intake (the case, the promise, the
    acknowledgement) runs in the poller, so a burst of webhooks never makes
    Twilio or Meta wait or time out, and a failure in intake loses nothing.
    """

    __tablename__ = "webhook_events"
    __table_args__ = (
        # The same Twilio MessageSid delivered twice is stored once.
        UniqueConstraint("source", "account", "external_id"),
        Index(
            "ix_webhook_events_pending",
            "id",
            postgresql_where=text("processed_at IS NULL"),
            sqlite_where=text("processed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``twilio-sms`` or ``meta``.
    source: Mapped[str] = mapped_column(String(20))
    account: Mapped[str] = mapped_column(String(100))
    #: The provider's id when one request is one message (MessageSid); else empty.
    external_id: Mapped[str | None] = mapped_column(String(300))
    #: The form (Twilio) or JSON body (Meta) as received.
    payload: Mapped[Any] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<WebhookEvent {self.id} {self.source}>"
