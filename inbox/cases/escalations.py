"""What is escalating in the queue: due today, broken promises and handovers waiting past
their deadline, counted for the cases a user may see.

The same definitions as the queue's filters (``due=today``, ``due=overdue``), and for
handovers the one the worker escalates by (:func:`waiting_past_deadline`, used by
:func:`inbox.handovers.workflow.notify_overdue`), so the panel's numbers are the cases its
links show and the ones staff are e-mailed about. Aggregates grouped by department (see
:func:`counts_by`); leaders also get the numbers of the departments they lead, administrators of
every department.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select

from inbox.cases.access import visible_cases
from inbox.cases.queue import _due_condition
from inbox.clock import now
from inbox.extensions import db
from inbox.models import Case, CaseStatus, Department, Handover, HandoverStatus, Role, User
from rules.calendar import Calendar


def waiting_past_deadline(at: datetime) -> ColumnElement[bool]:
    """A SQL condition on :class:`Handover`: still pending after its deadline (``accept_by``)."""
    return and_(Handover.status == HandoverStatus.PENDING, Handover.accept_by < at)


@dataclass(frozen=True)
class Counts:
    """Open cases due later today, past their promise, and with a handover past its deadline
    (of ``handovers_pending`` with any pending handover)."""

    due_today: int = 0
    overdue: int = 0
    handovers_late: int = 0
    handovers_pending: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.due_today + other.due_today,
            self.overdue + other.overdue,
            self.handovers_late + other.handovers_late,
            self.handovers_pending + other.handovers_pending,
        )

    @property
    def is_calm(self) -> bool:
        """Nothing due today, broken or waiting too long."""
        return not (self.due_today or self.overdue or self.handovers_late)


@dataclass(frozen=True)
class Escalations:
    #: Over every case the user may see (the queue's "All I may see").
    total: Counts
    #: Per department, for leaders (the departments they lead) and administrators (all),
    #: only departments with something to show; empty for staff.
    departments: list[tuple[Department, Counts]] = field(default_factory=list)


def counts_by(user: User, calendar: Calendar, *groups) -> dict[tuple, Counts]:
    """The counts of the open cases ``user`` may see, grouped by ``groups`` (columns of
    :class:`Case`); the key is the tuple of the groups' values.

    Two aggregates: the due times over the open cases (an index-only scan), and the few
    cases with a pending handover, named by id as the queue's ``handover=`` filter names
    them (probing the handovers for each open case cost 0.4 s at 150,000 open cases; a join
    let the planner scan every open case to find them)."""
    open_cases = visible_cases(user).where(Case.status != CaseStatus.CLOSED)
    due = open_cases.with_only_columns(
        *groups,
        func.count().filter(_due_condition("today", calendar)),
        func.count().filter(_due_condition("overdue", calendar)),
    ).group_by(*groups)
    pending = db.session.execute(
        select(Handover.case_id, waiting_past_deadline(now())).where(
            Handover.status == HandoverStatus.PENDING
        )
    ).all()
    waiting = (
        open_cases.where(Case.id.in_([case_id for case_id, _late in pending]))
        .with_only_columns(
            *groups,
            func.count().filter(Case.id.in_([case_id for case_id, late in pending if late])),
            func.count(),
        )
        .group_by(*groups)
    )
    counts: dict[tuple, Counts] = defaultdict(Counts)
    for *key, today, overdue in db.session.execute(due):
        counts[tuple(key)] += Counts(due_today=today, overdue=overdue)
    for *key, late, pending in db.session.execute(waiting):
        counts[tuple(key)] += Counts(handovers_late=late, handovers_pending=pending)
    return dict(counts)


def escalations(user: User, calendar: Calendar) -> Escalations:
    """The panel's numbers for ``user``, from one query over the cases they may see."""
    grouped = counts_by(user, calendar, Case.department_id)
    per_department = {key[0]: counts for key, counts in grouped.items()}
    total = sum(per_department.values(), Counts())
    return Escalations(total, _departments(user, per_department))


def _departments(user: User, counts: dict[int, Counts]) -> list[tuple[Department, Counts]]:
    if user.role == Role.ADMIN:
        chosen = list(counts)
    elif user.role == Role.LEADER:
        led = db.session.scalars(
            db.select(Department.id).where(Department.leader_id == user.id)
        ).all()
        chosen = [department_id for department_id in led if department_id in counts]
    else:
        return []
    chosen = [department_id for department_id in chosen if not counts[department_id].is_calm]
    if not chosen:
        return []
    departments = db.session.scalars(
        db.select(Department).where(Department.id.in_(chosen)).order_by(Department.name)
    ).all()
    return [(department, counts[department.id]) for department in departments]
