"""Signing in through a real OpenID Connect provider (npm's oidc-provider on loopback), in
Chromium: from the login page's button to the inbox, a person moved at the provider between
two sign-ins, a person with no role, sign-out at the provider, a forged and a replayed
callback, and passwords off with a break-glass administrator."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from inbox.extensions import db
from inbox.models import ApiToken, AuditEvent, Role, User
from inbox.people.users import create_api_token, user_with_email
from tests.conftest import emptied_after
from tests.e2e.test_pages import violations
from tests.factories import PASSWORD, make_department, make_user
from tests.oidc import PROVIDER_NAME, SECRET, SECRET_ENV, RealProvider, build_app, write_config

SHOTS = Path("test-screenshots")
# Pages before sign-in follow Chromium's Accept-Language (English), and so does a user the
# provider made (they keep the language they signed in with); users made here use Nynorsk.


class LaterApp:
    """A WSGI app set after the server listens: the provider needs our address for its
    redirect URIs, and the app needs the provider's for its discovery URL."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


class Site:
    def __init__(self, database_url, tmp_path, local_passwords: bool) -> None:
        self.later = LaterApp()
        self.server = make_server("127.0.0.1", 0, self.later, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.provider = RealProvider(tmp_path, self.base)
        config = write_config(
            tmp_path,
            discovery_url=self.provider.discovery_url,
            public_url=self.base,
            local_passwords=local_passwords,
        )
        self.later.app = build_app(database_url, config, tmp_path / "data")

    def stop(self) -> None:
        self.provider.stop()
        self.server.shutdown()
        self.thread.join(timeout=5)


def _site(database_url, tmp_path, monkeypatch, *, local_passwords: bool):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    site = Site(database_url, tmp_path, local_passwords)
    try:
        with emptied_after(site.later.app):
            make_department("byggesak", is_frontline=True, name="Byggesak")
            make_department("barnehage", name="Barnehage")
            db.session.commit()
            yield site
    finally:
        site.stop()


@pytest.fixture
def site(database_url, tmp_path, monkeypatch):
    yield from _site(database_url, tmp_path, monkeypatch, local_passwords=True)


@pytest.fixture
def site_without_passwords(database_url, tmp_path, monkeypatch):
    yield from _site(database_url, tmp_path, monkeypatch, local_passwords=False)


def sign_in_at_provider(page, site, login: str) -> None:
    """Press the button and sign in on the provider's own page."""
    page.goto(f"{site.base}/login")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    page.wait_for_url(f"{site.provider.issuer}/**", wait_until="domcontentloaded")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password: the provider's development login")
    page.click("button.login-submit")


def fresh(email: str) -> User:
    db.session.expire_all()
    return user_with_email(email)


def shoot(browser, url: str, name: str) -> None:
    """Screenshots at 1366 and 360 px wide, without sideways scrolling on the phone."""
    SHOTS.mkdir(exist_ok=True)
    for width in (1366, 360):
        context = browser.new_context(viewport={"width": width, "height": 800})
        tab = context.new_page()
        tab.goto(url)
        tab.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        if width == 360:
            assert tab.evaluate("document.documentElement.scrollWidth") <= 360, name
        context.close()


def test_the_button_leads_through_the_provider_to_the_inbox(page, browser, site):
    site.provider.set_person(
        "kari", email="Kari@Alver.kommune.no", name="Kari Nordmann", roles=["Svarfrist.Byggesak"]
    )
    page.goto(f"{site.base}/login")
    assert violations(page) == [], "login page with the provider's button"
    shoot(browser, f"{site.base}/login", "oidc-login")
    sign_in_at_provider(page, site, "kari")
    page.wait_for_url(f"{site.base}/", wait_until="domcontentloaded")
    expect(page.locator(".signed-in")).to_have_text("Kari Nordmann")
    kari = fresh("kari@alver.kommune.no")
    assert kari.language == "en"  # the login page's
    assert kari.role == Role.STAFF and [d.slug for d in kari.departments] == ["byggesak"]
    assert kari.password_hash is None and kari.oidc_subject == "kari"
    assert kari.oidc_issuer == site.provider.issuer


def test_a_person_moved_at_the_provider_is_moved_at_the_next_sign_in(page, site):
    site.provider.set_person(
        "ola", email="ola@alver.kommune.no", name="Ola", roles=["Svarfrist.Byggesak"]
    )
    sign_in_at_provider(page, site, "ola")
    page.wait_for_url(f"{site.base}/", wait_until="domcontentloaded")
    expect(page.get_by_role("link", name="Channel report")).to_have_count(0)  # staff
    page.get_by_role("button", name="Log out").click()
    page.click("button[name=logout]")  # the provider asks "Yes, sign me out"
    page.wait_for_url(f"{site.base}/login**", wait_until="domcontentloaded")

    site.provider.set_person(
        "ola",
        email="ola@alver.kommune.no",
        name="Ola Nordmann",
        roles=["Svarfrist.Leiar.Byggesak", "Svarfrist.Barnehage"],
    )
    sign_in_at_provider(page, site, "ola")
    page.wait_for_url(f"{site.base}/", wait_until="domcontentloaded")
    expect(page.get_by_role("link", name="Channel report")).to_be_visible()  # a leader's
    ola = fresh("ola@alver.kommune.no")
    assert (ola.role, ola.name) == (Role.LEADER, "Ola Nordmann")
    assert sorted(d.slug for d in ola.departments) == ["barnehage", "byggesak"]


def test_a_person_with_no_role_is_refused_and_their_sessions_and_tokens_end(page, browser, site):
    trond = make_user(email="trond@alver.kommune.no", name="Trond")
    create_api_token(trond)
    version = trond.session_version
    db.session.commit()
    site.provider.set_person("trond", email="trond@alver.kommune.no", roles=["Another.App"])
    sign_in_at_provider(page, site, "trond")
    page.wait_for_url(f"{site.base}/auth/oidc/callback**", wait_until="domcontentloaded")
    expect(page.locator("h1")).to_have_text("Not signed in")
    expect(page.locator("main")).to_contain_text("gives you no role in Svarfrist")
    expect(page.locator("main")).to_contain_text("it-hjelp@alver.kommune.no")
    assert violations(page) == [], "refusal page"
    SHOTS.mkdir(exist_ok=True)
    for width in (1366, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SHOTS / f"oidc-refused-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert fresh("trond@alver.kommune.no").session_version == version + 1
    assert db.session.scalar(select(ApiToken.id)) is None
    reasons = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "auth.oidc_refused")
    ).all()
    assert reasons == [{"reason": "no_mapped_claim"}]


