"""What changed on a case while someone has its page open: who else has it open, and the
messages that came since the page was loaded (for the page's polling, :mod:`case_live`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from inbox.cases.details import PRESENCE_WINDOW, viewing_others
from inbox.extensions import db
from inbox.models import AuditEvent, Case, Direction, Message, User
from inbox.people import audit

#: A page that keeps polling refreshes its viewer's presence this often (half the window, so
#: nobody drops out of "also has this case open" while the page is open).
PRESENCE_REFRESH = PRESENCE_WINDOW / 2


@dataclass(frozen=True)
class LiveState:
    others_viewing: list[User]
    #: Messages after the last one the page showed: the citizen's, and others' answers and
    #: notes (never the viewer's own, nor automatic acknowledgements).
    new_messages: list[Message]


def live_state(case: Case, viewer: User, after_id: int, now: datetime, ip: str | None) -> LiveState:
    """Who else has ``case`` open and what came after message ``after_id``; keeps the viewer
    present (a ``case.view`` when their last is older than :data:`PRESENCE_REFRESH`)."""
    last_view = db.session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.case_id == case.id,
            AuditEvent.user_id == viewer.id,
            AuditEvent.action == "case.view",
        )
    )
    if last_view is None or last_view < now - PRESENCE_REFRESH:
        audit.record("case.view", user=viewer, case=case, ip=ip, live=True)
    new = db.session.scalars(
        select(Message)
        .where(
            Message.case_id == case.id,
            Message.id > after_id,
            # The citizen's messages, and what other people wrote (not automatic messages).
            (Message.direction == Direction.IN)
            | (Message.author_id.is_not(None) & (Message.author_id != viewer.id)),
        )
        .order_by(Message.id)
        .options(selectinload(Message.author))
    ).all()
    return LiveState(viewing_others(case, viewer, now), list(new))
