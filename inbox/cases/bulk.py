"""One change on many cases at once, each case checked and changed on its own.

A bulk action is a single-case service applied to each selected case in a
savepoint of its own: a case the user may not change, or one the service
refuses, is rolled back and reported, and the others go through. The caller
commits once, after all cases, and shows every :class:`Outcome`.

:func:`casework_change` builds the change for taking, assigning and closing
(:mod:`inbox.cases.casework`); the web layer composes offering to a department
(``inbox.handovers.workflow.propose``, which this package may not import) and
passes it to :func:`apply` with the handover's error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from inbox.cases import casework
from inbox.cases.access import NotVisible, Refused, case_to_change, visible_cases
from inbox.cases.replies import ReplyError
from inbox.errors import ServiceError
from inbox.extensions import db
from inbox.models import Case, Department, User
from inbox.people import audit

#: The refusals of the casework services: said per case, never a failed request.
CASEWORK_ERRORS: tuple[type[Exception], ...] = (casework.CaseworkError, ReplyError)
#: The most cases one request changes: a queue page holds at most this many rows.
MAX_CASES = 200


class BulkAction(StrEnum):
    ASSIGN = "assign"
    CLAIM = "claim"
    CLOSE = "close"
    OFFER = "offer"


class BulkError(ServiceError):
    """The request itself cannot be carried out (no case chosen, no reason); ``field`` names
    what is missing, the code is ``bulk.<field>``."""

    def __init__(self, field: str, message: str, /, **params) -> None:
        super().__init__(f"bulk.{field}", message, **params)
        self.field = field


@dataclass(frozen=True)
class Outcome:
    """What became of one selected case."""

    reference: str
    #: The case, when the user may see it (its subject is shown beside the outcome).
    case: Case | None
    is_done: bool
    #: ``"refused"`` (the user may not change it) or ``"error"`` (the service said no).
    problem: str | None = None
    #: The service's reason in English (logs, the API), for ``"error"``.
    reason: str = ""
    #: The service's refusal, for ``"error"``: pages say it through its code.
    error: ServiceError | None = None


def selected_references(values: Iterable[str]) -> list[str]:
    """The distinct references asked for, in their order, blanks dropped."""
    chosen = list(dict.fromkeys(value.strip() for value in values if value.strip()))
    if not chosen:
        raise BulkError("cases", "no case is selected")
    if len(chosen) > MAX_CASES:
        raise BulkError("too_many", "at most %(most)s cases at once", most=MAX_CASES)
    return chosen


def visible_selection(user: User, references: list[str]) -> list[Case]:
    """The selected cases ``user`` may see, in the order they were selected."""
    found = {
        case.reference: case
        for case in db.session.scalars(visible_cases(user).where(Case.reference.in_(references)))
    }
    return [found[reference] for reference in references if reference in found]


def assignable_people(cases: list[Case]) -> list[User]:
    """The enabled members of the selected cases' departments, by name."""
    department_ids = {case.department_id for case in cases}
    if not department_ids:
        return []
    departments = db.session.scalars(select(Department).where(Department.id.in_(department_ids)))
    people = {member.id: member for d in departments for member in d.members if member.is_enabled}
    return sorted(people.values(), key=lambda person: (person.name, person.id))


def apply(
    user: User,
    references: list[str],
    change: Callable[[Case], None],
    *,
    service_errors: tuple[type[Exception], ...] = CASEWORK_ERRORS,
    ip: str | None = None,
) -> list[Outcome]:
    """Make ``change`` to each case, in order; one :class:`Outcome` per reference.

    Each case is fetched with :func:`case_to_change`; a refusal is audited and reported,
    a ``service_errors`` exception rolls that case back and reports the service's reason.
    """
    return [_apply_one(user, reference, change, service_errors, ip) for reference in references]


def casework_change(
    user: User, action: BulkAction, *, assignee: User | None = None, reason: str = ""
) -> Callable[[Case], None]:
    """The change for taking, assigning (to ``assignee``) or closing (with ``reason``).

    Raises :class:`BulkError` before any case is touched when what the action needs is
    missing.
    """
    if action == BulkAction.CLAIM:
        return lambda case: casework.assign(case, user, user)
    if action == BulkAction.ASSIGN:
        if assignee is None:
            raise BulkError("assignee", "choose the person to assign the cases to")
        return lambda case: casework.assign(case, assignee, user)
    if action == BulkAction.CLOSE:
        if not reason.strip():
            raise BulkError("reason", "closing needs a reason")

        return lambda case: casework.close(case, user, reason=reason)
    raise BulkError("action", "%(action)s is not casework", action=action.value)


def offer_needs(department: Department | None, note: str) -> None:
    """Raise :class:`BulkError` when an offer lacks its department or its note."""
    if department is None:
        raise BulkError("department", "choose the department to offer the cases to")
    if not note.strip():
        raise BulkError("note", "a handover needs a note for the receiving department")


def _apply_one(
    user: User,
    reference: str,
    change: Callable[[Case], None],
    service_errors: tuple[type[Exception], ...],
    ip: str | None,
) -> Outcome:
    savepoint = db.session.begin_nested()
    try:
        case = case_to_change(user, reference)
    except Refused as refused:
        savepoint.rollback()
        audit.record_refusal(user, refused.target, _refusal(refused), ip)
        seen = visible_selection(user, [reference])
        return Outcome(reference, seen[0] if seen else None, False, "refused")
    try:
        change(case)
        db.session.flush()
    except service_errors as error:
        savepoint.rollback()
        said = error if isinstance(error, ServiceError) else None
        return Outcome(reference, case, False, "error", str(error), said)
    savepoint.commit()
    return Outcome(reference, case, True)


def _refusal(refused: Refused) -> str:
    return "not_visible" if isinstance(refused, NotVisible) else "not_changeable"
