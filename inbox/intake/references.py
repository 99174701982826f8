"""Case references like ``2026-000123``: unique, per year, numbers may have gaps."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from inbox.extensions import db
from inbox.models import CaseCounter

WIDTH = 6
_POOL = "svarfrist.reference_pool"


def next_reference(year: int) -> str:
    """Hand out the next reference for ``year``.

    On PostgreSQL the counter is bumped in its own short transaction, so
    concurrent intakes never wait on each other's commit; a number whose intake
    later rolls back is simply skipped. Numbers claimed ahead by :func:`reserve`
    are handed out first. SQLite has one writer anyway, so there the bump is part
    of the caller's transaction.
    """
    if db.engine.dialect.name != "postgresql":
        number = db.session.execute(_bump(sqlite.insert, year, 1)).scalar_one()
        return _formatted(year, number)
    pool = _pool()
    with pool.lock:
        numbers = pool.numbers.get(year)
        if numbers:
            return _formatted(year, numbers.popleft())
    return _formatted(year, _claimed(year, 1)[0])


def reserve(counts: Mapping[int, int]) -> None:
    """PostgreSQL: claim ``counts[year]`` numbers per year in one short transaction each, for
    the cases a batch is about to open, so they do not cost a transaction per case. What the
    batch does not use is handed out by later intakes of this process, or left as a gap."""
    if db.engine.dialect.name != "postgresql":
        return
    pool = _pool()
    for year, count in sorted(counts.items()):
        with pool.lock:
            missing = count - len(pool.numbers.get(year, ()))
        if missing > 0:
            claimed = _claimed(year, missing)
            with pool.lock:
                pool.numbers.setdefault(year, deque()).extend(claimed)


class _Pool:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.numbers: dict[int, deque[int]] = {}


def _pool() -> _Pool:
    # Per app (so per database); numbers claimed in a committed transaction of their own
    # are nobody else's, whatever happens to the intake that meant to use them.
    return current_app.extensions.setdefault(_POOL, _Pool())


def _claimed(year: int, count: int) -> list[int]:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        last = connection.execute(_bump(postgresql.insert, year, count)).scalar_one()
    return list(range(last - count + 1, last + 1))


def _formatted(year: int, number: int) -> str:
    return f"{year}-{number:0{WIDTH}d}"


def _bump(insert, year: int, count: int):
    table = CaseCounter.__table__
    statement = insert(table).values(year=year, last_number=count)
    return statement.on_conflict_do_update(
        index_elements=[table.c.year], set_={"last_number": table.c.last_number + count}
    ).returning(table.c.last_number)
