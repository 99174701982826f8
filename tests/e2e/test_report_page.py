"""The channel report page in a real browser: axe-clean, its charts load, fits a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from inbox.clock import now
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import Role
from tests.e2e.test_pages import log_in, violations
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email, sms


@pytest.mark.parametrize("language", ["nn", "en"])
def test_the_report_for_an_admin(browser, live_server, app, language):
    make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    make_user(role=Role.ADMIN, email="admin@alver.no", language=language)
    receive(email())
    receive(sms())
    db.session.commit()
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server, "admin@alver.no")
    page.click("header nav a[href^='/reports/channels']")
    expect(page.locator("h1")).to_contain_text(str(now().year))  # this year by default
    charts = page.locator("figure.chart img")
    expect(charts).to_have_count(2)
    page.wait_for_load_state("load")  # the charts are images: loaded before "load" fires
    for index in range(2):
        assert charts.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
    assert violations(page) == [], "the report page"
    page.context.close()


def test_the_report_fits_a_phone_its_tables_scroll_in_their_own_box(browser, live_server, app):
    service = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    make_user(service, role=Role.LEADER, email="leiar@alver.no")
    receive(email())
    receive(sms())
    db.session.commit()
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    log_in(page, live_server, "leiar@alver.no")
    page.goto(f"{live_server}/reports/channels")
    expect(page.locator("h1")).to_contain_text("Innbyggjarservice")  # the leader's department
    expect(page.locator("a[href*='format=pdf']")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator(".table-scroll").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the table scrolls inside
    box.focus()  # reachable by keyboard, to scroll with the arrow keys
    assert violations(page) == [], "the report page at 360 px"
    page.context.close()
