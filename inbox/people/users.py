"""Creating staff users, checking passwords, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select, update

from inbox.clock import now
from inbox.extensions import db
from inbox.models import ApiToken, Department, Role, User
from inbox.routing import MAX_ROW_ID

_hasher = PasswordHasher()
# Verifying against this when the account does not exist keeps the answer time the same.
_DUMMY_HASH = _hasher.hash("no such user")
MIN_PASSWORD_LENGTH = 10
# ``last_used_at`` is for an administrator asking "is this token still in use?"; writing it on
# every request would turn every API read into a write (on SQLite, one writer at a time).
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    role: Role = Role.STAFF,
    departments: Iterable[Department] = (),
    language: str = "nn",
) -> User:
    """Add a user (flushed, not committed)."""
    email = normalise_email(email)
    if "@" not in email:
        raise UserError(f"e-mail {email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise UserError(f"a user with e-mail {email} already exists")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=_hasher.hash(password),
        role=role,
        language=language,
        departments=list(departments),
        created_at=now(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def user_with_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def user_with_id(user_id: int) -> User | None:
    """The user, or ``None``; an id no row can have (from a form) is no user, not an error."""
    return db.session.get(User, user_id) if 0 < user_id <= MAX_ROW_ID else None


def authenticate(email: str, password: str) -> User | None:
    """The enabled user with this e-mail and password, or ``None``."""
    user = user_with_email(email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.is_enabled:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user: User) -> str:
    """A new bearer token for ``user``; only its hash is stored, so show it once."""
    token = "svf_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=_token_hash(token), created_at=now()))
    db.session.flush()
    return token


def token_for(token: str) -> ApiToken | None:
    """The stored token of an enabled user for a bearer token, or ``None``. Only reads."""
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if found is None or not found.user.is_enabled:
        return None
    return found


def token_use_is_due(api_token: ApiToken) -> bool:
    """Whether ``last_used_at`` is older than :data:`TOKEN_USE_RESOLUTION` (or never set)."""
    last = api_token.last_used_at
    return last is None or last <= now() - TOKEN_USE_RESOLUTION


def record_token_use(api_token_id: int) -> None:
    """Set the token's ``last_used_at`` to now, unless another request did within the minute.

    One UPDATE with the condition in it, so requests that queued for the write
    lock together change it once.
    """
    moment = now()
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == api_token_id)
        .where(
            or_(
                ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at <= moment - TOKEN_USE_RESOLUTION,
            )
        )
        .values(last_used_at=moment)
        .execution_options(synchronize_session=False)
    )


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0
