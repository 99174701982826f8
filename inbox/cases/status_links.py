"""The citizen's status links: ``{public_url}/sak/<token>`` in every acknowledgement.

A token is 192 random bits, given out once in the message that carries it and stored only
as its SHA-256, so neither a copy of the database nor a log holds a working link. A case
may have several (each acknowledgement and callback receipt writes its own); all of them
stop working when the case is merged into another (:func:`revoke`), when it is deleted (the
rows go with it) and ``[status_page] days_after_close`` days after it was closed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from inbox.clock import now
from inbox.extensions import db
from inbox.models import Case, CaseStatus, StatusLink
from inbox.settings.config import Settings

#: 24 bytes: 192 bits, written as 32 URL-safe characters.
TOKEN_BYTES = 24
#: What a token looks like; anything else is answered without asking the database.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32}$")
#: The page in each language, at the address a citizen of that language would guess.
PATHS = {"nn": "/sak", "nb": "/nb/sak", "en": "/en/sak", "se": "/se/sak"}


def issue(case: Case) -> str:
    """A new token for ``case``, stored hashed; the caller writes it into one message."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(StatusLink(case=case, token_sha256=_digest(token), created_at=now()))
    return token


def path(language: str, token: str) -> str:
    """The page's path in ``language`` (the Nynorsk one for a language it has no page in)."""
    return f"{PATHS.get(language, PATHS['nn'])}/{token}"


def status_url(case: Case, base_url: str | None = None) -> str | None:
    """A new link to ``case``'s page in its language, under ``base_url`` (default: the
    configured public URL); ``None`` when the page is switched off or no URL is known."""
    settings: Settings = current_app.extensions["svarfrist"]
    base_url = base_url or settings.public_url
    if not settings.status_page.is_enabled or not base_url:
        return None
    return f"{base_url.rstrip('/')}{path(case.language, issue(case))}"


def case_for(token: str) -> Case | None:
    """The case the token shows, or ``None`` when it is wrong, revoked or expired (which
    the page does not tell apart)."""
    if not TOKEN_SHAPE.match(token):
        return None
    link = db.session.scalar(select(StatusLink).where(StatusLink.token_sha256 == _digest(token)))
    if link is None or link.revoked_at is not None:
        return None
    case = link.case
    if case.joined_into_id is not None or _has_expired(case):
        return None
    return case


def revoke(case: Case) -> None:
    """End every link to ``case`` (merged into another, anonymized)."""
    db.session.execute(
        update(StatusLink)
        .where(StatusLink.case_id == case.id, StatusLink.revoked_at.is_(None))
        .values(revoked_at=now())
    )


def _has_expired(case: Case) -> bool:
    if case.status != CaseStatus.CLOSED or case.closed_at is None:
        return False
    settings: Settings = current_app.extensions["svarfrist"]
    return now() >= case.closed_at + timedelta(days=settings.status_page.days_after_close)


def _digest(token: str) -> str:
    # A token has 192 random bits: a fast hash is enough, there is nothing to guess.
    return hashlib.sha256(token.encode("ascii")).hexdigest()
