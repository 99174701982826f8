"""Staff sessions on the web: each login names its session, and logging out ends it for good.

Sessions are signed cookies, so a copy kept from before logout would still verify. The
logout's audit event names the session it ends, and a session named there stays ended.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select

from inbox.extensions import db
from inbox.models import AuditEvent, User
from inbox.people import audit

#: The audit detail that names the session a logout ended.
SESSION_DETAIL = "session_id"


def new_session_id() -> str:
    """A name for a session just logged in, too long to guess."""
    return secrets.token_urlsafe(16)


def end_session(user: User, session_id: str | None, *, ip: str | None) -> None:
    """Log ``user`` out of the session named ``session_id``; the caller commits."""
    audit.record("user.logout", user=user, ip=ip, **{SESSION_DETAIL: session_id})


def is_ended(user_id: int, session_id: str, started_at: datetime) -> bool:
    """True when ``user_id`` logged out of the session ``session_id`` since ``started_at``."""
    logouts = db.session.scalars(
        select(AuditEvent.details).where(
            AuditEvent.case_id.is_(None),  # with ``at``: the audit log's index
            AuditEvent.at >= started_at,
            AuditEvent.user_id == user_id,
            AuditEvent.action == "user.logout",
        )
    )
    return any(details.get(SESSION_DETAIL) == session_id for details in logouts)
