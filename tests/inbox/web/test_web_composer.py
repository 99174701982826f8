"""Issue 18 items 5, 7, 10 and signatures, through the pages (without JavaScript)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from inbox.cases.replies import reply
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.intake.registration import Registration, register
from inbox.models import AuditEvent, Case, CaseStatus, Direction, Message, OutboxMessage, Role
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email
from tests.inbox.web_helpers import csrf_token, log_in

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)  # a Tuesday
BY_EMAIL = "email:kari.nordmann@example.no"
SENTENCE = "Du får svar seinast fredag 4. desember 2026."


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def setting(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    kari = make_user(frontline, email="kari@alver.no", name="Kari Haugland")
    ingrid = make_user(frontline, email="ingrid@alver.no", name="Ingrid Fosse")
    admin = make_user(role=Role.ADMIN, email="admin@alver.no", name="Ada Admin")
    with frozen_at(datetime(2026, 11, 2, 10, 0, tzinfo=OSLO)):
        case = receive(email(received_at=datetime(2026, 11, 2, 10, 0, tzinfo=OSLO)))
    db.session.commit()
    return {"case": case, "kari": kari, "ingrid": ingrid, "admin": admin, "frontline": frontline}


def post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/"), **data})


def shown(client, reference: str) -> str:
    response = client.get(f"/cases/{reference}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def preliminary(client, case, text: str, new_date: str = "2026-12-04"):
    return post(
        client,
        f"/cases/{case.reference}/reply",
        text=text,
        kind="preliminary",
        new_date=new_date,
        way=BY_EMAIL,
        loaded_at=NOW.isoformat(),
    )


def sent_texts() -> list[str]:
    db.session.rollback()  # end the read snapshot: see what the requests committed
    rows = select(OutboxMessage).where(OutboxMessage.purpose.in_(["reply", "preliminary"]))
    return [row.payload["text"] for row in db.session.scalars(rows)]


def test_the_new_date_starts_on_choose_a_date_and_is_required(client, setting):
    case = setting["case"]
    log_in(client, "kari@alver.no")
    body = shown(client, case.reference)
    select_html = re.search(r'<select[^>]*name="new_date".*?</select>', body, re.S)[0]
    first = re.search(r"<option([^>]*)>([^<]*)<", select_html)
    assert first[2] == "Vel ein dato" and first[1] == ' value=""'
    assert "selected" not in select_html  # no date is chosen for staff
    assert SENTENCE in body  # in the select's data for composer.js
    refused = preliminary(client, case, "Vi treng meir tid til å sjå på saka.", new_date="")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Svaret vart ikkje sendt: vel den nye datoen svaret kjem." in page
    assert 'id="new_date-error">Vel den nye datoen svaret kjem.' in page
    assert "Vi treng meir tid til å sjå på saka.</textarea>" in page  # nothing typed is lost
    assert sent_texts() == []


def test_a_preliminary_answer_needs_a_real_text(client, setting):
    case = setting["case"]
    log_in(client, "kari@alver.no")
    for text in ("x", f"x\n\n{SENTENCE}"):  # the inserted sentence is not the answer
        refused = preliminary(client, case, text)
        assert refused.status_code == 422
        page = refused.get_data(as_text=True)
        assert "skriv eit verkeleg svar i feltet Svar til innbyggjaren" in page
        error = 'id="reply-text-error">Skriv eit verkeleg svar til innbyggjaren: minst 10 teikn'
        assert error in page
    assert sent_texts() == []


def test_without_javascript_the_server_adds_the_date_and_says_so(client, setting):
    case = setting["case"]
    log_in(client, "kari@alver.no")
    response = preliminary(client, case, "Vi treng meir tid til å sjå på saka.")
    assert response.status_code == 302
    assert sent_texts() == [f"Vi treng meir tid til å sjå på saka.\n\n{SENTENCE}"]
    page = shown(client, case.reference)
    assert "Svaret nemnde ikkje den nye datoen, så denne setninga vart lagd til" in page


def test_a_text_that_names_the_date_gets_no_second_sentence(client, setting):
    case = setting["case"]
    log_in(client, "kari@alver.no")
    preliminary(client, case, "Vi treng meir tid. Du får svar innan 4. desember.")
    assert sent_texts() == ["Vi treng meir tid. Du får svar innan 4. desember."]


def test_the_date_sentence_is_in_the_cases_language(client, setting):
    case = setting["case"]
    case.language = "en"
    db.session.commit()
    log_in(client, "kari@alver.no")
    preliminary(client, case, "We need a little more time.")
    assert sent_texts() == [
        "We need a little more time.\n\nYou will get an answer by Friday, 4 December 2026 "
        "at the latest."
    ]


def test_a_second_agents_draft_is_kept_and_sent_anyway_on_request(client, setting):
    case = setting["case"]
    log_in(client, "kari@alver.no")
    loaded = NOW - timedelta(minutes=5)
    with frozen_at(NOW - timedelta(minutes=2)):
        reply(case, setting["ingrid"], "Svar frå Ingrid om byggesøknaden.")
    db.session.commit()
    data = {"text": "Mitt svar om søknaden.", "kind": "reply", "way": BY_EMAIL}
    refused = post(client, f"/cases/{case.reference}/reply", loaded_at=loaded.isoformat(), **data)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Svart medan du skreiv" in page and "Svar frå Ingrid om byggesøknaden." in page
    assert "Mitt svar om søknaden.</textarea>" in page
    assert f'value="{loaded.isoformat()}"' in page  # "Send anyway" still knows the load time
    assert sent_texts() == ["Svar frå Ingrid om byggesøknaden."]
    post(
        client,
        f"/cases/{case.reference}/reply",
        loaded_at=loaded.isoformat(),
        confirm="yes",
        **data,
    )
    assert sent_texts() == ["Svar frå Ingrid om byggesøknaden.", "Mitt svar om søknaden."]


def test_live_says_who_else_has_the_case_open_and_what_came(client, setting):
    case = setting["case"]
    log_in(client, "ingrid@alver.no")
    shown(client, case.reference)  # Ingrid has it open
    client.get("/logout")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, "kari@alver.no")
    page = shown(client, case.reference)
    last = max(m.id for m in db.session.get(Case, case.id).messages)
    assert f'data-after="{last}"' in page
    quiet = client.get(f"/cases/{case.reference}/live?after={last}").get_json()
    assert quiet == {"viewing": "Har òg denne saka open: Ingrid Fosse", "messages": []}
    db.session.rollback()
    with frozen_at(NOW + timedelta(minutes=1)):
        later = email(
            received_at=NOW + timedelta(minutes=1),
            subject=f"Svar [Sak {case.reference}]",
            text="Eg har ein ny teikning.",
        )
        assert receive(later).id == case.id
    db.session.commit()
    news = client.get(f"/cases/{case.reference}/live?after={last}").get_json()
    (message,) = news["messages"]
    assert message["text"] == "Ny melding frå innbyggjaren."
    assert message["url"].endswith(f"#message-{message['id']}")
    assert f'id="message-{message["id"]}"' in shown(client, case.reference)


def test_polling_keeps_the_viewer_present(client, setting):
    case = setting["case"]
    log_in(client, "kari@alver.no")
    shown(client, case.reference)
    views = select(AuditEvent).where(
        AuditEvent.action == "case.view", AuditEvent.user_id == setting["kari"].id
    )
    client.get(f"/cases/{case.reference}/live")  # just viewed: no new event
    db.session.rollback()
    assert len(db.session.scalars(views).all()) == 1
    with frozen_at(NOW + timedelta(minutes=6)):
        client.get(f"/cases/{case.reference}/live")
    db.session.rollback()
    assert len(db.session.scalars(views).all()) == 2


def test_closing_an_overdue_unanswered_case_asks_and_records_why(client, setting):
    case = setting["case"]
    log_in(client, "kari@alver.no")
    asked = post(client, f"/cases/{case.reference}/close")
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Innbyggjaren har ikkje fått svar; fristen var måndag 9. november 2026" in page
    assert "(for 11 arbeidsdagar sidan)" in page
    db.session.rollback()
    assert db.session.get(Case, case.id).status != CaseStatus.CLOSED

    empty = post(client, f"/cases/{case.reference}/close", confirm="yes", reason="  ")
    assert empty.status_code == 422
    assert "Skriv kvifor saka vert lukka utan svar." in empty.get_data(as_text=True)

    post(client, f"/cases/{case.reference}/close", confirm="yes", reason="Løyst på telefon.")
    db.session.rollback()
    closed = db.session.get(Case, case.id)
    assert closed.status == CaseStatus.CLOSED
    note = db.session.scalars(
        select(Message).where(Message.case_id == case.id, Message.direction == Direction.NOTE)
    ).one()
    assert note.text == "Løyst på telefon."
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.close")).one()
    assert event.details["reason_note_id"] == note.id and event.details["unanswered"] is True
    page = shown(client, case.reference)
    assert "Lukka utan svar til innbyggjaren." in page
    assert "promise-overdue" not in page and "over fristen" not in page
    assert "Kvifor saka vart lukka utan svar:" in page


def test_closing_a_case_with_nothing_waiting_is_one_click(client, setting):
    case = setting["case"]
    reply(case, setting["kari"], "Svar på saka.")
    db.session.commit()
    log_in(client, "kari@alver.no")
    response = post(client, f"/cases/{case.reference}/close")
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Case, case.id).status == CaseStatus.CLOSED


def test_signatures_are_put_at_the_end_of_answers_but_not_by_phone(client, setting):
    log_in(client, "admin@alver.no")
    department = setting["frontline"]
    response = post(
        client,
        f"/admin/departments/{department.id}/signature",
        signature="Alver kommune\r\nInnbyggjarservice, tlf. 56 37 50 00",
    )
    assert response.status_code == 303
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, "kari@alver.no")
    assert "Signaturen din" in client.get("/signature").get_data(as_text=True)
    saved = post(client, "/signature", signature="Helsing\nKari Haugland", next="/")
    assert saved.status_code == 303
    both = "Helsing\nKari Haugland\n\nAlver kommune\nInnbyggjarservice, tlf. 56 37 50 00"
    page = shown(client, setting["case"].reference)
    assert f"\n\n\n{both}</textarea>" in page  # an empty line to write on, then the signature
    db.session.rollback()
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
            department=department,
        ),
        setting["kari"],
    )
    db.session.commit()
    phone_page = shown(client, phoned.reference)
    assert f"{both}</textarea>" not in phone_page  # answered by phone: nothing is sent
    audited = db.session.scalars(select(AuditEvent.action)).all()
    assert {"user.signature", "department.signature"} <= set(audited)


def test_the_signature_is_not_counted_as_the_answer(client, setting):
    setting["kari"].signature = "Med venleg helsing\nKari Haugland, Alver kommune"
    db.session.commit()
    log_in(client, "kari@alver.no")
    refused = preliminary(client, setting["case"], f"x\n\n{setting['kari'].signature}")
    assert refused.status_code == 422
