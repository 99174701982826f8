"""The leaders' overview: today's state of the departments a leader leads (all, for an
administrator), per department and per channel, and the kept share of the last weeks.

The case counts are the queue's "needs attention" figures (:func:`inbox.cases.escalations.
counts_by`), over the cases the user may see, so each number is what the queue's filters show.

A handover waiting to be accepted shows twice, as DESIGN.md has it: at the sending department,
which keeps the case and its promise until then ("waiting for them": ``department=`` and
``handover=pending``), and at the receiving department, which must decide and whose leader
is told when the handover's deadline passes ("waiting for you": ``offered_to=``, with how
many are past their deadline and how long the oldest has waited).

Everything is aggregates over indexed columns: the open cases (``status``, ``due_at``), the
pending handovers (few), the turns by ``answered_at``/``due_at`` (``ix_turns_open_due``) and
the daily counts (``turn_days``), so the page costs the same at a million cases.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select, union_all

from inbox.cases.access import visible_cases
from inbox.cases.escalations import Counts, counts_by, waiting_past_deadline
from inbox.clock import now
from inbox.extensions import db
from inbox.models import (
    Case,
    CaseStatus,
    Department,
    Handover,
    HandoverStatus,
    Role,
    Turn,
    TurnDay,
    TurnDayChange,
    User,
)
from rules.calendar import Calendar

#: How many weeks the trend covers, this one included.
WEEKS = 13


@dataclass(frozen=True)
class Figures:
    """One row: the queue's counts (of them ``handovers_pending``: the row's cases offered to
    another department, waiting for them), the promises broken this week (turns whose due
    time passed since Monday without an answer by then), and the cases offered to the row's
    departments: how many, how many past the handover's deadline, since when the oldest."""

    counts: Counts = field(default_factory=Counts)
    broken_this_week: int = 0
    offered: int = 0
    offered_late: int = 0
    oldest_offered_since: datetime | None = None

    def __add__(self, other: Figures) -> Figures:
        oldest = [when for when in (self.oldest_offered_since, other.oldest_offered_since) if when]
        return Figures(
            self.counts + other.counts,
            self.broken_this_week + other.broken_this_week,
            self.offered + other.offered,
            self.offered_late + other.offered_late,
            min(oldest) if oldest else None,
        )


@dataclass(frozen=True)
class Week:
    monday: date
    #: Citizens' turns received that week, and of them answered by the due time.
    turns: int
    kept: int
    is_current: bool

    @property
    def share(self) -> float | None:
        return self.kept / self.turns if self.turns else None


@dataclass(frozen=True)
class Overview:
    #: The departments covered (a leader's own, every one for an administrator).
    departments: list[Department]
    total: Figures
    by_department: list[tuple[Department, Figures]] = field(default_factory=list)
    by_channel: list[tuple[str, Figures]] = field(default_factory=list)
    weeks: list[Week] = field(default_factory=list)
    week_start: date | None = None


def departments_overseen(user: User) -> list[Department] | None:
    """The departments ``user`` oversees: every one for an administrator, the ones they lead
    for a leader, ``None`` for anyone else (who may not have the overview)."""
    query = select(Department).order_by(Department.name)
    if user.role == Role.ADMIN:
        return list(db.session.scalars(query))
    if user.role == Role.LEADER:
        return list(db.session.scalars(query.where(Department.leader_id == user.id)))
    return None


def overview(user: User, calendar: Calendar, departments: list[Department]) -> Overview:
    """The figures of ``departments`` (from :func:`departments_overseen`) as ``user`` sees them."""
    ids = {department.id for department in departments}
    moment = now()
    monday = calendar.local_date(moment) - timedelta(days=calendar.local_date(moment).weekday())
    week_start = datetime.combine(monday, datetime.min.time(), tzinfo=calendar.zone)
    cells: dict[tuple[int, str], Figures] = defaultdict(Figures)
    for (department_id, channel), counts in counts_by(
        user, calendar, Case.department_id, Case.channel
    ).items():
        if department_id in ids:
            cells[department_id, channel] += Figures(counts=counts)
    for department_id, channel, broken in _broken_since(week_start, moment, ids):
        cells[department_id, channel] += Figures(broken_this_week=broken)
    for department_id, channel, offered, late, oldest in _offered(user, ids, moment):
        cells[department_id, channel] += Figures(
            offered=offered, offered_late=late, oldest_offered_since=oldest
        )
    per_department: dict[int, Figures] = defaultdict(Figures)
    per_channel: dict[str, Figures] = defaultdict(Figures)
    for (department_id, channel), figures in cells.items():
        per_department[department_id] += figures
        per_channel[channel] += figures
    return Overview(
        departments=departments,
        total=sum(per_department.values(), Figures()),
        by_department=[(d, per_department.get(d.id, Figures())) for d in departments],
        by_channel=sorted(per_channel.items()),
        weeks=_weeks(monday, ids),
        week_start=monday,
    )


