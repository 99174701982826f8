"""A municipality's first day, in a real browser: from an empty database through `svarfrist
setup` and the administration pages alone to a message in the right queue.

The administrator adds two departments, a leader and a member of staff, and a reply template;
a citizen's e-mail then lands in the frontline queue, where the staff member sees it with the
template offered, and not in the other department's.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from inbox.extensions import db
from inbox.intake.receiving import receive
from tests.e2e.test_pages import violations
from tests.inbox.intake_helpers import email

PASSWORD = "eit langt passord for fyrste dag"


def add_department(page, base: str, name: str, slug: str) -> None:
    page.goto(f"{base}/admin/departments/new")
    page.fill("#name", name)
    page.fill("#slug", slug)
    page.click("button.primary")
    expect(page.locator(".flash-success")).to_contain_text(name)


def add_user(page, base: str, name: str, address: str, role: str, department: str) -> None:
    page.goto(f"{base}/admin/users/new")
    page.fill("#name", name)
    page.fill("#email", address)
    page.get_by_role("radio", name=role).check()
    page.get_by_role("checkbox", name=department).check()
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_have_text(name)
    assert violations(page) == [], f"{name}'s page"


def sign_in(browser, base: str, address: str):
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{base}/login")
    page.fill("#email", address)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/", wait_until="domcontentloaded")
    return page


@pytest.fixture
def set_up(app):
    """`svarfrist setup` on the empty database, as the README's first step says."""
    result = app.test_cli_runner().invoke(
        args=[
            "setup",
            "--frontline-name",
            "Innbyggjarservice",
            "--frontline-slug",
            "innbyggjarservice",
            "--admin-email",
            "siri@alver.no",
            "--admin-name",
            "Siri Systemansvarleg",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output


def test_from_setup_to_a_message_in_the_right_queue(browser, live_server, set_up):
    admin = sign_in(browser, live_server, "siri@alver.no")
    add_department(admin, live_server, "Byggesak", "byggesak")
    add_department(admin, live_server, "Helse og omsorg", "helse")
    add_user(admin, live_server, "Eirik Seim", "eirik@alver.no", "Leiar", "Byggesak")
    add_user(
        admin, live_server, "Kari Haugland", "kari@alver.no", "Sakshandsamar", "Innbyggjarservice"
    )
    admin.goto(f"{live_server}/admin/templates/new")
    admin.fill("#title", "Takk for meldinga")
    admin.select_option("#department", label="Innbyggjarservice")
    admin.fill("#text", "Takk! Saka di har nummer {reference}.")
    admin.click("button[value=save]")
    expect(admin.locator(".flash-success")).to_contain_text("Takk for meldinga")
    admin.context.close()

    db.session.rollback()  # end this session's read snapshot: the pages have written since
    case = receive(email(subject="Kor lang tid tek ein byggesøknad?"))
    db.session.commit()

    kari = sign_in(browser, live_server, "kari@alver.no")
    expect(kari.locator("main")).to_contain_text("Kor lang tid tek ein byggesøknad?")
    kari.goto(f"{live_server}/cases/{case.reference}")
    kari.click("nav.templates >> text=Takk for meldinga")
    expect(kari.locator("form[action$='/reply'] textarea")).to_have_value(
        f"Takk! Saka di har nummer {case.reference}."
    )
    kari.context.close()

    eirik = sign_in(browser, live_server, "eirik@alver.no")
    expect(eirik.locator("h1")).to_be_visible()
    assert "Kor lang tid tek ein byggesøknad?" not in eirik.locator("main").inner_text()
    eirik.context.close()
