"""Staff users: creating and changing them, their passwords, deactivation, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from inbox.clock import now
from inbox.extensions import db
from inbox.i18n import LANGUAGES
from inbox.models import ApiToken, AuditEvent, Department, Role, User
from inbox.routing import MAX_ROW_ID

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1000
# ``last_used_at`` is for an administrator asking "is this token still in use?"; writing it on
# every request would turn every API read into a write (on SQLite, one writer at a time).
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


class EmailTaken(UserError):
    """Another user already has the e-mail address."""


class LastAdmin(UserError):
    """The change would leave Svarfrist without an active administrator."""


@cache
def _dummy_hash() -> str:
    """A hash to verify against when there is no user, so that takes as long as a wrong
    password; made on first use, not at import (every command would pay a hash)."""
    return _hasher.hash("no such user")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def is_email_address(email: str) -> bool:
    """Whether ``email`` (normalised) can be a login name: something@something, no spaces."""
    local, at, domain = email.partition("@")
    return bool(at and local and domain) and not any(char.isspace() for char in email)


def create_user(
    *,
    email: str,
    name: str,
    password: str | None,
    role: Role = Role.STAFF,
    departments: Iterable[Department] = (),
    language: str = "nn",
    is_break_glass: bool = False,
) -> User:
    """Add a user (flushed, not committed); ``password=None``: the user has none and signs in
    through the identity provider only. A break-glass user is an administrator with a
    password, who may use it when passwords are otherwise off."""
    if is_break_glass and (role != Role.ADMIN or password is None):
        raise UserError("a break-glass user must be an administrator with a password")
    email = _checked_email(email, user=None)
    user = User(
        email=email,
        name=_checked_name(name),
        password_hash=_hashed(password),
        role=role,
        language=_checked_language(language),
        departments=list(departments),
        is_break_glass=is_break_glass,
        created_at=now(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User,
    *,
    email: str,
    name: str,
    role: Role,
    departments: Iterable[Department],
    language: str,
) -> list[str]:
    """Change what an administrator may change; the names of the fields that changed."""
    wanted = {
        "email": _checked_email(email, user=user),
        "name": _checked_name(name),
        "role": role,
        "language": _checked_language(language),
    }
    if role != Role.ADMIN:
        _refuse_leaving_no_admin(user)
    changed = [field for field, value in wanted.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, wanted[field])
    departments = list(departments)
    if {department.id for department in departments} != user.department_ids:
        user.departments = departments
        changed.append("departments")
    db.session.flush()
    return changed


def set_password(user: User, password: str | None) -> None:
    """Give ``user`` this password, or none (``None``); every web session of theirs ends."""
    user.password_hash = _hashed(password)
    user.session_version += 1
    db.session.flush()


def deactivate_user(user: User) -> int:
    """Disable ``user``: their web sessions end and their API tokens are revoked at once.
    How many tokens were revoked."""
    _refuse_leaving_no_admin(user)
    user.is_enabled = False
    return end_sessions_and_tokens(user)


def end_sessions_and_tokens(user: User) -> int:
    """End every web session of ``user`` and revoke their API tokens at once; how many tokens
    were revoked."""
    user.session_version += 1
    revoked = db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.flush()
    return revoked.rowcount or 0


def reactivate_user(user: User) -> None:
    """Let ``user`` log in again (sessions and tokens ended at deactivation stay ended)."""
    user.is_enabled = True
    db.session.flush()


def _refuse_leaving_no_admin(user: User) -> None:
    """Refuse to take ``user`` out of the active administrators when no other one is left.

    The active administrators' rows are locked (PostgreSQL; SQLite has one writer at a time),
    so two administrators demoting each other at once cannot both succeed.
    """
    if user.role != Role.ADMIN or not user.is_enabled:
        return
    admins = db.session.scalars(
        select(User.id)
        .where(User.role == Role.ADMIN, User.is_enabled.is_(True))
        .order_by(User.id)
        .with_for_update()
    ).all()
    if not set(admins) - {user.id}:
        raise LastAdmin(
            f"{user.email} is the last active administrator; make another user an "
            "administrator first"
        )


def _checked_email(email: str, *, user: User | None) -> str:
    email = normalise_email(email)
    if not is_email_address(email):
        raise UserError(f"e-mail {email!r} is not an e-mail address")
    other = db.session.scalar(select(User.id).where(User.email == email))
    if other is not None and (user is None or other != user.id):
        raise EmailTaken(f"a user with e-mail {email} already exists")
    return email


def _checked_name(name: str) -> str:
    if not name.strip():
        raise UserError("the name is empty")
    return name.strip()


def _checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise UserError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    return language


def _hashed(password: str | None) -> str | None:
    if password is None:
        return None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"the password must be at most {MAX_PASSWORD_LENGTH} characters long")
    return _hasher.hash(password)


def user_with_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def user_with_id(user_id: int) -> User | None:
    """The user, or ``None``; an id no row can have (from a form) is no user, not an error."""
    return db.session.get(User, user_id) if 0 < user_id <= MAX_ROW_ID else None


def users_with_last_login(search: str = "", *, limit: int) -> list[tuple[User, datetime | None]]:
    """Users by name, with when each last logged in (``None``: not since the audit log began),
    those whose name or e-mail contains ``search`` (in any case); at most ``limit``.

    Compared and sorted in Python: SQLite's ``lower()`` knows only ASCII, and many Norwegian
    names begin with Æ, Ø or Å. A municipality has hundreds of staff, not millions.
    """
    last_login = (
        select(AuditEvent.user_id, func.max(AuditEvent.at).label("at"))
        .where(AuditEvent.case_id.is_(None), AuditEvent.action == "user.login")
        .group_by(AuditEvent.user_id)
        .subquery()
    )
    rows = db.session.execute(
        select(User, last_login.c.at)
        .outerjoin(last_login, last_login.c.user_id == User.id)
        .options(selectinload(User.departments))
    ).all()
    wanted = search.strip().casefold()
    found = [
        (user, at)
        for user, at in rows
        if wanted in user.name.casefold() or wanted in user.email.casefold()
    ]
    found.sort(key=lambda row: (row[0].name.casefold(), row[0].id))
    return found[:limit]


def authenticate(email: str, password: str) -> User | None:
    """The enabled user with this e-mail and password, or ``None``; a user without a
    password never."""
    user = user_with_email(email)
    has_password = user is not None and user.password_hash is not None
    try:
        _hasher.verify(user.password_hash if has_password else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if not has_password or not user.is_enabled:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user: User) -> str:
    """A new bearer token for ``user``; only its hash is stored, so show it once."""
    if not user.is_enabled:
        raise UserError(f"{user.email} is deactivated; reactivate the user first")
    token = "svf_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=_token_hash(token), created_at=now()))
    db.session.flush()
    return token


def api_tokens_of(user: User) -> list[ApiToken]:
    """The user's API tokens, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_api_token(user: User, token_id: int) -> bool:
    """Delete the user's token ``token_id`` (refused at once from then); whether there was one."""
    revoked = db.session.execute(
        delete(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )
    db.session.flush()
    return bool(revoked.rowcount)


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


def break_glass_sign_ins(
    *, limit: int
) -> tuple[list[User], list[tuple[datetime, User, str | None]]]:
    """The break-glass administrators (by name), and their password sign-ins, newest first
    (at most ``limit``): when, who, and from which address."""
    admins = list(
        db.session.scalars(select(User).where(User.is_break_glass.is_(True)).order_by(User.name))
    )
    rows = db.session.execute(
        select(AuditEvent.at, User, AuditEvent.ip)
        .join(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.case_id.is_(None), AuditEvent.action == "user.break_glass_login")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return admins, [(at, user, ip) for at, user, ip in rows]
