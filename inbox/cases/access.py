"""The one place that decides which cases a user may see and change.

Every query for cases starts from :func:`visible_cases`; single checks use
:func:`may_see` and :func:`may_change`, built from the same expression, so the
list, the case page, the API and exports can never disagree. Pages and the API
fetch what they show with :func:`case_to_see`, :func:`case_to_change` and
:func:`attachment_to_see`, which raise :class:`NotVisible` or
:class:`NotChangeable` for the web and the API to answer 404 or 403.

- Admins see everything.
- Staff and leaders see the cases their departments own.
- Members of the frontline department (Innbyggjarservice) also see every case
  that has not been handed over to another department.
- A department offered a case in a pending handover sees it (to decide).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, or_, select, true

from inbox.extensions import db
from inbox.models import Attachment, Case, Handover, HandoverStatus, Message, Role, User


class Refused(Exception):
    """A case or attachment the user asked for and may not have; ``target`` names it (for
    the audit log, never for the answer)."""

    def __init__(self, message: str, target: str) -> None:
        super().__init__(message)
        self.target = target


class NotVisible(Refused, LookupError):
    """Nothing by that name that the user may see; a typo gets the same answer, so nobody
    learns what exists."""


class NotChangeable(Refused, PermissionError):
    """The user may see the case but not work on it."""


def case_visibility(user: User) -> ColumnElement[bool]:
    """A SQL condition on :class:`Case` that is true for the cases ``user`` may see."""
    if user.role == Role.ADMIN or not user.department_ids:
        return case_changeable(user)
    # The few offered cases are fetched first and named by id, so the database
    # can combine the department index with the primary key instead of
    # scanning every case to test a subquery.
    offered = list(
        db.session.scalars(
            select(Handover.case_id).where(
                Handover.status == HandoverStatus.PENDING,
                Handover.to_department_id.in_(user.department_ids),
            )
        )
    )
    if not offered:
        return case_changeable(user)
    return or_(case_changeable(user), Case.id.in_(offered))


def case_changeable(user: User) -> ColumnElement[bool]:
    """True for the cases ``user`` may work on (reply, assign, hand over)."""
    if user.role == Role.ADMIN:
        return true()
    departments = user.department_ids
    if not departments:
        return false()
    conditions = [Case.department_id.in_(departments)]
    if _is_frontline(user):
        conditions.append(~_handed_over())
    return or_(*conditions)


def visible_cases(user: User) -> Select[tuple[Case]]:
    """``SELECT`` of the cases ``user`` may see; add filters and ordering to it."""
    return select(Case).where(case_visibility(user))


def case_to_see(user: User, reference: str) -> Case:
    """The case with this reference, if ``user`` may see it."""
    case = db.session.scalar(visible_cases(user).where(Case.reference == reference))
    if case is None:
        raise NotVisible(f"no case {reference} that you may see", f"case {reference}")
    return case


def case_to_change(user: User, reference: str) -> Case:
    """The case with this reference, if ``user`` may work on it."""
    case = case_to_see(user, reference)
    if not may_change(user, case):
        raise NotChangeable(f"case {reference} belongs to another department", f"case {reference}")
    return case


def attachment_to_see(user: User, attachment_id: int) -> Attachment:
    """The attachment, reached through its case, if ``user`` may see that case."""
    query = (
        visible_cases(user)
        .join(Message, Message.case_id == Case.id)
        .join(Attachment, Attachment.message_id == Message.id)
        .where(Attachment.id == attachment_id)
        .with_only_columns(Attachment)
    )
    attachment = db.session.scalar(query)
    if attachment is None:
        raise NotVisible(
            f"no attachment {attachment_id} that you may see", f"attachment {attachment_id}"
        )
    return attachment


def may_see(user: User, case: Case) -> bool:
    return _holds(case_visibility(user), case)


def may_change(user: User, case: Case) -> bool:
    return _holds(case_changeable(user), case)


def _holds(condition: ColumnElement[bool], case: Case) -> bool:
    query = select(Case.id).where(Case.id == case.id, condition).limit(1)
    return db.session.scalar(query) is not None


def _is_frontline(user: User) -> bool:
    return any(department.is_frontline for department in user.departments)


def _handed_over() -> ColumnElement[bool]:
    accepted = select(Handover.case_id).where(Handover.status == HandoverStatus.ACCEPTED)
    return Case.id.in_(accepted)
