"""The turns counted per day, channel and department: what the channel report adds up."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from inbox.extensions import db


class DayCounts:
    """The counts, for a day, channel and department."""

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


class TurnDay(DayCounts, db.Model):
    """Counts of the turns received, and the cases opened, on one local day, so a year's
    report adds up a few thousand rows instead of counting a million turns. Written only
    by :func:`inbox.reports.turn_days.fold`, from the changes below."""

    __tablename__ = "turn_days"


class TurnDayChange(DayCounts, db.Model):
    """One change to a day's counts, written in the transaction that made it: a case
    opened, a turn started, answered, moved or deleted. Only ever inserted, so intake,
    replies and handovers never wait for each other on a day's row; the worker folds the
    changes into ``turn_days`` every few seconds, and the report adds up both."""

    __tablename__ = "turn_day_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
