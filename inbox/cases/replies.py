"""Answers to the citizen and internal notes: what ends a turn, and what does not."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from inbox.cases.turns import end_turn, open_turn, start_turn
from inbox.clock import now
from inbox.extensions import db
from inbox.models import (
    Case,
    CaseStatus,
    ContactIdentity,
    Direction,
    Message,
    OutKind,
    TurnOrigin,
    User,
)
from inbox.outbox.outgoing import send_to_citizen
from inbox.people import audit
from rules.promises import PromiseError, preliminary_due

ANSWER_KINDS = (OutKind.REPLY, OutKind.PRELIMINARY)
#: The longest answer or note staff may write, on the case page and through the API.
MAX_TEXT_LENGTH = 20_000


class ReplyError(ValueError):
    """The answer cannot be given as asked; ``field`` names the argument that is wrong
    (``kind``, ``text`` or ``new_date``), the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def reply(
    case: Case,
    author: User,
    text: str,
    *,
    kind: OutKind = OutKind.REPLY,
    new_date: date | None = None,
) -> Message:
    """Answer the citizen on the case's channel; ends the open turn.

    A preliminary answer needs ``new_date``, a working day after today: it
    keeps the promise and starts a turn due at the close of that day.
    """
    if kind not in ANSWER_KINDS:
        raise ReplyError("kind", f"an answer is a reply or a preliminary answer, not {kind}")
    if not text.strip():
        raise ReplyError("text", "the answer has no text")
    answered_at = now()
    new_due = _preliminary_due(new_date, answered_at) if kind == OutKind.PRELIMINARY else None
    last = last_inbound(case)
    message = send_to_citizen(
        case,
        kind=kind,
        text=text,
        channel=case.channel,
        account=last.account if last is not None else "",
        recipient=last.address if last is not None else None,
        in_reply_to=last,
        author=author,
    )
    turn = open_turn(case)
    if turn is not None:
        end_turn(turn, message, kind)
    if new_due is not None:
        start_turn(
            case,
            origin=TurnOrigin.PRELIMINARY,
            opened_by=message,
            received_at=answered_at,
            target_at=new_due,
            due_at=new_due,
        )
    case.status = CaseStatus.OPEN if kind == OutKind.PRELIMINARY else CaseStatus.WAITING
    audit.record(f"message.{kind.value}", user=author, case=case, message_id=message.id)
    db.session.flush()
    return message


def add_note(case: Case, author: User, text: str) -> Message:
    """An internal note: never sent, never ends a turn."""
    if not text.strip():
        raise ReplyError("text", "the note has no text")
    note = Message(
        case=case,
        direction=Direction.NOTE,
        channel=case.channel,
        author=author,
        text=text,
        created_at=now(),
    )
    db.session.add(note)
    db.session.flush()
    audit.record("message.note", user=author, case=case, message_id=note.id)
    return note


def preliminary_dates(count: int) -> list[date]:
    """The dates a preliminary answer may promise: the next ``count`` working days after today."""
    calendar = current_app.extensions["svarfrist"].rules.calendar
    return [day.date for day in calendar.working_days_after(calendar.local_date(now()), count)]


def _preliminary_due(new_date: date | None, answered_at):
    if new_date is None:
        raise ReplyError("new_date", "a preliminary answer needs the new date the answer will come")
    calendar = current_app.extensions["svarfrist"].rules.calendar
    try:
        return preliminary_due(calendar, new_date, answered_at)
    except PromiseError as error:
        raise ReplyError("new_date", str(error)) from None


def last_inbound(case: Case) -> Message | None:
    """The contact's latest message on the case: where answers and notices go.

    A message from an address that is not the contact's (moved into the case by staff)
    is never answered by this: the case's answers are the contact's.
    """
    own_addresses = select(ContactIdentity.value).where(
        ContactIdentity.contact_id == case.contact_id
    )
    return db.session.scalar(
        select(Message)
        .where(
            Message.case_id == case.id,
            Message.direction == Direction.IN,
            Message.address.in_(own_addresses),
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    )
