"""How far each channel source has been read, so a poll continues where the last one ended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inbox.columns import UTCDateTime
from inbox.extensions import db


class SourceCursor(db.Model):
    """One source's position: for an IMAP folder, its UIDVALIDITY and the last UID taken in.

    Advanced only after the messages up to ``position`` are committed *and*
    marked done at the source; everything after it is read again next time
    (intake's deduplication makes that harmless).
    """

    __tablename__ = "source_cursors"
    __table_args__ = (UniqueConstraint("channel", "account", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    account: Mapped[str] = mapped_column(String(100))
    #: The folder (IMAP) or other place within the account.
    source: Mapped[str] = mapped_column(String(200))
    #: What makes ``position`` meaningful (IMAP UIDVALIDITY); a change means start over.
    validity: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<SourceCursor {self.channel}/{self.account}/{self.source} at {self.position}>"
