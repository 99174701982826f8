"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, stored in UTC on every database.

    SQLite has no time zone type and hands back naive values; this type
    refuses naive input and always returns aware UTC datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be stored; add a zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_column(enum: type[StrEnum]) -> Enum:
    """A StrEnum stored by value as a short string (no database enum type to migrate)."""
    return Enum(
        enum,
        native_enum=False,
        length=max(len(member.value) for member in enum),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def render_migration_item(type_: str, obj, autogen_context):
    """Write our column types into migrations as plain SQLAlchemy types.

    Migrations must not import application code, which changes over time.
    """
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# Full-text search structures made by hand in a migration (FTS5 table and its
# shadow tables, a GIN index): not in the models, so autogenerate and
# the drift test leave them alone.
SEARCH_OBJECTS = ("messages_fts", "ix_cases_search")


def include_in_migrations(name: str | None, type_: str, _parent_names) -> bool:
    return not (name and name.startswith(SEARCH_OBJECTS))
