"""The inbox page: the user's open cases, soonest due first, nothing from elsewhere."""

from __future__ import annotations

from datetime import datetime

import pytest

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import CaseStatus, Handover, HandoverStatus, Role
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms
from tests.inbox.web_helpers import log_in

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)


@pytest.fixture
def town(app):
    """Frontline with three cases, one handed over to byggesak, one closed."""
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    with frozen_at(NOW):
        old_email = receive(email(received_at=datetime(2026, 11, 16, 10, 0, tzinfo=OSLO)))
        fresh_sms = receive(sms(received_at=datetime(2026, 11, 25, 9, 0, tzinfo=OSLO)))
        moved = receive(email(sender="ola@example.no", subject="Garasje utan løyve"))
        closed = receive(email(sender="per@example.no", subject="Lukka sak"))
    closed.status = CaseStatus.CLOSED
    moved.department = byggesak
    db.session.add(
        Handover(
            case=moved,
            from_department=frontline,
            to_department=byggesak,
            note="Byggesak",
            status=HandoverStatus.ACCEPTED,
            proposed_at=NOW,
            accept_by=NOW,
        )
    )
    users = {
        "frontline": make_user(frontline, email="front@alver.no"),
        "byggesak": make_user(byggesak, email="bygg@alver.no"),
        "admin": make_user(role=Role.ADMIN, email="admin@alver.no"),
    }
    db.session.commit()
    return {"old": old_email, "sms": fresh_sms, "moved": moved, "closed": closed, **users}


def page_for(client, email_address: str) -> str:
    log_in(client, email_address)
    with frozen_at(NOW):
        response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_frontline_sees_its_open_cases_soonest_due_first(client, town):
    page = page_for(client, "front@alver.no")
    old, fresh = town["old"].reference, town["sms"].reference
    assert page.index(old) < page.index(fresh)
    assert town["moved"].reference not in page  # handed over to byggesak
    assert town["closed"].reference not in page
    assert "2 arbeidsdagar over fristen" in page  # the old e-mail was due 23 November
    assert 'alt="SMS"' in page and 'alt="e-post"' in page  # channel icons with text


def test_department_staff_see_only_their_department(client, town):
    page = page_for(client, "bygg@alver.no")
    assert town["moved"].reference in page
    assert town["old"].reference not in page and town["sms"].reference not in page


def test_admin_sees_every_open_case(client, town):
    page = page_for(client, "admin@alver.no")
    for key in ("old", "sms", "moved"):
        assert town[key].reference in page


def test_the_list_is_a_table_with_caption_and_headers(client, town):
    page = page_for(client, "front@alver.no")
    assert "<caption>2 saker på denne sida" in page
    assert '<th scope="col">Frist</th>' in page
    assert 'href="#main"' in page


def test_filters_show_their_counts_and_narrow_the_list(client, town):
    log_in(client, "front@alver.no")
    with frozen_at(NOW):
        page = client.get("/").get_data(as_text=True)
        overdue = client.get("/?due=overdue").get_data(as_text=True)
    assert 'Over fristen <span class="count">(1)</span>' in page
    assert 'SMS <span class="count">(1)</span>' in page
    assert town["old"].reference in overdue and town["sms"].reference not in overdue
    assert 'aria-current="true">Over fristen' in overdue


def test_an_unknown_filter_value_is_a_clear_400(client, town):
    log_in(client, "front@alver.no")
    response = client.get("/?due=someday")
    assert response.status_code == 400
    assert (
        '<p class="flash flash-error" role="status">due must be one of today, overdue, '
        "got &#39;someday&#39;</p>"
    ) in response.get_data(as_text=True)


def test_search_narrows_the_list(client, town):
    log_in(client, "front@alver.no")
    with frozen_at(NOW):
        found = client.get("/?q=brøytt").get_data(as_text=True)
    assert town["sms"].reference in found and town["old"].reference not in found
    assert 'value="brøytt"' in found
