"""Creating staff users, checking passwords, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from inbox.clock import now
from inbox.extensions import db
from inbox.models import ApiToken, Department, Role, User
from inbox.routing import MAX_ROW_ID

_hasher = PasswordHasher()
# Verifying against this when the account does not exist keeps the answer time the same.
_DUMMY_HASH = _hasher.hash("no such user")
MIN_PASSWORD_LENGTH = 10


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


def user_for_token(token: str) -> User | None:
    """The enabled user a bearer token belongs to, or ``None``."""
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if found is None or not found.user.is_enabled:
        return None
    found.last_used_at = now()
    return found.user


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0
