"""The public "Ring meg opp" page in a real browser: four languages, axe-clean, phone-sized,
errors beside the fields, and a receipt with the promised time; no JavaScript needed."""

from __future__ import annotations

from dataclasses import replace

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from inbox.extensions import db
from inbox.models import Case
from tests.e2e.test_pages import WCAG_AA
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import offering

PAGES = {
    "nn": ("/ring-meg", "Be oss ringje deg", "Vi ringjer deg"),
    "nb": ("/nb/ring-meg", "Be oss ringe deg", "Vi ringer deg"),
    "en": ("/en/call-me", "Ask us to call you", "We will call you"),
    "se": ("/se/ring-meg", "Bivdde min riŋget dutnje", "Mii riŋget dutnje"),
}


STATEMENT = "https://uustatus.no/nn/erklaringer/publisert/alver"


@pytest.fixture
def town(app):
    offering(app, *PAGES)  # a municipality in the administrative area for Sámi languages
    settings = app.extensions["svarfrist"]
    municipality = replace(settings.rules.municipality, accessibility_statement_url=STATEMENT)
    app.extensions["svarfrist"] = replace(
        settings, rules=replace(settings.rules, municipality=municipality)
    )
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    make_department("byggesak", name="Byggesak")
    make_user(frontline, email="kari@alver.no")
    db.session.commit()


def violations(page) -> list[str]:
    found = Axe().run(page, options=WCAG_AA).response["violations"]
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} elements)" for v in found]


@pytest.mark.parametrize("language", PAGES)
def test_a_citizen_asks_to_be_called_in_each_language(browser, live_server, town, language):
    path, heading, receipt = PAGES[language]
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}{path}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(heading)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.locator("footer a")).to_have_attribute("href", STATEMENT)
    page.fill("#name", "Kari Sæle")
    page.fill("#phone", "12")
    page.click("button[type=submit].primary")
    expect(page.locator("#phone-error")).to_be_visible()
    expect(page.locator("#phone")).to_have_attribute("aria-invalid", "true")
    context.close()
    # axe needs JavaScript to run; the same page with it on.
    checked = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    checked.goto(f"{live_server}{path}")
    assert violations(checked) == [], "the empty form"
    checked.fill("#name", "Kari Sæle")
    checked.fill("#phone", "12")
    checked.click("button[type=submit].primary")
    expect(checked.locator("#phone-error")).to_be_visible()
    assert violations(checked) == [], "the form with errors"
    checked.fill("#phone", "912 34 567")
    checked.fill("#about", "Eg lurer på eigedomsskatten.")
    checked.select_option("#department", "byggesak")
    checked.click("button[type=submit].primary")
    expect(checked.locator("h1")).to_have_text(receipt)
    reference = db.session.scalars(select(Case.reference)).one()
    expect(checked.locator("main")).to_contain_text(reference)
    expect(checked.locator("footer a")).to_have_attribute("href", STATEMENT)
    assert violations(checked) == [], "the receipt"
    checked.context.close()
