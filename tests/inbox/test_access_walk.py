"""Every route, for every kind of user: nobody sees a case they may not see.

Routes are read from the app's URL map, so a new page is walked as soon as it
exists; a route parameter named ``reference`` is filled with every case.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from inbox.access import may_see
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake import receive
from inbox.models import Case, Role
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms
from tests.inbox.web_helpers import log_in

PUBLIC = {"auth.login", "auth.language", "auth.logout"}
ROLES = ["anonymous", "frontline", "byggesak", "byggesak_leader", "skule", "admin", "nobody"]


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True)
    byggesak = make_department("byggesak")
    skule = make_department("skule")
    with frozen_at(datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)):
        cases = [receive(email()), receive(sms()), receive(email(sender="ola@example.no"))]
    cases[2].department = byggesak
    users = {
        "frontline": make_user(frontline, email="frontline@alver.no"),
        "byggesak": make_user(byggesak, email="byggesak@alver.no"),
        "byggesak_leader": make_user(byggesak, role=Role.LEADER, email="leiar@alver.no"),
        "skule": make_user(skule, email="skule@alver.no"),
        "admin": make_user(role=Role.ADMIN, email="admin@alver.no"),
        "nobody": make_user(email="nobody@alver.no"),
    }
    db.session.commit()
    return users, cases


def urls(app, cases: list[Case]):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        if rule.arguments - {"reference"}:
            raise AssertionError(f"teach the walk how to fill {rule.rule}")
        references = [case.reference for case in cases] if rule.arguments else [None]
        for reference in references:
            path = rule.rule.replace("<reference>", reference) if reference else rule.rule
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, path


@pytest.mark.parametrize("role", ROLES)
def test_no_route_shows_a_case_the_user_may_not_see(app, client, town, role):
    users, cases = town
    user = users.get(role)
    if user is not None:
        assert log_in(client, user.email).status_code == 302
    hidden = [case.reference for case in cases if user is None or not may_see(user, case)]
    walked = 0
    for endpoint, method, path in urls(app, cases):
        response = client.open(path, method=method)
        walked += 1
        assert response.status_code < 500, (method, path)
        body = response.get_data(as_text=True)
        for reference in hidden:
            assert reference not in body, (role, method, path, reference)
        if user is None and endpoint not in PUBLIC:
            assert response.status_code in (302, 401), (method, path)
            assert "/login" in response.headers.get("Location", "/login")
    assert walked >= 4


def test_visibility_rules_for_each_role(town):
    users, (first, second, moved) = town
    assert may_see(users["frontline"], first) and may_see(users["frontline"], moved)
    assert not may_see(users["byggesak"], first) and may_see(users["byggesak"], moved)
    assert may_see(users["byggesak_leader"], moved)
    assert not any(may_see(users["skule"], case) for case in (first, second, moved))
    assert all(may_see(users["admin"], case) for case in (first, second, moved))
    assert not any(may_see(users["nobody"], case) for case in (first, second, moved))
