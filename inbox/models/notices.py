"""Staff notifications already sent, so none is sent twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from inbox.columns import UTCDateTime
from inbox.extensions import db


class SentNotice(db.Model):
    """One notification by its key, e.g. ``turn:123:breach``; the key is unique."""

    __tablename__ = "sent_notices"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<SentNotice {self.key}>"
