"""The turns counted per day, channel and department: what the channel report adds up."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from inbox.extensions import db


class TurnDay(db.Model):
    """Counts of the turns received, and the cases opened, on one local day, kept by
    inbox.turn_days as they start, end, move to another department or are deleted, so a
    year's report adds up a few thousand rows instead of counting a million turns."""

    __tablename__ = "turn_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)
    #: The citizens' turns; of them answered, by the target, by the due time (``met``),
    #: within a quarter of the promised opening time, and with a preliminary answer.
    turns: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    by_target: Mapped[int] = mapped_column(default=0)
    by_due: Mapped[int] = mapped_column(default=0)
    quick: Mapped[int] = mapped_column(default=0)
    preliminary: Mapped[int] = mapped_column(default=0)
    #: The new dates given in preliminary answers (their own turns), and of them kept.
    preliminary_dates: Mapped[int] = mapped_column(default=0)
    preliminary_dates_kept: Mapped[int] = mapped_column(default=0)
    #: Cases opened (by the case's channel and department).
    cases: Mapped[int] = mapped_column(default=0)
