"""The queue: the cases a user may see, filtered and sorted (by due time unless asked otherwise).

Pages are cut with keyset pagination on the sort key (a missing due time counts as
later than any), then the id, so a deep page costs the same as the first. The due
time is the open turn's, copied onto the case (``Case.due_at``), so the queue reads
one indexed table. Without a search the queue shows the cases not closed; a search
covers every status, open cases first, then waiting, then closed.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, column, exists, false, func, or_, select, text, true
from sqlalchemy.orm import selectinload

from inbox import outside_json
from inbox.cases.access import visible_cases
from inbox.cases.stemming import stem
from inbox.clock import now
from inbox.extensions import db
from inbox.models import (
    Case,
    CaseStatus,
    Contact,
    ContactIdentity,
    Department,
    Handover,
    HandoverStatus,
    Message,
    User,
)
from rules.calendar import Calendar

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
STATUSES = tuple(status.value for status in CaseStatus)
#: ``status=``: one status, ``active`` (every status but closed) or ``all``. Without it the
#: queue shows ``active``, and a search ``all``.
STATUS_FILTERS = ("active", "all", *STATUSES)
DUE_FILTERS = ("today", "overdue")
ASSIGNEE_FILTERS = ("me", "none")
#: ``handover=``: a pending handover, one offered to the user's departments, or a pending one
#: past its deadline (the escalations panel's "waiting past their deadline").
HANDOVER_FILTERS = ("pending", "offered", "overdue")
#: ``offered_to=``: a pending handover offered to this department (its slug), or to any of
#: several (slugs separated by commas); the overview's "waiting for you" links to it.
#: ``scope=`` in the API: every case the user may see, or only their departments'.
SCOPES = ("all", "mine")
#: ``sort=``: the key, ascending; a leading ``-`` turns it round. ``due`` is the default.
SORT_KEYS = ("due", "received", "activity")
SORTS = tuple(f"{sign}{key}" for key in SORT_KEYS for sign in ("", "-"))
DEFAULT_SORT = "due"
MAX_SEARCH_LENGTH = 200
#: The PostgreSQL text search configuration of the case's search vector and of the query.
SEARCH_CONFIGURATION = "norwegian"


class QueueError(ValueError):
    """A filter or cursor is not valid; the message names it."""


@dataclass(frozen=True)
class QueueFilter:
    """What to show; ``None`` means no restriction (status: see :data:`STATUS_FILTERS`)."""

    mine_only: bool = False
    channel: str | None = None
    status: str | None = None
    due: str | None = None
    assignee: str | None = None
    handover: str | None = None
    department: str | None = None
    offered_to: str | None = None
    #: Words to find in subjects, messages, citizens' names and addresses, or a reference.
    search: str | None = None

    @property
    def words(self) -> str | None:
        return self.search.strip() if self.search and self.search.strip() else None

    @property
    def effective_status(self) -> str:
        """The status filter in force: the one asked for, else every status when searching."""
        if self.status:
            return self.status
        return "all" if self.words else "active"


@dataclass(frozen=True)
class QueuePage:
    #: The cases; each carries its open turn's times (``target_at``, ``due_at``).
    rows: list[Case]
    #: Opaque cursor for the next page, or ``None`` on the last page.
    next_cursor: str | None


@dataclass(frozen=True)
class _Key:
    """One part of the order: a column, its direction, and whether it may be NULL
    (NULL sorts as later than any value: last going up, first going down)."""

    expression: Any
    is_descending: bool = False
    is_nullable: bool = False

    def order(self):
        ordered = self.expression.desc() if self.is_descending else self.expression.asc()
        if self.is_nullable:
            ordered = ordered.nulls_first() if self.is_descending else ordered.nulls_last()
        return ordered


SORT_COLUMNS = {"due": Case.due_at, "received": Case.created_at, "activity": Case.last_message_at}
#: Open cases first, then those waiting for the citizen, then closed ones.
STATUS_RANK = case(
    (Case.status.in_([CaseStatus.NEW, CaseStatus.OPEN]), 0),
    (Case.status == CaseStatus.WAITING, 1),
    else_=2,
)


def _status_rank(status: CaseStatus) -> int:
    return {CaseStatus.NEW: 0, CaseStatus.OPEN: 0, CaseStatus.WAITING: 1}.get(status, 2)


def _keys(sort: str, filters: QueueFilter) -> list[_Key]:
    if sort not in SORTS:
        raise QueueError(f"sort must be one of {', '.join(SORTS)}, got {sort!r}")
    name = sort.lstrip("-")
    descending = sort.startswith("-")
    keys = [_Key(STATUS_RANK)] if filters.effective_status == "all" else []
    return [
        *keys,
        _Key(SORT_COLUMNS[name], descending, is_nullable=name == "due"),
        _Key(Case.id, descending),
    ]


def queue_page(
    user: User,
    calendar: Calendar,
    filters: QueueFilter = QueueFilter(),
    *,
    limit: int = DEFAULT_LIMIT,
    after: str | None = None,
    sort: str = DEFAULT_SORT,
) -> QueuePage:
    """One page of the queue in the order ``sort`` names (default: the soonest due first,
    then cases with nothing due); a search lists open cases before the others."""
    if not 1 <= limit <= MAX_LIMIT:
        raise QueueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    keys = _keys(sort, filters)
    values = _decode(after, sort, len(keys)) if after else None
    query = _filtered(visible_cases(user), user, calendar, filters).options(
        selectinload(Case.contact), selectinload(Case.department), selectinload(Case.assignee)
    )
    if keys[0].expression is not STATUS_RANK:
        if values:
            query = query.where(_after(keys, values))
        query = query.order_by(*(key.order() for key in keys)).limit(limit + 1)
        rows = list(db.session.scalars(query))
    else:
        rows = _ranked_rows(query, keys[1:], values, limit)
    next_cursor = _encode(rows[limit - 1], sort, keys) if len(rows) > limit else None
    return QueuePage(rows[:limit], next_cursor)


#: The statuses of each rank of a search's order: open, then waiting, then closed.
RANKS = (
    (CaseStatus.NEW, CaseStatus.OPEN),
    (CaseStatus.WAITING,),
    (CaseStatus.CLOSED,),
)


def _ranked_rows(query: Select, keys: list[_Key], values: list | None, limit: int) -> list[Case]:
    """Up to ``limit + 1`` rows, one rank after the other: each rank is its own query, so
    open cases are read in the order of the open-case indexes and closed cases are read
    only when the open ones do not fill the page."""
    rows: list[Case] = []
    first = values[0] if values else 0
    for rank in range(first, len(RANKS)):
        statuses = Case.status.in_(RANKS[rank])
        if rank < len(RANKS) - 1:
            # Spelled out so PostgreSQL sees the open-case (partial) indexes apply.
            statuses = and_(Case.status != CaseStatus.CLOSED, statuses)
        part = query.where(statuses)
        if values and rank == first:
            part = part.where(_after(keys, values[1:]))
        part = part.order_by(*(key.order() for key in keys)).limit(limit + 1 - len(rows))
        rows += db.session.scalars(part)
        if len(rows) > limit:
            break
    return rows


def case_by_reference(user: User, words: str | None) -> Case | None:
    """The case whose reference is exactly ``words``, of any status, if ``user`` may see it."""
    if not words or not words.strip() or len(words) > MAX_SEARCH_LENGTH:
        return None
    return db.session.scalar(visible_cases(user).where(Case.reference == words.strip()))


def departments_named(slugs: list[str]) -> list[Department]:
    """The departments with these slugs (the queue's department filter offers them)."""
    wanted = [slug for slug in slugs if slug]
    if not wanted:
        return []
    return list(db.session.scalars(select(Department).where(Department.slug.in_(wanted))))


def _filtered(query: Select, user: User, calendar: Calendar, filters: QueueFilter) -> Select:
    _check(filters)
    query = query.where(_conditions(user, calendar, filters))
    if filters.words:
        query = query.where(_search_condition(filters.words))
    return query


def _check(filters: QueueFilter) -> None:
    if filters.status is not None and filters.status not in STATUS_FILTERS:
        raise QueueError(
            f"status must be one of {', '.join(STATUS_FILTERS)}, got {filters.status!r}"
        )
    if filters.search and len(filters.search) > MAX_SEARCH_LENGTH:
        raise QueueError(f"search: at most {MAX_SEARCH_LENGTH} characters")


def _search_condition(words: str):
    """Cases whose words (subject, messages, citizen's name and addresses) hold these, in
    any Norwegian word form, or whose reference is exactly these.

    PostgreSQL: the case's search vector (``norwegian`` configuration) and its GIN index.
    SQLite: each word's Snowball stem as a prefix in the FTS5 table over the messages
    (``garasjen`` looks for ``garasj*``), and the subject and citizen matched as text.
    """
    if len(words) > MAX_SEARCH_LENGTH:
        raise QueueError(f"search: at most {MAX_SEARCH_LENGTH} characters")
    if db.engine.dialect.name == "postgresql":
        query = func.plainto_tsquery(SEARCH_CONFIGURATION, words)
        return or_(Case.reference == words, Case.search_vector.op("@@")(query))
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    conditions = [
        Case.reference == words,
        Case.subject.ilike(pattern, escape="\\"),
        exists().where(
            ContactIdentity.contact_id == Case.contact_id,
            ContactIdentity.value.ilike(pattern, escape="\\"),
        ),
        Case.contact.has(Contact.name.ilike(pattern, escape="\\")),
    ]
    stems = [stem(word) for word in _fts_words(words)]
    if stems:
        prefixes = " ".join('"' + part.replace('"', '""') + '"*' for part in stems if part)
        matching = text("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :words")
        found = Message.id.in_(matching.bindparams(words=prefixes).columns(column("rowid")))
        conditions.append(exists().where(Message.case_id == Case.id, found))
    return or_(*conditions)


def _fts_words(words: str) -> list[str]:
    """The words as FTS5's unicode61 tokenizer cuts them (letters and digits)."""
    cleaned = "".join(char if char.isalnum() else " " for char in words.lower())
    return cleaned.split()


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
    elif handover == "overdue":
        # Imported here: escalations builds on this module's due conditions.
        from inbox.cases.escalations import waiting_past_deadline

        pending = pending.where(waiting_past_deadline(now()))
    elif handover != "pending":
        raise QueueError(f"handover must be one of {', '.join(HANDOVER_FILTERS)}, got {handover!r}")
    return Case.id.in_(list(db.session.scalars(pending)))


def _offered_to_condition(slugs: str | None):
    if not slugs:
        return true()
    # As for ``handover=``: the few offered cases by id.
    offered = (
        select(Handover.case_id)
        .join(Department, Department.id == Handover.to_department_id)
        .where(Handover.status == HandoverStatus.PENDING, Department.slug.in_(slugs.split(",")))
    )
    return Case.id.in_(list(db.session.scalars(offered)))


def _status_condition(status: str):
    if status == "active":
        return Case.status != CaseStatus.CLOSED
    if status == "all":
        return true()
    return Case.status == CaseStatus(status)


def _department_condition(slug: str | None):
    if not slug:
        return true()
    # One lookup of the id (PostgreSQL runs it once), not a join per case.
    return (
        Case.department_id == select(Department.id).where(Department.slug == slug).scalar_subquery()
    )


def _encode(row: Case, sort: str, keys: list[_Key]) -> str:
    value = getattr(row, SORT_COLUMNS[sort.lstrip("-")].key)
    key = [sort, value.isoformat() if value else None, row.id]
    if len(keys) == 3:
        key.insert(1, _status_rank(row.status))
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def _decode(cursor: str, sort: str, length: int) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = outside_json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(key, list) or len(key) != length + 1 or key[0] != sort:
            raise ValueError("made for another order or filter")
        values = key[1:]
        if length == 3:
            values[0] = int(values[0])
        values[-2] = datetime.fromisoformat(values[-2]) if values[-2] else None
        values[-1] = int(values[-1])
        return values
    except (ValueError, TypeError, AttributeError) as error:
        raise QueueError(f"after: not a cursor from this queue ({error})") from None


def _after(keys: list[_Key], values: list):
    """Rows strictly after ``values`` in the order of ``keys`` (NULL as later than any)."""
    alternatives = []
    equal_so_far = []
    for key, value in zip(keys, values, strict=True):
        alternatives.append(and_(true(), *equal_so_far, _beyond(key, value)))
        equal_so_far.append(key.expression.is_(None) if value is None else key.expression == value)
    return or_(*alternatives)


def _beyond(key: _Key, value):
    column_ = key.expression
    if value is None:  # the latest there is: going up nothing follows, going down every value
        return column_.is_not(None) if key.is_descending else false()
    if key.is_descending:
        return column_ < value
    later = column_ > value
    return or_(later, column_.is_(None)) if key.is_nullable else later


#: The options whose counts the queue shows, as (filter, value).
COUNTED = (
    ("scope", "mine"),
    ("due", "today"),
    ("due", "overdue"),
    ("assignee", "me"),
    ("assignee", "none"),
    ("handover", "pending"),
    ("handover", "offered"),
    ("handover", "overdue"),
    ("status", "new"),
    ("status", "open"),
    ("status", "waiting"),
)
_FIELDS = {"scope": "mine_only", "department": "department", "channel": "channel"}


def with_option(filters: QueueFilter, name: str, value: str | None) -> QueueFilter:
    """``filters`` with one filter (by its URL name) set to ``value`` (``None``: lifted)."""
    field = _FIELDS.get(name, name)
    if field == "mine_only":
        return replace(filters, mine_only=value == "mine")
    return replace(filters, **{field: value})


def queue_counts(
    user: User, calendar: Calendar, filters: QueueFilter = QueueFilter()
) -> dict[str, int]:
    """How many cases each filter option would show with the other filters kept, e.g.
    ``{"due=overdue": 3, "channel=sms": 2, "department=byggesak": 1}``.

    ``"all"`` counts every case not closed the user may see, without filters (left out
    while searching). One pass over the cases, grouped by channel and department.
    """
    _check(filters)
    counted = {
        f"{name}={value}": _conditions(user, calendar, with_option(filters, name, value))
        for name, value in COUNTED
    }
    columns = [func.count().filter(condition).label(key) for key, condition in counted.items()]
    by_channel = _conditions(user, calendar, with_option(filters, "channel", None))
    by_department = _conditions(user, calendar, with_option(filters, "department", None))
    everything = _conditions(user, calendar, QueueFilter())
    base = visible_cases(user)
    if filters.effective_status not in ("all", "closed"):
        base = base.where(Case.status != CaseStatus.CLOSED)  # the open-case indexes serve
    if filters.words:
        base = base.where(_search_condition(filters.words))
    grouped = db.session.execute(
        base.with_only_columns(
            Case.channel,
            Case.department_id,
            func.count().filter(everything).label("all"),
            func.count().filter(by_channel).label("by_channel"),
            func.count().filter(by_department).label("by_department"),
            *columns,
        ).group_by(Case.channel, Case.department_id)
    )
    counts: dict[str, int] = dict.fromkeys(["all", *counted], 0)
    slugs = dict(db.session.execute(select(Department.id, Department.slug)).all())
    for row in grouped:
        values = row._mapping
        for key, number in (
            (f"channel={values['channel']}", values["by_channel"]),
            (f"department={slugs.get(values['department_id'])}", values["by_department"]),
            *((key, values[key]) for key in ("all", *counted)),
        ):
            counts[key] = counts.get(key, 0) + number
    if filters.words:
        del counts["all"]
    return counts


def _conditions(user: User, calendar: Calendar, filters: QueueFilter):
    """Every filter but the search, as one condition."""
    mine = true()
    if filters.mine_only:
        mine = Case.department_id.in_(user.department_ids) if user.department_ids else false()
    return and_(
        _status_condition(filters.effective_status),
        mine,
        Case.channel == filters.channel if filters.channel else true(),
        _department_condition(filters.department),
        _due_condition(filters.due, calendar),
        _assignee_condition(filters.assignee, user),
        _handover_condition(filters.handover, user),
        _offered_to_condition(filters.offered_to),
    )
