"""/admin/channels: every configured account with its state, in the admin's language, no
secret shown; both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from channels.email import EmailAccount, ImapSettings, Login, Server, SmtpAccount
from channels.meta.account import MetaAccount
from channels.sms import TwilioAccount
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import AccountActivity, Role
from inbox.outbox.dispatch import enqueue
from inbox.reports.account_states import Outcome, record
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email
from tests.inbox.web_helpers import log_in

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # 13:00 in Oslo
SECRET = "hemmeleg-passord-42"


@pytest.fixture
def accounts(app, monkeypatch):
    monkeypatch.setenv("SVARFRIST_TEST_MAIL_PASSWORD", SECRET)
    address = "postmottak@alver.kommune.no"
    login = Login("postmottak", address, "password", "SVARFRIST_TEST_MAIL_PASSWORD")
    smtp = SmtpAccount("postmottak", "smtp.alver.kommune.no", 587, "starttls", address, login)
    mailbox = EmailAccount(
        "postmottak", address, smtp, ImapSettings(Server("imap.alver.kommune.no", 993), login)
    )
    sender = EmailAccount(
        "varsel",
        "varsel@alver.kommune.no",
        SmtpAccount("varsel", "smtp.alver.kommune.no", 587, "starttls", "varsel@alver.kommune.no"),
    )
    number = TwilioAccount("sms", "AC" + "0" * 32, "TWILIO_TOKEN", "https://x.no", "+4755000000")
    page = MetaAccount("alver", "104000000000001", "PAGE_TOKEN", "APP_SECRET", "VERIFY_TOKEN")
    app.extensions["svarfrist"] = replace(
        app.extensions["svarfrist"],
        email_accounts=(mailbox, sender),
        sms_accounts=(number,),
        meta_accounts=(page,),
    )
    make_department("innbyggjarservice", is_frontline=True)
    make_user(email="admin@alver.no", role=Role.ADMIN)
    make_user(email="en@alver.no", role=Role.ADMIN, language="en")
    db.session.commit()


def fail(kind, name, activity, error, at):
    outcome = Outcome()
    outcome.failure(error, at)
    with frozen_at(at):
        record(kind, name, activity, outcome)


def succeed(kind, name, activity, at):
    outcome = Outcome()
    outcome.success(at)
    with frozen_at(at):
        record(kind, name, activity, outcome)


def test_the_page_shows_each_account_with_its_state_and_figures(client, accounts):
    succeed("email", "postmottak", AccountActivity.POLL, NOW - timedelta(minutes=30))
    fail(
        "email",
        "postmottak",
        AccountActivity.POLL,
        f"MailboxError: LOGIN failed for postmottak with {SECRET}",
        NOW - timedelta(minutes=20),
    )
    succeed("sms", "sms", AccountActivity.POLL, NOW - timedelta(minutes=2))
    receive(email(received_at=NOW - timedelta(hours=1)))  # today in Oslo
    receive(email(received_at=NOW - timedelta(hours=14)))  # 23:00 yesterday in Oslo
    with frozen_at(NOW - timedelta(minutes=10)):
        enqueue(purpose="reply", channel="email", recipient="a@example.no", payload={})
    db.session.commit()
    log_in(client, "admin@alver.no")

    with frozen_at(NOW):
        response = client.get("/admin/channels")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "<h1>Kanalar</h1>" in page
    for name in ("postmottak", "varsel", "sms", "alver"):
        assert f">{name}</h2>" in page
    assert "postmottak@alver.kommune.no" in page and "+4755000000" in page
    assert "Feilar sidan tysdag 1. desember 2026 kl. 12:40" in page  # 11:40 UTC, in Oslo
    assert "Lesing: feila 1 gong på rad" in page
    assert "LOGIN failed for postmottak with [hidden]" in page
    assert SECRET not in page
    assert "Verkar" in page  # the SMS number
    assert "Aldri lese" in page  # the Meta page
    assert "Ingenting sendt enno" in page  # the send-only mailbox
    assert "Meldingar tekne inn i dag</dt><dd>1</dd>" in page  # the day in Oslo, not in UTC
    # The acknowledgement, and the row without an account: it goes out through the first
    # mailbox, as the dispatcher sends it.
    assert "2, den eldste frå tysdag 1. desember 2026 kl. 12:50, for 10 minutt sidan" in page
    assert "Ingen bakgrunnsarbeidar har køyrt enno" in page


def test_an_account_not_read_for_a_long_while_is_late_not_working(client, accounts):
    succeed("email", "postmottak", AccountActivity.POLL, NOW - timedelta(hours=2))
    db.session.commit()
    log_in(client, "en@alver.no")
    with frozen_at(NOW):
        page = client.get("/admin/channels").get_data(as_text=True)
    assert "Not read since Tuesday, December 1, 2026 at 11:00" in page
    assert "<h1>Channels</h1>" in page


def test_staff_are_refused(client, accounts):
    make_user(email="kari@alver.no")
    db.session.commit()
    log_in(client, "kari@alver.no")
    assert client.get("/admin/channels").status_code == 403
