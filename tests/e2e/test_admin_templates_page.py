"""Reply templates and the promises page in a real browser: an administrator writes a
template, previews and saves it, and staff start an answer from it; axe-clean and without
sideways scrolling at 1366 and 360 px. Screenshots of each page at both widths are kept in
test-screenshots/ for a person to look at."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import Role
from tests.e2e.test_pages import log_in, violations
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)  # a Tuesday
SHOTS = Path("test-screenshots")
WIDTHS = {"wide": (1366, 900), "phone": (360, 740)}


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


def _check(tab, name: str) -> None:
    """axe-clean, no sideways scrolling, and a full-page screenshot at this width."""
    assert violations(tab) == [], name
    width = tab.viewport_size["width"]
    scrolled = tab.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"{name} is {scrolled}px wide on a {width}px screen"
    SHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"admin-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("size", WIDTHS)
def test_an_admin_writes_a_template_that_staff_then_start_from(browser, live_server, app, size):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    make_department("byggesak", name="Byggesak")
    make_user(role=Role.ADMIN, email="admin@alver.no", name="Ada Admin")
    make_user(frontline, email="kari@alver.no")
    case = receive(email(received_at=datetime(2026, 11, 23, 11, 0, tzinfo=OSLO)))
    db.session.commit()
    width, height = WIDTHS[size]

    admin = browser.new_context(viewport={"width": width, "height": height}).new_page()
    log_in(admin, live_server, "admin@alver.no")
    admin.goto(f"{live_server}/admin/templates")
    _check(admin, "templates-empty")
    admin.click("text=Legg til ein mal")
    admin.fill("#title", "Takk for meldinga")
    admin.select_option("#department", label="Innbyggjarservice")
    admin.fill("#text", "Hei!\n\nSaka di har nummer {reference}. Du får svar innan {dato}.")
    admin.click("button[value=save]")
    expect(admin.locator("#text-error")).to_contain_text("{dato}, som ikkje er ein plasshaldar")
    expect(admin.locator("#title")).to_have_value("Takk for meldinga")
    _check(admin, "template-refused")
    admin.fill("#text", "Hei!\n\nSaka di har nummer {reference}. Du får svar innan {due_date}.")
    admin.click("button[value=preview]")
    expect(admin.locator(".preview-text")).to_have_text(
        "Hei!\n\nSaka di har nummer 2026-000123. Du får svar innan fredag 27. november 2026."
    )
    _check(admin, "template-preview")
    admin.click("button[value=save]")
    expect(admin.locator(".flash-success")).to_have_text("«Takk for meldinga» er lagra.")
    _check(admin, "templates")
    admin.goto(f"{live_server}/admin/promises")
    expect(admin.locator("h1")).to_have_text("Svarfristar og kalender")
    _check(admin, "promises")
    admin.context.close()

    staff = browser.new_context(viewport={"width": width, "height": height}).new_page()
    log_in(staff, live_server, "kari@alver.no")
    staff.goto(f"{live_server}/cases/{case.reference}")
    staff.click("nav.templates >> text=Takk for meldinga")
    expect(staff.locator("form[action$='/reply'] textarea")).to_have_value(
        f"Hei!\n\nSaka di har nummer {case.reference}. Du får svar innan måndag 30. november 2026."
    )
    staff.context.close()
