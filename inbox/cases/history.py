"""The case's history as people read it: audit events with what they were about, page views
folded into one line per person and day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from inbox.extensions import db
from inbox.models import AuditEvent, Handover, User

#: Actions folded into one line per person and day (nine views of a case are one line).
FOLDED = frozenset({"case.view"})


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the history: the latest event it stands for, and what that was about."""

    at: datetime
    action: str
    #: Who did it; ``None`` for Svarfrist itself (intake, the worker).
    actor: User | None
    details: dict = field(default_factory=dict)
    #: How many events the line stands for (views folded per person and day).
    count: int = 1
    #: The day of the events, in the municipality's time zone.
    day: date | None = None
    #: The handover a ``handover.*`` event is about.
    handover: Handover | None = None
    #: The user a ``case.assign`` event gave the case to.
    assignee: User | None = None


def case_history(
    events: Sequence[AuditEvent], handovers: Sequence[Handover], zone: ZoneInfo
) -> list[HistoryEntry]:
    """``events`` (newest first) as history lines, newest first; ``handovers`` are the case's."""
    by_handover = {handover.id: handover for handover in handovers}
    assignees = _users({e.details.get("assignee_id") for e in events if e.action == "case.assign"})
    entries: list[HistoryEntry] = []
    folded: dict[tuple[str, int | None, date], int] = {}
    for event in events:
        details = event.details or {}
        day = event.at.astimezone(zone).date()
        if event.action in FOLDED:
            key = (event.action, event.user_id, day)
            if key in folded:
                index = folded[key]
                entries[index] = replace(entries[index], count=entries[index].count + 1)
                continue
            folded[key] = len(entries)
        entries.append(
            HistoryEntry(
                at=event.at,
                action=event.action,
                actor=event.user,
                details=details,
                day=day,
                handover=by_handover.get(details.get("handover_id")),
                assignee=assignees.get(details.get("assignee_id")),
            )
        )
    return entries


def _users(ids: set[int | None]) -> dict[int, User]:
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(wanted)))}