def _broken_since(start: datetime, moment: datetime, ids: set[int]):
    """(department, channel, turns) whose due time fell in [start, moment) unanswered by then.

    Written as two ranges of ``ix_turns_open_due`` (answered_at, due_at): still open, and
    answered since ``start`` (an answer after a due time since ``start`` is since ``start``).
    """
    if not ids:
        return []
    due_in_week = and_(Turn.due_at >= start, Turn.due_at < moment)
    broken = or_(
        and_(Turn.answered_at.is_(None), due_in_week),
        and_(Turn.answered_at >= start, due_in_week, Turn.answered_at > Turn.due_at),
    )
    query = (
        select(Turn.department_id, Turn.channel, func.count())
        .where(broken, Turn.department_id.in_(ids))
        .group_by(Turn.department_id, Turn.channel)
    )
    return db.session.execute(query).all()


def _offered(user: User, ids: set[int], moment: datetime):
    """(receiving department, channel, cases, of them past the deadline, oldest proposal) of
    the open cases ``user`` may see that wait for one of ``ids`` to accept them (the queue's
    ``offered_to=``). Pending handovers are few: they are read first and their cases named
    by id, so the open cases are not scanned for them."""
    if not ids:
        return []
    handovers = db.session.execute(
        select(
            Handover.case_id,
            Handover.to_department_id,
            waiting_past_deadline(moment),
            Handover.proposed_at,
        ).where(Handover.status == HandoverStatus.PENDING, Handover.to_department_id.in_(ids))
    ).all()
    channels = dict(
        db.session.execute(
            visible_cases(user)
            .where(Case.status != CaseStatus.CLOSED, Case.id.in_([row[0] for row in handovers]))
            .with_only_columns(Case.id, Case.channel)
        ).all()
    )
    cells: dict[tuple[int, str], list] = {}
    for case_id, department_id, is_late, proposed_at in handovers:
        if case_id in channels:
            cell = cells.setdefault((department_id, channels[case_id]), [set(), set(), proposed_at])
            cell[0].add(case_id)
            if is_late:
                cell[1].add(case_id)
            cell[2] = min(cell[2], proposed_at)
    return [(*key, len(cases), len(late), oldest) for key, (cases, late, oldest) in cells.items()]


def _weeks(monday: date, ids: set[int]) -> list[Week]:
    """The citizens' turns received in each of the last :data:`WEEKS` weeks (Monday to
    Sunday, this week so far), and of them answered by the due time, from the daily counts."""
    first = monday - timedelta(weeks=WEEKS - 1)
    totals = {first + timedelta(weeks=number): [0, 0] for number in range(WEEKS)}
    if ids:

        def rows_of(model):
            return select(model.day, model.turns, model.by_due).where(
                model.day >= first, model.department_id.in_(ids)
            )

        counts = union_all(rows_of(TurnDay), rows_of(TurnDayChange)).subquery("counts")
        query = select(counts.c.day, func.sum(counts.c.turns), func.sum(counts.c.by_due)).group_by(
            counts.c.day
        )
        for day, turns, kept in db.session.execute(query):
            week = day - timedelta(days=day.weekday())
            if week in totals:
                totals[week][0] += int(turns or 0)
                totals[week][1] += int(kept or 0)
    return [
        Week(week, turns, kept, is_current=week == monday)
        for week, (turns, kept) in sorted(totals.items())
    ]
