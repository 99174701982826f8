"""`/admin/departments`: an administrator lists, adds and changes departments."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inbox.extensions import db
from inbox.models import AuditEvent, Department, Role
from tests.factories import make_department, make_user
from tests.inbox.web_helpers import csrf_token, log_in


@pytest.fixture
def admin(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    make_user(frontline, email="kari@alver.no", name="Kari Haugland")
    user = make_user(email="admin@alver.no", role=Role.ADMIN)
    db.session.commit()
    return user


def test_smoke(client, admin):
    log_in(client, "admin@alver.no")
    page = client.get("/admin/departments")
    print(page.get_data(as_text=True))
    page = client.get("/admin/departments/new")
    print(page.get_data(as_text=True))
    department = db.session.scalar(select(Department))
    page = client.get(f"/admin/departments/{department.id}")
    print(page.get_data(as_text=True))
    assert 0
