"""A handover in a real browser: offered by the frontline, accepted by the department, axe-clean."""

from __future__ import annotations

from playwright.sync_api import expect

from inbox.extensions import db
from inbox.intake.receiving import receive
from tests.e2e.test_pages import log_in, violations
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email


def test_offer_and_accept_between_two_departments(browser, live_server, app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    make_department("byggesak", name="Byggesak")
    byggesak = make_department("plan", name="Plan")
    make_user(frontline, email="kari@alver.no")
    make_user(byggesak, email="per@alver.no")
    case = receive(email())
    db.session.commit()
    page_path = f"{live_server}/cases/{case.reference}"

    sender = browser.new_context().new_page()
    log_in(sender, live_server, "kari@alver.no")
    sender.goto(page_path)
    sender.select_option("#department", label="Plan")
    sender.fill("#handover-note", "Gjeld reguleringsplanen for Knarvik")
    sender.click("text=Tilby saka")
    expect(sender.locator("#handover-heading + p")).to_contain_text("Tilboden Plan")
    assert violations(sender) == [], "the case page with a pending handover"
    sender.context.close()

    receiver = browser.new_context().new_page()
    log_in(receiver, live_server, "per@alver.no")
    receiver.goto(page_path)
    expect(receiver.locator(".handover-note")).to_have_text("Gjeld reguleringsplanen for Knarvik")
    assert violations(receiver) == [], "the offered case"
    receiver.click("text=Ta over saka")
    expect(receiver.locator(".flash-success")).to_have_text("Du har teke over saka.")
    expect(receiver.locator(".handover-history")).to_contain_text("Plan tok over saka frå")
    receiver.context.close()
