"""Issue 18 in Chromium: image attachments shown on the case page from our own origin, a PDF
opened in the browser's viewer, and the queue's "needs attention" panel whose links lead to
exactly the cases it counts; axe-clean in each language, at desk and phone width."""

from __future__ import annotations

import struct
import zlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from channels.base import InboundAttachment
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from tests.e2e.test_pages import LANGUAGES, log_in, violations
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=OSLO)  # Friday
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 595 842]/Parent 2 0 R>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def png(width: int, height: int) -> bytes:
    """A real PNG of one colour, so the browser decodes it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xc8\x64\x32" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    for code in LANGUAGES:
        make_user(frontline, email=f"{code}@alver.no", name=f"Kari {code}", language=code)
    photo = InboundAttachment("IMG_2041.bin", "application/octet-stream", png(640, 400))
    plan = InboundAttachment("situasjonsplan.pdf", "application/pdf", PDF)
    cases = {
        "attached": receive(
            email(received_at=datetime(2026, 11, 26, 10, tzinfo=OSLO), attachments=(photo, plan))
        ),
        "overdue": receive(
            email(sender="b@example.no", received_at=datetime(2026, 11, 13, 10, tzinfo=OSLO))
        ),
    }
    db.session.commit()
    return cases


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_image_attachment_is_shown_and_a_pdf_opens_in_the_browser(
    browser, live_server, town, language
):
    for width in (1366, 360):
        tab = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        log_in(tab, live_server, f"{language}@alver.no")
        tab.goto(f"{live_server}/cases/{town['attached'].reference}")
        image = tab.locator("img.attachment-preview")
        expect(image).to_have_attribute("alt", "IMG_2041.bin")
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("element => element.naturalWidth") == 640  # decoded, not blocked
        assert violations(tab) == [], f"case page with previews at {width}px in {language}"
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        tab.context.close()
    tab = browser.new_context().new_page()
    log_in(tab, live_server, f"{language}@alver.no")
    tab.goto(f"{live_server}/cases/{town['attached'].reference}")
    pdf_link = tab.locator("ul.attachments li", has_text="situasjonsplan.pdf").locator(
        "a[href$='/preview']"
    )
    address = pdf_link.get_attribute("href")
    with tab.expect_response(lambda response: response.url.endswith(address)) as opened:
        pdf_link.click()
    response = opened.value
    headers = response.all_headers()  # .headers leaves out some, CSP among them
    assert response.status == 200
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"].startswith("inline;")
    assert headers["content-security-policy"].startswith("sandbox;")
    tab.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_queue_panel_links_to_exactly_the_cases_it_counts(browser, live_server, town, language):
    for width in (1366, 360):
        tab = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        log_in(tab, live_server, f"{language}@alver.no")
        panel = tab.locator("section.escalations")
        expect(panel.locator("h2")).to_be_visible()
        assert violations(tab) == [], f"queue with its panel at {width}px in {language}"
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        panel.locator("a[href='/?due=overdue']").click()
        expect(tab.locator("tbody tr")).to_have_count(1)
        expect(tab.locator("tbody")).to_contain_text(town["overdue"].reference)
        tab.context.close()
