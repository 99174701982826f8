"""Handovers between departments, which complete only when the receiver accepts.

While a handover is pending the case stays with the sending department. Any
member of the receiving department accepts (the owner changes; the turn and
its due time do not) or declines with a reason (the sender is told); the
sender may withdraw it. Where the receiving department says so (or the
configuration's ``handovers.leader_only`` names it), only its leader accepts.
Two people deciding at the same moment: the handover row is locked (``FOR
UPDATE`` on PostgreSQL; SQLite has one writer), so exactly one decision wins
and the other gets :class:`HandoverConflict`.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from inbox.cases.answer_ways import last_inbound
from inbox.cases.escalations import waiting_past_deadline
from inbox.cases.turns import move_case
from inbox.clock import now
from inbox.errors import ServiceError
from inbox.extensions import db
from inbox.i18n import Language
from inbox.models import (
    Case,
    Department,
    Handover,
    HandoverStatus,
    OutKind,
    Role,
    User,
)
from inbox.outbox.dispatch import enqueue
from inbox.outbox.outgoing import SENDABLE_CHANNELS, send_to_citizen
from inbox.people import audit

log = logging.getLogger(__name__)


class HandoverError(ServiceError):
    """The handover cannot be made as asked; ``code`` and the message say why."""


class HandoverConflict(HandoverError):
    """Someone else decided first; the message says who and how."""


def propose(case: Case, to_department: Department, by: User, note: str) -> Handover:
    """Offer ``case`` to ``to_department``; it stays with its department until accepted."""
    if not note.strip():
        raise HandoverError(
            "handover.no_note", "a handover needs a note for the receiving department"
        )
    if to_department.id == case.department_id:
        raise HandoverError(
            "handover.same_department",
            "the case already belongs to %(department)s",
            department=to_department,
        )
    if not to_department.is_active:
        raise HandoverError(
            "handover.inactive_department",
            "%(department)s is no longer active and takes no handovers",
            department=to_department,
        )
    pending = db.session.scalar(
        select(Handover).where(
            Handover.case_id == case.id, Handover.status == HandoverStatus.PENDING
        )
    )
    if pending is not None:
        raise HandoverError(
            "handover.already_pending",
            "case %(reference)s already has a pending handover to %(department)s",
            reference=case.reference,
            department=pending.to_department,
        )
    proposed_at = now()
    settings = current_app.extensions["svarfrist"]
    calendar = settings.rules.calendar
    accept_by = calendar.add_working_days(
        calendar.local_date(proposed_at), settings.handover_days
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


def locked(handover_id: int) -> Handover | None:
    """The handover, locked for a decision until the transaction ends.

    Call it first in a write transaction (:func:`inbox.database.commit_and_begin_write`):
    on SQLite the writer's lock is what keeps a second decision waiting.
    """
    query = select(Handover).where(Handover.id == handover_id)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update()
    return db.session.scalar(query.execution_options(populate_existing=True))


def may_decide(user: User, handover: Handover) -> bool:
    return user.role == Role.ADMIN or handover.to_department_id in user.department_ids


def is_leader_only(department: Department) -> bool:
    """Whether only the department's leader (or an admin) may accept handovers to it: set on
    the department, or named in the configuration's ``handovers.leader_only``."""
    configured = current_app.extensions["svarfrist"].handover_leader_only
    return department.is_leader_only or department.slug in configured


def may_withdraw(user: User, handover: Handover) -> bool:
    return user.role == Role.ADMIN or handover.from_department_id in user.department_ids


def accept(
    handover: Handover, by: User, *, tell_citizen: bool = True, assign_to_me: bool = False
) -> Handover:
    """The receiving department takes the case over; call on a :func:`locked` handover."""
    _still_pending(handover)
    if not may_decide(by, handover):
        raise HandoverError(
            "handover.only_receiver_accepts",
            "only %(department)s can accept this handover",
            department=handover.to_department,
        )
    receiving = handover.to_department
    if is_leader_only(receiving) and by.role != Role.ADMIN and receiving.leader_id != by.id:
        raise HandoverError(
            "handover.only_leader_accepts",
            "only the leader of %(department)s can accept this handover",
            department=receiving,
        )
    case = handover.case
    _decide(handover, by, HandoverStatus.ACCEPTED)
    move_case(case, handover.to_department)
    case.assignee = by if assign_to_me else None
    if tell_citizen:
        _tell_citizen(case)
    audit.record("handover.accept", user=by, case=case, handover_id=handover.id)
    return handover


def decline(handover: Handover, by: User, reason: str) -> Handover:
    """The receiving department says no, with a reason the sender is told."""
    _still_pending(handover)
    if not may_decide(by, handover):
        raise HandoverError(
            "handover.only_receiver_declines",
            "only %(department)s can decline this handover",
            department=handover.to_department,
        )
    if not reason.strip():
        raise HandoverError(
            "handover.no_reason", "declining needs a reason for the sending department"
        )
    _decide(handover, by, HandoverStatus.DECLINED)
    handover.reason = reason.strip()
    _tell_sender(handover, by)
    audit.record("handover.decline", user=by, case=handover.case, handover_id=handover.id)
    return handover


