"""Counted events for rate limits that must hold across web processes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from inbox.columns import UTCDateTime
from inbox.extensions import db


class RateEvent(db.Model):
    """One use of a limited thing (a callback request) by one key (an address, a number)."""

    __tablename__ = "rate_events"
    __table_args__ = (Index("ix_rate_events_bucket_key_at", "bucket", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<RateEvent {self.bucket} {self.at:%Y-%m-%d %H:%M}>"
