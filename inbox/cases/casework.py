"""Everyday changes to a case: assign, claim, close, reopen, language."""

from __future__ import annotations

from inbox.clock import now
from inbox.errors import ServiceError
from inbox.i18n import LANGUAGES
from inbox.models import Case, CaseStatus, User
from inbox.people import audit


class CaseworkError(ServiceError):
    """The change cannot be made; ``code`` and the message say why."""


def assign(case: Case, assignee: User | None, by: User) -> None:
    """Give the case to a member of its department, or to nobody."""
    if assignee is not None and case.department_id not in assignee.department_ids:
        raise CaseworkError(
            "casework.not_member",
            "%(assignee)s is not a member of %(department)s",
            assignee=assignee,
            department=case.department,
        )
    case.assignee = assignee
    audit.record("case.assign", user=by, case=case, assignee_id=assignee.id if assignee else None)


def close(case: Case, by: User) -> None:
    if case.status == CaseStatus.CLOSED:
        raise CaseworkError(
            "casework.already_closed",
            "case %(reference)s is already closed",
            reference=case.reference,
        )
    case.status = CaseStatus.CLOSED
    case.closed_at = now()
    audit.record("case.close", user=by, case=case)


def reopen(case: Case, by: User) -> None:
    if case.status != CaseStatus.CLOSED:
        raise CaseworkError(
            "casework.not_closed", "case %(reference)s is not closed", reference=case.reference
        )
    case.status = CaseStatus.OPEN
    case.closed_at = None
    audit.record("case.reopen", user=by, case=case)


def set_language(case: Case, language: str, by: User) -> None:
    """The language texts to the citizen on this case are written in."""
    if language not in LANGUAGES:
        raise CaseworkError(
            "casework.unknown_language",
            "unknown language %(language)r; expected one of %(languages)s",
            language=language,
            languages=LANGUAGES,
        )
    case.language = language
    audit.record("case.language", user=by, case=case, language=language)
