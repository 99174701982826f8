"""Saved views: a user names the queue's current filters and sort, and finds them again.

A view belongs to one user; another user's view is "no such view" (the web layer's
404), never a refusal that would tell it exists.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from sqlalchemy import select

from inbox.clock import now
from inbox.extensions import db
from inbox.models import SavedView, User

MAX_NAME_LENGTH = 80
MAX_VIEWS = 50
#: The queue's query parameters a view keeps (never a page cursor).
VIEW_KEYS = (
    "q",
    "status",
    "department",
    "channel",
    "due",
    "assignee",
    "handover",
    "offered_to",
    "scope",
    "sort",
)


class SavedViewError(ValueError):
    """A view cannot be saved; ``code`` says why (``name``, ``too_many``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class NoSuchView(LookupError):
    """No view with this id belongs to the user."""


def view_query(arguments) -> str:
    """The queue's filters and sort from ``arguments`` (a mapping or a query string), as
    a query string in a fixed order, without empty values or anything else."""
    if isinstance(arguments, str):
        arguments = dict(parse_qsl(arguments[:1000]))
    pairs = [(key, arguments.get(key)) for key in VIEW_KEYS]
    return urlencode([(key, value) for key, value in pairs if value])


def views_of(user: User) -> list[SavedView]:
    """The user's views by name."""
    return list(
        db.session.scalars(
            select(SavedView).where(SavedView.user_id == user.id).order_by(SavedView.name)
        )
    )


def save_view(user: User, name: str, query: str) -> SavedView:
    """Keep ``query`` (see :func:`view_query`) under ``name``; a view of the same name is
    replaced. Flushes; the caller commits."""
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise SavedViewError("name")
    query = view_query(query)
    view = db.session.scalar(
        select(SavedView).where(SavedView.user_id == user.id, SavedView.name == name)
    )
    if view is None:
        if len(views_of(user)) >= MAX_VIEWS:
            raise SavedViewError("too_many")
        view = SavedView(user_id=user.id, name=name, query=query, created_at=now())
        db.session.add(view)
    else:
        view.query = query
    db.session.flush()
    return view


def view_of(user: User, view_id: int) -> SavedView:
    """The user's view with this id; :class:`NoSuchView` for anyone else's."""
    view = db.session.get(SavedView, view_id)
    if view is None or view.user_id != user.id:
        raise NoSuchView(view_id)
    return view


def delete_view(user: User, view_id: int) -> SavedView:
    """Delete the user's view (flushes; the caller commits) and return it."""
    view = view_of(user, view_id)
    db.session.delete(view)
    db.session.flush()
    return view
