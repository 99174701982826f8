"""Northern Sámi (se) for citizens: dates, the acknowledgement, the callback page and its
receipt, offered only where ``[municipality] citizen_languages`` lists it."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from channels.base import IdentityKind
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.i18n import Language
from inbox.intake.receiving import receive
from inbox.models import Case, Contact, ContactIdentity, OutboxMessage
from tests.factories import make_department
from tests.inbox.intake_helpers import OSLO, email, offering
from tests.inbox.web_helpers import csrf_token

TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)


@pytest.fixture
def town(app):
    offering(app, "nn", "nb", "en", "se")
    department = make_department("innbyggjarservice", is_frontline=True)
    db.session.commit()
    return department


def test_sami_dates_are_weekday_and_day_month_year_in_numbers():
    """Babel's se has only CLDR's generic pattern ("2026 skábmamánnu 27, bearjadat")."""
    sami = Language.load("se")
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=OSLO)
    assert sami.date(friday) == "bearjadat 27.11.2026"
    assert sami.datetime(friday) == "bearjadat 27.11.2026 dii. 15:00"


def test_a_sami_speakers_email_is_acknowledged_in_sami(town):
    citizen = Contact(name="Máret Sara", language="se", created_at=TUESDAY_MORNING)
    citizen.identities.append(ContactIdentity(kind=IdentityKind.EMAIL, value="maret@example.no"))
    db.session.add(citizen)
    db.session.commit()
    with frozen_at(datetime(2026, 11, 20, 11, 0, tzinfo=OSLO)):
        case = receive(email(sender="maret@example.no", subject="Ášši", text="Bures! Gažaldat."))
        db.session.commit()
    assert case.language == "se"
    text = db.session.scalars(select(OutboxMessage)).one().payload["text"]
    assert text.startswith(
        f"Alver kommune giitá dieđus. Mii leat registreren dan áššin {case.reference}"
    )
    assert "maŋimustá bearjadat 27.11.2026 dii. 15:00" in text
    assert "Dát lea automáhtalaš vástádus." in text


def test_the_callback_page_and_its_receipt_in_sami(client, town):
    page = client.get("/se/ring-meg")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="se">' in body and "<h1>Bivdde min riŋget dutnje</h1>" in body
    assert '<span aria-current="page">Davvisámegiella</span>' in body
    assert 'href="/nb/ring-meg" lang="nb"' in body  # the other languages stay a click away
    form = {
        "name": "Máret Sara",
        "phone": "912 34 567",
        "about": "Gažaldat opmodatvearu birra.",
        "department": "",
        "preferred_time": "morning",
        "sms_consent": "y",
        "csrf_token": csrf_token(client, "/se/ring-meg"),
    }
    with frozen_at(TUESDAY_MORNING):
        sent = client.post("/se/ring-meg", data=form)
        assert sent.headers["Location"] == "/se/ring-meg/kvittering"
        receipt = client.get(sent.headers["Location"]).get_data(as_text=True)
    case = db.session.scalars(select(Case)).one()
    assert f"Du bivddu referánsa lea {case.reference}." in receipt
    assert (
        "Mii riŋget dutnje buoremusat maŋŋebárga 24.11.2026 dii. 15:00, "
        "ja maŋimustá gaskavahkku 25.11.2026 dii. 15:00." in receipt
    )
    sms = db.session.scalars(select(OutboxMessage)).one().payload["text"]
    assert case.language == "se"
    assert sms.startswith(f"Mii leat ožžon du bivddu ahte riŋget dutnje (ášši {case.reference}).")


def test_a_sami_error_is_shown_beside_its_field(client, town):
    form = {
        "name": "",
        "phone": "12",
        "about": "",
        "csrf_token": csrf_token(client, "/se/ring-meg"),
    }
    body = client.post("/se/ring-meg", data=form).get_data(as_text=True)
    assert "Čále namat." in body


def test_without_se_in_citizen_languages_there_is_no_sami_page(app, client):
    assert "se" not in app.extensions["svarfrist"].rules.municipality.citizen_languages
    assert client.get("/se/ring-meg").status_code == 404
    assert client.get("/se/ring-meg/kvittering").status_code == 404
    nynorsk = client.get("/ring-meg").get_data(as_text=True)
    assert "Davvisámegiella" not in nynorsk and "/se/ring-meg" not in nynorsk
