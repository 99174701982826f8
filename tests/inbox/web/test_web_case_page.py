"""The case page: conversation, promise, and the work done on a case."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from channels.base import InboundAttachment
from inbox.cases.replies import reply
from inbox.cases.template_admin import TemplateFields, add_template
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers.workflow import accept, locked, propose
from inbox.intake.receiving import receive
from inbox.models import (
    AuditEvent,
    CaseStatus,
    Direction,
    Message,
    OutboxMessage,
    OutKind,
    Turn,
    TurnOrigin,
)
from inbox.settings.config import ReplyTemplate
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email
from tests.inbox.web_helpers import csrf_token, log_in

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)  # a Tuesday
#: The composer's choice "by e-mail to the address the citizen wrote from".
BY_EMAIL = "email:kari.nordmann@example.no"


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def setting(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    kari = make_user(frontline, email="kari@alver.no", name="Kari Haugland")
    ingrid = make_user(frontline, email="ingrid@alver.no", name="Ingrid Fosse")
    eirik = make_user(byggesak, email="eirik@alver.no", name="Eirik Seim")
    case = receive(
        email(
            received_at=datetime(2026, 11, 23, 11, 0, tzinfo=OSLO),
            html='<p>Sjå <b>teikninga</b><script>alert("x")</script></p>',
            attachments=(InboundAttachment("teikning.pdf", "application/pdf", b"%PDF-1.4"),),
        )
    )
    db.session.commit()
    return {"case": case, "kari": kari, "ingrid": ingrid, "eirik": eirik, "byggesak": byggesak}


def page(client, reference: str) -> str:
    response = client.get(f"/cases/{reference}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post(client, path: str, **data):
    token = csrf_token(client, "/")
    return client.post(path, data={"csrf_token": token, **data})


def test_the_case_page_shows_conversation_promise_and_history(client, setting):
    case = setting["case"]
    log_in(client, "kari@alver.no")
    body = page(client, case.reference)
    assert "Hei! Når kan eg vente svar på byggesøknaden min?" in body
    assert "Automatisk kvittering" in body
    # Tue 24 Nov to Mon 30 Nov 15:00: Wednesday, Thursday, Friday and Monday are left.
    assert "4 arbeidsdagar att" in body and "t att" not in body
    assert "<b>teikninga</b>" in body and "alert(" not in body
    assert "download>teikning.pdf</a>" in body
    db.session.rollback()  # end the read snapshot: see what the request committed
    view = select(AuditEvent).where(AuditEvent.action == "case.view")
    assert db.session.scalar(view).user_id == setting["kari"].id


def test_a_case_outside_ones_departments_is_not_found(client, setting):
    log_in(client, "eirik@alver.no")
    # Only the status line, which anyone may have; nothing the case says.
    shown = client.get(f"/cases/{setting['case'].reference}", follow_redirects=True)
    assert shown.status_code == 200 and "Status for sak" in shown.get_data(as_text=True)
    assert "byggesøknad" not in shown.get_data(as_text=True).lower()
    assert client.get("/cases/2026-999999", follow_redirects=True).status_code == 404
    answer = post(
        client, f"/cases/{setting['case'].reference}/reply", text="x", kind="reply", way=BY_EMAIL
    )
    assert answer.status_code == 404


def test_an_offered_case_can_be_read_but_not_worked_on(client, setting):
    case = setting["case"]
    propose(case, setting["byggesak"], setting["kari"], "Gjeld byggesak")
    db.session.commit()
    log_in(client, "eirik@alver.no")
    assert "Svar til innbyggjaren" not in page(client, case.reference)
    assert post(client, f"/cases/{case.reference}/note", text="Hei").status_code == 403


def test_an_answer_ends_the_turn_and_goes_to_the_outbox(client, setting):
    case = setting["case"]
    log_in(client, "kari@alver.no")
    response = post(
        client,
        f"/cases/{case.reference}/reply",
        text="Søknaden er komplett.",
        kind="reply",
        way=BY_EMAIL,
        loaded_at=NOW.isoformat(),
    )
    assert response.status_code == 302
    db.session.rollback()  # end the read snapshot: see what the request committed
    (turn,) = case.turns
    assert turn.answered_at == NOW and turn.met is True and turn.answer_kind == OutKind.REPLY
    assert case.status == CaseStatus.WAITING
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "reply")).all()
    assert [row.payload["text"] for row in rows] == ["Søknaden er komplett."]
    shown = page(client, case.reference)
    assert "Svaret står i kø for å bli sendt på e-post til kari.nordmann@example.no." in shown
    assert "Svaret er på veg" not in shown


def promise_friday_4_december(client, case) -> None:
    """A preliminary answer through the page, with Friday 4 December as the new date."""
    post(
        client,
        f"/cases/{case.reference}/reply",
        text="Vi treng meir tid.",
        kind="preliminary",
        new_date="2026-12-04",
        way=BY_EMAIL,
        loaded_at=NOW.isoformat(),
    )
    db.session.rollback()  # end the read snapshot: see what the request committed


def test_a_preliminary_answer_sets_a_new_promised_date(client, setting):
    case = setting["case"]
    log_in(client, "kari@alver.no")
    body = page(client, case.reference)
    offered = re.findall(r'<option value="(\d{4}-\d{2}-\d{2})"', body)
    assert offered[0] == "2026-11-25" and "2026-11-28" not in offered  # no Saturday
    promise_friday_4_december(client, case)
    first, second = case.turns
    assert first.answer_kind == OutKind.PRELIMINARY and first.met is True
    assert second.due_at == datetime(2026, 12, 4, 15, 0, tzinfo=OSLO)
    assert second.answered_at is None


def test_a_preliminary_answer_on_a_closed_day_is_refused(client, setting):
    case = setting["case"]
    log_in(client, "kari@alver.no")
    response = post(
        client,
        f"/cases/{case.reference}/reply",
        text="Vi treng meir tid.",
        kind="preliminary",
        new_date="2026-12-26",
        way=BY_EMAIL,
        loaded_at=NOW.isoformat(),
    )
    assert response.status_code == 422
    shown = response.get_data(as_text=True)
    assert "Svaret vart ikkje sendt" in shown
    assert "Vi treng meir tid.</textarea>" in shown  # what was typed is given back
    db.session.rollback()  # end the read snapshot: see what the request committed
    assert len(case.turns) == 1 and case.turns[0].answered_at is None


def test_an_answer_given_meanwhile_by_someone_else_is_shown_before_sending(client, setting):
    case = setting["case"]
    log_in(client, "kari@alver.no")
    loaded = NOW - timedelta(minutes=5)
    with frozen_at(NOW - timedelta(minutes=2)):
        reply(case, setting["ingrid"], "Svar frå Ingrid.")
    db.session.commit()
    refused = post(
        client,
        f"/cases/{case.reference}/reply",
        text="Svar frå Kari.",
        kind="reply",
        way=BY_EMAIL,
        loaded_at=loaded.isoformat(),
    )
    assert refused.status_code == 409
    shown = refused.get_data(as_text=True)
    assert "Ingrid Fosse svarte innbyggjaren etter at du opna saka" in shown
    assert "Svar frå Ingrid." in shown  # their answer, to read before sending
    assert "Svar frå Kari.</textarea>" in shown  # the draft is kept
    assert 'name="confirm" value="yes"' in shown and "Send likevel" in shown
    db.session.rollback()  # end the read snapshot: see what the request committed
    outgoing = select(Message.text).where(
        Message.direction == Direction.OUT, Message.author_id.is_not(None)
    )
    assert db.session.scalars(outgoing).all() == ["Svar frå Ingrid."]

    post(
        client,
        f"/cases/{case.reference}/reply",
        text="Svar frå Kari.",
        kind="reply",
        way=BY_EMAIL,
        loaded_at=loaded.isoformat(),
        confirm="yes",
    )
    db.session.rollback()
    assert sorted(db.session.scalars(outgoing).all()) == ["Svar frå Ingrid.", "Svar frå Kari."]


def test_a_note_does_not_end_the_turn(client, setting):
    case = setting["case"]
    log_in(client, "kari@alver.no")
    post(client, f"/cases/{case.reference}/note", text="Ringde byggesak.")
    db.session.rollback()  # end the read snapshot: see what the request committed
    assert case.turns[0].answered_at is None
    assert "Ringde byggesak." in page(client, case.reference)


def test_answers_and_notes_have_a_length_limit_that_the_page_states(client, setting):
    case = setting["case"]
    log_in(client, "kari@alver.no")
    shown = page(client, case.reference)
    assert shown.count("Høgst 20\xa0000 teikn.") == 2  # beside the answer and the note
    assert shown.count('maxlength="20000"') == 2

    too_long = "x" * 20_001
    post(client, f"/cases/{case.reference}/note", text=too_long)
    shown = page(client, case.reference)
    assert "Notatet vart ikkje lagra: det er lengre enn 20\xa0000 teikn." in shown
    response = post(
        client, f"/cases/{case.reference}/reply", text=too_long, kind="reply", way=BY_EMAIL
    )
    shown = response.get_data(as_text=True)
    assert "Svaret vart ikkje sendt: det er lengre enn 20\xa0000 teikn." in shown

    db.session.rollback()
    assert db.session.scalars(select(Message).where(Message.text == too_long)).all() == []


def test_claim_assign_close_reopen_and_language(client, setting):
    case = setting["case"]
    reference = case.reference
    log_in(client, "kari@alver.no")
    post(client, f"/cases/{reference}/claim")
    db.session.rollback()  # end the read snapshot: see what the request committed
    assert case.assignee_id == setting["kari"].id
    post(client, f"/cases/{reference}/assign", assignee=str(setting["ingrid"].id))
    db.session.rollback()  # end the read snapshot: see what the request committed
    assert case.assignee_id == setting["ingrid"].id
    assert (
        post(client, f"/cases/{reference}/assign", assignee=str(setting["eirik"].id)).status_code
        == 400
    )
    asked = post(client, f"/cases/{reference}/close")  # the citizen waits: asked first
    assert asked.status_code == 200 and "Lukka sak" in asked.get_data(as_text=True)
    post(client, f"/cases/{reference}/close", confirm="yes", reason="Løyst på telefon.")
    db.session.rollback()  # end the read snapshot: see what the request committed
    assert case.status == CaseStatus.CLOSED
    post(client, f"/cases/{reference}/reopen")
    post(client, f"/cases/{reference}/language", language="nb")
    db.session.rollback()  # end the read snapshot: see what the request committed
    assert case.status == CaseStatus.OPEN and case.language == "nb"
    actions = set(
        db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id))
    )
    assert {"case.assign", "case.close", "case.reopen", "case.language"} <= actions


def test_attachments_are_always_downloaded_never_shown(client, setting):
    attachment = setting["case"].messages[0].attachments[0]
    log_in(client, "kari@alver.no")
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data == b"%PDF-1.4"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, "eirik@alver.no")
    assert client.get(f"/attachments/{attachment.id}").status_code == 404


def test_the_queue_links_to_the_case_and_says_how_much_time_is_left(client, setting):
    log_in(client, "kari@alver.no")
    body = client.get("/").get_data(as_text=True)
    assert f'href="/cases/{setting["case"].reference}"' in body
    assert "4 arbeidsdagar att" in body


def test_turn_rows_exist_for_every_answered_and_open_promise(client, setting):
    """Each promise is a turn with the times Alver's rules give: e-mail is due at the close
    (15:00) of the fifth working day after the day of receipt and has no target of its own,
    so its target is the due time; a preliminary answer promises the close of the chosen day."""
    case = setting["case"]
    log_in(client, "kari@alver.no")
    promise_friday_4_december(client, case)
    answered = datetime(2026, 12, 1, 10, 0, tzinfo=OSLO)
    with frozen_at(answered):
        reply(case, setting["kari"], "Søknaden er komplett.")
    # After closing on Wednesday 2 December: Thursday is the first of the five working days.
    follow_up = datetime(2026, 12, 2, 16, 0, tzinfo=OSLO)
    with frozen_at(follow_up):
        receive(email(subject=f"Re: [Sak {case.reference}]", received_at=follow_up))
    db.session.commit()
    turns = db.session.scalars(select(Turn).where(Turn.case_id == case.id).order_by(Turn.id))
    mon_30_nov, fri_4_dec, wed_9_dec = (
        datetime(2026, 11, 30, 15, 0, tzinfo=OSLO),
        datetime(2026, 12, 4, 15, 0, tzinfo=OSLO),
        datetime(2026, 12, 9, 15, 0, tzinfo=OSLO),
    )
    received = datetime(2026, 11, 23, 11, 0, tzinfo=OSLO)
    assert [
        (turn.origin, turn.received_at, turn.target_at, turn.due_at, turn.answered_at)
        for turn in turns
    ] == [
        (TurnOrigin.CITIZEN, received, mon_30_nov, mon_30_nov, NOW),
        (TurnOrigin.PRELIMINARY, NOW, fri_4_dec, fri_4_dec, answered),
        (TurnOrigin.CITIZEN, follow_up, wed_9_dec, wed_9_dec, None),
    ]


def test_reply_templates_for_the_department_and_language_fill_the_answer(client, setting, app):
    settings = app.extensions["svarfrist"]
    app.extensions["svarfrist"] = replace(
        settings,
        templates=(
            ReplyTemplate("Takk", "Takk for meldinga. Vi svarar snart.", "nn", None),
            ReplyTemplate("Bygg", "Byggesaka er under arbeid.", "nn", "byggesak"),
            ReplyTemplate("Takk (bokmål)", "Takk for meldingen.", "nb", None),
        ),
    )
    case = setting["case"]
    log_in(client, "kari@alver.no")
    body = page(client, case.reference)
    assert f"/cases/{case.reference}?template=config-0" in body
    assert "(frå konfigurasjonsfila)" in body
    assert "template=config-1" not in body and "template=config-2" not in body
    filled = client.get(f"/cases/{case.reference}?template=config-0").get_data(as_text=True)
    assert "Takk for meldinga. Vi svarar snart.</textarea>" in filled
    foreign = client.get(f"/cases/{case.reference}?template=config-1").get_data(as_text=True)
    assert "Byggesaka er under arbeid." not in foreign


def test_a_stored_template_is_offered_and_filled_in_with_the_case_values(client, setting):
    case = setting["case"]
    made = add_template(
        TemplateFields("Frist", None, "nn", "Sak {reference}: svar innan {due_date}."),
        setting["kari"],
    )
    db.session.commit()
    log_in(client, "kari@alver.no")
    assert f"/cases/{case.reference}?template={made.id}#reply-text" in page(client, case.reference)
    filled = client.get(f"/cases/{case.reference}?template={made.id}").get_data(as_text=True)
    assert f"Sak {case.reference}: svar innan måndag 30. november 2026.</textarea>" in filled
    assert "ingen open svarfrist" not in filled
    db.session.rollback()  # end the read snapshot before writing beside the requests
    reply(case, setting["kari"], "Svar.")
    db.session.commit()
    answered = client.get(f"/cases/{case.reference}?template={made.id}").get_data(as_text=True)
    assert "svar innan {due_date}.</textarea>" in answered
    assert "Saka har ingen open svarfrist, så {due_date} står att" in answered


def test_a_strangers_case_page_says_which_case_their_email_mentions(client, setting):
    case = setting["case"]
    strangers = receive(email(sender="ola@example.no", subject=f"Svar [Sak {case.reference}]"))
    db.session.commit()
    log_in(client, "kari@alver.no")
    body = page(client, strangers.reference)
    assert f"Nemner sak {case.reference}, frå ei adresse som ikkje er på den saka." in body
    assert "ola@example.no" not in page(client, case.reference)


def test_staff_join_a_strangers_message_to_the_case_it_mentions(client, setting):
    case = setting["case"]
    strangers = receive(
        email(
            sender="dotter@example.no",
            subject=f"Svar [Sak {case.reference}]",
            text="Mor mi treng tryggleiksalarm.",
        )
    )
    db.session.commit()
    log_in(client, "kari@alver.no")
    assert f"Kopla denne meldinga til sak {case.reference}" in page(client, strangers.reference)
    response = post(client, f"/cases/{strangers.reference}/join")
    assert response.headers["Location"] == f"/cases/{case.reference}"
    body = page(client, case.reference)
    assert f"Meldinga er kopla til denne saka frå sak {strangers.reference}." in body
    assert "Også med i saka" in body and "dotter@example.no" in body
    assert "Kopla denne meldinga til" not in body  # the moved note offers no second join
    emptied = page(client, strangers.reference)
    assert f"Denne saka er kopla til sak {case.reference}" in emptied
    assert "Kopla denne meldinga til" not in emptied
    with frozen_at(NOW):
        found = client.get("/?q=tryggleiksalarm").get_data(as_text=True)
    assert f"/cases/{case.reference}" in found


def test_joining_to_a_case_the_user_may_not_see_is_refused_and_moves_nothing(client, setting):
    case = setting["case"]
    handover = propose(case, setting["byggesak"], setting["kari"], "Gjeld byggesak")
    accept(locked(handover.id), setting["eirik"])
    strangers = receive(email(sender="dotter@example.no", subject=f"Svar [Sak {case.reference}]"))
    db.session.commit()
    log_in(client, "kari@alver.no")
    assert "Kopla denne meldinga til" not in page(client, strangers.reference)
    # The handed-over case is not Kari's to see: the same answer as for no case at all.
    assert post(client, f"/cases/{strangers.reference}/join").status_code == 404
    db.session.rollback()
    assert strangers.joined_into_id is None
    assert all(message.case_id == strangers.id for message in strangers.messages)
    refused = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access.refused"))
    assert refused.details["target"] == f"case {case.reference}"
