"""The database session's transactions, and the settings every engine of the app gets.

:func:`configure` is called by the app factory for the app's own engines; an engine made
elsewhere (a benchmark's, a test's admin connection) is left as SQLAlchemy makes it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url

from inbox.extensions import db

SQLITE_BEGIN = "svarfrist_sqlite_begin"


def engine_options(url: str) -> dict[str, Any]:
    """The options the app's engine is made with.

    Errors never carry a statement's values (message texts, addresses) into the logs. On
    PostgreSQL, statements go to psycopg with PostgreSQL's own ``$1`` placeholders and a
    raw cursor, which sends them as they are: with SQLAlchemy's default ``%(name)s`` style,
    psycopg parses every statement for its placeholders, and for an intake batch's multi-row
    INSERTs (thousands of values each, too long for psycopg's cache) that parsing took a
    seventh of a poll's time.
    """
    options: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    if make_url(url).drivername == "postgresql+psycopg":
        from psycopg import RawCursor

        options.update(paramstyle="numeric_dollar", connect_args={"cursor_factory": RawCursor})
    return options


def configure(engine: Engine) -> None:
    """Give ``engine`` Svarfrist's connection settings (SQLite only; PostgreSQL needs none)."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)


def _configure_sqlite(dbapi_connection: sqlite3.Connection, _record) -> None:
    """SQLite: enforce foreign keys, let readers and the one writer overlap, wait for locks.

    The driver's own transaction handling is switched off (``isolation_level =
    None``) and SQLAlchemy emits ``BEGIN`` itself (below); otherwise SAVEPOINTs
    outside a transaction commit on release, and a rolled-back intake would
    leave its case behind.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 15000")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def begin_write() -> None:
    """Start the session's next transaction as a writer.

    SQLite: a transaction that reads and then writes must hold the write lock
    from its start (``BEGIN IMMEDIATE``), or another process's commit in
    between makes its write fail at once with "database is locked" instead of
    waiting. PostgreSQL needs nothing.
    """
    db.session.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})


@contextmanager
def connection_for_many_commits() -> Iterator[Connection]:
    """A connection of its own for a loop of short writes (``with connection.begin():``
    each), not one taken from the pool and pinged per transaction.

    SQLite: each begins as a writer (``BEGIN IMMEDIATE``, see :func:`begin_write`) and
    keeps its full commit. PostgreSQL: every statement is its own transaction (autocommit),
    with no BEGIN and COMMIT round trips around it, so a write must be one statement; and
    the commits do not wait for the disk (``synchronous_commit = off`` while the connection
    is held): only for records whose loss is safe to repeat. A crash of this process loses
    nothing the server has acknowledged; a crash of the server itself may lose the last
    fraction of a second of them (``wal_writer_delay``), which is then done again.
    """
    with db.engine.connect() as connection:
        if connection.dialect.name != "postgresql":
            yield connection.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
            return
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("SET synchronous_commit = off")
        connection.commit()  # SQLAlchemy's own begun transaction; nothing to send
        try:
            yield connection
        finally:
            if not connection.invalidated:
                # back in the pool, the connection commits as every other does
                connection.exec_driver_sql("RESET synchronous_commit")
                connection.commit()


def insert_or_merge(model):
    """An INSERT for ``model`` that can say ``ON CONFLICT`` (both databases have it, each in
    its own SQLAlchemy dialect)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def commit_and_begin_write() -> None:
    """End the unit of work so far (commit) and start the next one as a writer.

    For the places that own a unit of work: a request's view, a job's batch, a
    command. Services flush and never commit, so a caller can always undo them.
    """
    db.session.commit()
    begin_write()


_FLUSH_DEFERRED = "svarfrist.flush_deferred"


@contextmanager
def deferred_flushes() -> Iterator[None]:
    """Inside the block, the services' own :func:`flush` calls wait, and what they add is
    written when the block ends, or at the caller's explicit ``db.session.flush()``: one
    multi-row INSERT per table for a batch instead of statements per object. Rows added in
    the block have no id until then (queries still autoflush, so they see them)."""
    session = db.session()
    session.info[_FLUSH_DEFERRED] = True
    try:
        yield
    finally:
        session.info.pop(_FLUSH_DEFERRED, None)


def flush() -> None:
    """``db.session.flush()``, except inside :func:`deferred_flushes`."""
    if not db.session().info.get(_FLUSH_DEFERRED):
        db.session.flush()
