"""The migrations build the schema the models describe, on every database."""

from __future__ import annotations

from dataclasses import replace

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from inbox.app import create_app
from inbox.extensions import db
from inbox.settings.config import load_settings


def test_models_and_migrations_do_not_drift(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts=current_app.extensions["migrate"].configure_args
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_db_upgrade_command_migrates_an_empty_database_to_head(tmp_path):
    """`svarfrist db upgrade` (PostgreSQL is migrated the same way by the test fixtures)."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    settings = replace(load_settings(None), database_url=url)
    fresh = create_app(settings, SECRET_KEY="test")
    result = fresh.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with fresh.app_context():
        tables = set(db.inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_users_lose_nothing_when_their_table_is_rebuilt(app, database_url):
    """The migration that lets a password be missing rebuilds ``users`` on SQLite; a rebuild
    with foreign keys enforced would cascade: memberships, tokens and authorship gone."""
    before = "b5e9f3a7c1d4"
    downgrade(revision=before)
    try:
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO departments (id, slug, name, is_frontline)"
                    " VALUES (1, 'skule', 'Skule', false)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, role, language,"
                    " is_enabled, created_at) VALUES (1, 'kari@alver.no', 'Kari', 'h', 'staff',"
                    " 'nn', true, :at)"
                ),
                {"at": "2026-11-30 10:00:00"},
            )
            connection.execute(text("UPDATE departments SET leader_id = 1"))
            connection.execute(text("INSERT INTO department_members VALUES (1, 1)"))
            connection.execute(
                text(
                    "INSERT INTO api_tokens (user_id, token_hash, created_at)"
                    " VALUES (1, 'abc', :at)"
                ),
                {"at": "2026-11-30 10:00:00"},
            )
            connection.execute(
                text(
                    "INSERT INTO audit_events (at, user_id, action, details)"
                    " VALUES (:at, 1, 'user.login', '{}')"
                ),
                {"at": "2026-11-30 10:00:00"},
            )
    finally:
        upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM department_members")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM api_tokens")).scalar() == 1
        assert connection.execute(text("SELECT user_id FROM audit_events")).scalar() == 1
        assert connection.execute(text("SELECT leader_id FROM departments")).scalar() == 1
        assert connection.execute(text("SELECT session_version FROM users")).scalar() == 0
