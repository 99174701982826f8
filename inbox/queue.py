"""The queue: the cases a user may see, ordered by when their answer is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_
from sqlalchemy.orm import aliased, joinedload

from inbox.access import visible_cases
from inbox.clock import now
from inbox.extensions import db
from inbox.models import Case, CaseStatus, Turn, User

DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class QueueRow:
    case: Case
    #: The open turn's times; ``None`` when nothing from the citizen is unanswered.
    target_at: datetime | None
    due_at: datetime | None

    @property
    def is_overdue(self) -> bool:
        return self.due_at is not None and self.due_at < now()


def queue_for(user: User, *, limit: int = DEFAULT_LIMIT) -> list[QueueRow]:
    """Open cases ``user`` may see: the soonest due first, then those with nothing due."""
    open_turn = aliased(Turn)
    query = (
        visible_cases(user)
        .outerjoin(open_turn, and_(open_turn.case_id == Case.id, open_turn.answered_at.is_(None)))
        .add_columns(open_turn.target_at, open_turn.due_at)
        .where(Case.status != CaseStatus.CLOSED)
        .order_by(
            open_turn.due_at.is_(None), open_turn.due_at, Case.last_message_at.desc(), Case.id
        )
        .limit(limit)
        .options(joinedload(Case.contact), joinedload(Case.department), joinedload(Case.assignee))
    )
    return [
        QueueRow(case, target_at, due_at) for case, target_at, due_at in db.session.execute(query)
    ]
