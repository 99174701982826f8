"""A new case's language: the citizen's chosen or known one, else the one their message is
written in when that is clear, else the municipality's; and what the case page shows."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import Case, OutboxMessage
from rules.language import MIN_CONFIDENCE
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, offering, sms, with_municipality
from tests.inbox.web_helpers import csrf_token, log_in
from tests.rules.language_samples import BOKMAL, ENGLISH, MIXED_FORMS, NYNORSK

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=OSLO)


@pytest.fixture
def frontline(app):
    return make_department("innbyggjarservice", is_frontline=True)


@pytest.fixture(autouse=True)
def fixed_clock():
    with frozen_at(NOW):
        yield


def case_languages(client, case: Case) -> str:
    """The options of the case page's "language towards the citizen"."""
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    return re.search(r'<select id="language" name="language">(.*?)</select>', page)[1]


def acknowledgement() -> str:
    return db.session.scalars(select(OutboxMessage)).one().payload["text"]


def test_a_bokmal_writer_is_acknowledged_in_bokmal(frontline):
    case = receive(email(subject="Byggesøknad", text=BOKMAL[0]))
    db.session.commit()
    assert case.language == "nb"
    assert acknowledgement().startswith("Takk for meldingen din til Alver kommune.")
    assert "fredag 27. november 2026 kl. 15:00" in acknowledgement()
    assert case.language_guess == "nb" and case.language_confidence >= MIN_CONFIDENCE
    assert case.contact.language is None  # a guess is not the citizen's known preference


def test_an_english_writer_is_acknowledged_in_english(frontline):
    case = receive(email(subject="Building permit", text=ENGLISH[0]))
    db.session.commit()
    assert case.language == "en"
    assert "Thank you for your message to Alver kommune" in acknowledgement()
    assert "Friday, 27 November 2026 at 15:00" in acknowledgement()


def test_a_nynorsk_writer_is_acknowledged_in_nynorsk(frontline):
    case = receive(email(subject="Byggesøknad", text=NYNORSK[0]))
    db.session.commit()
    assert (case.language, case.language_guess) == ("nn", "nn")
    assert acknowledgement().startswith("Takk for meldinga di til Alver kommune.")


def test_a_short_message_keeps_the_municipalitys_language(frontline):
    case = receive(sms(text="Takk!"))
    db.session.commit()
    assert case.language == "nn"
    assert (case.language_guess, case.language_confidence) == (None, 0.0)


@pytest.fixture
def short_messages_told(app):
    with_municipality(app, detect_short_messages=True)


def test_a_short_bokmal_message_is_told_only_when_short_messages_are(app, frontline):
    text = BOKMAL[3]  # 93 letters: "Søppeldunken vår ble ikke tømt ..."
    first = receive(email(sender="kari@example.no", subject="", text=text))
    assert (first.language, first.language_guess) == ("nn", None)
    with_municipality(app, detect_short_messages=True)
    second = receive(email(sender="ola@example.no", subject="", text=text))
    assert (second.language, second.language_guess) == ("nb", "nb")


@pytest.mark.usefixtures("short_messages_told")
def test_a_message_mixing_nynorsk_and_bokmal_keeps_the_municipalitys_language(frontline):
    case = receive(email(subject="", text=MIXED_FORMS[0]))
    assert case.language == "nn"
    assert case.language_guess is not None and case.language_confidence < MIN_CONFIDENCE


def test_a_language_the_municipality_does_not_offer_is_not_chosen(app, frontline):
    offering(app, "nn", "nb")
    case = receive(email(subject="Building permit", text=ENGLISH[0]))
    assert (case.language, case.language_guess) == ("nn", "en")


def test_the_citizens_known_language_wins_over_the_detector(frontline):
    first = receive(email(text=BOKMAL[1]))
    first.contact.language = "en"
    db.session.commit()
    second = receive(email(subject="Ny sak", text=BOKMAL[2]))
    assert second.id != first.id and second.language == "en"
    assert second.language_confidence is None  # not detected: the citizen's own was known


def test_the_callback_pages_language_is_the_acknowledgements(app, client, frontline):
    db.session.commit()
    form = {
        "name": "Kari Sæle",
        "phone": "912 34 567",
        "about": "Eg har spørsmål om eigedomsskatten.",  # Nynorsk, asked on the English page
        "department": "",
        "preferred_time": "morning",
        "sms_consent": "y",
        "csrf_token": csrf_token(client, "/en/call-me"),
    }
    assert client.post("/en/call-me", data=form).status_code == 303
    case = db.session.scalars(select(Case)).one()
    assert case.language == "en" and case.language_confidence is None
    assert acknowledgement().startswith("We have received your request to be called back")


@pytest.mark.usefixtures("short_messages_told")
def test_the_case_page_shows_the_language_and_how_sure_the_detector_was(client, frontline):
    case = receive(email(subject="Byggesøknad", text=BOKMAL[0]))
    short = receive(sms(sender="+4790000001", text="Takk!"))
    unclear = receive(email(sender="ola@example.no", subject="", text=MIXED_FORMS[0]))
    staff = make_user(frontline)
    db.session.commit()
    log_in(client, staff.email)
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Kjent att frå den første meldinga, 100\u00a0% sikkert." in page
    page = client.get(f"/cases/{short.reference}").get_data(as_text=True)
    assert "Den første meldinga var for kort til å seie kva språk ho er på." in page
    page = client.get(f"/cases/{unclear.reference}").get_data(as_text=True)
    assert "Språket i den første meldinga var uklart (nærast: " in page


def test_staff_may_choose_only_an_offered_language(app, client, frontline):
    offering(app, "nn", "nb", "en", "se")
    case = receive(email(subject="Byggesøknad", text=BOKMAL[0]))
    staff = make_user(frontline)
    db.session.commit()
    log_in(client, staff.email)
    assert '<option value="se">Davvisámegiella</option>' in case_languages(client, case)
    token = csrf_token(client, f"/cases/{case.reference}")
    client.post(f"/cases/{case.reference}/language", data={"language": "se", "csrf_token": token})
    db.session.rollback()
    assert db.session.get(Case, case.id).language == "se"
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Kjent att frå den første meldinga: norsk bokmål, 100\u00a0% sikkert." in page
    offering(app, "nn", "nb")
    client.post(f"/cases/{case.reference}/language", data={"language": "en", "csrf_token": token})
    db.session.rollback()
    assert db.session.get(Case, case.id).language == "se"  # refused: not offered
    assert case_languages(client, case) == (
        '<option value="nn">Nynorsk</option><option value="nb">Bokmål</option>'
    )
