"""The suggestions in a real browser: offered in one click, an earlier answer started from,
the administration's share, each page axe-clean at 1366 and 360 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from inbox.extensions import db
from inbox.models import Role
from tests.e2e.test_pages import log_in, violations
from tests.factories import make_user
from tests.inbox.suggestions.history import ANSWERS, handled_history, learning_settings, new_case


def test_one_click_offer_earlier_answer_and_the_share_followed(browser, live_server, app):
    learning_settings(app)
    handled_history()
    make_user(role=Role.ADMIN, email="admin@alver.no")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["suggestions", "train"])
    assert result.exit_code == 0, result.output
    case = new_case("Garasje", "Må eg søkje om byggjeløyve for ein garasje og carport?")
    path = f"{live_server}/cases/{case.reference}"

    for width in (360, 1366):
        page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        log_in(page, live_server, "kari@alver.no")
        page.goto(path)
        expect(page.locator(".suggestions li").first).to_have_text(
            re.compile(r"Forslag: Byggesak \(\d+\s%\)")
        )
        expect(page.locator("#department")).to_have_value(
            page.locator("#department option", has_text="Byggesak").get_attribute("value")
        )
        assert violations(page) == [], f"the case page with suggestions at {width} px"
        page.click("text=Bruk svaret på")
        expect(page.locator("#reply-text")).to_contain_text(ANSWERS["byggesak"])
        page.context.close()

    page = browser.new_context().new_page()
    log_in(page, live_server, "kari@alver.no")
    page.goto(path)
    page.click("text=Tilby saka til Byggesak")
    expect(page.locator("#handover-heading + p")).to_contain_text("Tilboden Byggesak")
    page.context.close()

    admin = browser.new_context().new_page()
    log_in(admin, live_server, "admin@alver.no")
    admin.goto(f"{live_server}/admin/suggestions")
    expect(admin.locator("#followed-heading + p")).to_contain_text(
        "gjekk 1 til avdelinga som vart foreslått først"
    )
    assert violations(admin) == [], "the suggestions administration page"
    admin.context.close()
