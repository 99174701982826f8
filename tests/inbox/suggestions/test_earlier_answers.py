"""Earlier answers on the case page: closed cases like this one that the user may see, and
"use as a start", which fills the composer and sends nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.models import Message, OutboxMessage, OutKind
from inbox.suggestions.earlier import earlier_answers
from tests.conftest import FreshContextClient
from tests.factories import make_department, make_user
from tests.inbox.suggestions.history import ANSWERS, NOW, close_in, handled_history, new_case
from tests.inbox.web_helpers import log_in


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


def test_the_closest_closed_cases_come_with_the_answer_they_were_given(app):
    town = handled_history()
    case = new_case("Vasslekkasje", "Det er ein vasslekkasje i vegen, og leidningen lek.")
    found = earlier_answers(case, town["kari"])
    assert 1 <= len(found) <= 3
    assert all(answer.text == ANSWERS["vatn-og-avlop"] for answer in found)
    assert all(answer.case.department.slug == "vatn-og-avlop" for answer in found)


def test_cases_the_user_may_not_see_are_never_offered(app):
    town = handled_history(per_department=3)
    secret = make_department("barnevern")
    close_in(
        secret,
        NOW - timedelta(days=3),
        "Vasslekkasje heime",
        "Vasslekkasje og leidningen lek, vasslekkasje overalt.",
        answer="Barnevernet svarar i ei lukka sak.",
    )
    nils = make_user(town["departments"]["vatn-og-avlop"], email="nils@alver.no")
    db.session.commit()
    case = new_case("Vasslekkasje", "Vasslekkasje, leidningen lek.")
    # Eirik in byggesak sees only byggesak's cases; none of them is about water.
    assert earlier_answers(case, town["eirik"]) == []
    # Nils sees his own department's, never barnevern's (the best match by its words).
    shown = earlier_answers(case, nils)
    assert shown and all(answer.case.department.slug != "barnevern" for answer in shown)
    assert all("Barnevernet" not in answer.text for answer in shown)


def test_use_as_a_start_fills_the_composer_and_sends_nothing(app):
    handled_history()
    case = new_case("Garasje", "Treng eg byggjeløyve for garasje og carport?")
    app.test_client_class = FreshContextClient
    client = app.test_client()
    log_in(client, "kari@alver.no")
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Tidlegare svar" in page
    earlier = re.search(r"start_from=(\d{4}-\d{6})", page)[1]
    outbox_before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    started = client.get(f"/cases/{case.reference}?start_from={earlier}").get_data(as_text=True)
    composer = re.search(r'<textarea[^>]*id="reply-text"[^>]*>(.*?)</textarea>', started, re.S)
    assert ANSWERS["byggesak"] in composer[1]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == outbox_before
    replies = select(func.count()).where(Message.case_id == case.id, Message.kind == OutKind.REPLY)
    assert db.session.scalar(replies) == 0


def test_a_case_the_user_may_not_see_gives_nothing_to_start_from(app):
    town = handled_history(per_department=3)
    water = next(c for c in town["closed"] if c.department.slug == "vatn-og-avlop")
    case = new_case("Garasje", "Treng eg byggjeløyve for garasje?")
    case.department_id = town["departments"]["byggesak"].id  # Eirik's to answer
    db.session.commit()
    app.test_client_class = FreshContextClient
    client = app.test_client()
    log_in(client, "eirik@alver.no")
    page = client.get(f"/cases/{case.reference}?start_from={water.reference}").get_data(
        as_text=True
    )
    assert f"Det finst ikkje noko svar på sak {water.reference} å byrje frå." in page
    assert ANSWERS["vatn-og-avlop"] not in page
