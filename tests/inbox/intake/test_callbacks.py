"""Callback requests: the public page in three languages, the API, limits, and staff's calls."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.callbacks import (
    CallbackError,
    CallbackRequest,
    Outcome,
    record_attempt,
    request_callback,
)
from inbox.models import Case, Department, Direction, Message, OutboxMessage, Role
from inbox.people.users import create_api_token
from tests.factories import make_user
from tests.inbox.intake_helpers import OSLO, in_country
from tests.inbox.web_helpers import csrf_token, log_in

TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)


@pytest.fixture
def town(app):
    service = Department(slug="service", name="Innbyggjarservice", is_frontline=True)
    byggesak = Department(slug="byggesak", name="Byggesak")
    db.session.add_all([service, byggesak])
    db.session.commit()
    return service


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def send_form(client, path, **values):
    form = {
        "name": "Kari Sæle",
        "phone": "912 34 567",
        "about": "Eg har spørsmål om eigedomsskatten.",
        "department": "",
        "preferred_time": "morning",
        "sms_consent": "y",
        "csrf_token": csrf_token(client, path),
        **values,
    }
    return client.post(path, data=form)


@pytest.mark.parametrize(
    ("path", "heading", "receipt"),
    [
        ("/ring-meg", "Be oss ringje deg", "Vi ringjer deg helst innan tysdag 24. november 2026"),
        ("/nb/ring-meg", "Be oss ringe deg", "Vi ringer deg helst innen tirsdag 24. november 2026"),
        (
            "/en/call-me",
            "Ask us to call you",
            "We will call you preferably by Tuesday, 24 November",
        ),
    ],
)
def test_the_page_in_each_language_takes_a_request_and_shows_when_we_call(
    client, town, path, heading, receipt
):
    page = client.get(path)
    assert page.status_code == 200 and heading in page.get_data(as_text=True)
    with frozen_at(TUESDAY_MORNING):
        sent = send_form(client, path)
        assert sent.status_code == 303
        shown = client.get(sent.headers["Location"]).get_data(as_text=True)
    case = db.session.scalars(select(Case)).one()
    assert case.channel == "callback" and case.contact.address("phone") == "+4791234567"
    assert case.reference in shown and receipt in shown
    # Before the 14:00 cutoff: preferably today's close, at the latest tomorrow's.
    assert "25. november 2026" in shown or "25 November 2026" in shown
    row = db.session.scalars(select(OutboxMessage)).one()  # the SMS confirmation
    assert row.channel == "sms" and row.recipient == "+4791234567"
    assert case.reference in row.payload["text"]


def test_errors_are_shown_beside_their_fields_and_nothing_is_stored(client, town):
    response = send_form(client, "/ring-meg", phone="12", about="")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="phone-error">Skriv eit telefonnummer', body)
    assert 'aria-invalid="true"' in body and 'aria-describedby="phone-hint phone-error"' in body
    assert count(Case) == 0


def test_without_consent_no_sms_is_sent(client, town):
    send_form(client, "/ring-meg", sms_consent="")
    assert count(Case) == 1 and count(OutboxMessage) == 0


def test_the_honeypot_takes_nothing_in(client, town):
    response = send_form(client, "/ring-meg", website="http://spam.example")
    assert response.status_code == 302 and count(Case) == 0


def test_a_missing_csrf_token_is_refused(client, town):
    response = client.post("/ring-meg", data={"name": "Kari", "phone": "91234567"})
    assert response.status_code == 400 and count(Case) == 0


def test_requests_are_limited_per_number(client, town):
    statuses = [send_form(client, "/ring-meg", about=f"Spørsmål {n}").status_code for n in range(4)]
    assert statuses == [303, 303, 303, 429]
    assert count(Case) == 3  # the fourth was refused


def test_the_api_takes_a_request_from_the_phone_system_once(app, client, town):
    admin = make_user(role=Role.ADMIN)
    token = create_api_token(admin)
    db.session.commit()
    body = {
        "name": "Ola Nordmann",
        "phone": "+47 412 34 567",
        "about": "Ringde sentralbordet om byggesak.",
        "request_id": "queue-4711",
        "sms_consent": False,
    }
    headers = {"Authorization": f"Bearer {token}"}
    with frozen_at(TUESDAY_MORNING):
        first = client.post("/api/v1/callbacks", json=body, headers=headers)
        again = client.post("/api/v1/callbacks", json=body, headers=headers)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["reference"] == again.get_json()["reference"]
    assert first.get_json()["due_at"] == "2026-11-25T14:00:00+00:00"  # 15:00 in Oslo
    assert count(Case) == 1


def test_the_api_names_a_bad_field(app, client, town):
    admin = make_user(role=Role.ADMIN)
    token = create_api_token(admin)
    db.session.commit()
    response = client.post(
        "/api/v1/callbacks",
        json={"name": "Ola", "phone": "abc", "about": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert response.get_json()["detail"].startswith("phone: ")


def test_the_number_is_read_as_one_of_the_configured_country(app, town):
    swedish = CallbackRequest("Karin", "070-123 45 67", "Om skatten")
    with pytest.raises(CallbackError) as refused:
        request_callback(swedish, source="web")  # eleven digits are no Norwegian number
    assert refused.value.field == "phone"
    in_country(app, "SE")
    with frozen_at(TUESDAY_MORNING):
        case = request_callback(swedish, source="web")
    assert case.contact.address("phone") == "+46701234567"


def test_staff_record_calls_reached_ends_the_turn(app, town):
    with frozen_at(TUESDAY_MORNING):
        case = request_callback(
            CallbackRequest("Kari", "91234567", "Om skatt", sms_consent=True), source="web"
        )
    staff = make_user(town)
    record_attempt(case, staff, Outcome.NOT_REACHED, tell_by_sms=True)
    assert case.turns[0].answered_at is None
    sms = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[-1]
    assert sms.channel == "sms" and "prøvde å ringje deg" in sms.payload["text"]
    record_attempt(case, staff, Outcome.REACHED, "Svarte på spørsmålet om skatt.")
    db.session.commit()
    assert case.turns[0].answered_at is not None
    notes = [m.text for m in case.messages if m.direction == Direction.NOTE]
    assert notes == ["Ringde innbyggjaren: ingen svarte."]


def test_the_case_page_offers_a_phone_link_and_the_attempt_form(client, town):
    with frozen_at(TUESDAY_MORNING):
        case = request_callback(CallbackRequest("Kari", "91234567", "Om skatt"), source="web")
    staff = make_user(town)
    db.session.commit()
    log_in(client, staff.email)
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'href="tel:+4791234567"' in page
    response = client.post(
        f"/cases/{case.reference}/callback-attempt",
        data={
            "outcome": "wrong-number",
            "note": "Nummeret tilhøyrer ein annan.",
            "csrf_token": csrf_token(client, f"/cases/{case.reference}"),
        },
    )
    assert response.status_code == 302
    db.session.rollback()
    note = db.session.scalars(select(Message).where(Message.direction == Direction.NOTE)).one()
    assert note.text.startswith("Ringde innbyggjaren: feil nummer.")
