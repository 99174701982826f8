"""Database connection settings that apply to every engine Svarfrist opens."""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    """SQLite: enforce foreign keys, let readers and the one writer overlap, wait for locks.

    The driver's own transaction handling is switched off (``isolation_level =
    None``) and SQLAlchemy emits ``BEGIN`` itself (below); otherwise SAVEPOINTs
    outside a transaction commit on release, and a rolled-back intake would
    leave its case behind.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 15000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
