import sqlite3

import pytest
from sqlalchemy import select

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
