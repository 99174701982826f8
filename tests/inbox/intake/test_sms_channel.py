"""SMS end to end: signed webhooks in, the real twilio library out to a local Twilio."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from channels.sms import TwilioAccount
from inbox.cases.replies import ReplyError, reply
from inbox.clock import frozen_at, now
from inbox.extensions import db
from inbox.jobs.dispatch import dispatch_once
from inbox.jobs.polling import poll_sms_account
from inbox.jobs.webhooks import take_in_pending
from inbox.models import (
    Case,
    ContactIdentity,
    Department,
    Message,
    OutboxMessage,
    OutboxStatus,
    OutKind,
)
from inbox.outbox.senders import senders_for
from tests.conftest import free_port
from tests.factories import make_user
from tests.inbox.intake_helpers import OSLO
from tests.twilio_server import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

PUBLIC_URL = "https://svarfrist.alver.kommune.no"
OUR_NUMBER = "+4755000000"
CITIZEN = "+4791234567"
TOKEN_ENV = "SVARFRIST_TEST_TWILIO_TOKEN"
TUESDAY_MORNING = datetime(2026, 11, 24, 9, 30, tzinfo=OSLO)


@pytest.fixture
def twilio():
    server = FakeTwilio(free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def account(app, twilio, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, AUTH_TOKEN)
    configured = TwilioAccount(
        "sms",
        ACCOUNT_SID,
        TOKEN_ENV,
        PUBLIC_URL,
        from_number=OUR_NUMBER,
        api_base_url=twilio.base_url,
    )
    app.extensions["svarfrist"] = replace(app.extensions["svarfrist"], sms_accounts=(configured,))
    db.session.add(Department(slug="service", name="Innbyggjarservice", is_frontline=True))
    db.session.commit()
    return configured


def sms_form(sid="SM" + "1" * 32, body="Når blir vegen min brøytt?", sender=CITIZEN, **extra):
    return {
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": sender,
        "To": OUR_NUMBER,
        "Body": body,
        "NumMedia": "0",
        **extra,
    }


def post_signed(client, path, form, signed_url=None, token=AUTH_TOKEN):
    """POST as Twilio does (the signature is over the public URL it called and the form),
    then let the poller take in what the webhook stored."""
    url = signed_url or PUBLIC_URL + path
    signature = RequestValidator(token).compute_signature(url, form)
    response = client.post(path, data=form, headers={"X-Twilio-Signature": signature})
    take_in_pending()
    return response


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_sms_becomes_a_case_and_gets_an_acknowledgement_with_the_due_date(
    app, client, account, twilio
):
    with frozen_at(TUESDAY_MORNING):
        response = post_signed(client, "/webhooks/twilio/sms", sms_form())
    assert response.status_code == 200
    assert response.content_type.startswith("text/xml")
    assert "<Response></Response>" in response.get_data(as_text=True)
    case = db.session.scalars(select(Case)).one()
    assert (case.channel, case.contact.address("phone")) == ("sms", CITIZEN)

    assert dispatch_once(senders_for(app)).sent == 1

    (sent,) = twilio.sent
    assert sent["To"] == CITIZEN and sent["From"] == OUR_NUMBER
    assert case.reference in sent["Body"]
    assert "tysdag 24. november 2026 kl. 15:00" in sent["Body"]  # same day, in Nynorsk
    assert sent["StatusCallback"] == PUBLIC_URL + "/webhooks/twilio/status"


def test_the_same_message_sid_twice_creates_nothing_new(client, account):
    for _ in range(2):
        assert post_signed(client, "/webhooks/twilio/sms", sms_form()).status_code == 200
    assert count(Message) == 2  # the SMS and its acknowledgement, once
    assert count(OutboxMessage) == 1


def test_a_bad_or_missing_signature_is_refused_and_logged_with_the_url(client, account, caplog):
    caplog.set_level(logging.WARNING, logger="inbox.web.webhooks")
    proxied = "http://10.0.0.5:8000/webhooks/twilio/sms"  # what a proxy forwarded, not public
    wrong = post_signed(client, "/webhooks/twilio/sms", sms_form(), signed_url=proxied)
    forged = post_signed(client, "/webhooks/twilio/sms", sms_form(), token="not-the-token")
    unsigned = client.post("/webhooks/twilio/sms", data=sms_form())

    assert [r.status_code for r in (wrong, forged, unsigned)] == [403, 403, 403]
    assert count(Message) == 0
    assert f"validated_url={PUBLIC_URL}/webhooks/twilio/sms" in caplog.text
    assert "reason=no_signature" in caplog.text and "reason=bad_signature" in caplog.text


def test_a_signed_but_malformed_request_gets_400_with_the_reason(client, account, caplog):
    caplog.set_level(logging.WARNING, logger="inbox.web.webhooks")
    form = sms_form()
    del form["MessageSid"]
    response = post_signed(client, "/webhooks/twilio/sms", form)
    assert response.status_code == 400
    assert "the field MessageSid is missing" in response.get_data(as_text=True)
    assert "twilio_webhook_malformed" in caplog.text and count(Message) == 0


def test_mms_pictures_are_fetched_with_the_account_credentials(client, account, twilio):
    twilio.media["/media/ME1"] = (b"\x89PNG picture of the road", "image/png")
    form = sms_form(NumMedia="1", MediaUrl0=twilio.base_url + "/media/ME1")
    form["MediaContentType0"] = "image/png"
    assert post_signed(client, "/webhooks/twilio/sms", form).status_code == 200
    message = db.session.scalars(select(Message).where(Message.direction == "in")).one()
    (attachment,) = message.attachments
    assert (attachment.filename, attachment.content_type) == ("mms-1.png", "image/png")


def test_delivery_reports_show_on_the_message(app, client, account):
    post_signed(client, "/webhooks/twilio/sms", sms_form())
    dispatch_once(senders_for(app))
    row = db.session.scalars(select(OutboxMessage)).one()
    report = {"MessageSid": row.external_id, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    report["To"] = OUR_NUMBER

    assert post_signed(client, "/webhooks/twilio/status", report).status_code == 200

    db.session.rollback()  # end the read snapshot: see what the request committed
    metadata = db.session.get(OutboxMessage, row.id).message.metadata_json
    assert metadata["delivery"] == "failed"
    assert metadata["delivery_error"] == "Twilio undelivered (error 30003)"


def test_stop_opts_the_number_out_and_start_lets_it_in_again(app, client, account, twilio):
    post_signed(client, "/webhooks/twilio/sms", sms_form())
    post_signed(client, "/webhooks/twilio/sms", sms_form(sid="SM" + "2" * 32, body="STOPP"))
    case = db.session.scalars(select(Case)).one()
    identity = db.session.scalars(select(ContactIdentity)).one()
    assert identity.opted_out_at is not None
    assert len(case.turns) == 1  # STOP is no question to answer

    staff = make_user(case.department)
    # Nothing can reach an opted-out number: the answer is refused, the turn stays open.
    with pytest.raises(ReplyError, match="cannot be answered on sms"):
        reply(case, staff, "Vegen vert brøytt i dag.")
    db.session.rollback()
    assert count(OutboxMessage) == 1  # only the first acknowledgement
    assert db.session.get(Case, case.id).turns[0].answered_at is None

    post_signed(client, "/webhooks/twilio/sms", sms_form(sid="SM" + "3" * 32, body="start"))
    db.session.rollback()  # end the read snapshot: see what the request committed
    assert db.session.scalars(select(ContactIdentity)).one().opted_out_at is None


@pytest.mark.parametrize(
    ("failure", "status"),
    [((500, 20500), OutboxStatus.PENDING), ((400, 21610), OutboxStatus.FAILED)],
)
def test_twilio_errors_are_retried_or_given_up(app, client, account, twilio, failure, status):
    post_signed(client, "/webhooks/twilio/sms", sms_form())
    twilio.fail_with = failure
    dispatch_once(senders_for(app))
    row = db.session.scalars(select(OutboxMessage)).one()
    assert row.status == status
    assert f"({failure[1]})" in row.last_error


def test_a_pull_recovers_what_the_webhook_missed_without_duplicates(app, client, account, twilio):
    sent_at = now() - timedelta(minutes=30)
    seen = twilio.add_inbound(CITIZEN, OUR_NUMBER, "Fekk de meldinga mi?", sent_at)
    twilio.add_inbound("+4799887766", OUR_NUMBER, "Kva tid opnar biblioteket?", sent_at)
    post_signed(client, "/webhooks/twilio/sms", sms_form(sid=seen, body="Fekk de meldinga mi?"))

    report = poll_sms_account(account)

    assert (report.new, report.known, report.errors) == (1, 1, [])
    assert count(Case) == 2
    again = poll_sms_account(account)
    assert (again.new, again.known) == (0, 2)


def test_acknowledgements_are_not_sent_when_sms_acknowledgements_are_off(app, client, account):
    settings = app.extensions["svarfrist"]
    promises = dict(settings.rules.promises)
    promises["sms"] = replace(promises["sms"], acknowledge=False)
    rules = replace(settings.rules, promises=promises)
    app.extensions["svarfrist"] = replace(settings, rules=rules)
    post_signed(client, "/webhooks/twilio/sms", sms_form())
    assert count(Case) == 1 and count(OutboxMessage) == 0
    assert (
        db.session.scalar(select(func.count()).where(Message.kind == OutKind.ACKNOWLEDGEMENT)) == 0
    )


def test_the_webhook_answers_at_once_and_the_promise_counts_from_its_arrival(app, client, account):
    from inbox.models import WebhookEvent

    form = sms_form()
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        PUBLIC_URL + "/webhooks/twilio/sms", form
    )
    with frozen_at(TUESDAY_MORNING):
        response = client.post(
            "/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}
        )
    assert response.status_code == 200 and count(Case) == 0
    assert db.session.scalars(select(WebhookEvent)).one().processed_at is None

    with frozen_at(TUESDAY_MORNING + timedelta(hours=2)):
        report = take_in_pending()

    assert (report.taken_in, report.failed) == (1, 0)
    turn = db.session.scalars(select(Case)).one().turns[0]
    assert turn.received_at == TUESDAY_MORNING  # not when the poller got to it


def test_an_event_for_an_account_no_longer_configured_waits_with_its_error(app, client, account):
    from inbox.models import WebhookEvent

    post_signed(client, "/webhooks/twilio/sms", sms_form())  # taken in
    form = sms_form(sid="SM" + "9" * 32)
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        PUBLIC_URL + "/webhooks/twilio/sms", form
    )
    client.post("/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
    app.extensions["svarfrist"] = replace(app.extensions["svarfrist"], sms_accounts=())

    report = take_in_pending()

    assert (report.taken_in, report.failed) == (0, 1)
    waiting = db.session.scalars(
        select(WebhookEvent).where(WebhookEvent.processed_at.is_(None))
    ).one()
    assert "no [[channels.sms]] account named 'sms'" in waiting.last_error


def test_the_poll_command_takes_in_stored_webhooks(app, client, account, twilio):
    form = sms_form()
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        PUBLIC_URL + "/webhooks/twilio/sms", form
    )
    client.post("/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
    result = app.test_cli_runner().invoke(args=["poll", "--once"])
    assert result.exit_code == 0, result.output
    assert "webhooks: 1 taken in, 0 failed" in result.output
    assert count(Case) == 1
