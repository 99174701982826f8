"""Small factories: each test makes the data it needs."""

from __future__ import annotations

import itertools

from inbox.extensions import db
from inbox.models import Department, Role, User
from inbox.people.users import create_user

_serial = itertools.count(1)
PASSWORD = "correct horse battery"


def make_department(
    slug: str | None = None, *, is_frontline: bool = False, name: str | None = None
) -> Department:
    slug = slug or f"dept{next(_serial)}"
    department = Department(slug=slug, name=name or slug.title(), is_frontline=is_frontline)
    db.session.add(department)
    db.session.flush()
    return department


def make_user(
    *departments: Department,
    role: Role = Role.STAFF,
    email: str | None = None,
    name: str = "Test Person",
    language: str = "nn",
) -> User:
    return create_user(
        email=email or f"user{next(_serial)}@example.no",
        name=name,
        password=PASSWORD,
        role=role,
        departments=departments,
        language=language,
    )
