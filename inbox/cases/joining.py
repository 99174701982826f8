"""Joining a message that names a case, from an address not on it, to that case.

Intake makes such a message a case of its own (anyone can write a reference). Staff who
know the sender belongs (a daughter writing about her mother's case) join it deliberately:
its messages move to the named case, the sender becomes a participant there (their later
messages naming the case continue it), and the emptied case points to the named one.

The moved turns are counted as intake would have counted them had the sender been on the
case from the start: one unanswered turn per case, the earliest promise standing. So when
both cases wait for an answer, the later of the two turns is dropped, and the answer on the
joined case answers both messages.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select, update

from inbox.cases.access import may_change
from inbox.clock import now
from inbox.errors import ServiceError
from inbox.extensions import db
from inbox.i18n import Language
from inbox.models import (
    Case,
    CaseParticipant,
    CaseStatus,
    Direction,
    Handover,
    HandoverStatus,
    Message,
    User,
)
from inbox.people import audit
from inbox.reports import turn_days


class JoinError(ServiceError):
    """The case cannot be joined; ``code`` and the message say why."""


def mentioned_case(case: Case) -> str | None:
    """The reference of the case this case's message named, if staff may join it there."""
    if case.joined_into_id is not None:
        return None
    return next(
        (
            message.metadata_json["names_case"]
            for message in case.messages
            if message.direction == Direction.NOTE
            and (message.metadata_json or {}).get("names_case")
        ),
        None,
    )


def joinable_case(case: Case, user: User) -> Case | None:
    """The case ``user`` may join ``case``'s message to: the one it named, if they may change
    both."""
    reference = mentioned_case(case)
    if reference is None or not may_change(user, case):
        return None
    named = db.session.scalar(select(Case).where(Case.reference == reference))
    return named if named is not None and may_change(user, named) else None


def join(case: Case, into: Case, by: User) -> None:
    """Move ``case``'s messages to ``into``, the case its message named, and close ``case``.

    The caller has checked that ``by`` may change both cases.
    """
    if mentioned_case(case) != into.reference:
        raise JoinError(
            "join.not_named",
            "case %(reference)s did not name case %(into)s",
            reference=case.reference,
            into=into.reference,
        )
    if has_pending_handover(case):
        raise JoinError(
            "join.handover_pending",
            "case %(reference)s is offered to another department",
            reference=case.reference,
        )
    moved = move_contents(case, into)
    if case.contact_id != into.contact_id and not db.session.get(
        CaseParticipant, {"case_id": into.id, "contact_id": case.contact_id}
    ):
        db.session.add(
            CaseParticipant(
                case_id=into.id, contact_id=case.contact_id, added_by_id=by.id, added_at=now()
            )
        )
    address = next((m.address for m in moved if m.direction == Direction.IN and m.address), "")
    language = municipality_language()
    add_staff_note(
        case,
        by,
        language.gettext(
            "Joined to case %(reference)s by %(name)s.", reference=into.reference, name=by.name
        ),
    )
    add_staff_note(
        into,
        by,
        language.gettext(
            "%(name)s joined the message from %(address)s (case %(reference)s) to this case; "
            "that address is now a participant here.",
            name=by.name,
            reference=case.reference,
            address=address,
        ),
    )
    db.session.flush()
    audit.record(
        "case.join",
        user=by,
        case=into,
        joined_case=case.reference,
        participant_contact_id=case.contact_id,
    )


def move_contents(case: Case, into: Case) -> list[Message]:
    """Move ``case``'s messages (with their attachments), turns and search words to ``into``,
    and close ``case`` pointing to ``into``; the messages moved.

    Joining a stranger's message and merging two cases of one citizen both end this way.
    """
    moved = list(case.messages)
    _move_turns(case, into)
    _move_search_words(case, into)
    for message in moved:
        message.case = into
        if "names_case" in (message.metadata_json or {}):
            # Said and done: the note no longer offers a join on the case it now sits on.
            message.metadata_json = {
                key: value for key, value in message.metadata_json.items() if key != "names_case"
            } | {"joined_from": case.reference}
    into.last_message_at = max(into.last_message_at, case.last_message_at)
    case.joined_into_id = into.id
    case.status, case.closed_at = CaseStatus.CLOSED, now()
    return moved


def municipality_language() -> Language:
    """Notes on a case are in the municipality's language, as intake's notes are: staff of
    every language read the same conversation."""
    return Language.load(current_app.extensions["svarfrist"].rules.municipality.language)


def _move_turns(case: Case, into: Case) -> None:
    """Give ``case``'s turns to ``into`` (with its department), keeping one unanswered turn.

    ``case`` leaves the counts as a case of its own; its turns are counted again on ``into``.
    """
    turns = list(case.turns)
    waiting = [turn for turn in (*turns, *into.turns) if turn.answered_at is None]
    dropped = sorted(waiting, key=lambda turn: (turn.received_at, turn.id))[1:]
    turn_days.forget(case)
    for turn in turns:
        turn.case, turn.department_id = into, into.department_id
        if turn not in dropped:
            turn_days.count(turn)
    for turn in dropped:
        if turn not in turns:
            turn_days.forget_turn(turn)
        db.session.delete(turn)
    standing = next((turn for turn in waiting if turn not in dropped), None)
    case.target_at = case.due_at = None
    if standing is not None:
        into.target_at, into.due_at = standing.target_at, standing.due_at
        if into.status in (CaseStatus.WAITING, CaseStatus.CLOSED):
            into.status, into.closed_at = CaseStatus.OPEN, None


def _move_search_words(case: Case, into: Case) -> None:
    """PostgreSQL: the joined case's search vector gains the moved case's words (SQLite's
    full-text table is over the messages, which move)."""
    if db.engine.dialect.name != "postgresql":
        return
    empty = func.to_tsvector("norwegian", "")
    moved_words = (
        select(func.coalesce(Case.search_vector, empty)).where(Case.id == case.id).scalar_subquery()
    )
    db.session.execute(
        update(Case)
        .where(Case.id == into.id)
        .values(search_vector=func.coalesce(Case.search_vector, empty).op("||")(moved_words))
        .execution_options(synchronize_session=False)
    )


def has_pending_handover(case: Case) -> bool:
    """Whether the case is offered to another department and waits for its answer."""
    query = select(Handover.id).where(
        Handover.case_id == case.id, Handover.status == HandoverStatus.PENDING
    )
    return db.session.scalar(query.limit(1)) is not None


def add_staff_note(case: Case, by: User, text: str) -> None:
    """An internal note by ``by`` saying what was done to the case."""
    db.session.add(
        Message(
            case=case,
            direction=Direction.NOTE,
            channel=case.channel,
            author=by,
            text=text,
            created_at=now(),
        )
    )
