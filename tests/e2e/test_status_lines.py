"""Issue 18, item 2 in Chromium: after the department accepted, the front line still finds
its case (status, department, due date, who has it), and anyone looks a case up by reference."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from inbox.extensions import db
from inbox.handovers.workflow import accept, locked, propose
from inbox.intake.receiving import receive
from tests.e2e.test_pages import LANGUAGES, log_in, violations
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email

SHOTS = Path("test-screenshots")


@pytest.fixture
def handed_over(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    kari = {
        code: make_user(frontline, email=f"{code}@alver.no", name=f"Kari {code}", language=code)
        for code in LANGUAGES
    }
    eirik = make_user(byggesak, email="eirik@alver.no", name="Eirik Seim")
    case = receive(email(text="Hei! Eg lurer på naboen sin garasje."))
    handover = propose(case, byggesak, kari["nn"], "Gjeld byggesak")
    db.session.flush()
    accept(locked(handover.id), eirik, assign_to_me=True)
    db.session.commit()
    return case


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_front_line_finds_the_case_it_handed_over(browser, live_server, handed_over, language):
    for width in (1366, 360):
        tab = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        log_in(tab, live_server, f"{language}@alver.no")
        tab.goto(f"{live_server}/cases/{handed_over.reference}")
        expect(tab.locator(".status-line")).to_contain_text("Eirik Seim")
        expect(tab.locator("main")).not_to_contain_text("garasje")
        assert violations(tab) == [], f"status line at {width}px in {language}"
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        SHOTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(SHOTS / f"status-{language}-{width}.png"), full_page=True)

        tab.locator("main p a").first.click()  # to the list of handed-over cases
        expect(tab.locator("tbody tr")).to_have_count(1)
        assert violations(tab) == [], f"handed-over list at {width}px in {language}"
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        tab.screenshot(path=str(SHOTS / f"handed-over-{language}-{width}.png"), full_page=True)
        tab.fill("#lookup-reference", handed_over.reference)
        tab.locator(".status-lookup button").click()
        expect(tab.locator("h1")).to_contain_text(handed_over.reference)
        tab.context.close()
