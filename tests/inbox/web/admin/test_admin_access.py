"""The administration pages are for admins: others are refused, anonymous users sent to log in."""

from __future__ import annotations

import pytest

from inbox.extensions import db
from inbox.models import Role
from tests.factories import make_department, make_user
from tests.inbox.web_helpers import log_in


@pytest.fixture
def people(app):
    department = make_department("innbyggjarservice", is_frontline=True)
    make_user(department, email="kari@alver.no")
    make_user(department, email="leiar@alver.no", role=Role.LEADER)
    make_user(email="admin@alver.no", role=Role.ADMIN)
    db.session.commit()


def test_an_anonymous_visitor_is_sent_to_log_in(client, people):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("email", ["kari@alver.no", "leiar@alver.no"])
def test_staff_and_leaders_are_refused(client, people, email):
    log_in(client, email)
    assert client.get("/admin/").status_code == 403


def test_an_admin_sees_the_administration_and_the_header_links_to_it(client, people):
    log_in(client, "admin@alver.no")
    page = client.get("/admin/").get_data(as_text=True)
    assert "<h1>Administrasjon</h1>" in page
    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)
