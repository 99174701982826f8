"""Alembic environment: runs migrations on the app's engine (Flask-Migrate)."""

import logging

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


def run_online() -> None:
    arguments = {"process_revision_directives": skip_empty_autogenerate, **migrate.configure_args}
    with migrate.db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=migrate.db.metadata, **arguments)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