def test_sign_out_reaches_the_provider_and_comes_back(page, site):
    site.provider.set_person("kari", email="kari@alver.kommune.no", roles=["Svarfrist.Admin"])
    sign_in_at_provider(page, site, "kari")
    page.wait_for_url(f"{site.base}/", wait_until="domcontentloaded")
    with page.expect_request(f"{site.provider.issuer}/session/end**") as logout:
        page.get_by_role("button", name="Log out").click()
    assert "id_token_hint=" in logout.value.url
    assert f"post_logout_redirect_uri={site.base.replace(':', '%3A').replace('/', '%2F')}" in (
        logout.value.url
    )
    page.click("button[name=logout]")
    page.wait_for_url(f"{site.base}/login**", wait_until="domcontentloaded")
    page.goto(f"{site.base}/")
    page.wait_for_url(f"{site.base}/login**", wait_until="domcontentloaded")  # signed out here too
    # ... and at the provider: the button asks for the login again.
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(page.locator("input[name=login]")).to_be_visible()


def test_a_forged_and_a_replayed_callback_are_refused(page, site):
    page.goto(f"{site.base}/auth/oidc/callback?code=stolen&state=forged")
    expect(page.locator("main")).to_contain_text(
        "does not belong to a sign-in started in this browser"
    )
    site.provider.set_person("kari", email="kari@alver.kommune.no", roles=["Svarfrist.Byggesak"])
    callbacks = []
    page.on(
        "request",
        lambda request: (
            callbacks.append(request.url) if "/auth/oidc/callback" in request.url else None
        ),
    )
    sign_in_at_provider(page, site, "kari")
    page.wait_for_url(f"{site.base}/", wait_until="domcontentloaded")
    page.goto(callbacks[-1])  # the same code and state again
    expect(page.locator("main")).to_contain_text(
        "does not belong to a sign-in started in this browser"
    )
    reasons = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "auth.oidc_refused")
    ).all()
    assert reasons == [{"reason": "state_mismatch"}, {"reason": "state_mismatch"}]


def test_passwords_off_hide_the_form_and_refuse_it_but_not_for_break_glass(
    page, browser, site_without_passwords
):
    site = site_without_passwords
    make_user(email="staff@alver.kommune.no")
    admin = make_user(email="naud@alver.kommune.no", role=Role.ADMIN, name="Naudtilgang")
    admin.is_break_glass = True
    db.session.commit()
    page.goto(f"{site.base}/login")
    expect(page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}")).to_be_visible()
    expect(page.locator("input[type=password]")).to_have_count(0)
    assert violations(page) == [], "login page without passwords"
    shoot(browser, f"{site.base}/login", "oidc-login-passwords-off")
    shoot(browser, f"{site.base}/login/break-glass", "oidc-break-glass")

    page.goto(f"{site.base}/login/break-glass")
    assert violations(page) == [], "break-glass login page"
    page.fill("#email", "staff@alver.kommune.no")
    page.fill("#password", PASSWORD)  # the right password, of a user who is not break-glass
    page.click("button[type=submit].primary")
    expect(page.locator("#login-error")).to_contain_text(
        "Only break-glass administrators may sign in with a password here"
    )
    expect(page.locator("#email")).to_have_value("staff@alver.kommune.no")
    assert page.url.endswith("/login")

    page.fill("#email", "naud@alver.kommune.no")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{site.base}/", wait_until="domcontentloaded")
    page.goto(f"{site.base}/admin/sign-in")
    expect(page.locator("table.break-glass")).to_contain_text("Naudtilgang")
    assert violations(page) == [], "administration: sign-in"
    SHOTS.mkdir(exist_ok=True)
    for width in (1366, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SHOTS / f"admin-sign-in-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("user.%")).order_by(AuditEvent.id)
    ).all()
    assert actions == ["user.login_failed", "user.login", "user.break_glass_login"]
