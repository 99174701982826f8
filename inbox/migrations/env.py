"""Alembic environment: runs migrations on the app's engine (Flask-Migrate)."""

import logging
from contextlib import contextmanager

from alembic import context
from flask import current_app

logger = logging.getLogger("alembic.env")
migrate = current_app.extensions["migrate"]
config = context.config
config.set_main_option(
    "sqlalchemy.url", migrate.db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def skip_empty_autogenerate(_context, _revision, directives) -> None:
    """`svarfrist db migrate` writes no file when the models did not change."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=migrate.db.metadata,
        literal_binds=True,
        **migrate.configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()


@contextmanager
def sqlite_foreign_keys_checked_at_the_end(connection):
    """SQLite: foreign keys off while migrating, and checked once all migrations ran.

    A column change on SQLite rebuilds the table (``batch_alter_table``: copy, drop, rename),
    and with foreign keys enforced the drop deletes or nulls every row referring to the old
    table (``ON DELETE CASCADE`` / ``SET NULL``): rebuilding ``users`` would take every
    membership, API token and audit author with it. SQLite ignores the pragma inside a
    transaction, so it is set on the driver's connection before any transaction begins.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    driver_connection = connection.connection.dbapi_connection
    driver_connection.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
        broken = driver_connection.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migrations left rows with broken foreign keys: {broken[:10]}")
    finally:
        driver_connection.execute("PRAGMA foreign_keys = ON")


def run_online() -> None:
    arguments = {"process_revision_directives": skip_empty_autogenerate, **migrate.configure_args}
    with (
        migrate.db.engine.connect() as connection,
        sqlite_foreign_keys_checked_at_the_end(connection),
    ):
        context.configure(connection=connection, target_metadata=migrate.db.metadata, **arguments)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