def withdraw(handover: Handover, by: User) -> Handover:
    """The sending department takes its offer back while it is pending."""
    _still_pending(handover)
    if not may_withdraw(by, handover):
        raise HandoverError(
            "handover.only_sender_withdraws",
            "only %(department)s can withdraw this handover",
            department=handover.from_department,
        )
    _decide(handover, by, HandoverStatus.WITHDRAWN)
    audit.record("handover.withdraw", user=by, case=handover.case, handover_id=handover.id)
    return handover


def _still_pending(handover: Handover) -> None:
    if handover.status == HandoverStatus.PENDING:
        return
    who = db.session.get(User, handover.decided_by_id) if handover.decided_by_id else None
    status = handover.status.value
    if who is None:
        raise HandoverConflict(
            f"handover.already_{status}", "the handover was already %(status)s", status=status
        )
    raise HandoverConflict(
        f"handover.already_{status}_by",
        "the handover was already %(status)s by %(by)s",
        status=status,
        by=who,
    )


def _decide(handover: Handover, by: User, status: HandoverStatus) -> None:
    handover.status = status
    handover.decided_at = now()
    handover.decided_by_id = by.id
    calendar = current_app.extensions["svarfrist"].rules.calendar
    waited = calendar.working_time_between(handover.proposed_at, handover.decided_at)
    handover.decision_seconds = round(max(waited.total_seconds(), 0))


def _tell_citizen(case: Case) -> None:
    """Which department now handles the case and when the answer comes, on its channel."""
    settings = current_app.extensions["svarfrist"]
    language = Language.load(case.language)
    zone = settings.rules.calendar.zone
    values = {
        "reference": case.reference,
        "department": case.department.name_in(language.code),
        "municipality": settings.rules.municipality.name,
    }
    if case.due_at is None:
        text = language.gettext(
            "Your case %(reference)s is now handled by %(department)s at %(municipality)s.",
            **values,
        )
    else:
        text = language.gettext(
            "Your case %(reference)s is now handled by %(department)s at %(municipality)s. "
            "You will have an answer at the latest by %(due)s.",
            due=language.datetime(case.due_at.astimezone(zone)),
            **values,
        )
    if case.channel not in SENDABLE_CHANNELS:
        return  # a letter or a call: the citizen hears it the way the case came in
    last = last_inbound(case)
    if last is None:
        return
    send_to_citizen(
        case,
        kind=OutKind.NOTICE,
        text=text,
        channel=case.channel,
        account=last.account,
        recipient=last.address,
        in_reply_to=last,
    )


def _tell_sender(handover: Handover, by: User) -> None:
    """An e-mail to whoever proposed the handover (staff notification, through the outbox)."""
    proposer = handover.proposed_by
    if proposer is None:
        return
    language = Language.load(proposer.language)
    text = language.gettext(
        "%(department)s declined the handover of case %(reference)s: %(reason)s",
        department=handover.to_department.name_in(language.code),
        reference=handover.case.reference,
        reason=handover.reason,
    )
    enqueue(
        purpose="notification",
        channel="email",
        recipient=proposer.email,
        payload={"subject": text[:200], "text": text},
        case=handover.case,
    )


def notify_overdue() -> int:
    """Tell the receiving department's leader about handovers not answered in time.

    Each handover is escalated once: the flag is set in the same transaction
    as the e-mail's outbox row, under a row lock that other workers skip. In
    the caller's write transaction, which the caller commits. Returns how many
    were escalated.
    """
    query = select(Handover).where(
        waiting_past_deadline(now()),
        Handover.is_escalated.is_(False),
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    overdue = list(db.session.scalars(query))
    for handover in overdue:
        handover.is_escalated = True
        _tell_leader(handover)
        audit.record("handover.escalate", case=handover.case, handover_id=handover.id)
    return len(overdue)


def _tell_leader(handover: Handover) -> None:
    department = handover.to_department
    leader = department.leader
    recipient = leader.email if leader is not None else department.email
    if not recipient:
        log.warning("handover_escalation_nobody department=%s", department.slug)
        return
    language = Language.load(leader.language if leader is not None else "nn")
    text = language.gettext(
        "Case %(reference)s was offered to %(department)s on %(proposed)s and nobody has "
        "accepted or declined it yet. The citizen is waiting.",
        reference=handover.case.reference,
        department=department.name_in(language.code),
        proposed=language.datetime(
            handover.proposed_at.astimezone(current_app.extensions["svarfrist"].rules.calendar.zone)
        ),
    )
    enqueue(
        purpose="notification",
        channel="email",
        recipient=recipient,
        payload={"subject": text[:200], "text": text},
        case=handover.case,
    )
