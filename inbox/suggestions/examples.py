"""The labelled examples: each case's first message from the citizen, and the department that
finally handled it (it accepted a handover of the case, or closed it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, or_, select

from inbox.extensions import db
from inbox.models import Case, CaseStatus, Department, Direction, Handover, HandoverStatus, Message

# The classifier needs the gist, not a whole forwarded thread; it keeps training fast.
MAX_TEXT = 2000
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Examples:
    """Parallel lists, oldest case first (so the newest part can be held out)."""

    texts: list[str]
    departments: list[int]
    created: list[datetime]

    def __len__(self) -> int:
        return len(self.texts)

    def newest(self, count: int) -> Examples:
        """The newest ``count`` of them (all, when there are fewer)."""
        return Examples(self.texts[-count:], self.departments[-count:], self.created[-count:])


def since(moment: datetime, months: int) -> datetime:
    """``months`` months before ``moment``."""
    return moment - timedelta(days=round(months * DAYS_PER_MONTH))


def first_message_text(subject: str | None, text: str | None) -> str:
    """What the classifier reads of a case: the first message's subject and text."""
    return f"{subject or ''}\n{text or ''}"[:MAX_TEXT]


def examples(start: datetime, excluded_slugs: frozenset[str]) -> Examples:
    """The labelled cases created from ``start``, leaving out the excluded departments'."""
    rows = db.session.execute(_examples_query(start, excluded_slugs))
    texts, departments, created = [], [], []
    for subject, text, department_id, created_at in rows:
        texts.append(first_message_text(subject, text))
        departments.append(department_id)
        created.append(created_at)
    return Examples(texts, departments, created)


def first_inbound(case: Case) -> Message | None:
    """The case's first message from the citizen."""
    return db.session.scalar(
        select(Message)
        .where(Message.case_id == case.id, Message.direction == Direction.IN)
        # In the order of the (case_id, created_at) index: ordered by id alone, PostgreSQL may
        # walk the primary key through every message instead (seen at 200,000 cases).
        .order_by(Message.created_at, Message.id)
        .limit(1)
    )


def _examples_query(start: datetime, excluded_slugs: frozenset[str]) -> Select:
    first = (
        select(Message.case_id, func.min(Message.id).label("message_id"))
        .where(Message.direction == Direction.IN)
        .group_by(Message.case_id)
        .subquery()
    )
    accepted = select(Handover.case_id).where(Handover.status == HandoverStatus.ACCEPTED)
    query = (
        select(Message.subject, Message.text, Case.department_id, Case.created_at)
        .join(first, first.c.case_id == Case.id)
        .join(Message, Message.id == first.c.message_id)
        .where(
            Case.created_at >= start,
            Case.joined_into_id.is_(None),
            or_(Case.status == CaseStatus.CLOSED, Case.id.in_(accepted)),
        )
        .order_by(Case.created_at, Case.id)
    )
    if excluded_slugs:
        excluded = select(Department.id).where(Department.slug.in_(excluded_slugs))
        query = query.where(Case.department_id.not_in(excluded))
    return query
