"""/admin/channels in a real browser: axe-clean in each language, fits a phone, and the
screenshots at 1366 and 360 px are kept in test-screenshots/ to look at."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from channels.email import EmailAccount, ImapSettings, Login, Server, SmtpAccount
from channels.sms import TwilioAccount
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.models import AccountActivity, Role
from inbox.reports.account_states import Outcome, record
from tests.e2e.test_pages import log_in, violations
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO

NOW = datetime(2026, 12, 1, 10, 30, tzinfo=OSLO)
SHOTS = Path("test-screenshots")


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def accounts(app):
    address = "postmottak@alver.kommune.no"
    login = Login("postmottak", address, "password", "SVARFRIST_IMAP_PASSWORD")
    smtp = SmtpAccount("postmottak", "smtp.alver.kommune.no", 587, "starttls", address, login)
    mailbox = EmailAccount(
        "postmottak", address, smtp, ImapSettings(Server("imap.alver.kommune.no", 993), login)
    )
    number = TwilioAccount("sms", "AC" + "0" * 32, "TWILIO_TOKEN", "https://x.no", "+4755000000")
    app.extensions["svarfrist"] = replace(
        app.extensions["svarfrist"], email_accounts=(mailbox,), sms_accounts=(number,)
    )
    make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    for language in ("nn", "nb", "en"):
        make_user(role=Role.ADMIN, email=f"admin-{language}@alver.no", language=language)
    failing = Outcome()
    failing.success(NOW - timedelta(hours=1))
    failing.failure(
        "MailboxError: postmottak: imap.alver.kommune.no:993: LOGIN failed: "
        "[AUTHENTICATIONFAILED] Authentication failed.",
        NOW - timedelta(minutes=25),
    )
    record("email", "postmottak", AccountActivity.POLL, failing)
    working = Outcome()
    working.success(NOW - timedelta(minutes=3))
    record("sms", "sms", AccountActivity.POLL, working)
    db.session.commit()


@pytest.mark.parametrize("language", ["nn", "nb", "en"])
def test_the_channels_page_is_accessible_and_fits_a_phone(browser, live_server, accounts, language):
    SHOTS.mkdir(exist_ok=True)
    for width, height in ((1366, 900), (360, 740)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        log_in(page, live_server, f"admin-{language}@alver.no")
        page.goto(f"{live_server}/admin/channels")
        assert page.locator("main h2").count() == 2
        assert violations(page) == [], f"/admin/channels at {width} px in {language}"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"admin-channels-{language}-{width}.png"), full_page=True)
        context.close()
