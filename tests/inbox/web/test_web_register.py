"""Registering letters, phone calls and visits by hand."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.models import Case, ContactIdentity, OutboxMessage
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO
from tests.inbox.web_helpers import csrf_token, log_in

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def byggesak(app):
    make_department("innbyggjarservice", is_frontline=True)
    department = make_department("byggesak", name="Byggesak")
    make_user(department, email="eirik@alver.no")
    db.session.commit()
    return department


def submit(client, **fields):
    data = {
        "csrf_token": csrf_token(client, "/cases/new"),
        "channel": "letter",
        "received": "2026-11-23T09:30",
        "name": "Olav Brekke",
        "phone": "915 55 123",
        "email": "olav@example.com",
        "subject": "Nabovarsel",
        "text": "Brev om nabovarsel for garasje.",
        "language": "nb",
        **fields,
    }
    return client.post("/cases/new", data=data)


def test_a_letter_registered_by_hand_gets_a_case_and_a_promise_from_its_receipt(client, byggesak):
    log_in(client, "eirik@alver.no")
    response = submit(client, department=str(byggesak.id))
    assert response.status_code == 302
    db.session.rollback()
    case = db.session.scalar(select(Case))
    assert response.headers["Location"] == f"/cases/{case.reference}"
    assert case.channel == "letter" and case.department_id == byggesak.id
    assert case.language == "nb" and case.contact.name == "Olav Brekke"
    assert case.turns[0].due_at == datetime(2026, 11, 30, 15, 0, tzinfo=OSLO)
    identities = db.session.scalars(select(ContactIdentity.value)).all()
    assert sorted(identities) == ["+4791555123", "olav@example.com"]
    assert db.session.scalar(select(OutboxMessage)) is None  # letters are answered by post


def test_registration_needs_a_way_to_answer(client, byggesak):
    log_in(client, "eirik@alver.no")
    response = submit(client, department=str(byggesak.id), phone="", email="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Gje ei e-postadresse eller eit telefonnummer, så svaret kan nå innbyggjaren." in page
    assert "give an e-mail address" not in page  # the service's English stays in the API
    db.session.rollback()
    assert db.session.scalar(select(Case)) is None


def test_registration_refuses_a_future_time_and_a_foreign_department(client, byggesak):
    log_in(client, "eirik@alver.no")
    future = submit(client, department=str(byggesak.id), received="2026-11-25T09:00")
    assert future.status_code == 400
    assert "Tidspunktet det kom inn, er fram i tid." in future.get_data(as_text=True)
    other = make_department("skule")
    db.session.commit()
    assert submit(client, department=str(other.id)).status_code == 400


def test_missing_fields_are_named_on_the_form(client, byggesak):
    log_in(client, "eirik@alver.no")
    response = submit(client, department=str(byggesak.id), subject="")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="subject-error"' in body and 'aria-describedby="subject-error"' in body
