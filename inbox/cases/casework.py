"""Everyday changes to a case: assign, claim, close, reopen, language."""

from __future__ import annotations

from inbox.clock import now
from inbox.i18n import LANGUAGES
from inbox.models import Case, CaseStatus, User
from inbox.people import audit


class CaseworkError(ValueError):
    """The change cannot be made; the message says why."""


def assign(case: Case, assignee: User | None, by: User) -> None:
    """Give the case to a member of its department, or to nobody."""
    if assignee is not None and case.department_id not in assignee.department_ids:
        raise CaseworkError(f"{assignee.name} is not a member of {case.department.name}")
    case.assignee = assignee
    audit.record("case.assign", user=by, case=case, assignee_id=assignee.id if assignee else None)


def close(case: Case, by: User) -> None:
    if case.status == CaseStatus.CLOSED:
        raise CaseworkError(f"case {case.reference} is already closed")
    case.status = CaseStatus.CLOSED
    case.closed_at = now()
    audit.record("case.close", user=by, case=case)


def reopen(case: Case, by: User) -> None:
    if case.status != CaseStatus.CLOSED:
        raise CaseworkError(f"case {case.reference} is not closed")
    case.status = CaseStatus.OPEN
    case.closed_at = None
    audit.record("case.reopen", user=by, case=case)


def set_language(case: Case, language: str, by: User) -> None:
    """The language texts to the citizen on this case are written in."""
    if language not in LANGUAGES:
        raise CaseworkError(
            f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}"
        )
    case.language = language
    audit.record("case.language", user=by, case=case, language=language)
