"""Case references like ``2026-000123``: unique, per year, numbers may have gaps."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from inbox.extensions import db
from inbox.models import CaseCounter

WIDTH = 6


def next_reference(year: int) -> str:
    """Hand out the next reference for ``year``.

    On PostgreSQL the counter is bumped in its own short transaction, so
    concurrent intakes never wait on each other's commit; a number whose intake
    later rolls back is simply skipped. SQLite has one writer anyway, so there
    the bump is part of the caller's transaction.
    """
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            number = connection.execute(_bump(postgresql.insert, year)).scalar_one()
    else:
        number = db.session.execute(_bump(sqlite.insert, year)).scalar_one()
    return f"{year}-{number:0{WIDTH}d}"


def _bump(insert, year: int):
    table = CaseCounter.__table__
    statement = insert(table).values(year=year, last_number=1)
    return statement.on_conflict_do_update(
        index_elements=[table.c.year], set_={"last_number": table.c.last_number + 1}
    ).returning(table.c.last_number)
