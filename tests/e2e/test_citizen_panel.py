"""Issue 18, item 3 and merging in Chromium: the citizen beside the conversation, edited in
place, and a second case of hers merged into the first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.models import CaseStatus
from tests.e2e.test_pages import log_in, violations
from tests.inbox.cases.citizen_helpers import TUESDAY, citizen_with_cases


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(TUESDAY):
        yield


@pytest.fixture
def citizen(app):
    return citizen_with_cases()


@pytest.mark.parametrize("width", [1366, 360])
def test_staff_see_the_citizens_other_cases_and_correct_her_number(
    browser, live_server, citizen, width
):
    tab = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    log_in(tab, live_server, "kari@alver.no")
    tab.goto(f"{live_server}/cases/{citizen.first.reference}")
    panel = tab.locator("#citizen")
    expect(panel.locator(".citizen-name")).to_have_text("Kari Nordmann")
    expect(panel.get_by_role("link", name="kari.nordmann@example.no")).to_be_visible()
    expect(panel.get_by_role("link", name=citizen.second.reference, exact=True)).to_be_visible()
    expect(panel).to_contain_text("og 1 sak i andre avdelingar")
    expect(panel).not_to_contain_text(citizen.handed_over.reference)
    conversation = tab.locator("#conversation-heading")
    panel_box, conversation_box = panel.bounding_box(), conversation.bounding_box()
    if width == 1366:  # beside the conversation
        assert panel_box["x"] > conversation_box["x"] + conversation_box["width"]
    else:  # above it, in the page's one column
        assert panel_box["y"] + panel_box["height"] <= conversation_box["y"]
    assert violations(tab) == [], "case page with the citizen panel"

    phone = panel.locator("li", has_text="+47 91 23 45 67")
    phone.locator("summary").click()
    field = phone.get_by_label("Ny adresse eller nummer")
    field.fill("915 55")
    phone.get_by_role("button", name="Lagre", exact=True).click()
    # Refused: the page says why beside the field and keeps what was typed.
    phone = tab.locator("#citizen li", has_text="+47 91 23 45 67")
    expect(phone.locator(".error")).to_have_text(
        "915 55 er ikkje eit telefonnummer vi kan sende SMS til."
    )
    expect(phone.get_by_label("Ny adresse eller nummer")).to_have_value("915 55")
    assert violations(tab) == [], "case page with a refused number"
    phone.get_by_label("Ny adresse eller nummer").fill("915 55 123")
    phone.get_by_role("button", name="Lagre", exact=True).click()
    expect(tab.locator(".flash-success")).to_contain_text("er endra til +4791555123")
    expect(tab.locator("#citizen")).to_contain_text("+47 91 55 51 23")
    expect(tab.locator("#citizen")).not_to_contain_text("+47 91 23 45 67")


def test_staff_merge_the_citizens_second_case_after_a_confirmation(browser, live_server, citizen):
    first, second = citizen.first, citizen.second
    tab = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(tab, live_server, "kari@alver.no")
    tab.goto(f"{live_server}/cases/{first.reference}")
    tab.get_by_role("link", name=f"Slå saman {second.reference} med denne saka …").click()
    expect(tab.locator("h1")).to_have_text(
        f"Slå saman sak {second.reference} med sak {first.reference}"
    )
    expect(tab.locator(".merge-effects")).to_contain_text("Det kan ikkje gjerast om.")
    assert violations(tab) == [], "merge confirmation page"
    db.session.rollback()
    assert db.session.get(type(second), second.id).status != CaseStatus.CLOSED  # only asked

    tab.get_by_role("button", name=f"Slå saman sak {second.reference} med denne saka").click()
    expect(tab.locator(".flash-success")).to_contain_text(
        f"Sak {second.reference} er slått saman med denne saka"
    )
    expect(tab.locator(".conversation")).to_contain_text("Eg sende e-post i går")
    expect(tab.locator(".conversation")).to_contain_text(
        f"slo saman sak {second.reference} frå same innbyggjar"
    )
    merged = tab.locator("#citizen li", has_text=second.reference)
    expect(merged).to_contain_text("Lukka")
    expect(merged).to_contain_text("slått saman med denne saka")
    expect(
        tab.get_by_role("link", name=f"Slå saman {second.reference} med denne saka …")
    ).to_have_count(0)

    tab.goto(f"{live_server}/cases/{second.reference}")
    expect(tab.get_by_role("link", name=f"Opne sak {first.reference}")).to_be_visible()
