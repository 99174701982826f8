"""The composer says how the answer reaches the citizen, and the page says what became of it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from channels.fake import FakeSender
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.intake.registration import Registration, register
from inbox.jobs.dispatch import dispatch_once
from inbox.models import AuditEvent, ContactIdentity, Message, OutboxMessage, WorkerHeartbeat
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email
from tests.inbox.web_helpers import csrf_token, log_in

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)  # a Tuesday
SILENT = "Ingenting vert sendt: ingen arbeidsprosess har køyrt på eitt minutt"


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    kari = make_user(frontline, email="kari@alver.no", name="Kari Haugland")
    make_user(byggesak, email="eirik@alver.no", name="Eirik Seim")
    phoned = register(
        Registration(
            channel="phone",
            received_at=NOW - timedelta(hours=1),
            name="Olav Brekke",
            email="",
            phone="91555123",
            subject="Brøyting",
            text="Når vert vegen brøytt?",
            language="nn",
            department=frontline,
        ),
        kari,
    )
    written = receive(email(received_at=NOW - timedelta(hours=2)))
    db.session.commit()
    return {"phoned": phoned, "written": written, "kari": kari}


def post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/"), **data})


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_a_phone_case_offers_no_email_and_its_phone_answer_sends_nothing(client, town):
    case = town["phoned"]
    log_in(client, "kari@alver.no")
    shown = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Korleis svaret når innbyggjaren" in shown
    assert "Svara på telefon eller i skranken" in shown and "På SMS til +4791555123" in shown
    assert "På e-post til" not in shown
    # The case's own way is chosen before anyone writes.
    assert '<input checked id="way-0" name="way" required type="radio" value="spoken">' in shown

    before = outbox_count()
    response = post(
        client,
        f"/cases/{case.reference}/reply",
        text="Sa det i telefonen.",
        kind="reply",
        way="spoken",
    )
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "Svaret er registrert som gitt på telefon eller i skranken. Ingenting vart sendt." in shown
    )
    assert "Svaret er på veg" not in shown and "står i kø" not in shown
    db.session.rollback()
    assert outbox_count() == before
    assert case.turns[0].answered_at == NOW


def test_an_email_answer_is_queued_not_sent_and_its_state_changes_without_reload(app, client, town):
    case = town["written"]
    log_in(client, "kari@alver.no")
    response = post(
        client,
        f"/cases/{case.reference}/reply",
        text="Søknaden er komplett.",
        kind="reply",
        way="email:kari.nordmann@example.no",
    )
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Svaret står i kø for å bli sendt på e-post til kari.nordmann@example.no." in shown
    db.session.rollback()  # end the read snapshot: see what the request committed
    answer = db.session.scalars(
        select(Message).where(Message.text == "Søknaden er komplett.")
    ).one()
    states = client.get(f"/cases/{case.reference}/deliveries").get_json()
    mine = next(m for m in states["messages"] if m["id"] == answer.id)
    assert mine == {"id": answer.id, "state": "queued", "text": "I kø, ikkje sendt enno"}
    assert states["worker_silent"] is True

    db.session.rollback()
    dispatch_once({"email": FakeSender()})
    states = client.get(f"/cases/{case.reference}/deliveries").get_json()
    assert next(m for m in states["messages"] if m["id"] == answer.id)["state"] == "sent"


def test_a_failed_answer_says_why(app, client, town):
    case = town["written"]
    log_in(client, "kari@alver.no")
    post(
        client,
        f"/cases/{case.reference}/reply",
        text="Hei.",
        kind="reply",
        way="email:kari.nordmann@example.no",
    )
    db.session.rollback()
    dispatch_once({"email": FakeSender(reject=True, error="550 user unknown")})
    states = client.get(f"/cases/{case.reference}/deliveries").get_json()
    assert {"state": "failed", "text": "Ikkje levert: 550 user unknown"}.items() <= next(
        m for m in states["messages"] if m["state"] == "failed"
    ).items()


def test_the_states_of_a_case_are_hidden_outside_its_department(client, town):
    log_in(client, "eirik@alver.no")
    assert client.get(f"/cases/{town['written'].reference}/deliveries").status_code == 404


def test_every_page_warns_when_no_worker_has_beaten_for_a_minute(client, town):
    log_in(client, "kari@alver.no")
    assert SILENT in client.get("/").get_data(as_text=True)
    db.session.add(
        WorkerHeartbeat(worker="host:1", started_at=NOW, beat_at=NOW - timedelta(seconds=20))
    )
    db.session.commit()
    shown = client.get("/").get_data(as_text=True)
    assert 'id="worker-silent" role="alert" hidden' in shown
    with frozen_at(NOW + timedelta(minutes=2)):
        assert 'role="alert" hidden' not in client.get("/").get_data(as_text=True)


def test_a_letter_is_printed_as_pdf_and_ends_the_turn_when_marked_sent(client, town):
    case = town["phoned"]
    log_in(client, "kari@alver.no")
    post(client, f"/cases/{case.reference}/reply", text="Svar i brev.", kind="reply", way="letter")
    db.session.rollback()
    letter = db.session.scalars(select(Message).where(Message.channel == "letter")).one()
    assert case.turns[0].answered_at is None
    shown = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Brevet er ikkje sendt enno" in shown and "Merk brevet som sendt" in shown

    pdf = client.get(f"/cases/{case.reference}/letters/{letter.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")

    with frozen_at(NOW + timedelta(hours=1)):
        post(client, f"/cases/{case.reference}/letters/{letter.id}/sent")
    db.session.rollback()
    assert case.turns[0].answered_at == NOW + timedelta(hours=1)
    assert "Brevet er sendt" in client.get(f"/cases/{case.reference}").get_data(as_text=True)


def test_a_letter_of_another_case_is_not_found(client, town):
    log_in(client, "kari@alver.no")
    post(
        client,
        f"/cases/{town['phoned'].reference}/reply",
        text="Brev.",
        kind="reply",
        way="letter",
    )
    db.session.rollback()
    letter = db.session.scalars(select(Message).where(Message.channel == "letter")).one()
    other = town["written"].reference
    assert client.get(f"/cases/{other}/letters/{letter.id}.pdf").status_code == 404
    assert post(client, f"/cases/{other}/letters/{letter.id}/sent").status_code == 404


def test_staff_add_a_number_and_the_composer_offers_sms_to_it(client, town):
    case = town["written"]
    log_in(client, "kari@alver.no")
    refused = post(client, f"/cases/{case.reference}/addresses", address_kind="phone", address="12")
    assert refused.status_code == 422
    shown = refused.get_data(as_text=True)
    assert "12 er ikkje eit telefonnummer vi kan sende SMS til." in shown
    assert 'id="address-error"' in shown and 'value="12"' in shown  # the input is kept

    added = post(
        client, f"/cases/{case.reference}/addresses", address_kind="phone", address="915 55 124"
    )
    shown = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "+4791555124 er lagd til innbyggjaren." in shown
    assert "På SMS til +4791555124" in shown
    db.session.rollback()
    assert (
        db.session.scalar(
            select(ContactIdentity).where(ContactIdentity.value == "+4791555124")
        ).contact_id
        == case.contact_id
    )
    assert (
        db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "contact.address_added")
        ).user_id
        == town["kari"].id
    )
