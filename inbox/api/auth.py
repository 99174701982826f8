"""Bearer tokens for the API (made with `svarfrist users token`)."""

from __future__ import annotations

from flask import g, request

from inbox.api.problems import ApiProblem
from inbox.database import commit_and_begin_write
from inbox.extensions import db
from inbox.models import User
from inbox.people.users import record_token_use, token_for, token_use_is_due


def authenticate_request() -> None:
    """Set ``g.api_user`` from the Authorization header, or refuse with 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiProblem(401, "Unauthorized", "send the header Authorization: Bearer <token>")
    found = token_for(token.strip())
    if found is None:
        raise ApiProblem(401, "Unauthorized", "the bearer token is not valid")
    if token_use_is_due(found):
        # A unit of work of its own, holding the write lock from its start, so that on
        # SQLite concurrent requests wait for it instead of failing with "database is locked".
        token_id = found.id
        commit_and_begin_write()
        record_token_use(token_id)
        db.session.commit()
    g.api_user = found.user


def api_user() -> User:
    return g.api_user
