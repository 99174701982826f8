"""Account states: outcomes added up in the database, and error texts without secrets."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from channels.email import EmailAccount, Login, SmtpAccount
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.models import AccountActivity, AccountState
from inbox.reports.account_states import Outcome, record, scrubbed
from tests.inbox.email_servers import OUR_ADDRESS, PASSWORD_ENV

NOON = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)


def state(kind="email", account="postmottak", activity=AccountActivity.POLL) -> AccountState:
    db.session.expire_all()
    return db.session.scalars(
        select(AccountState).where(
            AccountState.kind == kind,
            AccountState.account == account,
            AccountState.activity == activity,
        )
    ).one()


def failed(error: str, at: datetime) -> Outcome:
    outcome = Outcome()
    outcome.failure(error, at)
    return outcome


def succeeded(at: datetime) -> Outcome:
    outcome = Outcome()
    outcome.success(at)
    return outcome


def test_failures_in_a_row_keep_when_they_began_and_a_success_ends_them(app):
    with frozen_at(NOON):
        record("email", "postmottak", AccountActivity.POLL, failed("LOGIN failed", NOON))
    later = NOON + timedelta(minutes=1)
    with frozen_at(later):
        record("email", "postmottak", AccountActivity.POLL, failed("timed out", later))
    db.session.commit()
    failing = state()
    assert (failing.attempts, failing.failures, failing.consecutive_failures) == (2, 2, 2)
    assert failing.failing_since == NOON  # when the run of failures began
    assert (failing.last_error, failing.last_error_at) == ("timed out", later)
    assert failing.last_success_at is None

    done = NOON + timedelta(minutes=2)
    with frozen_at(done):
        record("email", "postmottak", AccountActivity.POLL, succeeded(done))
    db.session.commit()
    working = state()
    assert (working.attempts, working.failures, working.consecutive_failures) == (3, 2, 0)
    assert working.failing_since is None and working.last_success_at == done
    assert working.last_error == "timed out"  # the last error stays to be read


def test_an_older_success_does_not_move_the_last_success_back(app):
    """Webhooks succeed with their arrival time; a late batch of old events must not make
    the account look idle."""
    with frozen_at(NOON):
        record("sms", "sms", AccountActivity.WEBHOOK, succeeded(NOON))
        record("sms", "sms", AccountActivity.WEBHOOK, succeeded(NOON - timedelta(hours=3)))
    db.session.commit()
    assert state("sms", "sms", AccountActivity.WEBHOOK).last_success_at == NOON


def test_a_round_that_ends_in_failure_counts_only_its_trailing_failures(app):
    outcome = Outcome()
    outcome.failure("first", NOON)
    outcome.success(NOON + timedelta(seconds=1))
    outcome.tried()  # a recipient refused: neither
    outcome.failure("second", NOON + timedelta(seconds=2))
    with frozen_at(NOON):
        record("email", "postmottak", AccountActivity.SEND, outcome)
    db.session.commit()
    row = state(activity=AccountActivity.SEND)
    assert (row.attempts, row.failures, row.consecutive_failures) == (4, 2, 1)
    assert row.failing_since == NOON + timedelta(seconds=2)
    assert row.last_error == "second"


def test_a_configured_secret_in_an_error_is_never_stored(app, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "hemmeleg-passord-42")
    login = Login("postmottak", OUR_ADDRESS, "password", PASSWORD_ENV)
    account = EmailAccount(
        "postmottak", OUR_ADDRESS, SmtpAccount("postmottak", "smtp.example", 587, "starttls",
                                               OUR_ADDRESS, login)
    )  # fmt: skip
    app.extensions["svarfrist"] = replace(app.extensions["svarfrist"], email_accounts=(account,))
    with frozen_at(NOON):
        error = "SMTPAuthenticationError: 535 bad credentials for hemmeleg-passord-42"
        record("email", "postmottak", AccountActivity.SEND, failed(error, NOON))
    db.session.commit()
    stored = state(activity=AccountActivity.SEND).last_error
    assert "hemmeleg-passord-42" not in stored
    assert stored == "SMTPAuthenticationError: 535 bad credentials for [hidden]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ConnectionError: https://kari:S3cret!@imap.example.no/INBOX refused",
            "ConnectionError: https://[hidden]@imap.example.no/INBOX refused",
        ),
        (
            "HTTPError: 400 for url: https://graph.facebook.com/v21.0/me/messages"
            "?access_token=EAAB123xyz&fields=id",
            "HTTPError: 400 for url: https://graph.facebook.com/v21.0/me/messages"
            "?access_token=[hidden]&fields=id",
        ),
        ("sent Authorization: Bearer eyJhbGciOi.abc-123", "sent Authorization: Bearer [hidden]"),
        ('{"password": "hunter22", "user": "kari"}', '{"password": [hidden], "user": "kari"}'),
        ("login failed: password=hunter22 user=kari", "login failed: password=[hidden] user=kari"),
        (
            "the environment variable SVARFRIST_TWILIO_TOKEN (auth_token_env) is not set",
            "the environment variable SVARFRIST_TWILIO_TOKEN (auth_token_env) is not set",
        ),
    ],
)
def test_scrubbing_takes_out_credentials_and_keeps_the_rest(text, expected):
    assert scrubbed(text) == expected


def test_scrubbing_takes_out_the_given_secrets_longest_first_and_cuts_long_texts():
    assert (
        scrubbed("token abcd1234 and abcd", ["abcd", "abcd1234"]) == "token [hidden] and [hidden]"
    )
    assert scrubbed("x" * 5000) == "x" * 1000
    assert scrubbed("ab ok", ["ab"]) == "ab ok"  # too short to look for
