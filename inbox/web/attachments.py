"""Downloading a message's attachments, and previews of the images and PDFs among them.

A preview is served only for bytes that *are* a PNG, JPEG, GIF, WebP or PDF (sniffed from
the stored file; the sender's Content-Type and file name are not trusted), never SVG or
HTML, under a policy that lets the file run nothing.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta

from flask import Blueprint, render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import HTTPException, NotFound, ServiceUnavailable, UnsupportedMediaType

from channels.filenames import safe_filename
from inbox.blobs import BlobMissing, BlobStoreUnavailable, current_store
from inbox.cases.access import attachment_to_see
from inbox.clock import now
from inbox.extensions import db
from inbox.logs import describe
from inbox.models import Attachment, AuditEvent
from inbox.people import audit

blueprint = Blueprint("attachments", __name__)
log = logging.getLogger(__name__)
RETRY_AFTER = 30  # seconds
# Attachments hold personal data, as pages do: no browser or proxy keeps a copy.
NO_COPIES = "private, no-store"

# The leading bytes that make a file one we preview (the WHATWG MIME Sniffing Standard's
# patterns for these types), and the type it is then served as.
IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
PDF_SIGNATURE = b"%PDF-"
IMAGE = "image"
PDF = "pdf"
# Larger files get only the download link: a phone on a slow line should not fetch them
# to show the case.
PREVIEW_LIMITS = {IMAGE: 10 * 1024 * 1024, PDF: 25 * 1024 * 1024}
# An image may show nothing but itself; a PDF in the browser's viewer runs in a sandbox,
# without scripts, forms or anything from elsewhere.
PREVIEW_POLICIES = {
    IMAGE: "default-src 'none'; frame-ancestors 'none'",
    PDF: "sandbox; default-src 'none'; frame-ancestors 'none'",
}
# One audit line per person, attachment and day for previews: an image is fetched on
# every view of its case.
PREVIEW_AUDIT_REPEAT = timedelta(hours=24)
# The stored bytes under a sha256 never change, so what they are is remembered by hash.
_sniffed: dict[str, tuple[str, str] | None] = {}
SNIFFED_REMEMBERED = 4096
NOT_SNIFFED = ("", "")


def sniffed_type(content: bytes) -> tuple[str, str] | None:
    """(``image`` or ``pdf``, the type to serve it as) for bytes we preview, else ``None``."""
    for signature, mimetype in IMAGE_SIGNATURES:
        if content.startswith(signature):
            return IMAGE, mimetype
    if content[:4] == b"RIFF" and content[8:14] == b"WEBPVP":
        return IMAGE, "image/webp"
    if content.startswith(PDF_SIGNATURE):
        return PDF, "application/pdf"
    return None


def preview_kind(attachment: Attachment) -> str | None:
    """``image`` or ``pdf`` when the case page shows a preview of ``attachment``, else ``None``.

    The file is read once per process (and hash); a file the store cannot give just now
    gets its download link only.
    """
    if attachment.size > max(PREVIEW_LIMITS.values()):
        return None
    sniffed = _sniffed.get(attachment.sha256, NOT_SNIFFED)
    if sniffed is NOT_SNIFFED:
        try:
            content = current_store().get(attachment.sha256)
        except (BlobMissing, BlobStoreUnavailable):
            return None
        if len(_sniffed) >= SNIFFED_REMEMBERED:
            _sniffed.clear()
        sniffed = _sniffed[attachment.sha256] = sniffed_type(content)
    if sniffed is None or attachment.size > PREVIEW_LIMITS[sniffed[0]]:
        return None
    return sniffed[0]


@blueprint.app_template_global("attachment_preview")
def _attachment_preview(attachment: Attachment) -> str | None:
    return preview_kind(attachment)


@blueprint.route("/attachments/<id:attachment_id>")
@login_required
def download(attachment_id: int):
    """Always a download, never shown inline: files from outside are not trusted."""
    attachment = attachment_to_see(current_user, attachment_id)
    audit.record(
        "attachment.download",
        user=current_user,
        case=attachment.message.case,
        attachment_id=attachment.id,
    )
    db.session.commit()
    content, refusal = _content(attachment)
    if refusal is not None:
        return refusal
    response = send_file(
        io.BytesIO(content),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=safe_filename(attachment.filename),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _content(attachment):
    """The attachment's bytes from the blob store, or the page that says why they are not
    there (missing: 404; the store not answering: 503 with ``Retry-After``)."""
    try:
        return current_store().get(attachment.sha256), None
    except BlobMissing as error:
        log.error("attachment_missing attachment=%s error=%s", attachment.id, describe(error))
        return None, _not_fetched(
            NotFound(), _("The attachment's file is missing"), _no_file(attachment)
        )
    except BlobStoreUnavailable as error:
        log.warning("attachment_unavailable attachment=%s error=%s", attachment.id, describe(error))
        page, code = _not_fetched(
            ServiceUnavailable(),
            _("The file storage is not answering"),
            _("The attachment could not be fetched just now. Try again in a minute."),
        )
        return None, (page, code, {"Retry-After": str(RETRY_AFTER)})


@blueprint.route("/attachments/<id:attachment_id>/preview")
@login_required
def preview(attachment_id: int):
    """The image or PDF shown in the browser (``inline``), when its bytes are one; the
    download stays the way to get the file itself."""
    attachment = attachment_to_see(current_user, attachment_id)
    if attachment.size > max(PREVIEW_LIMITS.values()):
        return _no_preview()  # not even fetched from the store
    content, refusal = _content(attachment)
    if refusal is not None:
        return refusal
    sniffed = sniffed_type(content)
    if sniffed is None or len(content) > PREVIEW_LIMITS[sniffed[0]]:
        return _no_preview()
    kind, mimetype = sniffed
    _audit_preview(attachment)
    db.session.commit()
    response = send_file(
        io.BytesIO(content),
        mimetype=mimetype,
        as_attachment=False,
        download_name=safe_filename(attachment.filename),
    )
    response.headers["Content-Security-Policy"] = PREVIEW_POLICIES[kind]
    response.headers["Cache-Control"] = NO_COPIES
    return response


def _audit_preview(attachment: Attachment) -> None:
    """Audit the preview, unless this person previewed this attachment in the last day."""
    since = now() - PREVIEW_AUDIT_REPEAT
    earlier = db.session.scalars(
        select(AuditEvent.details).where(
            AuditEvent.user_id == current_user.id,
            AuditEvent.case_id == attachment.message.case_id,
            AuditEvent.action == "attachment.preview",
            AuditEvent.at >= since,
        )
    )
    if any(details.get("attachment_id") == attachment.id for details in earlier):
        return
    audit.record(
        "attachment.preview",
        user=current_user,
        case=attachment.message.case,
        attachment_id=attachment.id,
    )


def _no_preview() -> tuple[str, int]:
    return _not_fetched(
        UnsupportedMediaType(),
        _("No preview of this file"),
        _(
            "Only images (PNG, JPEG, GIF, WebP) and PDF files are shown in the browser, "
            "and only up to their size limit. Download the file to open it."
        ),
    )


def _no_file(attachment: Attachment) -> str:
    return _(
        "Its file is not in the storage. Tell an administrator the attachment's number: "
        "%(number)s.",
        number=attachment.id,
    )


def _not_fetched(error: HTTPException, title: str, text: str) -> tuple[str, int]:
    """The error page with what happened to this attachment, instead of the code's words."""
    return render_template("errors/error.html", error=error, title=title, text=text), error.code
