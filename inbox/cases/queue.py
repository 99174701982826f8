"""The queue: the cases a user may see, filtered, ordered by when their answer is due.

Pages are cut with keyset pagination on (due time, nulls last; id), so a deep
page costs the same as the first. The due time is the open turn's, copied onto
the case (``Case.due_at``), so the queue reads one indexed table.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, column, exists, false, func, or_, select, text, true
from sqlalchemy.orm import selectinload

from inbox import outside_json
from inbox.cases.access import visible_cases
from inbox.clock import now
from inbox.extensions import db
from inbox.models import (
    Case,
    CaseStatus,
    Contact,
    ContactIdentity,
    Handover,
    HandoverStatus,
    Message,
    User,
)
from rules.calendar import Calendar

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
STATUSES = tuple(status.value for status in CaseStatus)
DUE_FILTERS = ("today", "overdue")
ASSIGNEE_FILTERS = ("me", "none")
HANDOVER_FILTERS = ("pending", "offered")
#: ``scope=`` in the API: every case the user may see, or only their departments'.
SCOPES = ("all", "mine")


class QueueError(ValueError):
    """A filter or cursor is not valid; the message names it."""


@dataclass(frozen=True)
class QueueFilter:
    """What to show; ``None`` means no restriction (status: every open status)."""

    mine_only: bool = False
    channel: str | None = None
    status: str | None = None
    due: str | None = None
    assignee: str | None = None
    handover: str | None = None
    department: str | None = None
    #: Words to find in subjects, messages, citizens' names and addresses, or a reference.
    search: str | None = None


@dataclass(frozen=True)
class QueuePage:
    #: The cases; each carries its open turn's times (``target_at``, ``due_at``).
    rows: list[Case]
    #: Opaque cursor for the next page, or ``None`` on the last page.
    next_cursor: str | None


def queue_page(
    user: User,
    calendar: Calendar,
    filters: QueueFilter = QueueFilter(),
    *,
    limit: int = DEFAULT_LIMIT,
    after: str | None = None,
) -> QueuePage:
    """One page of the queue: the soonest due first, then cases with nothing due."""
    if not 1 <= limit <= MAX_LIMIT:
        raise QueueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    query = _filtered(visible_cases(user), user, calendar, filters)
    if after:
        query = query.where(_after(_decode(after)))
    query = (
        query.order_by(Case.due_at.asc().nulls_last(), Case.id)
        .limit(limit + 1)
        .options(
            selectinload(Case.contact), selectinload(Case.department), selectinload(Case.assignee)
        )
    )
    rows = list(db.session.scalars(query))
    next_cursor = _encode(rows[limit - 1]) if len(rows) > limit else None
    return QueuePage(rows[:limit], next_cursor)


def _filtered(query: Select, user: User, calendar: Calendar, filters: QueueFilter) -> Select:
    if filters.status is not None and filters.status not in STATUSES:
        raise QueueError(f"status must be one of {', '.join(STATUSES)}, got {filters.status!r}")
    query = query.where(_conditions(user, calendar, filters))
    if filters.channel:
        query = query.where(Case.channel == filters.channel)
    if filters.department:
        query = query.where(Case.department.has(slug=filters.department))
    if filters.search and filters.search.strip():
        query = query.where(_search_condition(filters.search.strip()))
    return query


def _search_condition(words: str):
    """Cases whose words (subject, messages, citizen's name and addresses) hold these.

    PostgreSQL: the case's search vector and its GIN index. SQLite: the FTS5
    table over the messages, and the subject and citizen matched as text.
    """
    if len(words) > 200:
        raise QueueError("search: at most 200 characters")
    if db.engine.dialect.name == "postgresql":
        query = func.plainto_tsquery("simple", words)
        return or_(Case.reference == words, Case.search_vector.op("@@")(query))
    quoted = " ".join('"' + word.replace('"', '""') + '"' for word in words.split())
    matching = text("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :words")
    found = Message.id.in_(matching.bindparams(words=quoted).columns(column("rowid")))
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(
        Case.reference == words,
        Case.subject.ilike(pattern, escape="\\"),
        exists().where(Message.case_id == Case.id, found),
        exists().where(
            ContactIdentity.contact_id == Case.contact_id,
            ContactIdentity.value.ilike(pattern, escape="\\"),
        ),
        Case.contact.has(Contact.name.ilike(pattern, escape="\\")),
    )


def _due_condition(due: str | None, calendar: Calendar):
    moment = now()
    if due is None:
        return true()
    if due == "overdue":
        return Case.due_at < moment
    if due == "today":
        today = calendar.local_date(moment)
        start = datetime.combine(today, datetime.min.time(), tzinfo=calendar.zone)
        return and_(Case.due_at >= moment, Case.due_at < start + timedelta(days=1))
    raise QueueError(f"due must be one of {', '.join(DUE_FILTERS)}, got {due!r}")


def _assignee_condition(assignee: str | None, user: User):
    if assignee is None:
        return true()
    if assignee == "me":
        return Case.assignee_id == user.id
    if assignee == "none":
        return Case.assignee_id.is_(None)
    raise QueueError(f"assignee must be one of {', '.join(ASSIGNEE_FILTERS)}, got {assignee!r}")


def _handover_condition(handover: str | None, user: User):
    if handover is None:
        return true()
    # Pending handovers are few: name their cases by id rather than probing
    # the handovers for every case.
    pending = select(Handover.case_id).where(Handover.status == HandoverStatus.PENDING)
    if handover == "offered":
        pending = pending.where(Handover.to_department_id.in_(user.department_ids))
    elif handover != "pending":
        raise QueueError(f"handover must be one of {', '.join(HANDOVER_FILTERS)}, got {handover!r}")
    return Case.id.in_(list(db.session.scalars(pending)))


def _encode(case: Case) -> str:
    key = [case.due_at.isoformat() if case.due_at else None, case.id]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime | None, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        due, case_id = outside_json.loads(base64.urlsafe_b64decode(padded))
        return (datetime.fromisoformat(due) if due else None), int(case_id)
    except (ValueError, TypeError) as error:
        raise QueueError(f"after: not a cursor from this queue ({error})") from None


def _after(key: tuple[datetime | None, int]):
    due, case_id = key
    if due is None:
        return and_(Case.due_at.is_(None), Case.id > case_id)
    return or_(
        Case.due_at.is_(None),
        Case.due_at > due,
        and_(Case.due_at == due, Case.id > case_id),
    )


def queue_counts(user: User, calendar: Calendar) -> dict[str, int]:
    """How many open cases each filter would show, e.g. ``{"due=overdue": 3}``.

    One pass over the user's open cases, grouped by channel.
    """
    options = {
        "scope=mine": QueueFilter(mine_only=True),
        "due=today": QueueFilter(due="today"),
        "due=overdue": QueueFilter(due="overdue"),
        "assignee=me": QueueFilter(assignee="me"),
        "assignee=none": QueueFilter(assignee="none"),
        "handover=pending": QueueFilter(handover="pending"),
        "handover=offered": QueueFilter(handover="offered"),
        **{f"status={s}": QueueFilter(status=s) for s in ("new", "open", "waiting")},
    }
    columns = [
        func.count().filter(_conditions(user, calendar, chosen)).label(key)
        for key, chosen in options.items()
    ]
    per_channel = db.session.execute(
        visible_cases(user)
        .where(Case.status != CaseStatus.CLOSED)
        .with_only_columns(Case.channel, func.count().label("all"), *columns)
        .group_by(Case.channel)
    )
    counts: dict[str, int] = dict.fromkeys(["all", *options], 0)
    for row in per_channel:
        values = row._mapping
        counts[f"channel={values['channel']}"] = values["all"]
        for key in ("all", *options):
            counts[key] += values[key]
    return counts


def _conditions(user: User, calendar: Calendar, filters: QueueFilter):
    status = (
        Case.status != CaseStatus.CLOSED
        if filters.status is None
        else Case.status == CaseStatus(filters.status)
    )
    mine = true()
    if filters.mine_only:
        mine = Case.department_id.in_(user.department_ids) if user.department_ids else false()
    return and_(
        status,
        mine,
        _due_condition(filters.due, calendar),
        _assignee_condition(filters.assignee, user),
        _handover_condition(filters.handover, user),
    )
