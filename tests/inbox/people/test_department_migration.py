"""The departments' migration on a database that already holds departments and cases."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from inbox.app import create_app
from inbox.extensions import db
from inbox.settings.config import load_settings
from tests.conftest import DATABASES, POSTGRES_ENV

BEFORE = "b5e9f3a7c1d4"  # the schema before names in nb and en, is_active and is_leader_only


@pytest.fixture(params=DATABASES)
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    server = sa.make_url(os.environ[POSTGRES_ENV])
    name = f"svarfrist_migration_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_departments_with_cases_keep_working_up_and_down(empty_database):
    app = create_app(replace(load_settings(None), database_url=empty_database), SECRET_KEY="t")
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO departments (id, slug, name, is_frontline) VALUES (1, 'a', 'A', true)",
                "INSERT INTO contacts (id, language, created_at) VALUES (1, 'nn', '2026-03-01')",
                "INSERT INTO cases (id, reference, channel, subject, status, department_id,"
                " contact_id, language, is_unreadable, created_at, last_message_at)"
                " VALUES (1, '2026-1', 'email', '', 'open', 1, 1, 'nn', false,"
                " '2026-03-01 10:00:00', '2026-03-01 10:00:00')",
            ):
                connection.execute(sa.text(statement))
        upgrade()
        with db.engine.connect() as connection:
            row = connection.execute(
                sa.text("SELECT name_nb, name_en, is_active, is_leader_only FROM departments")
            ).one()
        assert tuple(row) == (None, None, True, False)
        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM cases")).scalar() == 1
        db.engine.dispose()
