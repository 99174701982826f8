"""The citizen follows the link in a real acknowledgement (sent through SMTP to aiosmtpd) to
the status page in a real browser: three languages, axe-clean, phone-sized, and "Send oss
meir informasjon" with a file, which lands on the case."""

from __future__ import annotations

import re
from dataclasses import replace
from email import message_from_bytes, policy

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from channels.email import SmtpAccount, SmtpSender
from inbox.clock import now
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.jobs.dispatch import dispatch_once
from inbox.models import Message
from tests.e2e.test_callback_page import violations
from tests.factories import make_department
from tests.inbox.intake_helpers import email

STATEMENT = "https://uustatus.no/nn/erklaringer/publisert/alver-svarfrist"
HEADINGS = {"nn": "Saka di", "nb": "Saken din", "en": "Your case"}


@pytest.fixture
def acknowledged(app, live_server, smtp_server):
    """A case from an e-mail, its acknowledgement sent through SMTP: the link in it."""
    settings = app.extensions["svarfrist"]
    municipality = replace(settings.rules.municipality, accessibility_statement_url=STATEMENT)
    app.extensions["svarfrist"] = replace(
        settings,
        rules=replace(settings.rules, municipality=municipality),
        status_page=replace(
            settings.status_page, public_url=live_server, email="postmottak@alver.kommune.no"
        ),
    )
    make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    case = receive(email(received_at=now(), subject="Garasjen på Sæle", text="Om garasjen."))
    db.session.commit()
    account = SmtpAccount("postmottak", "127.0.0.1", smtp_server.port, "none", "post@alver.no")
    assert dispatch_once({"email": SmtpSender(account, now)}).sent == 1
    sent = message_from_bytes(smtp_server.messages[0], policy=policy.default)
    body = sent.get_body(("plain",)).get_content()
    link = re.search(re.escape(live_server) + r"/sak/[A-Za-z0-9_-]{32}", body)
    assert link, body
    return case, link[0]


def test_a_citizen_follows_the_acknowledgements_link_and_adds_a_file(
    browser, acknowledged, tmp_path
):
    case, link = acknowledged
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(link)
    expect(phone.locator("html")).to_have_attribute("lang", "nn")
    expect(phone.locator("h1")).to_have_text(f"Saka di {case.reference}")
    expect(phone.locator("main")).not_to_contain_text("Garasjen")
    expect(phone.locator("footer a")).to_have_attribute("href", STATEMENT)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert violations(phone) == [], "the page"
    for language in ("nb", "en"):
        phone.click(f".page-languages a[hreflang={language}]")
        expect(phone.locator("html")).to_have_attribute("lang", language)
        expect(phone.locator("h1")).to_have_text(f"{HEADINGS[language]} {case.reference}")
        assert violations(phone) == [], language
    phone.click(".page-languages a[hreflang=nn]")

    phone.click("button[type=submit].primary")  # nothing written, no file
    expect(phone.locator("#text-error")).to_be_visible()
    expect(phone.locator("#text")).to_have_attribute("aria-invalid", "true")
    assert violations(phone) == [], "the form with errors"
    drawing = tmp_path / "teikning.pdf"
    drawing.write_bytes(b"%PDF-1.4 teikning")
    phone.fill("#text", "Her er teikninga av garasjen.")
    phone.set_input_files("#file", str(drawing))
    phone.click("button[type=submit].primary")
    expect(phone.locator(".flash")).to_contain_text("Takk. Vi har fått det du sende")
    assert violations(phone) == [], "after sending"
    phone.context.close()

    db.session.rollback()  # see what the browser's requests committed
    added = db.session.scalars(select(Message).where(Message.channel == "web")).one()
    assert added.case_id == case.id and added.text == "Her er teikninga av garasjen."
    assert [attachment.filename for attachment in added.attachments] == ["teikning.pdf"]

    wide = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    wide.goto(link)
    assert violations(wide) == [], "wide"
    wide.goto(link.replace("/sak/", "/sak/x"))
    expect(wide.locator("h1")).to_have_text("Denne lenkja verkar ikkje")
    assert violations(wide) == [], "the neutral page"
    wide.context.close()
