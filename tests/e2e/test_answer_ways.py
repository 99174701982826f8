"""Issue 18, item 1 in Chromium: the composer says how the answer reaches the citizen, and the
page says (and keeps saying, without reloading) what became of it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from channels.fake import FakeSender
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.intake.registration import Registration, register
from inbox.jobs.dispatch import dispatch_once
from inbox.models import Case, OutboxMessage
from tests.e2e.test_pages import LANGUAGES, log_in, violations
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)  # a Tuesday
#: Screenshots for people to look at (not compared): test-screenshots/answer-ways-*.png
SHOTS = Path("test-screenshots")


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    users = {
        code: make_user(frontline, email=f"{code}@alver.no", name=f"Kari {code}", language=code)
        for code in LANGUAGES
    }
    phoned = register(
        Registration(
            channel="phone",
            received_at=NOW - timedelta(hours=1),
            name="Olav Brekke",
            email="",
            phone="91555123",
            subject="Brøyting",
            text="Når vert vegen brøytt?",
            language="nn",
            department=frontline,
        ),
        users["nn"],
    )
    written = receive(email(received_at=NOW - timedelta(hours=2)))
    db.session.commit()
    return {"phoned": phoned, "written": written}


def test_an_email_answer_shows_queued_then_sent_without_reload(browser, live_server, town):
    case = town["written"]
    tab = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(tab, live_server, "nn@alver.no")
    tab.goto(f"{live_server}/cases/{case.reference}")
    expect(tab.locator("#worker-silent")).to_be_visible()  # no worker runs in this test
    expect(tab.get_by_label("På e-post til kari.nordmann@example.no")).to_be_checked()
    tab.fill("#reply-text", "Søknaden er komplett.")
    tab.click("form[action$='/reply'] button[type=submit]")
    expect(tab.locator(".flash-success")).to_contain_text("står i kø for å bli sendt på e-post")
    badge = tab.locator(".message-out .delivery").last
    expect(badge).to_have_text("I kø, ikkje sendt enno")
    assert violations(tab) == [], "case page with a queued answer"

    db.session.rollback()
    report = dispatch_once({"email": FakeSender()})
    assert report.sent == 2  # the acknowledgement and the answer
    # The page polls every five seconds; no reload.
    expect(badge).to_have_text("Sendt", timeout=12_000)
    SHOTS.mkdir(exist_ok=True)
    for width in (1366, 360):
        tab.set_viewport_size({"width": width, "height": 900})
        tab.locator(".conversation").screenshot(path=str(SHOTS / f"answer-sent-{width}.png"))
    tab.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_phone_case_is_answered_by_phone_and_by_letter(browser, live_server, town, language):
    case = town["phoned"]
    for width in (1366, 360):
        tab = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        log_in(tab, live_server, f"{language}@alver.no")
        tab.goto(f"{live_server}/cases/{case.reference}")
        assert violations(tab) == [], f"phone case composer at {width}px in {language}"
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        SHOTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(SHOTS / f"answer-ways-{language}-{width}.png"), full_page=True)
        tab.context.close()

    tab = browser.new_context(viewport={"width": 360, "height": 900}).new_page()
    log_in(tab, live_server, f"{language}@alver.no")
    tab.goto(f"{live_server}/cases/{case.reference}")
    expect(tab.locator("input[name=way][value=spoken]")).to_be_checked()
    assert tab.locator("input[name=way][value^=email]").count() == 0  # the citizen has none
    tab.fill("#reply-text", "Sa at vegen vert brøytt i kveld.")
    tab.click("form[action$='/reply'] button[type=submit]")
    expect(tab.locator(".flash-success")).to_have_count(1)
    db.session.rollback()
    queued = select(OutboxMessage.purpose).where(OutboxMessage.case_id == case.id)
    assert db.session.scalars(queued).all() == []
    assert db.session.get(Case, case.id).turns[0].met is True

    tab.check("input[name=way][value=letter]")
    tab.fill("#reply-text", "Her er svaret i brev.")
    tab.click("form[action$='/reply'] button[type=submit]")
    expect(tab.locator(".message-out .delivery").last).to_have_attribute(
        "data-state", "letter_unsent"
    )
    pdf = tab.request.get(live_server + tab.locator(".letter-actions a").last.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    tab.locator("form[action$='/sent'] button").click()
    expect(tab.locator(".flash-success")).to_have_count(1)
    expect(tab.locator(".message-out .delivery").last).to_have_attribute(
        "data-state", "letter_sent"
    )
    assert violations(tab) == [], f"case page after the letter in {language}"
    tab.context.close()
