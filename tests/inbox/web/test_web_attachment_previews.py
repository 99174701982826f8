"""Previews of attachments on the case page: images and PDFs recognised by their bytes, served
inline from our own origin under a policy that lets them run nothing; everything else, and
anything too large, only as the download it always was (both databases)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from channels.base import InboundAttachment
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import AuditEvent, Department
from inbox.web import attachments as attachment_views
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email
from tests.inbox.web_helpers import log_in

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def case_with(app):
    """A case whose e-mail carries ``files`` as (name, the sender's type, bytes)."""
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    make_user(frontline, email="kari@alver.no")
    make_department("byggesak")

    def create(*files: tuple[str, str, bytes]):
        case = receive(email(attachments=tuple(InboundAttachment(*file) for file in files)))
        db.session.commit()
        stored = {a.filename: a for m in case.messages for a in m.attachments}
        return case, stored

    return create


def test_an_image_is_shown_by_its_bytes_even_when_the_sender_calls_it_something_else(
    client, case_with
):
    case, stored = case_with(("skanna.bin", "application/octet-stream", PNG))
    log_in(client, "kari@alver.no")

    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)

    number = stored["skanna.bin"].id
    image = re.search(r'<img class="attachment-preview"[^>]*>', page).group(0)
    assert f'src="/attachments/{number}/preview"' in image
    assert 'alt="skanna.bin"' in image and 'loading="lazy"' in image
    assert f'href="/attachments/{number}/preview"' in page  # the full size, on its own


@pytest.mark.parametrize(
    ("content", "served_as"),
    [(PNG, "image/png"), (JPEG, "image/jpeg"), (GIF, "image/gif"), (WEBP, "image/webp")],
)
def test_an_image_preview_is_inline_from_our_origin_and_may_run_nothing(
    client, case_with, content, served_as
):
    _case, stored = case_with(("bilete", "image/png", content))
    log_in(client, "kari@alver.no")

    response = client.get(f"/attachments/{stored['bilete'].id}/preview")

    assert response.status_code == 200 and response.get_data() == content
    assert response.mimetype == served_as
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert (
        response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_pdf_gets_a_preview_link_that_opens_it_inline_in_a_sandbox(client, case_with):
    case, stored = case_with(("situasjonsplan.pdf", "application/octet-stream", PDF))
    log_in(client, "kari@alver.no")
    number = stored["situasjonsplan.pdf"].id

    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    response = client.get(f"/attachments/{number}/preview")

    assert "attachment-preview" not in page  # no <img> for a PDF
    assert f'href="/attachments/{number}/preview" aria-describedby="attachment-{number}"' in page
    assert "Opna førehandsvising" in page
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "default-src 'none'" in policy
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("name", "claimed", "content"),
    [
        ("bilete.png", "image/png", HTML),
        ("teikning.svg", "image/svg+xml", SVG),
        ("plan.pdf", "application/pdf", b"not a pdf at all"),
    ],
)
def test_a_file_that_is_no_image_or_pdf_is_never_served_inline(
    client, case_with, name, claimed, content
):
    case, stored = case_with((name, claimed, content))
    log_in(client, "kari@alver.no")
    number = stored[name].id

    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    response = client.get(f"/attachments/{number}/preview")

    assert f"/attachments/{number}/preview" not in page
    assert response.status_code == 415
    assert content not in response.get_data()
    assert "Inga førehandsvising av denne fila" in response.get_data(as_text=True)
    download = client.get(f"/attachments/{number}")  # the download stays as it was
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.mimetype == "application/octet-stream"


def test_an_image_over_the_size_limit_gets_only_its_download_link(client, case_with, monkeypatch):
    monkeypatch.setitem(attachment_views.PREVIEW_LIMITS, "image", len(PNG) - 1)
    case, stored = case_with(("stort.png", "image/png", PNG))
    log_in(client, "kari@alver.no")
    number = stored["stort.png"].id

    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)

    assert f'href="/attachments/{number}"' in page
    assert f"/attachments/{number}/preview" not in page
    assert client.get(f"/attachments/{number}/preview").status_code == 415


def test_another_departments_attachment_has_no_preview_for_you(client, case_with):
    _case, stored = case_with(("skanna.png", "image/png", PNG))
    byggesak = db.session.scalar(select(Department).where(Department.slug == "byggesak"))
    make_user(byggesak, email="ola@alver.no")
    db.session.commit()
    log_in(client, "ola@alver.no")

    response = client.get(f"/attachments/{stored['skanna.png'].id}/preview")

    assert response.status_code == 404 and PNG not in response.get_data()


def test_previews_are_audited_once_a_day_per_person_and_attachment(client, case_with):
    _case, stored = case_with(("skanna.png", "image/png", PNG))
    number = stored["skanna.png"].id
    db.session.rollback()  # read what the requests committed, not this session's snapshot
    log_in(client, "kari@alver.no")
    for _ in range(3):
        assert client.get(f"/attachments/{number}/preview").status_code == 200

    db.session.rollback()
    previews = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "attachment.preview")
    )
    assert previews == 1
