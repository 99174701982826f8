"""Reply templates made on /admin/templates (those in the configuration file are not stored)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.columns import UTCDateTime
from inbox.extensions import db
from inbox.models.people import Department, User


class StoredTemplate(db.Model):
    """A ready answer ("mal") staff can start from, for one department or all, in one language."""

    __tablename__ = "reply_templates"
    # The case page's picker: the active templates in the case's language.
    __table_args__ = (Index("ix_reply_templates_language_department", "language", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the picker and the list show.
    title: Mapped[str] = mapped_column(String(200))
    #: ``None``: offered in every department.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    #: nn, nb or en: offered on cases in this language.
    language: Mapped[str] = mapped_column(String(5))
    #: The answer's text, with placeholders (``inbox.settings.placeholders``).
    text: Mapped[str] = mapped_column(Text)
    #: Inactive templates are kept but not offered.
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    department: Mapped[Department | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    def __repr__(self) -> str:
        return f"<StoredTemplate {self.id} {self.language}>"
