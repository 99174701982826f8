"""Handovers of a case from one department to another, complete only on acceptance."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.columns import UTCDateTime, enum_column
from inbox.extensions import db
from inbox.models.cases import Case
from inbox.models.people import Department, User


class HandoverStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Handover(db.Model):
    """A proposed overføring; the case moves only when the receiving department accepts."""

    __tablename__ = "handovers"
    __table_args__ = (Index("ix_handovers_to_status", "to_department_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    to_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[HandoverStatus] = mapped_column(
        enum_column(HandoverStatus), default=HandoverStatus.PENDING
    )
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the receiving department must have answered before its leader is told.
    accept_by: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Required when declined.
    reason: Mapped[str | None] = mapped_column(Text)
    is_escalated: Mapped[bool] = mapped_column(default=False)
    #: Opening time from the offer to the decision, for the report.
    decision_seconds: Mapped[int | None]

    case: Mapped[Case] = relationship()
    from_department: Mapped[Department] = relationship(foreign_keys=[from_department_id])
    to_department: Mapped[Department] = relationship(foreign_keys=[to_department_id])
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])

    def __repr__(self) -> str:
        return f"<Handover {self.id} {self.status} case={self.case_id}>"
