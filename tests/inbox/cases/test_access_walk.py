"""Every route, for every kind of user: nobody sees a case they may not see.

Routes are read from the app's URL map, so a new page is walked as soon as it
exists; a route parameter named ``reference`` is filled with every case.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from channels.base import InboundAttachment
from inbox.cases.access import may_see
from inbox.cases.answer_ways import AnswerWay, Route
from inbox.cases.replies import reply
from inbox.cases.status_links import PATHS as STATUS_PATHS
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import AuditEvent, Case, Role
from inbox.people.users import create_api_token
from inbox.web.callback_page import PATHS
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms
from tests.inbox.web_helpers import csrf_token, log_in

# The citizen's "Ring meg opp" page in each language, and its receipt, need no login (Sámi's
# answer 404 unless [municipality] citizen_languages offers it).
CALLBACK_PAGES = {f"callback.{page}_{lang}" for page in ("page", "receipt") for lang in PATHS}
# The citizen's status page: its token is the key (tests/inbox/cases/test_status_page.py).
STATUS_PAGES = {f"status_page.page_{lang}" for lang in STATUS_PATHS}
PUBLIC = {
    "auth.login",
    "auth.break_glass",
    "auth.language",
    "auth.logout",
    "health.healthz",
    # Signing in through the identity provider (registered only when [auth.oidc] is set).
    "oidc.login",
    "oidc.callback",
    *CALLBACK_PAGES,
    *STATUS_PAGES,
}
SESSION_ENDPOINTS = {"auth.login", "auth.logout"}
# Authenticated by the provider's signature, not a session: unsigned requests get 403.
SIGNED = {
    "webhooks.twilio_sms",
    "webhooks.twilio_status",
    "webhooks.meta_subscription",
    "webhooks.meta_events",
}
# Its own bearer token or loopback-only setting, not a session; unconfigured it answers 404.
METRICS = "metrics.metrics"
REFERENCE_ARGUMENT = re.compile(r"<(?:\w+:)?reference>")
#: What anyone logged in may have of any case by its reference.
STATUS_LINES = {"case.status_of"}
ROLES = ["anonymous", "frontline", "byggesak", "byggesak_leader", "skule", "admin", "nobody"]


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True)
    byggesak = make_department("byggesak")
    skule = make_department("skule")
    with frozen_at(datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)):
        attachment = InboundAttachment("kart.pdf", "application/pdf", b"%PDF-1.4 kart")
        cases = [
            receive(email(attachments=(attachment,))),
            receive(sms()),
            receive(email(sender="ola@example.no", attachments=(attachment,))),
        ]
    cases[2].department = byggesak
    users = {
        "frontline": make_user(frontline, email="frontline@alver.no"),
        "byggesak": make_user(byggesak, email="byggesak@alver.no"),
        "byggesak_leader": make_user(byggesak, role=Role.LEADER, email="leiar@alver.no"),
        "skule": make_user(skule, email="skule@alver.no"),
        "admin": make_user(role=Role.ADMIN, email="admin@alver.no"),
        "nobody": make_user(email="nobody@alver.no"),
    }
    for case in (cases[0], cases[2]):  # a letter to print on a case each side of the line
        reply(case, users["admin"], "Svar i brev.", way=AnswerWay(Route.LETTER))
    db.session.commit()
    return users, cases


def urls(app, cases: list[Case]):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for path in _fill(rule, cases):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, path


def _fill(rule, cases: list[Case]) -> list[str]:
    if not rule.arguments:
        return [rule.rule]
    if rule.arguments == {"reference"}:
        return [REFERENCE_ARGUMENT.sub(case.reference, rule.rule) for case in cases]
    if rule.arguments == {"reference", "message_id"}:
        # Each case's letters are asked for through every case (another case's is 404).
        return [
            REFERENCE_ARGUMENT.sub(case.reference, rule.rule).replace(
                "<id:message_id>", str(message.id)
            )
            for case in cases
            for message in cases[0].messages + cases[-1].messages
        ]
    if rule.arguments == {"reference", "identity_id"}:
        # Each citizen's addresses through every case (another citizen's is 404).
        return [
            REFERENCE_ARGUMENT.sub(case.reference, rule.rule).replace(
                "<id:identity_id>", str(identity.id)
            )
            for case in cases
            for other in cases
            for identity in other.contact.identities
        ]
    if rule.arguments == {"attachment_id"}:
        ids = [a.id for case in cases for m in case.messages for a in m.attachments]
        assert ids, "the walk needs attachments"
        return [rule.rule.replace("<id:attachment_id>", str(i)) for i in ids]
    if rule.arguments == {"token"}:
        # The walk knows no citizen's token: a guessed one shows no case to anybody.
        return [rule.rule.replace("<token>", "A" * 32)]
    if rule.arguments == {"name"}:
        return [rule.rule.replace("<any(months, kept):name>", "months")]
    if "handover_id" in rule.arguments:
        # No handover exists in this town: deciding on one nobody offered is 404 for everyone
        # (test_handovers covers the real decisions and who may take them).
        path = rule.rule.replace("<id:handover_id>", "999999")
        return [path.replace("<any(accept, decline, withdraw):action>", "accept")]
    if rule.arguments == {"view_id"}:
        # Saved views belong to one user; nobody has one here, so deleting view 1 is 404.
        return [rule.rule.replace("<id:view_id>", "1")]
    if rule.rule.startswith("/admin/"):
        # Departments, users, tokens and templates: no case is shown there (admins only).
        path = re.sub(r"<id:\w+>", "1", rule.rule)
        return [re.sub(r"<any\((\w+)[^>]*>", r"\1", path)]
    raise AssertionError(f"teach the walk how to fill {rule.rule}")


@pytest.mark.parametrize("role", ROLES)
def test_no_route_shows_a_case_the_user_may_not_see(app, client, town, role):
    users, cases = town
    user = users.get(role)
    tokens = {name: create_api_token(person) for name, person in users.items()}
    db.session.commit()
    if user is not None:
        assert log_in(client, user.email).status_code == 302
    hidden = [case.reference for case in cases if user is None or not may_see(user, case)]
    token = csrf_token(client, "/login" if user is None else "/")
    walked = 0
    for endpoint, method, path in urls(app, cases):
        if endpoint in SESSION_ENDPOINTS and method == "POST":
            continue  # logging in or out mid-walk would change who is walking
        if endpoint.startswith("api."):
            bearer = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
            response = client.open(path, method=method, json={"text": "x"}, headers=bearer)
        else:
            response = client.open(path, method=method, data={"csrf_token": token})
        walked += 1
        if endpoint == "health.healthz":
            # 503 is its answer without a worker; it shows no case either way.
            assert response.status_code in (200, 503), (method, path)
        else:
            assert response.status_code < 500, (method, path)
        if response.status_code >= 300 and response.status_code < 400:
            location = response.headers["Location"].split("?")[0]
            if user is not None and endpoint == "case.show" and location == f"{path}/status":
                continue  # a case one may not open: its status line, checked below
            assert not any(ref in location for ref in hidden)
            continue  # a redirect only echoes the address that was asked for
        body = response.get_data().decode("utf-8", "replace")  # a letter is a PDF
        for case in cases:
            reference = case.reference
            if reference not in hidden:
                continue
            if reference in path and endpoint in STATUS_LINES and user is not None:
                # Anyone may have a case's status line by its reference, never its content.
                assert response.status_code == 200, (role, method, path)
                said = [m.text for m in case.messages] + [case.subject, case.contact.name]
                assert not any(text and text in body for text in said), (role, path)
            elif reference in path:  # asked for by name: refused, same answer as a typo
                assert response.status_code in (401, 404), (role, method, path)
            else:
                assert reference not in body, (role, method, path, reference)
        if endpoint in SIGNED:
            assert response.status_code == 403, (role, method, path)
        elif endpoint == METRICS:
            assert response.status_code == 404, (role, method, path)
        elif user is None and endpoint not in PUBLIC and endpoint != "api.openapi":
            assert response.status_code in (302, 401), (method, path)
            assert "/login" in response.headers.get("Location", "/login")
    assert walked >= 10
    if user is not None:
        hidden_ids = [case.id for case in cases if case.reference in hidden]
        db.session.rollback()  # end the read snapshot: see what the requests committed
        touched = select(AuditEvent.action).where(
            AuditEvent.user_id == user.id, AuditEvent.case_id.in_(hidden_ids)
        )
        assert db.session.scalars(touched).all() == [], "a hidden case was read or changed"


def test_visibility_rules_for_each_role(town):
    users, (first, second, moved) = town
    assert may_see(users["frontline"], first) and may_see(users["frontline"], moved)
    assert not may_see(users["byggesak"], first) and may_see(users["byggesak"], moved)
    assert may_see(users["byggesak_leader"], moved)
    assert not any(may_see(users["skule"], case) for case in (first, second, moved))
    assert all(may_see(users["admin"], case) for case in (first, second, moved))
    assert not any(may_see(users["nobody"], case) for case in (first, second, moved))
