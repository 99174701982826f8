"""Issue 18, item 4 in Chromium: a closed case's reference is found; a word form finds its
cases in every status; filters combine in one form and a view is saved and deleted."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import CaseStatus
from tests.e2e.test_pages import LANGUAGES, log_in, violations
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms

SHOTS = Path("test-screenshots")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    for code in LANGUAGES:
        make_user(frontline, email=f"{code}@alver.no", name=f"Kari {code}", language=code)
    closed = receive(email(sender="per@example.no", subject="Garasje", text="Ein ny garasje."))
    closed.status, closed.due_at = CaseStatus.CLOSED, None
    open_case = receive(email(sender="ola@example.no", subject="Tak", text="Garasjane lek."))
    receive(sms(text="Når blir vegen brøytt?"))
    db.session.commit()
    return {"closed": closed, "open": open_case}


def test_a_closed_cases_reference_is_found_in_the_queue_search(page, live_server, town):
    log_in(page, live_server, "nn@alver.no")
    expect(page.locator("tbody")).not_to_contain_text(town["closed"].reference)
    page.fill("#q", town["closed"].reference)
    page.locator("#q").press("Enter")
    page.wait_for_url(
        f"{live_server}/cases/{town['closed'].reference}", wait_until="domcontentloaded"
    )
    expect(page.locator("h1")).to_contain_text(town["closed"].reference)
    expect(page.locator("main")).not_to_contain_text("Godt jobba")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_word_form_finds_open_and_closed_cases_and_a_view_is_saved(
    browser, live_server, town, language
):
    for width in (1366, 360):
        tab = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        log_in(tab, live_server, f"{language}@alver.no")
        tab.fill("#q", "garasjen")
        tab.locator("#q").press("Enter")
        references = tab.locator("tbody tr [data-case-link]")
        expect(references).to_have_text([town["open"].reference, town["closed"].reference])
        assert violations(tab) == [], f"search results at {width}px in {language}"
        assert tab.evaluate("document.documentElement.scrollWidth") <= width

        tab.select_option("#filter-status", "closed")
        tab.select_option("#filter-sort", "-received")
        tab.locator(".queue-filters button.primary").click()
        expect(references).to_have_text([town["closed"].reference])
        assert "status=closed" in tab.url and "q=garasjen" in tab.url

        tab.locator(".saved-views summary").click()
        tab.fill("#view-name", f"Lukka garasjar {width}")
        tab.locator(".saved-views form.search button").click()
        saved = tab.locator(".saved-views a[aria-current='true']")
        expect(saved).to_have_text(f"Lukka garasjar {width}")
        assert violations(tab) == [], f"saved view at {width}px in {language}"
        SHOTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(SHOTS / f"queue-search-{language}-{width}.png"), full_page=True)

        tab.goto(f"{live_server}/")
        tab.locator(".saved-views a", has_text=f"Lukka garasjar {width}").click()
        expect(references).to_have_text([town["closed"].reference])
        tab.locator(".saved-views form.inline button").click()
        expect(tab.locator(".saved-views a")).to_have_count(0)
        tab.context.close()


def test_an_empty_search_says_what_was_searched(page, live_server, town):
    log_in(page, live_server, "en@alver.no")
    page.fill("#q", "takrenne")
    page.locator("#q").press("Enter")
    expect(page.locator(".empty-result")).to_contain_text("No cases match “takrenne”.")
    expect(page.locator("main")).not_to_contain_text("Well done")
