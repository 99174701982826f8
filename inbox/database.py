"""Database connection settings that apply to every engine Svarfrist opens."""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    """SQLite: enforce foreign keys, let readers and the one writer overlap, wait for locks."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 15000")
    cursor.close()


def is_postgresql(engine_or_connection) -> bool:
    return engine_or_connection.dialect.name == "postgresql"
