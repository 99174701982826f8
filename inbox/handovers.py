"""Handovers between departments, which complete only when the receiver accepts.

This module proposes handovers; accepting, declining, withdrawing and the
escalation of overdue handovers come with the handover feature.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from inbox import audit
from inbox.clock import now
from inbox.extensions import db
from inbox.models import Case, Department, Handover, HandoverStatus, User

ACCEPT_WITHIN_WORKING_DAYS = 1


class HandoverError(ValueError):
    """The handover cannot be made as asked; the message says why."""


def propose(case: Case, to_department: Department, by: User, note: str) -> Handover:
    """Offer ``case`` to ``to_department``; it stays with its department until accepted."""
    if not note.strip():
        raise HandoverError("a handover needs a note for the receiving department")
    if to_department.id == case.department_id:
        raise HandoverError(f"the case already belongs to {to_department.name}")
    pending = db.session.scalar(
        select(Handover).where(
            Handover.case_id == case.id, Handover.status == HandoverStatus.PENDING
        )
    )
    if pending is not None:
        raise HandoverError(
            f"case {case.reference} already has a pending handover to {pending.to_department.name}"
        )
    proposed_at = now()
    calendar = current_app.extensions["svarfrist"].rules.calendar
    accept_by = calendar.add_working_days(
        calendar.local_date(proposed_at), ACCEPT_WITHIN_WORKING_DAYS
    ).closes_at
    handover = Handover(
        case=case,
        from_department_id=case.department_id,
        to_department=to_department,
        proposed_by=by,
        note=note.strip(),
        proposed_at=proposed_at,
        accept_by=accept_by,
    )
    db.session.add(handover)
    db.session.flush()
    audit.record("handover.propose", user=by, case=case, handover_id=handover.id)
    return handover
