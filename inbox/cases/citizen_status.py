"""What the citizen's status page says of a case: where it is and when the answer comes.

Only this: the reference, when and on which channel the first message came, the promised
date (and a preliminary answer's new one), the status in words and the department that has
it. Never the subject, the text, the citizen's name or the staff's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from inbox.extensions import db
from inbox.models import (
    Case,
    CaseStatus,
    Department,
    Direction,
    Handover,
    HandoverStatus,
    Message,
    Turn,
    TurnOrigin,
)


class Stage(StrEnum):
    """The status in words, as the citizen reads it."""

    RECEIVED = "received"
    HANDLED = "handled"  # by ``department``
    HANDING_OVER = "handing-over"  # to ``department``, which has not taken it over yet
    ANSWERED = "answered"
    CLOSED = "closed"


@dataclass(frozen=True)
class CitizenStatus:
    reference: str
    received_at: datetime
    channel: str
    stage: Stage
    #: The department handling it, or the one it is being handed over to.
    department: Department
    #: The answer promised by; ``None`` when nothing waits for an answer.
    promised_at: datetime | None
    #: The new date a preliminary answer gave, when one did.
    preliminary_at: datetime | None


def citizen_status(case: Case) -> CitizenStatus:
    """The status page's view of ``case``."""
    first = db.session.scalar(
        select(Message)
        .where(Message.case_id == case.id, Message.direction == Direction.IN)
        .order_by(Message.created_at, Message.id)
        .limit(1)
    )
    waiting = db.session.scalar(
        select(Turn)
        .where(Turn.case_id == case.id, Turn.answered_at.is_(None))
        .order_by(Turn.received_at)
        .limit(1)
    )
    promised = db.session.scalar(
        select(Turn.due_at)
        .where(Turn.case_id == case.id, Turn.origin == TurnOrigin.CITIZEN)
        .order_by(Turn.received_at.desc(), Turn.id.desc())
        .limit(1)
    )
    stage, department = _stage(case)
    preliminary = waiting is not None and waiting.origin == TurnOrigin.PRELIMINARY
    return CitizenStatus(
        reference=case.reference,
        received_at=first.created_at if first is not None else case.created_at,
        channel=first.channel if first is not None else case.channel,
        stage=stage,
        department=department,
        promised_at=promised if waiting is not None else None,
        preliminary_at=waiting.due_at if preliminary else None,
    )


def _stage(case: Case) -> tuple[Stage, Department]:
    if case.status == CaseStatus.CLOSED:
        return Stage.CLOSED, case.department
    offered = db.session.scalar(
        select(Handover)
        .where(Handover.case_id == case.id, Handover.status == HandoverStatus.PENDING)
        .order_by(Handover.proposed_at.desc())
        .limit(1)
    )
    if offered is not None:
        return Stage.HANDING_OVER, offered.to_department
    if case.status == CaseStatus.WAITING:
        return Stage.ANSWERED, case.department
    if case.status == CaseStatus.NEW:
        return Stage.RECEIVED, case.department
    return Stage.HANDLED, case.department
