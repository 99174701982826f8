"""The pages in a real browser: accessible (axe-core, WCAG 2.1 AA) in three languages,
usable at phone width, and the everyday flow works end to end.

The clock is frozen for each test: the live server serves from a thread of this process, so
it reads the same inbox.clock and the pages do not depend on the day the suite runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from email import message_from_bytes, policy

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from channels.email import SmtpAccount, SmtpSender
from inbox.clock import frozen_at, now
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.jobs.dispatch import dispatch_once
from inbox.models import Case, OutboxMessage
from tests.factories import PASSWORD, make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
LANGUAGES = {"nn": "Logg inn", "nb": "Logg inn", "en": "Log in"}
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)  # a Tuesday


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
    with frozen_at(datetime(2026, 11, 2, 10, 0, tzinfo=OSLO)):
        overdue = receive(
            email(
                received_at=datetime(2026, 11, 2, 10, 0, tzinfo=OSLO),
                html="<p>Sjå <b>dette</b></p>",
            )
        )
    fresh = receive(sms(received_at=NOW - timedelta(minutes=30)))
    db.session.commit()
    return {"users": users, "overdue": overdue, "fresh": fresh}


def log_in(page, base: str, email_address: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email_address)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    # The page's DOM, not every subresource: once in a few hundred loads the "load" event did
    # not come within 30 s after a redirect to the queue (seen in CI, cause not found yet).
    page.wait_for_url(f"{base}/", wait_until="domcontentloaded")


def violations(page) -> list[str]:
    found = Axe().run(page, options=WCAG_AA).response["violations"]
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} elements)" for v in found]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_passes_axe_in_each_language(page, live_server, town, language):
    page.goto(f"{live_server}/login")
    page.select_option("#language", language)
    page.click(".language-form button")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(LANGUAGES[language])
    assert violations(page) == [], "login page"
    log_in(page, live_server, f"{language}@alver.no")
    assert violations(page) == [], "queue page"
    page.goto(f"{live_server}/cases/{town['overdue'].reference}")
    assert violations(page) == [], "case page"
    page.goto(f"{live_server}/cases/new")
    assert violations(page) == [], "register page"


def test_pages_fit_a_phone_without_sideways_scrolling(browser, live_server, town):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    phone = context.new_page()
    log_in(phone, live_server, "nn@alver.no")
    for path in ("/", f"/cases/{town['overdue'].reference}", "/cases/new"):
        phone.goto(f"{live_server}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide on a 360px screen"
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_answer_an_overdue_case_by_email_and_register_a_letter(
    page, live_server, town, smtp_server, language
):
    log_in(page, live_server, f"{language}@alver.no")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.click(".filters a[href*='due=overdue']")
    # Due 9 November; the SMS of this morning is due today, not overdue.
    expect(page.locator("tbody tr")).to_have_count(1)
    page.click(f"text={town['overdue'].reference}")
    expect(page.locator(".promise-overdue")).to_have_count(1)
    page.fill("#reply-text", "Hei! Søknaden er komplett og vert handsama denne veka.")
    page.click("form[action$='/reply'] button[type=submit]")
    expect(page.locator(".flash-success")).to_have_count(1)

    db.session.rollback()
    assert "reply" in db.session.scalars(select(OutboxMessage.purpose)).all()
    account = SmtpAccount("postmottak", "127.0.0.1", smtp_server.port, "none", "post@alver.no")
    report = dispatch_once({"email": SmtpSender(account, now)})
    assert report.sent == 2  # the acknowledgement from intake, and the answer
    sent = [message_from_bytes(raw, policy=policy.default) for raw in smtp_server.messages]
    answer = next(m for m in sent if "Auto-Submitted" not in m)
    assert answer["To"] == "kari.nordmann@example.no"
    assert f"[Sak {town['overdue'].reference}]" in answer["Subject"]
    assert "Søknaden er komplett" in answer.get_body(("plain",)).get_content()

    page.goto(f"{live_server}/cases/new")
    page.check("input[value=letter]")
    page.fill("#name", "Olav Brekke")
    page.fill("#phone", "91555123")
    page.fill("#subject", "Nabovarsel")
    page.fill("#text", "Brev om nabovarsel.")
    page.click("button[type=submit].primary")
    expect(page.locator(".flash-success")).to_have_count(1)
    db.session.rollback()
    assert db.session.scalar(select(Case).where(Case.channel == "letter")) is not None


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_preliminary_answer_with_a_new_date(page, live_server, town, language):
    log_in(page, live_server, f"{language}@alver.no")
    page.goto(f"{live_server}/cases/{town['overdue'].reference}")
    page.fill("#reply-text", "Vi treng litt meir tid.")
    page.check("input[value=preliminary]")
    # The fifth working day offered after Tuesday 24 November: 25, 26, 27, 30 Nov, 1 Dec
    # (after the first option, "choose a date": no date is chosen for staff).
    assert page.locator("#new_date option").first.get_attribute("value") == ""
    chosen = page.locator("#new_date option").nth(5).get_attribute("value")
    assert chosen == "2026-12-01"
    page.select_option("#new_date", chosen)
    page.click("form[action$='/reply'] button[type=submit]")
    expect(page.locator(".flash-success")).to_have_count(1)
    db.session.rollback()
    case = db.session.get(Case, town["overdue"].id)
    assert case.turns[-1].due_at == datetime(2026, 12, 1, 15, 0, tzinfo=OSLO)
    assert case.turns[0].answer_kind.value == "preliminary"


def test_keyboard_reaches_the_skip_link_first(page, live_server, town):
    log_in(page, live_server, "nn@alver.no")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"


def test_staff_join_a_strangers_message_in_the_browser(browser, live_server, town):
    """The join button on a stranger's case: accessible, fits a phone, and does the join."""
    named = town["overdue"]
    strangers = receive(email(sender="dotter@example.no", subject=f"Svar [Sak {named.reference}]"))
    db.session.commit()
    for width in (1366, 360):
        context = browser.new_context(viewport={"width": width, "height": 900})
        tab = context.new_page()
        log_in(tab, live_server, "nn@alver.no")
        tab.goto(f"{live_server}/cases/{strangers.reference}")
        assert violations(tab) == [], f"stranger's case page at {width}px"
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        if width == 360:
            tab.get_by_role(
                "button", name=f"Kopla denne meldinga til sak {named.reference}"
            ).click()
            tab.wait_for_url(
                f"{live_server}/cases/{named.reference}", wait_until="domcontentloaded"
            )
            expect(tab.locator(".flash")).to_contain_text(strangers.reference)
            assert violations(tab) == [], "joined case page"
        context.close()
