"""Everything the case page shows about one case, gathered in a few queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inbox.cases.answer_ways import (
    AnswerWay,
    Delivery,
    answer_ways,
    delivery_of,
    last_inbound,
    outbox_rows,
)
from inbox.cases.turns import open_turn
from inbox.extensions import db
from inbox.models import (
    AuditEvent,
    Case,
    Direction,
    Handover,
    Message,
    Turn,
    User,
)
from inbox.outbox.meta_replies import planned_reply

#: Someone who viewed the case this recently is shown as "also has it open".
PRESENCE_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class CaseDetails:
    case: Case
    messages: list[Message]
    turns: list[Turn]
    current_turn: Turn | None
    handovers: list[Handover]
    events: list[AuditEvent]
    members: list[User]
    others_viewing: list[User]
    #: For a callback case: whom to call and what they asked for.
    callback: AskedCallback | None
    #: How an answer would go out on Meta's channels (:func:`planned_reply`); ``None`` elsewhere.
    reply_plan: str | None
    #: The ways an answer can reach the citizen now (:func:`answer_ways`).
    ways: list[AnswerWay]
    #: What became of each outgoing message, by message id.
    deliveries: dict[int, Delivery]


@dataclass(frozen=True)
class AskedCallback:
    phone: str | None
    preferred_time: str
    department_wish: str | None
    sms_consent: bool


def case_details(case: Case, viewer: User, now: datetime) -> CaseDetails:
    messages = db.session.scalars(
        select(Message)
        .where(Message.case_id == case.id)
        .order_by(Message.created_at, Message.id)
        .options(selectinload(Message.attachments), selectinload(Message.author))
    ).all()
    turns = db.session.scalars(
        select(Turn).where(Turn.case_id == case.id).order_by(Turn.received_at, Turn.id)
    ).all()
    handovers = db.session.scalars(
        select(Handover).where(Handover.case_id == case.id).order_by(Handover.proposed_at)
    ).all()
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(100)
        .options(selectinload(AuditEvent.user))
    ).all()
    viewing = viewing_others(case, viewer, now)
    return CaseDetails(
        case=case,
        messages=list(messages),
        turns=list(turns),
        current_turn=open_turn(case),
        handovers=list(handovers),
        events=list(events),
        members=sorted(case.department.members, key=lambda member: member.name),
        others_viewing=list(viewing),
        callback=_asked_callback(case, messages),
        reply_plan=planned_reply(last_inbound(case), now),
        ways=answer_ways(case, now),
        deliveries=deliveries(messages),
    )


def viewing_others(case: Case, viewer: User, now: datetime) -> list[User]:
    """Others who viewed the case within :data:`PRESENCE_WINDOW`: "also has this case open"."""
    return list(
        db.session.scalars(
            select(User)
            .join(AuditEvent, AuditEvent.user_id == User.id)
            .where(
                AuditEvent.case_id == case.id,
                AuditEvent.action == "case.view",
                AuditEvent.at >= now - PRESENCE_WINDOW,
                User.id != viewer.id,
            )
            .distinct()
            .order_by(User.name)
        ).all()
    )


def deliveries(messages: Sequence[Message]) -> dict[int, Delivery]:
    """What became of each outgoing message among ``messages``, by message id."""
    rows = outbox_rows(list(messages))
    states = {m.id: delivery_of(m, rows.get(m.id)) for m in messages}
    return {message_id: state for message_id, state in states.items() if state is not None}


def _asked_callback(case: Case, messages: Sequence[Message]) -> AskedCallback | None:
    if case.channel != "callback":
        return None
    asked = next((m for m in messages if m.channel == "callback"), None)
    metadata = asked.metadata_json if asked is not None else {}
    return AskedCallback(
        phone=asked.address if asked is not None else case.contact.address("phone"),
        preferred_time=metadata.get("preferred_time", "any"),
        department_wish=metadata.get("department_wish"),
        sms_consent=bool(metadata.get("sms_consent")),
    )


def answers_since(case: Case, since: datetime, viewer: User) -> list[Message]:
    """Public answers others gave on the case after ``since`` (the page's load time)."""
    return list(
        db.session.scalars(
            select(Message).where(
                Message.case_id == case.id,
                Message.direction == Direction.OUT,
                Message.author_id.is_not(None),
                Message.author_id != viewer.id,
                Message.created_at > since,
            )
        )
    )
