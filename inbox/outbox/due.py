"""Whether anything in the outbox is due, asked through the database driver alone.

`svarfrist dispatch --once` from cron or after a poll that sent everything itself most
often finds nothing to send. Building the app for that (SQLAlchemy, the models, Flask's
app) costs twice what one query through psycopg or sqlite3 does, so the command asks
this first and builds the app only when there is something to send or the answer is not
certain. The condition is :func:`inbox.outbox.dispatch.claim`'s; a test holds the two
to the same rows.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime

#: What :func:`inbox.outbox.dispatch.claim` takes, in each driver's placeholders.
DUE = "SELECT 1 FROM outbox WHERE status = 'pending' AND next_attempt_at <= {at} LIMIT 1"
#: How SQLAlchemy's SQLite dialect stores a DateTime (:class:`inbox.columns.UTCDateTime`
#: stores UTC without its zone); the column compares as text.
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


def anything_due(database_url: str, at: datetime) -> bool | None:
    """True when a row is due at ``at``, False when none is; None when this cannot tell
    (another kind of database URL, a database that does not answer): the caller then
    takes the whole way, which also reports the error as it should."""
    scheme, _sep, rest = database_url.partition("://")
    if scheme in ("postgresql", "postgresql+psycopg"):
        return _postgresql_due(f"postgresql://{rest}", at)
    if scheme == "sqlite" and rest.startswith("/") and len(rest) > 1 and not set(rest) & set("?#%"):
        return _sqlite_due(rest[1:], at)
    return None


def _postgresql_due(conninfo: str, at: datetime) -> bool | None:
    import psycopg  # only where the database is PostgreSQL

    try:
        with psycopg.connect(conninfo, connect_timeout=10, autocommit=True) as connection:
            return connection.execute(DUE.format(at="%s"), (at,)).fetchone() is not None
    except psycopg.Error:
        return None


def _sqlite_due(path: str, at: datetime) -> bool | None:
    stored = at.astimezone(UTC).strftime(SQLITE_TIME)
    try:
        # Read-only, and never creating a file that is not there.
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=15)) as connection:
            return connection.execute(DUE.format(at="?"), (stored,)).fetchone() is not None
    except sqlite3.Error:
        return None
