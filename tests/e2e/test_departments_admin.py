"""The departments' administration in a real browser: add one (after a refusal), change it,
axe-clean in three languages and usable at phone width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from inbox.extensions import db
from inbox.models import Role
from tests.e2e.test_pages import log_in, violations
from tests.factories import make_department, make_user

LANGUAGES = ("nn", "nb", "en")


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    make_user(frontline, email="kari@alver.no", name="Kari Haugland")
    for code in LANGUAGES:
        make_user(email=f"admin-{code}@alver.no", role=Role.ADMIN, name="Siri", language=code)
    db.session.commit()
    return frontline


def test_an_admin_adds_and_changes_a_department_and_every_page_passes_axe(page, live_server, town):
    log_in(page, live_server, "admin-nn@alver.no")
    page.goto(f"{live_server}/admin/departments")
    assert violations(page) == [], "the list"
    page.click("text=Legg til ei avdeling")
    page.fill("#name", "Plan og byggesak")
    page.fill("#name_en", "Planning and building")
    page.fill("#slug", "Plan og byggesak")
    page.click("button.primary")
    expect(page.locator("#slug-error")).to_contain_text("Kortnamnet kan berre innehalde")
    expect(page.locator("#name_en")).to_have_value("Planning and building")
    assert violations(page) == [], "the refused form"
    page.fill("#slug", "plan-og-byggesak")
    page.click("button.primary")
    expect(page.locator(".flash-success")).to_have_text("Plan og byggesak er lagd til.")
    page.get_by_role("link", name="Plan og byggesak").click()
    expect(page.locator("h1")).to_have_text("Avdeling: Plan og byggesak")
    assert violations(page) == [], "the edit page"
    page.check("#is_leader_only")
    page.click("button.primary")
    expect(page.locator(".flash-success")).to_have_text("Plan og byggesak er lagra.")
    page.get_by_role("link", name="Plan og byggesak").click()
    expect(page.locator("#is_leader_only")).to_be_checked()
    page.click("text=Gjer avdelinga inaktiv")
    expect(page.locator(".flash-success")).to_contain_text("er ikkje lenger aktiv")


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_departments_pages_pass_axe_in_bokmal_and_english(page, live_server, town, language):
    log_in(page, live_server, f"admin-{language}@alver.no")
    for path in ("/admin/departments", "/admin/departments/new", f"/admin/departments/{town.id}"):
        page.goto(f"{live_server}{path}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert violations(page) == [], path


def test_the_departments_pages_fit_a_phone(browser, live_server, town):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    phone = context.new_page()
    log_in(phone, live_server, "admin-nn@alver.no")
    for path in ("/admin/departments", "/admin/departments/new", f"/admin/departments/{town.id}"):
        phone.goto(f"{live_server}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide on a 360px screen"
    context.close()
