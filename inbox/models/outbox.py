"""Outgoing messages waiting to be sent, written in the transaction that caused them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.columns import UTCDateTime, enum_column
from inbox.extensions import db
from inbox.models.cases import Case, Message


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up: rejected, or too many attempts


class OutboxMessage(db.Model):
    """One message for the dispatcher to send through its channel's adapter."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        # Delivery reports (Twilio's status callback) find the row by the provider's id.
        Index("ix_outbox_channel_external_id", "channel", "external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    #: The outgoing Message this row delivers, if it is one (not for staff notifications).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    #: What it is: acknowledgement, reply, preliminary, notice, notification.
    purpose: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20))
    account: Mapped[str] = mapped_column(String(100), default="")
    recipient: Mapped[str] = mapped_column(String(320))
    #: subject, text, html, headers; what the adapter needs to build the message.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: The provider's id for the sent message (SMTP queue id, MessageSid, Graph mid).
    external_id: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case | None] = relationship()
    message: Mapped[Message | None] = relationship()

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.purpose} {self.status}>"
