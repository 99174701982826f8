"""The leaders' overview in Chromium: axe-clean in Nynorsk at desk and phone width, no
sideways scrolling, reached from the header, and each number's link leads to a queue
showing that many cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.models import Role
from tests.e2e.test_pages import log_in, violations
from tests.factories import make_user
from tests.inbox.web.test_web_overview import NOW
from tests.inbox.web.test_web_overview import town as town  # the fixture, shared

SHOTS = Path("/work/shots/overview")


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.mark.parametrize("width", [1366, 360])
def test_the_overview_in_nynorsk_links_to_exactly_the_cases_it_counts(
    browser,
    live_server,
    town,
    width,
):
    make_user(email="admin-nn@alver.no", role=Role.ADMIN, language="nn")
    db.session.commit()
    tab = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    log_in(tab, live_server, "admin-nn@alver.no")
    tab.click("header nav a[href='/overview']")
    expect(tab.locator("h1")).to_have_text("Oversikt")
    expect(tab.locator("html")).to_have_attribute("lang", "nn")
    assert violations(tab) == [], f"the overview at {width}px"
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS.is_dir():
        tab.screenshot(path=str(SHOTS / f"overview-nn-{width}.png"), full_page=True)
    links = tab.locator("main table a").evaluate_all(
        "links => links.map(link => [link.getAttribute('href'), link.textContent.trim()])"
    )
    assert len(links) >= 10, links
    for href, number in links:
        tab.goto(f"{live_server}{href}")
        expect(tab.locator("tbody tr[data-case-row]")).to_have_count(int(number))
    tab.context.close()


def test_a_leader_sees_their_department_and_the_handovers_waiting_for_it(
    browser, live_server, town
):
    """Byggesak's leader (English): only byggesak, the two cases the frontline offered it
    counted as waiting for byggesak, and each link a queue of exactly that many cases."""
    tab = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(tab, live_server, "leiar@alver.no")
    tab.goto(f"{live_server}/overview")
    expect(tab.locator("main tbody th[scope=row]").first).to_have_text("Byggesak")
    expect(tab.locator("main")).not_to_contain_text("Innbyggjarservice")
    if SHOTS.is_dir():
        tab.screenshot(path=str(SHOTS / "overview-en-leader-1366.png"), full_page=True)
    waiting = tab.get_by_role("link", name="2", exact=True).first
    expect(waiting).to_have_attribute("href", "/?offered_to=byggesak")
    links = tab.locator("main table a").evaluate_all(
        "links => links.map(link => [link.getAttribute('href'), link.textContent.trim()])"
    )
    assert ["/?offered_to=byggesak", "2"] in links, links
    for href, number in links:
        tab.goto(f"{live_server}{href}")
        expect(tab.locator("tbody tr[data-case-row]")).to_have_count(int(number))
    tab.goto(f"{live_server}/?offered_to=byggesak")
    expect(tab.locator(".queue-note")).to_contain_text("Only cases offered to Byggesak")
    assert violations(tab) == [], "the queue filtered to the cases offered to byggesak"
    if SHOTS.is_dir():
        tab.screenshot(path=str(SHOTS / "queue-offered-to-1366.png"), full_page=True)
    tab.context.close()
