"""Finding departments: all of them by name, or one by its id or slug."""

from __future__ import annotations

from sqlalchemy import select

from inbox.extensions import db
from inbox.models import Department
from inbox.routing import MAX_ROW_ID


def departments_by_name() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.name)))


def department_with_id(department_id: int) -> Department | None:
    """The department, or ``None``; an id no row can have (from a form) is none, not an error."""
    return db.session.get(Department, department_id) if 0 < department_id <= MAX_ROW_ID else None


def department_with_slug(slug: str) -> Department | None:
    return db.session.scalar(select(Department).where(Department.slug == slug))
