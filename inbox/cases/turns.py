"""Turns: one reply promise each, from a citizen's message to the first public answer."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from inbox.database import flush
from inbox.extensions import db
from inbox.models import Case, Department, Message, OutKind, Turn, TurnOrigin
from inbox.reports import turn_days


def open_turn(case: Case) -> Turn | None:
    """The case's unanswered turn; there is at most one."""
    query = select(Turn).where(Turn.case_id == case.id, Turn.answered_at.is_(None)).limit(1)
    return db.session.scalar(query)


def start_turn(
    case: Case,
    *,
    origin: TurnOrigin,
    opened_by: Message,
    received_at: datetime,
    target_at: datetime,
    due_at: datetime,
) -> Turn:
    turn = Turn(
        case=case,
        channel=opened_by.channel,
        # the id, not the relationship: turn_days counts the turn before it is flushed
        department_id=case.department.id,
        origin=origin,
        opened_by=opened_by,
        received_at=received_at,
        target_at=target_at,
        due_at=due_at,
        promised_seconds=_working_seconds(received_at, due_at),
    )
    db.session.add(turn)
    case.target_at, case.due_at = target_at, due_at
    flush()
    turn_days.count(turn)
    return turn


def end_turn(turn: Turn, answer: Message, kind: OutKind) -> None:
    """The first public answer ends the turn; ``met`` says whether it came in time."""
    with turn_days.changing([turn]):
        turn.answered_at = answer.created_at
        turn.answered_by_id = answer.id
        turn.answer_kind = kind
        turn.met = answer.created_at <= turn.due_at
        turn.answer_seconds = _working_seconds(turn.received_at, answer.created_at)
    turn.case.target_at = turn.case.due_at = None


def move_case(case: Case, department: Department) -> None:
    """Give the case, and with it its turns (the report's per-department figures), to
    ``department``."""
    with turn_days.moving(case):
        case.department = department
        for turn in case.turns:
            turn.department_id = department.id


def _working_seconds(start: datetime, end: datetime) -> int:
    calendar = current_app.extensions["svarfrist"].rules.calendar
    if end <= start:
        return 0
    return round(calendar.working_time_between(start, end).total_seconds())
