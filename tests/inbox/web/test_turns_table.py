"""The case page's promises table says what became of each promise."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from inbox.cases import casework
from inbox.cases.answer_ways import AnswerWay, Route
from inbox.cases.replies import reply
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email
from tests.inbox.web_helpers import log_in

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=OSLO)


def _turns_table(client, reference: str) -> str:
    html = client.get(f"/cases/{reference}").get_data(as_text=True)
    section = html.split('id="turns-heading"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"\s+", " ", section)


def test_a_promise_closed_unanswered_says_so_not_not_yet(app, client):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Servicetorget")
    kari = make_user(frontline, email="kari@alver.no", name="Kari Nordmann")
    with frozen_at(MONDAY):
        answered = receive(email(sender="svar@example.no", received_at=MONDAY))
        waiting = receive(email(sender="venter@example.no", received_at=MONDAY))
        db.session.commit()
        reply(answered, kari, "Her er svaret.", way=AnswerWay(Route.EMAIL, "svar@example.no"))
        casework.close(answered, kari)
        casework.close(waiting, kari, reason="Innbyggjaren fekk svar på telefon.")
        db.session.commit()
    log_in(client, "kari@alver.no")

    with frozen_at(MONDAY + timedelta(days=1)):
        closed_unanswered = _turns_table(client, waiting.reference)
        closed_answered = _turns_table(client, answered.reference)

    assert "Lukka utan svar" in closed_unanswered
    assert "Ikkje enno" not in closed_unanswered
    assert "Lukka utan svar" not in closed_answered


def test_a_promise_still_waiting_on_an_open_case_is_not_yet_answered(app, client):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Servicetorget")
    make_user(frontline, email="kari@alver.no", name="Kari Nordmann")
    with frozen_at(MONDAY):
        case = receive(email(received_at=MONDAY))
        db.session.commit()
    log_in(client, "kari@alver.no")

    with frozen_at(MONDAY + timedelta(hours=1)):
        table = _turns_table(client, case.reference)

    assert "Ikkje enno" in table and "Lukka utan svar" not in table
