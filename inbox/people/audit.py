"""Recording who read and changed what (the audit log)."""

from __future__ import annotations

from typing import Any

from inbox.clock import now
from inbox.extensions import db
from inbox.models import AuditEvent, Case, User


def record(
    action: str,
    *,
    user: User | None = None,
    case: Case | None = None,
    ip: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction; details hold ids, never message text."""
    event = AuditEvent(
        at=now(),
        user_id=user.id if user is not None else None,
        case_id=case.id if case is not None else None,
        action=action,
        details=details,
        ip=ip,
    )
    db.session.add(event)
    return event
