"""`/admin/users` in a real browser: an administrator adds a user (after a refused try), gives
them a token and deactivates them; every step axe-clean, at desk and phone width.

Each step's screenshot is kept in the test's ``tmp_path`` (pytest keeps the last runs).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from inbox.extensions import db
from inbox.models import Role
from inbox.people.users import token_for, user_with_email
from tests.e2e.test_callback_page import violations
from tests.e2e.test_pages import log_in
from tests.factories import make_department, make_user

NEW_PASSWORD = "eit heilt nytt passord"


@pytest.fixture
def town(app):
    make_department("skule", name="Skule og barnehage")
    make_department("byggesak", name="Byggesak")
    make_user(email="admin@alver.no", name="Svein Systemansvarleg", role=Role.ADMIN)
    db.session.commit()


@pytest.mark.parametrize("width", [1366, 360])
def test_an_admin_adds_a_user_gives_a_token_and_deactivates_them(
    browser, live_server, town, tmp_path, width
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()

    def checked(step: str) -> None:
        page.screenshot(path=str(tmp_path / f"{width}-{step}.png"), full_page=True)
        assert violations(page) == [], step
        assert page.evaluate("document.documentElement.scrollWidth") <= width, step

    log_in(page, live_server, "admin@alver.no")
    page.goto(f"{live_server}/admin/users")
    expect(page.locator("h1")).to_have_text("Brukarar")
    checked("list")

    page.get_by_role("link", name="Legg til ein brukar").click()
    page.fill("#name", "Siri Haukeland")
    page.fill("#email", "siri@alver.no")
    page.get_by_role("radio", name="Leiar").check()
    page.get_by_role("checkbox", name="Byggesak").check()
    page.fill("#password", "kort")
    page.fill("#password_again", "kort")
    page.click("button[type=submit].primary")
    expect(page.locator("#password-error")).to_contain_text("minst 10 teikn")
    expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#name")).to_have_value("Siri Haukeland")
    expect(page.locator("#password")).to_have_value("")
    checked("refused")

    page.fill("#password", NEW_PASSWORD)
    page.fill("#password_again", NEW_PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_have_text("Siri Haukeland")
    expect(page.locator("#details-role-1")).to_be_checked()
    checked("added")

    page.get_by_role("button", name="Lag ein API-nøkkel").click()
    token = page.locator("#new-token").inner_text()
    assert token_for(token).user.email == "siri@alver.no"
    checked("token")

    page.get_by_role("button", name="Deaktiver Siri Haukeland").click()
    expect(page.locator(".user-state")).to_contain_text("Deaktivert")
    db.session.rollback()  # see what the server committed
    assert token_for(token) is None
    assert not user_with_email("siri@alver.no").is_enabled
    checked("deactivated")
    context.close()
