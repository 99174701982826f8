"""The migrations build the schema the models describe, on every database."""

from __future__ import annotations

from dataclasses import replace

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import current_app

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
