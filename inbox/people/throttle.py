"""Slowing down password guessing without locking anyone out, across web processes.

A guesser is slowed per account *and* address: the first few failures are free, then each
try must wait twice as long as the one before (up to a quarter of an hour). The owner of
an account, signing in from another address or after the wait, is never locked out by
someone else's guesses, and a town hall's shared address (NAT) is not locked for everyone
behind it. Accounts that do not exist are also limited per address, so one address cannot
try thousands of names.
"""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import delete, func, select

from inbox.clock import now
from inbox.extensions import db
from inbox.models import LoginAttempt, User
from inbox.people.users import normalise_email

WINDOW = timedelta(minutes=15)
FREE_FAILURES = 3  # per account and address, before the waits begin
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = WINDOW
MAX_UNKNOWN_PER_ADDRESS = 20  # failures for accounts that do not exist, per address


def wait_before_next_try(email: str, ip: str) -> timedelta | None:
    """How long this address must still wait before it may try this account, or ``None``."""
    email = normalise_email(email)
    since = now() - WINDOW
    failures, last = db.session.execute(
        select(func.count(), func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.email == email, LoginAttempt.ip == ip, LoginAttempt.attempted_at >= since
        )
    ).one()
    if failures >= FREE_FAILURES:
        wait = min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES), LONGEST_WAIT)
        remaining = last + wait - now()
        if remaining > timedelta(0):
            # Whole seconds, rounded up: someone told "29 seconds" who waits 29 is let in.
            return timedelta(seconds=math.ceil(remaining.total_seconds()))
    if not _is_known(email) and _unknown_failures(ip, since) >= MAX_UNKNOWN_PER_ADDRESS:
        return WINDOW
    return None


def record_failure(email: str, ip: str) -> None:
    db.session.add(LoginAttempt(email=normalise_email(email)[:320], ip=ip, attempted_at=now()))


def forget_old_attempts() -> int:
    """Drop attempts older than the window (the worker runs this); how many."""
    result = db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.attempted_at < now() - WINDOW)
    )
    return result.rowcount or 0


def _is_known(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == email).limit(1)) is not None


def _unknown_failures(ip: str, since) -> int:
    known = select(User.id).where(User.email == LoginAttempt.email).exists()
    return db.session.scalar(
        select(func.count()).where(
            LoginAttempt.ip == ip, LoginAttempt.attempted_at >= since, ~known
        )
    )
