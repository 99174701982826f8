"""Slowing down password guessing, per account and per address, across web processes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, or_, select

from inbox.clock import now
from inbox.extensions import db
from inbox.models import LoginAttempt
from inbox.people.users import normalise_email

WINDOW = timedelta(minutes=15)
MAX_PER_ACCOUNT = 5
MAX_PER_ADDRESS = 20


def is_throttled(email: str, ip: str) -> bool:
    """True when this account or this address has failed too often within the window."""
    since = now() - WINDOW
    email = normalise_email(email)
    per_account, per_address = db.session.execute(
        select(
            func.count().filter(LoginAttempt.email == email),
            func.count().filter(LoginAttempt.ip == ip),
        ).where(
            LoginAttempt.attempted_at >= since,
            or_(LoginAttempt.email == email, LoginAttempt.ip == ip),
        )
    ).one()
    return per_account >= MAX_PER_ACCOUNT or per_address >= MAX_PER_ADDRESS


def record_failure(email: str, ip: str) -> None:
    db.session.add(LoginAttempt(email=normalise_email(email)[:320], ip=ip, attempted_at=now()))


def forget_old_attempts() -> None:
    """Drop attempts older than the window (the worker's retention job calls this)."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < now() - WINDOW))
