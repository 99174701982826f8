"""Script injection from citizens, in a real browser: every field a citizen controls carries a
payload that would set ``window.__xss`` (or open a dialog, or rename the tab) if it ever ran.
Staff then open every page that shows those fields. Each test runs twice: with the
Content-Security-Policy the app sends, and with the browser told to ignore it, so escaping and
sanitizing are checked on their own and not only hidden behind the policy."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from channels.base import InboundAttachment
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import Case, Role
from tests.factories import PASSWORD, make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms


def _sets(where: str) -> str:
    return f"window.__xss='{where}';document.title='pwned'"


SUBJECT = f'"><script>{_sets("subject")}</script><img src=x onerror="{_sets("subject-img")}">'
SENDER_NAME = f'Kari <img src=x onerror="{_sets("sender-name")}"> Nordmann'
TEXT = f"Fjellvegen <script>{_sets('text')}</script> er ikkje brøytt"
FILENAME = f'"><svg onload="{_sets("filename")}">.pdf'
SMS_TEXT = f'<img src=x onerror=alert(1)><a href="javascript:{_sets("sms")}">trykk</a>'
HTML = (
    f"<p>Sjå vedlegget</p><script>{_sets('html-script')}</script>"
    f'<img src=x onerror="{_sets("html-img")}">'
    f'<svg onload="{_sets("html-svg")}"><circle r="4"/></svg>'
    f'<a id="js-link" href="javascript:{_sets("html-link")}">klikk her</a>'
    f'<a href="JaVaScRiPt:{_sets("html-link-case")}">og her</a>'
    f"<iframe srcdoc=\"<script>parent.__xss='html-iframe'</script>\"></iframe>"
    f'<div style="width: expression({_sets("html-css")})">stil</div>'
    f'<object data="javascript:{_sets("html-object")}"></object>'
    f'<form action="javascript:{_sets("html-form")}"><button>send</button></form>'
    f'<math><mtext><table><mglyph><style><img src=x onerror="{_sets("html-mxss")}">'
    f"</style></mglyph></table></mtext></math>"
    f'<p title="&quot;><img src=x onerror={_sets("html-attr")}>">attributt</p>'
)
CALLBACK_NAME = f'"><script>{_sets("callback-name")}</script>'
CALLBACK_ABOUT = f'<svg/onload="{_sets("callback-about")}"> om brøyting'
DEPARTMENT = f'Servicetorget <img src=x onerror="{_sets("department")}">'
QUERY = f'"><script>{_sets("query")}</script>'
# Elements and attributes that only an injection would put on these pages.
INJECTED = (
    "script:not([src]), iframe, object, embed, [onerror], [onload], [onclick], "
    "[srcdoc], a[href^='javascript:' i], form[action^='javascript:' i]"
)
CSP_MODES = {"policy-enforced": False, "policy-ignored": True}
# Every image's load or error event, seen before its own handlers run (capture on the document:
# a load event never reaches the window).
RECORD_SETTLED_IMAGES = (
    "window.__settled = new WeakSet();"
    "for (const type of ['load', 'error'])"
    " document.addEventListener(type, e => window.__settled.add(e.target), true);"
)
# An image has fired its event, or has nothing to fetch and never will.
IMAGES_SETTLED = (
    "() => [...document.images].every(image => window.__settled.has(image)"
    " || !image.getAttribute('src') && !image.getAttribute('srcset'))"
)


@pytest.fixture
def poisoned(app):
    """Cases whose every citizen-controlled field carries a payload."""
    frontline = make_department("innbyggjarservice", is_frontline=True, name=DEPARTMENT)
    make_user(frontline, email="leiar@alver.no", role=Role.LEADER)
    letter = receive(
        email(
            name=SENDER_NAME,
            subject=SUBJECT,
            text=TEXT,
            html=HTML,
            received_at=datetime(2026, 11, 20, 10, 0, tzinfo=OSLO),
            attachments=(InboundAttachment(FILENAME, "application/pdf", b"%PDF-1.4"),),
        )
    )
    message = receive(sms(text=SMS_TEXT, received_at=datetime(2026, 11, 24, 11, 0, tzinfo=OSLO)))
    db.session.commit()
    return {"email": letter.reference, "sms": message.reference}


class Watch:
    """What a page did that only an executed payload could do."""

    def __init__(self, page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.csp_headers: dict[str, str | None] = {}
        page.on("dialog", self._dialog)
        page.add_init_script(
            "window.__csp_violations = [];"
            "document.addEventListener('securitypolicyviolation', e =>"
            " window.__csp_violations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        page.add_init_script(RECORD_SETTLED_IMAGES)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def visit(self, url: str, *, status: int = 200) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == status, url
        self.csp_headers[url] = response.headers.get("content-security-policy")
        self.page.wait_for_load_state("load")
        self.check(url)

    def check(self, where: str) -> None:
        page = self.page
        page.wait_for_function(IMAGES_SETTLED)  # onerror/onload of every image has had its turn
        assert page.evaluate("typeof window.__xss") == "undefined", (
            f"{where}: a payload ran: {page.evaluate('window.__xss')}"
        )
        assert page.title() != "pwned", where
        assert self.dialogs == [], where
        assert page.evaluate("window.__csp_violations") == [], (
            f"{where}: something injected was blocked only by the policy"
        )
        injected = page.locator(INJECTED)
        assert injected.count() == 0, f"{where}: {injected.first.evaluate('e => e.outerHTML')}"


def _log_in(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", "leiar@alver.no")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/", wait_until="domcontentloaded")


def _shown_as_text(page, text: str) -> None:
    expect(page.get_by_text(text, exact=False).first).to_be_visible()


@pytest.mark.parametrize("csp", CSP_MODES)
def test_payloads_from_citizens_never_run_on_staff_pages(browser, live_server, poisoned, csp):
    citizen_context = browser.new_context(bypass_csp=CSP_MODES[csp])
    citizen = Watch(citizen_context.new_page())
    citizen.visit(f"{live_server}/ring-meg")
    citizen.page.fill("#name", CALLBACK_NAME)
    citizen.page.fill("#phone", "912 34 567")
    citizen.page.fill("#about", CALLBACK_ABOUT)
    citizen.page.click("button[type=submit].primary")
    citizen.page.wait_for_url("**/kvittering", wait_until="domcontentloaded")
    citizen.check("the callback receipt")
    citizen.visit(f"{live_server}/login?next={quote(QUERY)}")
    citizen_context.close()

    context = browser.new_context(bypass_csp=CSP_MODES[csp])
    staff = Watch(context.new_page())
    page = staff.page
    _log_in(page, live_server)
    staff.check("the queue after login")

    staff.visit(f"{live_server}/")
    _shown_as_text(page, SUBJECT)
    _shown_as_text(page, SENDER_NAME)
    _shown_as_text(page, CALLBACK_NAME)
    # In the table: the filter form's (closed) department list holds the name too.
    _shown_as_text(page.locator("main table"), DEPARTMENT)

    staff.visit(f"{live_server}/?q=Fjellvegen")
    _shown_as_text(page, SUBJECT)
    staff.visit(f"{live_server}/?q={quote(QUERY)}")
    expect(page.locator("#q")).to_have_value(QUERY)

    staff.visit(f"{live_server}/cases/{poisoned['email']}")
    _shown_as_text(page, TEXT)
    _shown_as_text(page, SUBJECT)
    _shown_as_text(page, FILENAME)
    page.locator(".conversation details summary").first.click()  # "show the formatted version"
    staff.check("the case page's formatted e-mail")
    formatted = page.locator(".external-html")
    expect(formatted).to_contain_text("Sjå vedlegget")
    expect(formatted).to_contain_text("klikk her")
    formatted.get_by_text("klikk her").click()
    staff.check("after clicking the e-mail's javascript: link")
    assert page.url.startswith(f"{live_server}/cases/")

    staff.visit(f"{live_server}/cases/{poisoned['sms']}")
    _shown_as_text(page, "<img src=x onerror=alert(1)>")

    db.session.commit()  # a new transaction sees the case the citizen's request made
    callback = db.session.scalar(select(Case.reference).where(Case.channel == "callback"))
    staff.visit(f"{live_server}/cases/{callback}")
    _shown_as_text(page, CALLBACK_ABOUT)
    _shown_as_text(page, CALLBACK_NAME)

    staff.visit(f"{live_server}/reports/channels?year=2026")
    expect(page.get_by_role("rowheader", name=DEPARTMENT)).to_be_visible()
    staff.visit(f"{live_server}/cases/{quote(QUERY, safe='')}", status=404)

    assert all(staff.csp_headers.values()), staff.csp_headers
    assert all("script-src 'self'" in header for header in staff.csp_headers.values())
    context.close()
