"""The poller, the webhook intake and the dispatcher keep each account's state, from real
polls of Dovecot, real sends to aiosmtpd and stored webhooks; both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from channels.sms import TwilioAccount
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake import webhook_events
from inbox.jobs.dispatch import dispatch_once
from inbox.jobs.polling import poll_account
from inbox.jobs.webhooks import take_in_pending
from inbox.models import AccountActivity, AccountState
from inbox.outbox.dispatch import enqueue
from inbox.outbox.senders import senders_for
from tests.conftest import free_port
from tests.inbox.email_servers import (
    MONDAY_MORNING,
    PASSWORD_ENV,
    append,
    citizen_mail,
    use_accounts,
)

WRONG_PASSWORD = "not-the-password-7f3a"


def state(kind: str, account: str, activity: AccountActivity) -> AccountState | None:
    db.session.expire_all()
    return db.session.scalars(
        select(AccountState).where(
            AccountState.kind == kind,
            AccountState.account == account,
            AccountState.activity == activity,
        )
    ).one_or_none()


def test_a_poll_refused_by_the_server_is_failing_until_a_poll_reads_the_mailbox(
    app, account, mailbox, dovecot, monkeypatch
):
    monkeypatch.setenv(PASSWORD_ENV, WRONG_PASSWORD)
    first = MONDAY_MORNING
    with frozen_at(first):
        assert poll_account(account).errors
    with frozen_at(first + timedelta(minutes=1)):
        assert poll_account(account).errors

    failing = state("email", "postmottak", AccountActivity.POLL)
    assert (failing.attempts, failing.failures, failing.consecutive_failures) == (2, 2, 2)
    assert failing.failing_since == first
    assert failing.last_error_at == first + timedelta(minutes=1)
    assert "MailboxError" in failing.last_error and "postmottak" in failing.last_error
    assert WRONG_PASSWORD not in failing.last_error
    assert failing.last_success_at is None

    monkeypatch.setenv(PASSWORD_ENV, dovecot.password)
    append(mailbox, citizen_mail())
    read_at = first + timedelta(minutes=2)
    with frozen_at(read_at):
        assert poll_account(account).new == 1

    working = state("email", "postmottak", AccountActivity.POLL)
    assert (working.attempts, working.failures, working.consecutive_failures) == (3, 2, 0)
    assert working.failing_since is None and working.last_success_at == read_at


def test_sending_through_the_account_is_recorded_and_a_server_that_is_down_is_failing(
    app, account, smtp_server
):
    def queue(recipient: str) -> None:
        with frozen_at(MONDAY_MORNING):
            enqueue(
                purpose="reply",
                channel="email",
                account="postmottak",
                recipient=recipient,
                payload={"subject": "Svar", "text": "Hei"},
            )
        db.session.commit()

    queue("kari@example.no")
    queue("refused@example.no")  # the server refuses the recipient: not the account's fault
    with frozen_at(MONDAY_MORNING):
        report = dispatch_once(senders_for(app))
    assert (report.sent, report.failed) == (1, 1)
    sending = state("email", "postmottak", AccountActivity.SEND)
    assert (sending.attempts, sending.failures, sending.consecutive_failures) == (2, 0, 0)
    assert sending.last_success_at == MONDAY_MORNING

    nobody_listens = replace(account.smtp, port=free_port())
    use_accounts(app, replace(account, smtp=nobody_listens))
    queue("ola@example.no")
    down_at = MONDAY_MORNING + timedelta(minutes=5)
    with frozen_at(down_at):
        assert dispatch_once(senders_for(app)).retried == 1
    down = state("email", "postmottak", AccountActivity.SEND)
    assert (down.attempts, down.failures, down.consecutive_failures) == (3, 1, 1)
    assert down.failing_since == down_at and down.last_error


def test_webhooks_taken_in_record_the_newest_arrival_and_an_account_gone_from_the_file(
    app, monkeypatch
):
    from tests.factories import make_department
    from tests.inbox.intake.test_sms_channel import ACCOUNT_SID, OUR_NUMBER, PUBLIC_URL, sms_form

    monkeypatch.setenv("SVARFRIST_TEST_TWILIO_TOKEN", "token")
    number = TwilioAccount(
        "sms", ACCOUNT_SID, "SVARFRIST_TEST_TWILIO_TOKEN", PUBLIC_URL, from_number=OUR_NUMBER
    )
    app.extensions["svarfrist"] = replace(app.extensions["svarfrist"], sms_accounts=(number,))
    make_department("service", is_frontline=True)
    arrived = MONDAY_MORNING
    with frozen_at(arrived):
        webhook_events.store(webhook_events.TWILIO_SMS, "sms", sms_form(), "SM" + "1" * 32)
        webhook_events.store(webhook_events.TWILIO_SMS, "gammal", sms_form(), "SM" + "2" * 32)
    db.session.commit()

    with frozen_at(arrived + timedelta(minutes=3)):  # the worker gets to them later
        report = take_in_pending()
    assert (report.taken_in, report.failed) == (1, 1)

    taken = state("sms", "sms", AccountActivity.WEBHOOK)
    assert taken.last_success_at == arrived  # when it arrived, not when it was taken in
    assert taken.consecutive_failures == 0
    gone = state("sms", "gammal", AccountActivity.WEBHOOK)
    assert gone.consecutive_failures == 1
    assert "no [[channels.sms]] account named 'gammal'" in gone.last_error
