"""Recording who read and changed what (the audit log)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

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


REFUSAL_REPEAT = timedelta(minutes=10)  # the same target again within this is not recorded
REFUSALS_PER_HOUR = 30  # a walk over every reference leaves a trace, not a flood


def record_refusal(user: User, target: str, refusal: str, ip: str | None) -> bool:
    """Audit that ``user`` was refused ``target`` (``not_visible`` or ``not_changeable``),
    rate-limited per user; whether it was recorded."""
    since = now() - timedelta(hours=1)
    earlier = db.session.execute(
        select(AuditEvent.at, AuditEvent.details).where(
            AuditEvent.user_id == user.id,
            AuditEvent.action == "access.refused",
            AuditEvent.at >= since,
        )
    ).all()
    repeated = any(
        details.get("target") == target and at >= now() - REFUSAL_REPEAT for at, details in earlier
    )
    if repeated or len(earlier) >= REFUSALS_PER_HOUR:
        return False
    record("access.refused", user=user, ip=ip, target=target, refusal=refusal)
    return True
