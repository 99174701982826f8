"""Bearer tokens for the API (made with `svarfrist users token`)."""

from __future__ import annotations

from flask import g, request

from inbox.api.problems import ApiProblem
from inbox.extensions import db
from inbox.models import User
from inbox.people.users import user_for_token


def authenticate_request() -> None:
    """Set ``g.api_user`` from the Authorization header, or refuse with 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiProblem(401, "Unauthorized", "send the header Authorization: Bearer <token>")
    user = user_for_token(token.strip())
    if user is None:
        raise ApiProblem(401, "Unauthorized", "the bearer token is not valid")
    db.session.commit()  # remembers when the token was last used
    g.api_user = user


def api_user() -> User:
    return g.api_user
