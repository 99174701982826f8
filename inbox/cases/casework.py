"""Everyday changes to a case: assign, claim, close, reopen, language."""

from __future__ import annotations

from flask import current_app

from inbox.cases.turns import open_turn
from inbox.clock import now
from inbox.errors import ServiceError
from inbox.extensions import db
from inbox.models import Case, CaseStatus, Direction, Message, Turn, User
from inbox.people import audit


class CaseworkError(ServiceError):
    """The change cannot be made; ``code`` and the message say why."""


def assign(case: Case, assignee: User | None, by: User) -> None:
    """Give the case to a member of its department, or to nobody."""
    if assignee is not None and case.department_id not in assignee.department_ids:
        raise CaseworkError(
            "casework.not_member",
            "%(assignee)s is not a member of %(department)s",
            assignee=assignee,
            department=case.department,
        )
    case.assignee = assignee
    audit.record("case.assign", user=by, case=case, assignee_id=assignee.id if assignee else None)


def waiting_turn(case: Case) -> Turn | None:
    """The citizen's message still waiting for an answer, if any: closing the case then
    needs a confirmation and a reason (:func:`close`), closing it otherwise one click."""
    return open_turn(case)


def close(case: Case, by: User, *, reason: str | None = None) -> None:
    """Close the case; a ``reason`` (for closing it while the citizen waits for an answer) is
    kept as an internal note, and the audit event names that note."""
    if case.status == CaseStatus.CLOSED:
        raise CaseworkError(
            "casework.already_closed",
            "case %(reference)s is already closed",
            reference=case.reference,
        )
    closed_at = now()
    details = {}
    if reason is not None and reason.strip():
        turn = waiting_turn(case)
        note = Message(
            case=case,
            direction=Direction.NOTE,
            channel=case.channel,
            author=by,
            text=reason.strip(),
            created_at=closed_at,
            metadata_json={"close_reason": True, "unanswered": turn is not None},
        )
        db.session.add(note)
        db.session.flush()
        details = {"reason_note_id": note.id, "unanswered": turn is not None}
        if turn is not None:
            details["due_at"] = turn.due_at.isoformat()
    case.status = CaseStatus.CLOSED
    case.closed_at = closed_at
    audit.record("case.close", user=by, case=case, **details)


def reopen(case: Case, by: User) -> None:
    if case.status != CaseStatus.CLOSED:
        raise CaseworkError(
            "casework.not_closed", "case %(reference)s is not closed", reference=case.reference
        )
    case.status = CaseStatus.OPEN
    case.closed_at = None
    audit.record("case.reopen", user=by, case=case)


def set_language(case: Case, language: str, by: User) -> None:
    """The language texts to the citizen on this case are written in: one the municipality
    offers (``[municipality] citizen_languages``)."""
    offered = current_app.extensions["svarfrist"].rules.municipality.citizen_languages
    if language not in offered:
        raise CaseworkError(
            "casework.unknown_language",
            "unknown language %(language)r; expected one of %(languages)s",
            language=language,
            languages=offered,
        )
    case.language = language
    audit.record("case.language", user=by, case=case, language=language)
