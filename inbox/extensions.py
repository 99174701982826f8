"""Flask extensions, created here and initialised once in :func:`inbox.app.create_app`."""

from __future__ import annotations

from pathlib import Path

from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from inbox.columns import include_in_migrations, render_migration_item

# Stable constraint names, so migrations can alter and drop them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def init_migrations(app) -> None:
    """Flask-Migrate for ``svarfrist db``; imported here, as it brings Alembic, which the
    lean commands (:data:`inbox.commands.LEAN_COMMANDS`) do without."""
    from flask_migrate import Migrate

    Migrate(
        app,
        db,
        directory=str(MIGRATIONS_DIR),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
        include_name=include_in_migrations,
    )
