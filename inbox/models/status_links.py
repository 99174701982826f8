"""The citizen's status links: one row per link given out, holding only the token's hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.columns import UTCDateTime
from inbox.extensions import db
from inbox.models.cases import Case


class StatusLink(db.Model):
    """A link ``/sak/<token>`` to one case's status page, written into one message."""

    __tablename__ = "status_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The case it shows; deleting the case deletes its links.
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token, in hex: a copy of the database gives no working link.
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set when the case was merged into another (or anonymized); the link shows nothing then.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()

    def __repr__(self) -> str:
        return f"<StatusLink {self.id} case={self.case_id}>"
