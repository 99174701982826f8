"""Exporting cases with their messages and turns (data portability)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from inbox.cases.access import visible_cases
from inbox.extensions import db
from inbox.models import Case, Contact, Handover, Message, Turn, User

CHUNK = 200


def case_records(user: User | None = None) -> Iterator[dict[str, Any]]:
    """Every case ``user`` may see (all cases for ``None``), oldest first, as plain dicts."""
    query = visible_cases(user) if user is not None else select(Case)
    last_id = 0
    while True:
        chunk = db.session.scalars(_chunk(query, last_id)).all()
        if not chunk:
            return
        handovers = _handovers([case.id for case in chunk])
        for case in chunk:
            yield case_record(case, handovers.get(case.id, []))
        last_id = chunk[-1].id
        db.session.expunge_all()  # keep memory flat over large exports


def one_case_record(case: Case) -> dict[str, Any]:
    """One case as :func:`case_records` gives it, handovers included."""
    return case_record(case, _handovers([case.id]).get(case.id, []))


def _chunk(query: Select, after_id: int) -> Select:
    return (
        query.where(Case.id > after_id)
        .order_by(Case.id)
        .limit(CHUNK)
        .options(
            selectinload(Case.messages).selectinload(Message.attachments),
            selectinload(Case.turns),
            selectinload(Case.contact).selectinload(Contact.identities),
            selectinload(Case.department),
            selectinload(Case.assignee),
        )
    )


def _handovers(case_ids: list[int]) -> dict[int, list[Handover]]:
    found: dict[int, list[Handover]] = {}
    query = (
        select(Handover)
        .where(Handover.case_id.in_(case_ids))
        .order_by(Handover.proposed_at)
        .options(selectinload(Handover.from_department), selectinload(Handover.to_department))
    )
    for handover in db.session.scalars(query):
        found.setdefault(handover.case_id, []).append(handover)
    return found


def iso_time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def case_fields(case: Case) -> dict[str, Any]:
    """What every description of a case starts with (the export, the API's summaries)."""
    return {
        "reference": case.reference,
        "channel": case.channel,
        "subject": case.subject,
        "status": case.status.value,
        "department": case.department.slug,
        "assignee": case.assignee.email if case.assignee else None,
    }


def case_record(case: Case, handovers: list[Handover]) -> dict[str, Any]:
    return {
        **case_fields(case),
        "language": case.language,
        "is_unreadable": case.is_unreadable,
        "created_at": iso_time(case.created_at),
        "closed_at": iso_time(case.closed_at),
        "contact": {
            "name": case.contact.name,
            "language": case.contact.language,
            "identities": [
                {"kind": identity.kind.value, "value": identity.value}
                for identity in case.contact.identities
            ],
        },
        "messages": [_message(message) for message in case.messages],
        "turns": [_turn(turn) for turn in case.turns],
        "handovers": [_handover(handover) for handover in handovers],
    }


def _message(message: Message) -> dict[str, Any]:
    return {
        "direction": message.direction.value,
        "kind": message.kind.value if message.kind else None,
        "channel": message.channel,
        "account": message.account,
        "external_id": message.external_id,
        "address": message.address,
        "created_at": iso_time(message.created_at),
        "subject": message.subject,
        "text": message.text,
        "html": message.html,
        "raw_sha256": message.raw_sha256,
        "attachments": [
            {
                "filename": attachment.filename,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
            }
            for attachment in message.attachments
        ],
    }


def _turn(turn: Turn) -> dict[str, Any]:
    return {
        "channel": turn.channel,
        "origin": turn.origin.value,
        "received_at": iso_time(turn.received_at),
        "target_at": iso_time(turn.target_at),
        "due_at": iso_time(turn.due_at),
        "answered_at": iso_time(turn.answered_at),
        "answer_kind": turn.answer_kind.value if turn.answer_kind else None,
        "met": turn.met,
    }


def _handover(handover: Handover) -> dict[str, Any]:
    return {
        "from": handover.from_department.slug,
        "to": handover.to_department.slug,
        "status": handover.status.value,
        "proposed_at": iso_time(handover.proposed_at),
        "decided_at": iso_time(handover.decided_at),
        "note": handover.note,
        "reason": handover.reason,
    }
