"""A case's status line: what anyone at the municipality may know of any case by its exact
reference (status, department, due date, who has it), never what the case says.

The front line answers "where is my case?" all day about cases it handed over and can no
longer open; this is what it sees of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from inbox.cases.access import NotVisible, case_visibility, may_see
from inbox.extensions import db
from inbox.models import Case, CaseStatus, Department, Handover, HandoverStatus, User

#: The most handed-over cases the front line's list shows, newest handover first.
HANDED_OVER_LIMIT = 200


@dataclass(frozen=True)
class StatusLine:
    reference: str
    status: CaseStatus
    department: Department
    #: When the unanswered message is due; ``None`` when nothing waits for an answer.
    due_at: datetime | None
    assignee: str | None
    #: Whether the user may open the whole case.
    may_see: bool


def status_line(user: User, reference: str) -> StatusLine:
    """The status line of the case with exactly this reference; :class:`NotVisible` when
    there is none (no partial matches: the reference is the key staff are given)."""
    case = db.session.scalar(
        select(Case)
        .where(Case.reference == reference.strip())
        .options(selectinload(Case.department), selectinload(Case.assignee))
    )
    if case is None:
        raise NotVisible(f"no case {reference}", f"case {reference}")
    return _line(case, may_see(user, case))


def handed_over_by(user: User) -> list[StatusLine]:
    """The cases the user's departments handed over and that another department accepted,
    newest handover first, which the user can no longer open."""
    if not user.department_ids:
        return []
    latest = (
        select(Handover.case_id, func.max(Handover.decided_at).label("decided_at"))
        .where(
            Handover.status == HandoverStatus.ACCEPTED,
            Handover.from_department_id.in_(user.department_ids),
        )
        .group_by(Handover.case_id)
        .subquery()
    )
    cases = db.session.scalars(
        select(Case)
        .join(latest, latest.c.case_id == Case.id)
        .where(~case_visibility(user))
        .order_by(latest.c.decided_at.desc(), Case.id.desc())
        .limit(HANDED_OVER_LIMIT)
        .options(selectinload(Case.department), selectinload(Case.assignee))
    ).all()
    return [_line(case, False) for case in cases]


def _line(case: Case, visible: bool) -> StatusLine:
    return StatusLine(
        reference=case.reference,
        status=case.status,
        department=case.department,
        due_at=case.due_at,
        assignee=case.assignee.name if case.assignee is not None else None,
        may_see=visible,
    )
