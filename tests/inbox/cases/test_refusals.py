"""A refused look at another department's case leaves a trace an administrator can see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from inbox.clock import frozen_at, now
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import AuditEvent
from inbox.people.audit import REFUSALS_PER_HOUR
from inbox.people.users import create_api_token
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email
from tests.inbox.web_helpers import log_in


@pytest.fixture
def town(app):
    make_department("innbyggjarservice", is_frontline=True)
    case = receive(email())
    prying = make_user(make_department("byggesak"), email="ola@alver.no")
    db.session.commit()
    return {"case": case, "prying": prying}


def refusals() -> list[tuple[int | None, dict]]:
    db.session.rollback()  # see what the requests committed
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused"))
    return [(event.user_id, event.details) for event in events]


def test_a_refused_case_page_is_audited_once_per_ten_minutes(client, town):
    reference = town["case"].reference
    log_in(client, "ola@alver.no")
    # Refused the case, and shown its status line instead (issue 18, item 2).
    assert client.get(f"/cases/{reference}").headers["Location"] == f"/cases/{reference}/status"
    assert client.get(f"/cases/{reference}").status_code == 302
    expected = {"target": f"case {reference}", "refusal": "not_visible"}
    assert refusals() == [(town["prying"].id, expected)]
    with frozen_at(now() + timedelta(minutes=11)):
        assert client.get(f"/cases/{reference}").status_code == 302
    assert refusals() == [(town["prying"].id, expected)] * 2


def test_a_walk_over_references_leaves_a_trace_not_a_flood(client, town):
    log_in(client, "ola@alver.no")
    for number in range(REFUSALS_PER_HOUR + 5):
        assert client.get(f"/cases/2026-{number:06d}").status_code == 302  # to a status line
    assert len(refusals()) == REFUSALS_PER_HOUR


def test_the_api_audits_a_refused_case_too(client, town):
    token = create_api_token(town["prying"])
    db.session.commit()
    reference = town["case"].reference
    response = client.get(
        f"/api/v1/cases/{reference}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 404
    assert refusals() == [
        (town["prying"].id, {"target": f"case {reference}", "refusal": "not_visible"})
    ]
