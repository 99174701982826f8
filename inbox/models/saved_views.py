"""A user's saved queue views: a name for a combination of filters and sort."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inbox.columns import UTCDateTime
from inbox.extensions import db


class SavedView(db.Model):
    """One user's named queue: only that user lists, opens or deletes it."""

    __tablename__ = "saved_views"
    # The queue lists a user's views by name; a name is used once per user.
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_views_user_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The owner; their views go with them.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: What the queue lists, chosen by the user.
    name: Mapped[str] = mapped_column(String(80))
    #: The queue's query string (filters and sort), e.g. ``channel=sms&sort=-received``.
    query: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<SavedView {self.id} user={self.user_id}>"
