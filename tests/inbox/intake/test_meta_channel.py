"""Facebook and Instagram end to end: signed webhooks in, Graph out (a local fake)."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from inbox.cases.replies import ReplyError, reply
from inbox.clock import frozen_at, now
from inbox.extensions import db
from inbox.jobs.dispatch import dispatch_once
from inbox.jobs.polling import poll_meta_account
from inbox.jobs.webhooks import take_in_pending
from inbox.models import Case, Department, Direction, Message, OutboxMessage
from inbox.outbox.senders import senders_for
from tests.channels.test_meta import (
    ACCOUNT,
    APP_SECRET,
    CITIZEN,
    VERIFY_TOKEN,
    feed_change,
    messenger_event,
    millis,
    page_payload,
    signed,
)
from tests.conftest import free_port
from tests.factories import make_user
from tests.graph_server import PAGE_TOKEN, FakeGraph
from tests.inbox.web_helpers import log_in

TOKEN_ENV, SECRET_ENV, VERIFY_ENV = (
    ACCOUNT.page_token_env,
    ACCOUNT.app_secret_env,
    ACCOUNT.verify_token_env,
)


@pytest.fixture
def graph():
    server = FakeGraph(free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def page(app, graph, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, PAGE_TOKEN)
    monkeypatch.setenv(SECRET_ENV, APP_SECRET)
    monkeypatch.setenv(VERIFY_ENV, VERIFY_TOKEN)
    configured = replace(ACCOUNT, graph_base_url=graph.base_url, human_agent_tag=False)
    app.extensions["svarfrist"] = replace(app.extensions["svarfrist"], meta_accounts=(configured,))
    department = Department(slug="service", name="Innbyggjarservice", is_frontline=True)
    db.session.add(department)
    db.session.commit()
    return configured


def post_event(client, payload, secret=APP_SECRET):
    """POST as Meta does, then let the poller take in what the webhook stored."""
    body = json.dumps(payload).encode()
    response = client.post(
        "/webhooks/meta",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signed(body, secret)},
    )
    take_in_pending()
    return response


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_subscription_check_echoes_the_challenge_only_for_our_token(client, page):
    ok = client.get(
        "/webhooks/meta?hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN + "&hub.challenge=42"
    )
    wrong = client.get("/webhooks/meta?hub.mode=subscribe&hub.verify_token=x&hub.challenge=42")
    assert (ok.status_code, ok.get_data(as_text=True).strip()) == (200, "42")
    assert wrong.status_code == 403


def test_a_messenger_message_becomes_a_case_once(client, page):
    event = messenger_event(mid="m_1")
    event["timestamp"] = millis(now())
    for _ in range(2):  # Meta retries a webhook it thinks failed
        assert post_event(client, page_payload(event)).status_code == 200
    case = db.session.scalars(select(Case)).one()
    assert case.channel == "facebook" and len(case.messages) == 1


def test_a_late_webhook_counts_from_its_arrival_and_keeps_metas_time(client, page):
    arrival = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    written = arrival - timedelta(hours=26)  # Meta delivered it a day late
    event = messenger_event(mid="m_late")
    event["timestamp"] = millis(written)
    change = feed_change(created_time=int(written.timestamp()))
    with frozen_at(arrival):
        assert post_event(client, page_payload(event, changes=[change])).status_code == 200
    messages = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert len(messages) == 2  # the message and the comment
    for message in messages:
        assert message.created_at == arrival
        assert message.metadata_json["sent_at"] == written.isoformat()
    turns = [turn for case in db.session.scalars(select(Case)) for turn in case.turns]
    assert [turn.received_at for turn in turns] == [arrival, arrival]


def test_a_bad_signature_is_refused_and_logged(client, page, caplog):
    caplog.set_level(logging.WARNING, logger="inbox.web.webhooks")
    response = post_event(client, page_payload(messenger_event()), secret="not-ours")
    unsigned = client.post("/webhooks/meta", json=page_payload(messenger_event()))
    assert (response.status_code, unsigned.status_code) == (403, 403)
    assert "reason=bad_signature" in caplog.text and "reason=no_signature" in caplog.text
    assert count(Case) == 0


def test_a_signed_but_malformed_event_gets_400_with_the_reason(client, page, caplog):
    caplog.set_level(logging.WARNING, logger="inbox.web.webhooks")
    event = {"message": {"mid": "m_x", "text": "hei"}}  # no sender
    response = post_event(client, {"object": "page", "entry": [{"messaging": [event]}]})
    assert response.status_code == 400
    assert "entry[0]" in response.get_data(as_text=True)
    assert "meta_webhook_malformed" in caplog.text and count(Case) == 0


def test_an_answer_within_24_hours_goes_out_as_a_response(app, client, page, graph):
    event = messenger_event(mid="m_2")
    event["timestamp"] = millis(now())
    post_event(client, page_payload(event))
    case = db.session.scalars(select(Case)).one()
    staff = make_user(case.department)
    reply(case, staff, "Søpla vert tømd på torsdag.")
    db.session.commit()

    assert dispatch_once(senders_for(app)).sent == 1

    (sent,) = graph.sent
    assert sent["json"]["messaging_type"] == "RESPONSE"
    assert sent["json"]["recipient"] == {"id": CITIZEN}


def test_after_24_hours_staff_are_told_first_and_nothing_is_sent(app, client, page, graph):
    event = messenger_event(mid="m_3")
    event["timestamp"] = millis(now() - timedelta(hours=30))
    post_event(client, page_payload(event))
    case = db.session.scalars(select(Case)).one()
    staff = make_user(case.department)
    db.session.commit()
    log_in(client, staff.email)

    page_html = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'id="reply-plan"' in page_html and "kan ikkje lenger svarast her" in page_html

    db.session.rollback()  # end the read snapshot taken before the page's request wrote
    with pytest.raises(ReplyError, match="cannot be answered on facebook"):
        reply(case, staff, "Hei!")  # the turn is not counted as answered by a lost message
    db.session.rollback()
    assert count(OutboxMessage) == 0 and graph.sent == []


def test_with_the_human_agent_tag_a_person_may_answer_for_7_days(app, client, page, graph):
    tagged = replace(page, human_agent_tag=True)
    app.extensions["svarfrist"] = replace(app.extensions["svarfrist"], meta_accounts=(tagged,))
    event = messenger_event(mid="m_4")
    event["timestamp"] = millis(now() - timedelta(days=3))
    post_event(client, page_payload(event))
    case = db.session.scalars(select(Case)).one()
    reply(case, make_user(case.department), "Beklagar at svaret kom seint.")
    db.session.commit()
    dispatch_once(senders_for(app))
    (sent,) = graph.sent
    assert (sent["json"]["messaging_type"], sent["json"]["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")


def test_a_comment_is_answered_in_its_thread(app, client, page, graph):
    change = feed_change(created_time=int(now().timestamp()))
    post_event(client, page_payload(changes=[change]))
    case = db.session.scalars(select(Case)).one()
    staff = make_user(case.department)
    reply(case, staff, "Brua er open igjen.")
    db.session.commit()
    dispatch_once(senders_for(app))
    (sent,) = graph.sent
    assert sent["path"].endswith("/200000000000001_300000000000001/comments")
    assert sent["form"]["message"] == "Brua er open igjen."


def test_a_pull_takes_in_what_no_webhook_brought(app, client, page, graph):
    created = (now() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    graph.conversations.append(
        {
            "id": "t_1",
            "messages": {
                "data": [
                    {
                        "id": "m_pulled",
                        "message": "Kvifor er vatnet brunt?",
                        "from": {"id": CITIZEN, "name": "Kari"},
                        "created_time": created,
                    }
                ]
            },
        }
    )
    with frozen_at(now()):
        report = poll_meta_account(page)
    assert (report.new, report.errors) == (1, [])
    assert db.session.scalars(select(Message).where(Message.direction == Direction.IN)).one()
    assert poll_meta_account(page).known == 1
