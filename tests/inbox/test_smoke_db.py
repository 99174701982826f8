import sqlite3

import pytest
from psycopg import RawCursor
from sqlalchemy import event, select, text

from inbox.database import begin_write
from inbox.extensions import db
from inbox.models import User
from inbox.people.users import authenticate
from tests.factories import PASSWORD, make_department, make_user


def test_user_round_trip_and_password_check(app):
    frontline = make_department("innbyggjarservice", is_frontline=True)
    user = make_user(frontline, email="Kari@Alver.kommune.no")
    db.session.commit()
    assert db.session.scalar(select(User.email)) == "kari@alver.kommune.no"
    assert authenticate("KARI@alver.kommune.no", PASSWORD) == user
    assert authenticate("kari@alver.kommune.no", "wrong password") is None
    assert user.created_at.tzinfo is not None


def test_the_apps_sqlite_engine_enforces_foreign_keys_and_a_writer_holds_the_lock_from_begin(
    app,
):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's connection settings; PostgreSQL needs none")
    connection = db.session.connection()
    settings = {
        name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
        for name in ("foreign_keys", "journal_mode", "busy_timeout")
    }
    assert settings == {"foreign_keys": 1, "journal_mode": "wal", "busy_timeout": 15000}
    db.session.rollback()

    begin_write()
    other = sqlite3.connect(db.engine.url.database, timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        db.session.rollback()


def test_percent_signs_and_placeholder_lookalikes_are_taken_as_written(app):
    """PostgreSQL gets each statement with its own ``$1`` placeholders through a raw cursor
    (psycopg does not parse it for ``%(name)s``): neither a value nor a statement's text with
    ``%`` or ``$`` in it is read as a placeholder."""
    written = "Rabatt 50 %: %s, %(namn)s og $1 er ikkje parametrar"
    frontline = make_department("innbyggjarservice", is_frontline=True)
    make_user(frontline, email="kari@alver.kommune.no", name=written)
    db.session.commit()
    sent: list[str] = []

    def seen(_connection, _cursor, statement, *_rest) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert db.session.scalar(select(User.name).where(User.name == written)) == written
        assert db.session.scalar(text("SELECT '100 %' || :tail"), {"tail": " %s"}) == "100 % %s"
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    if db.engine.dialect.name == "postgresql":
        assert "users.name = $1" in sent[0]
        assert isinstance(db.session.connection().connection.driver_connection.cursor(), RawCursor)
