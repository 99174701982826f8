"""Keeping each channel account's state (``account_states``) as the workers find it.

The poller, the webhook intake and the dispatcher collect what happened to an
account in an :class:`Outcome`; :func:`record` adds it to the account's row in
one ``UPDATE`` in the caller's write transaction (the job commits), so two
workers never overwrite each other's counts. Error texts are scrubbed of
secrets before they are stored: whatever is stored may be shown to an
administrator.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import case, func, literal, or_, update

from inbox.clock import now
from inbox.columns import UTCDateTime
from inbox.database import insert_or_merge
from inbox.extensions import db
from inbox.models import AccountActivity, AccountState
from inbox.settings.config import Settings

#: Which kind of configured account a message's or outbox row's channel belongs to.
KIND_OF_CHANNEL = {"email": "email", "sms": "sms", "facebook": "meta", "instagram": "meta"}
#: Long enough for any server's answer; a stack of them is not wanted.
MAX_ERROR_CHARACTERS = 1000
HIDDEN = "[hidden]"
# user:password@ in any URL.
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/@]+@")
# Query parameters that carry secrets (Graph's access_token, signatures, API keys).
_SECRET_PARAMETER = re.compile(
    r"(?i)([?&;](?:access_token|token|password|passwd|pwd|secret|client_secret|"
    r"appsecret_proof|api_key|apikey|key|signature|sig|auth|code)=)[^&\s\"'<>]+"
)
# Authorization headers quoted in an error.
_AUTHORIZATION = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
# password=…, "token": "…" and the like.
_ASSIGNMENT = re.compile(
    r"(?i)\b(password|passwd|pwd|secret|token|access_token|auth_token)(\"?\s*[=:]\s*)"
    r"(\"[^\"]*\"|'[^']*'|[^\s,;&]+)"
)
# Secrets shorter than this are not searched for in texts (they would match anything).
_SHORTEST_SECRET = 4


@dataclass
class Outcome:
    """What one round (a poll, a batch of webhooks, a lane of sends) found an account doing."""

    attempts: int = 0
    failures: int = 0
    #: The newest success: a poll read to the end, a webhook's arrival, a message sent.
    succeeded_at: datetime | None = None
    #: Failures after the last success in this round, and when the first of them was.
    trailing_failures: int = 0
    trailing_since: datetime | None = None
    error: str | None = None
    error_at: datetime | None = None

    def success(self, at: datetime) -> None:
        self.attempts += 1
        if self.succeeded_at is None or at > self.succeeded_at:
            self.succeeded_at = at
        self.trailing_failures = 0
        self.trailing_since = None

    def failure(self, error: str, at: datetime) -> None:
        self.attempts += 1
        self.failures += 1
        self.trailing_failures += 1
        self.trailing_since = self.trailing_since or at
        self.error, self.error_at = error, at

    def tried(self) -> None:
        """Tried, and neither a success nor the account's failure (a recipient refused)."""
        self.attempts += 1


def record(kind: str, account: str, activity: AccountActivity, outcome: Outcome) -> None:
    """Add ``outcome`` to the account's state (made on its first outcome); flushes."""
    if not outcome.attempts:
        return
    at = now()
    db.session.execute(
        insert_or_merge(AccountState)
        .values(
            kind=kind,
            account=account,
            activity=activity,
            attempts=0,
            failures=0,
            consecutive_failures=0,
            updated_at=at,
        )
        .on_conflict_do_nothing(index_elements=["kind", "account", "activity"])
    )
    row = AccountState.__table__.c
    values: dict = {
        row.attempts: row.attempts + outcome.attempts,
        row.failures: row.failures + outcome.failures,
        row.updated_at: at,
    }
    if outcome.succeeded_at is not None:
        succeeded_at = literal(outcome.succeeded_at, UTCDateTime())
        newer = or_(row.last_success_at.is_(None), row.last_success_at < succeeded_at)
        values[row.last_success_at] = case((newer, succeeded_at), else_=row.last_success_at)
        values[row.consecutive_failures] = outcome.trailing_failures
        values[row.failing_since] = outcome.trailing_since
    elif outcome.trailing_failures:
        values[row.consecutive_failures] = row.consecutive_failures + outcome.trailing_failures
        values[row.failing_since] = func.coalesce(
            row.failing_since, literal(outcome.trailing_since, UTCDateTime())
        )
    if outcome.error is not None:
        values[row.last_error] = scrubbed(outcome.error, configured_secrets())
        values[row.last_error_at] = outcome.error_at
    db.session.execute(
        update(AccountState.__table__)
        .where(row.kind == kind, row.account == account, row.activity == activity)
        .values(values)
    )


def scrubbed(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` without the secrets it may quote: the given values (the configured passwords
    and tokens), credentials in URLs, secret query parameters, Authorization headers and
    ``password=…``-like pairs. At most :data:`MAX_ERROR_CHARACTERS`."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= _SHORTEST_SECRET:
            text = text.replace(secret, HIDDEN)
    text = _URL_CREDENTIALS.sub(rf"\1{HIDDEN}@", text)
    text = _SECRET_PARAMETER.sub(rf"\1{HIDDEN}", text)
    text = _AUTHORIZATION.sub(rf"\1 {HIDDEN}", text)
    text = _ASSIGNMENT.sub(rf"\1\2{HIDDEN}", text)
    return text[:MAX_ERROR_CHARACTERS]


def configured_secrets() -> list[str]:
    """The values of every environment variable the channel accounts name for a secret."""
    settings: Settings = current_app.extensions["svarfrist"]
    names: list[str | None] = []
    for mail in settings.email_accounts:
        logins = (mail.imap.login if mail.imap else None, mail.smtp.login)
        names += [login.password_env for login in logins if login is not None]
    names += [sms.auth_token_env for sms in settings.sms_accounts]
    for page in settings.meta_accounts:
        names += [page.page_token_env, page.app_secret_env, page.verify_token_env]
    return [os.environ[name] for name in names if name and os.environ.get(name)]


def sending_account(settings: Settings, channel: str, account: str) -> tuple[str, str] | None:
    """The configured account (kind, name) an outbox row of ``channel`` and ``account`` goes
    out through: its own, else the kind's first (as :class:`channels.base.ByAccount` sends
    a row without a known account); ``None`` when the kind has no account."""
    kind = KIND_OF_CHANNEL.get(channel)
    names = [a.name for a in accounts_of_kind(settings, kind)] if kind else []
    if not names:
        return None
    return kind, account if account in names else names[0]


def accounts_of_kind(settings: Settings, kind: str) -> tuple:
    return {
        "email": settings.email_accounts,
        "sms": settings.sms_accounts,
        "meta": settings.meta_accounts,
    }[kind]
